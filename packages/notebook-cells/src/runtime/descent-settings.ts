import type { OptimizerSpec } from '@wengert/worker';
import { CellError } from './cell-error.js';

/** Optimizers offered in the descent cell, in menu order. */
export const OPTIMIZERS = ['sgd', 'momentum', 'nesterov', 'adam', 'rmsprop', 'adagrad', 'steepestDescent', 'signDescent', 'lbfgs'] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];

/** Norms offered for steepest descent: ℓ2 is gradient descent, ℓ∞ sign descent, ℓ1 coordinate descent. */
export const NORMS = ['l2', 'linf', 'l1'] as const;
export type NormName = (typeof NORMS)[number];

/** One optimizer of a comparison. */
export interface RunSettings {
  optimizer: OptimizerName;
  /** Learning rate (unused by L-BFGS, which does a line search). */
  lr: number;
  /** The norm, for `steepestDescent`. */
  norm?: NormName;
}

/** Everything a descent cell runs: the `.value` of `<wg-descent-cell>` and the JSON of its file source. */
export interface DescentSettings {
  /** The starting point x₀. */
  start: number[];
  /** Maximum number of steps per run. */
  steps: number;
  /** The optimizers compared, each one a run from the same start. */
  runs: RunSettings[];
}

export const DEFAULT_SETTINGS: DescentSettings = { start: [-1.5, 1.5], steps: 200, runs: [{ optimizer: 'sgd', lr: 0.01 }] };

/** Reads the JSON source of a descent cell; missing fields take defaults, wrong ones are errors. */
export function parseDescentSettings(source: string): DescentSettings {
  if (!source.trim()) return structuredClone(DEFAULT_SETTINGS);
  let data: Partial<DescentSettings>;
  try {
    data = JSON.parse(source) as Partial<DescentSettings>;
  } catch (error) {
    throw new CellError('SyntaxError', `The descent settings are not JSON: ${(error as Error).message}`);
  }
  const start = data.start ?? DEFAULT_SETTINGS.start;
  if (!Array.isArray(start) || start.length === 0 || !start.every(Number.isFinite)) throw new CellError('invalid-settings', '"start" must be a list of numbers.');
  const steps = data.steps ?? DEFAULT_SETTINGS.steps;
  if (!(Number.isInteger(steps) && steps >= 1)) throw new CellError('invalid-settings', '"steps" must be a whole number ≥ 1.');
  const runs = data.runs ?? DEFAULT_SETTINGS.runs;
  if (!Array.isArray(runs) || runs.length === 0) throw new CellError('invalid-settings', '"runs" must list at least one optimizer.');
  for (const run of runs) {
    if (!OPTIMIZERS.includes(run.optimizer)) throw new CellError('invalid-settings', `Unknown optimizer "${run.optimizer}"; use one of ${OPTIMIZERS.join(', ')}.`);
    if (!(run.lr > 0)) throw new CellError('invalid-settings', `The learning rate of ${run.optimizer} must be positive.`);
    if (run.norm !== undefined && !NORMS.includes(run.norm)) throw new CellError('invalid-settings', `Unknown norm "${run.norm}"; use one of ${NORMS.join(', ')}.`);
  }
  return { start: [...start], steps, runs: runs.map((run) => ({ ...run })) };
}

export function serializeDescentSettings(settings: DescentSettings): string {
  return JSON.stringify(settings, null, 2);
}

/** The engine's optimizer spec for one run. */
export function optimizerSpec(run: RunSettings): OptimizerSpec {
  switch (run.optimizer) {
    case 'steepestDescent':
      return { name: 'steepestDescent', norm: { name: run.norm ?? 'l2' }, lr: run.lr };
    case 'lbfgs':
      return { name: 'lbfgs' };
    default:
      return { name: run.optimizer, lr: run.lr } as OptimizerSpec;
  }
}

const NORM_LABELS: Record<NormName, string> = { l2: 'ℓ2', linf: 'ℓ∞', l1: 'ℓ1' };

/** "adam η=0.01", "steepest ℓ∞ η=0.1", "lbfgs". */
export function runLabel(run: RunSettings): string {
  if (run.optimizer === 'lbfgs') return 'lbfgs';
  const name = run.optimizer === 'steepestDescent' ? `steepest ${NORM_LABELS[run.norm ?? 'l2']}` : run.optimizer;
  return `${name} η=${Number(run.lr.toPrecision(3))}`;
}
