/**
 * The data shapes the worker and the engine produce. All arrays are Float64Array so results from a
 * worker can be plotted without copying.
 */

/** A loss evaluated on a rectangular grid (from `evaluateGrid`). */
export interface Grid {
  /** nx abscissae, increasing. */
  x: Float64Array;
  /** ny ordinates, increasing. */
  y: Float64Array;
  /** ny·nx values, row-major: `z[j * nx + i] = f(x[i], y[j])`. */
  z: Float64Array;
}

/** One optimisation run: the iterates x₀ … x_k of dimension n, and the loss at each. */
export interface Trajectory {
  /** Legend label; also the key that `extend(name, …)` appends to. */
  name: string;
  /** (k+1)·n coordinates, row-major (point t is `points[t*n … t*n+n-1]`); figures use the first two. */
  points: Float64Array;
  /** k+1 losses, `losses[t] = f(x_t)`. */
  losses: Float64Array;
  /** Optional gradient norms ‖∇f(x_t)‖, one per step (may be shorter than `losses`). */
  gradNorms?: Float64Array;
  /** Why the run stopped ("converged", "max steps", "diverged", …); shown on the end marker. */
  stopReason?: string;
}

/** Rows appended to a trajectory while a run streams: m more points, m more losses. */
export interface TrajectoryChunk {
  /** m·n coordinates, row-major, same dimension n as the trajectory. */
  points: Float64Array;
  /** m losses. */
  losses: Float64Array;
  /** Optional m gradient norms. */
  gradNorms?: Float64Array;
  /** Set when the run has finished. */
  stopReason?: string;
}

/** A Jacobian J[i][j] = ∂fᵢ/∂xⱼ, row-major. */
export interface Jacobian {
  rows: number;
  cols: number;
  /** rows·cols entries, row-major: `data[i * cols + j]`. */
  data: Float64Array;
  /** One label per output (default f₁ … f_m). */
  rowLabels?: readonly string[];
  /** One label per input (default x₁ … x_n). */
  colLabels?: readonly string[];
}

/** How loss values map to colour and height: as is, or log₁₀(loss − min + δ); `auto` picks log for wide ranges. */
export type ZScale = 'linear' | 'log' | 'auto';

/** A point in data coordinates. */
export interface DataPoint {
  x: number;
  y: number;
}
