import type { Trajectory, TrajectoryChunk } from './types.js';

/** A trajectory held in growable buffers so streamed chunks append in amortised O(chunk). */
export interface Run {
  readonly name: string;
  /** Stable per name for the figure's life: plotly matches traces across redraws by uids built from it. */
  readonly key: number;
  /** Position in the legend, which picks the colour: the k-th run gets `--wg-series-k`, like a swatch list. */
  readonly colorIndex: number;
  /** Coordinates per point, known once the first point arrives (0 before). */
  dimension: number;
  /** Number of points (steps + 1). */
  count: number;
  gradCount: number;
  points: Float64Array;
  losses: Float64Array;
  gradNorms: Float64Array;
  stopReason: string | undefined;
}

/** The runs a figure shows, in legend order. */
export class RunStore {
  #runs: Run[] = [];
  #keys = new Map<string, number>();

  get runs(): readonly Run[] {
    return this.#runs;
  }

  /** Replaces every run. Names must be unique. */
  set(trajectories: readonly Trajectory[]): void {
    const names = new Set<string>();
    this.#runs = trajectories.map((trajectory, position) => {
      if (names.has(trajectory.name)) throw new Error(`two trajectories are named "${trajectory.name}"`);
      names.add(trajectory.name);
      const run = this.#create(trajectory.name, position);
      append(run, trajectory);
      run.stopReason = trajectory.stopReason;
      return run;
    });
  }

  /** Appends a chunk to the run called `name`, creating it (at the end of the legend) if new. */
  extend(name: string, chunk: TrajectoryChunk): void {
    let run = this.#runs.find((candidate) => candidate.name === name);
    if (!run) {
      run = this.#create(name, this.#runs.length);
      this.#runs.push(run);
    }
    append(run, chunk);
    if (chunk.stopReason !== undefined) run.stopReason = chunk.stopReason;
  }

  #create(name: string, colorIndex: number): Run {
    let key = this.#keys.get(name);
    if (key === undefined) {
      key = this.#keys.size;
      this.#keys.set(name, key);
    }
    const empty = new Float64Array(0);
    return {
      name,
      key,
      colorIndex,
      dimension: 0,
      count: 0,
      gradCount: 0,
      points: empty,
      losses: empty,
      gradNorms: empty,
      stopReason: undefined,
    };
  }
}

function append(run: Run, rows: TrajectoryChunk): void {
  const m = rows.losses.length;
  if (m === 0) {
    if (rows.points.length !== 0) throw new RangeError(`trajectory "${run.name}": points given without losses`);
  } else {
    const dimension = rows.points.length / m;
    if (!Number.isInteger(dimension) || dimension < 1)
      throw new RangeError(
        `trajectory "${run.name}": ${rows.points.length} coordinates do not split into ${m} points`,
      );
    if (run.dimension !== 0 && dimension !== run.dimension)
      throw new RangeError(`trajectory "${run.name}": points of dimension ${dimension}, expected ${run.dimension}`);
    run.dimension = dimension;
    run.points = grow(run.points, run.count * dimension, rows.points);
    run.losses = grow(run.losses, run.count, rows.losses);
    run.count += m;
  }
  if (rows.gradNorms && rows.gradNorms.length > 0) {
    run.gradNorms = grow(run.gradNorms, run.gradCount, rows.gradNorms);
    run.gradCount += rows.gradNorms.length;
  }
}

/** Writes `extra` after the first `used` entries of `buffer`, doubling the buffer when full. */
function grow(buffer: Float64Array, used: number, extra: Float64Array): Float64Array {
  let target = buffer;
  if (used + extra.length > buffer.length) {
    target = new Float64Array(Math.max(used + extra.length, 2 * buffer.length, 16));
    target.set(buffer.subarray(0, used));
  }
  target.set(extra, used);
  return target;
}

/** Column views of a run, fresh arrays each call so plotly's `react` sees new data by reference. */
export interface RunColumns {
  x: Float64Array;
  y: Float64Array;
  losses: Float64Array;
  gradNorms: Float64Array;
  steps: Float64Array;
  /** Per point: [step, loss, "(x₁, x₂, …)"] for hover templates. */
  hover: [number, number, string][];
}

export function runColumns(run: Run): RunColumns {
  const { count, dimension, points } = run;
  const x = new Float64Array(count);
  const y = new Float64Array(count);
  const hover: [number, number, string][] = new Array(count);
  for (let t = 0; t < count; t++) {
    x[t] = points[t * dimension]!;
    y[t] = dimension > 1 ? points[t * dimension + 1]! : Number.NaN;
    hover[t] = [t, run.losses[t]!, formatPoint(points.subarray(t * dimension, (t + 1) * dimension))];
  }
  return {
    x,
    y,
    losses: run.losses.slice(0, count),
    gradNorms: run.gradNorms.slice(0, run.gradCount),
    steps: Float64Array.from({ length: Math.max(count, run.gradCount) }, (_, t) => t),
    hover,
  };
}

/** A number with 4 significant digits, without trailing zeros ("0.1", "1.235e-7", "NaN"). */
export function formatNumber(value: number): string {
  return Number.isFinite(value) ? String(Number(value.toPrecision(4))) : String(value);
}

const MAX_SHOWN_COORDINATES = 6;

/** "(x₁, x₂, …)" with at most six coordinates. */
export function formatPoint(point: Float64Array): string {
  const shown = Array.from(point.subarray(0, MAX_SHOWN_COORDINATES), formatNumber);
  if (point.length > MAX_SHOWN_COORDINATES) shown.push(`… ${point.length - MAX_SHOWN_COORDINATES} more`);
  return `(${shown.join(', ')})`;
}

/** Text safe inside plotly's pseudo-HTML labels. */
export function escapeLabel(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
