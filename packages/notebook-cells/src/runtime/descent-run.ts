import type { ProgressChunk, Trajectory } from '@wengert/worker';
import { type DescentSettings, optimizerSpec, runLabel } from './descent-settings.js';
import type { LossValue } from './loss-value.js';

/** One optimizer's run as it streams: the points so far (row-major, n per point) and their losses. */
export interface DescentRun {
  /** Unique within the cell: "adam η=0.01". */
  readonly label: string;
  /** Dimension of x. */
  readonly n: number;
  /** Number of points so far (steps + 1 once finished). */
  readonly count: number;
  readonly points: Float64Array;
  readonly losses: Float64Array;
  readonly gradNorms: Float64Array;
  /** Set when the run ended: converged, maxSteps, diverged, nonFinite, aborted, or error. */
  readonly stopReason?: string;
  /** Why the run failed, when it did. */
  readonly error?: unknown;
}

/** What `<wg-descent-cell name="gd">` defines as `gd`, a new snapshot each time the runs advance. */
export interface DescentResult {
  readonly kind: 'wengert-descent';
  readonly name: string;
  readonly loss: LossValue;
  readonly settings: DescentSettings;
  readonly runs: readonly DescentRun[];
  /** Whether every run has ended. */
  readonly done: boolean;
}

export function isDescentResult(value: unknown): value is DescentResult {
  return !!value && typeof value === 'object' && (value as { kind?: unknown }).kind === 'wengert-descent';
}

class GrowingRun {
  count = 0;
  points: Float64Array;
  losses: Float64Array;
  gradNorms: Float64Array;
  stopReason: string | undefined;
  error: unknown;

  constructor(
    readonly label: string,
    readonly n: number,
    start: readonly number[],
  ) {
    this.points = Float64Array.from(start);
    this.losses = new Float64Array(1).fill(Number.NaN);
    this.gradNorms = new Float64Array(1).fill(Number.NaN);
  }

  append(chunk: ProgressChunk): void {
    const end = chunk.from + chunk.count;
    this.points = ensureLength(this.points, end * this.n);
    this.losses = ensureLength(this.losses, end);
    this.gradNorms = ensureLength(this.gradNorms, end);
    this.points.set(chunk.points.subarray(0, chunk.count * this.n), chunk.from * this.n);
    this.losses.set(chunk.losses.subarray(0, chunk.count), chunk.from);
    this.gradNorms.set(chunk.gradNorms.subarray(0, chunk.count), chunk.from);
    this.count = Math.max(this.count, end);
  }

  finish(trajectory: Trajectory): void {
    this.points = trajectory.points;
    this.losses = trajectory.losses;
    this.gradNorms = trajectory.gradNorms;
    this.count = trajectory.steps + 1;
    this.stopReason = trajectory.stopReason;
  }

  snapshot(): DescentRun {
    const run: DescentRun = {
      label: this.label,
      n: this.n,
      count: this.count,
      points: this.points.subarray(0, this.count * this.n),
      losses: this.losses.subarray(0, this.count),
      gradNorms: this.gradNorms.subarray(0, this.count),
    };
    return this.stopReason === undefined ? run : { ...run, stopReason: this.stopReason, ...(this.error === undefined ? {} : { error: this.error }) };
  }
}

/** A buffer of at least `length` entries, doubling so streamed appends stay linear overall. */
function ensureLength(buffer: Float64Array, length: number): Float64Array {
  if (buffer.length >= length) return buffer;
  const grown = new Float64Array(Math.max(length, buffer.length * 2));
  grown.set(buffer);
  return grown;
}

/**
 * Runs every optimizer of `settings` on `loss` in the loss's worker and yields a fresh snapshot
 * whenever progress arrives (the runtime pulls at most once per frame). Aborting `signal` stops the
 * runs; the partial trajectories are kept and the last snapshot has `done: true`.
 */
export async function* runDescent(name: string, loss: LossValue, settings: DescentSettings, signal: AbortSignal): AsyncGenerator<DescentResult> {
  const seen = new Map<string, number>();
  const runs = settings.runs.map((run) => {
    let label = runLabel(run);
    const repeat = (seen.get(label) ?? 0) + 1;
    seen.set(label, repeat);
    if (repeat > 1) label = `${label} #${repeat}`;
    return new GrowingRun(label, settings.start.length, settings.start);
  });
  let changed = true;
  let wake: (() => void) | undefined;
  const notify = () => {
    changed = true;
    wake?.();
  };
  let remaining = runs.length;
  settings.runs.forEach((run, i) => {
    const growing = runs[i]!;
    loss.client
      .descend(
        { fn: loss.id, x0: settings.start, optimizer: optimizerSpec(run), steps: settings.steps },
        {
          signal,
          onProgress: (chunk) => {
            growing.append(chunk);
            notify();
          },
        },
      )
      .then(
        (trajectory) => growing.finish(trajectory),
        (error: { partial?: Trajectory }) => {
          if (error?.partial) growing.finish(error.partial);
          growing.stopReason = 'error';
          growing.error = error;
        },
      )
      .finally(() => {
        remaining--;
        notify();
      });
  });
  const snapshot = (): DescentResult => ({ kind: 'wengert-descent', name, loss, settings, runs: runs.map((run) => run.snapshot()), done: remaining === 0 });
  while (remaining > 0) {
    if (!changed) await new Promise<void>((resolve) => (wake = resolve));
    wake = undefined;
    changed = false;
    if (remaining > 0) yield snapshot();
  }
  yield snapshot();
}
