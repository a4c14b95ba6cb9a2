import type { ZScale } from './types.js';

/** How loss values become colour (contour) or height (surface). */
export interface ZTransform {
  readonly log: boolean;
  /** Axis / colour bar title. */
  readonly label: string;
  apply(loss: number): number;
}

/** `auto` switches to log when the top of the range dwarfs the typical value, as for Rosenbrock. */
const AUTO_LOG_RATIO = 10;

/**
 * Picks the transform from the grid's values. `log` is log₁₀(loss − min + δ) with δ = 10⁻⁴·(max − min),
 * so the minimum stays finite and the colours span about four decades.
 */
export function zTransform(values: Float64Array, scale: ZScale): ZTransform {
  const finite = Array.from(values).filter(Number.isFinite).sort((a, b) => a - b);
  const min = finite[0] ?? 0;
  const max = finite[finite.length - 1] ?? 0;
  const median = finite[Math.floor(finite.length / 2)] ?? 0;
  const spread = max - min;
  const wantLog = scale === 'log' || (scale === 'auto' && median > min && spread > AUTO_LOG_RATIO * (median - min));
  if (!wantLog || !(spread > 0)) return { log: false, label: 'loss', apply: (loss) => loss };
  const delta = spread * 1e-4;
  return {
    log: true,
    label: 'log₁₀(loss − min)',
    apply: (loss) => Math.log10(Math.max(loss - min, 0) + delta),
  };
}

/** The grid's z as plotly's rows (`rows[j][i]` at x[i], y[j]) after the transform. */
export function gridRows(z: Float64Array, nx: number, ny: number, transform: ZTransform): number[][] {
  if (z.length !== nx * ny) throw new RangeError(`grid: z has ${z.length} values, expected ny·nx = ${ny}·${nx}`);
  return Array.from({ length: ny }, (_, j) => Array.from(z.subarray(j * nx, (j + 1) * nx), transform.apply));
}
