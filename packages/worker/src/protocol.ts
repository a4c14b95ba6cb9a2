import type { JacobianExplanation, OptimizerSpec } from '@wengert/engine';
import type { LossInput } from './compile/define.js';
import type { SerializedEngineError } from './errors.js';

/** Plain data a loss takes and returns: numbers, and arrays / objects of them (tensors become nested arrays). */
export type PlainTree = number | boolean | string | null | PlainTree[] | { [key: string]: PlainTree };

/** A function handle from `define`, or its id. */
export type FunctionRef = string | { readonly id: string };

export type { LossInput } from './compile/define.js';

export interface DefineOptions {
  /** A stable id (e.g. the notebook cell's); default: a fresh one. Redefining an id replaces the loss. */
  id?: string;
  /** x as a plain array of numbers (default, so `x[0]` works) or as one 1-D Tensor (`x.mul(x).sum()`). */
  input?: LossInput;
}

export interface DefinedFunction {
  readonly id: string;
  readonly source: string;
  readonly input: LossInput;
}

export interface ValueAndGradResult {
  value: PlainTree;
  /** Same structure as the input x (an array of numbers for an array input). */
  grad: PlainTree;
}

export interface JacobianOptions {
  mode?: 'auto' | 'forward' | 'reverse';
}

export interface JacobianResult {
  /** m × n, row i is the gradient of output i (m = 1 for a scalar loss). */
  jacobian: number[][];
  /** The engine's explanation of the mode it chose (n, m, directions, estimated cost of each plan, reason). */
  explanation: JacobianExplanation;
}

export interface TraceTableOptions {
  /** Tangent seed for the tangent table (default: the first input direction e₁). */
  direction?: number[];
  /** Output cotangent for the adjoint table (default 1). */
  seed?: number;
}

/** One row of a Wengert-list table, e.g. `{name: 'v₂', definition: 'v₋₁ × v₀', expression: '2 × 5', value: 10}`. */
export interface TraceTableRow {
  name: string;
  definition: string;
  /** The definition with numbers substituted (3 decimals). */
  expression: string;
  /** The exact value (nested arrays for tensors). */
  value: PlainTree;
}

export interface TraceTable {
  title: string;
  rows: TraceTableRow[];
  /** The table as the notes print it. */
  text: string;
}

export interface TraceTables {
  primal: TraceTable;
  tangent: TraceTable;
  adjoint: TraceTable;
}

export type Range2 = readonly [min: number, max: number];

export interface Grid {
  /** nx sample points along x, ny along y (inclusive ranges). */
  x: Float64Array;
  y: Float64Array;
  /** Row-major ny × nx: z[j * nx + i] = f([x[i], y[j]]); transferred from the worker, never copied. */
  z: Float64Array;
  nx: number;
  ny: number;
}

/**
 * An optimizer as plain data, exactly the engine's `OptimizerSpec`: `{ name: 'adam', lr: 0.01 }`,
 * `{ name: 'steepestDescent', norm: { name: 'linf' }, lr: 0.1 }`, `{ name: 'lbfgs' }`, …
 */
export type { JacobianExplanation, NormSpec, OptimizerSpec } from '@wengert/engine';

export interface DescendSpec {
  /** Starting point: a flat array of numbers (the loss receives it as a plain array). */
  x0: readonly number[];
  /** Any optimizer of the engine as plain data (optimizers carry their norms, e.g. steepestDescent). */
  optimizer: OptimizerSpec;
  /** Maximum number of steps (default 1000). */
  steps?: number;
  /** Converged when the gradient norm is at most this (default 1e-8). */
  tol?: number;
  /** Diverged when the loss exceeds this (engine default: 1e10 · max(1, |f(x0)|)). */
  divergeAbove?: number;
}

export type StopReason = 'converged' | 'maxSteps' | 'diverged' | 'nonFinite' | 'aborted';

/** A descent run in typed arrays: k steps give k + 1 points; point i is points.subarray(i·n, (i+1)·n). */
export interface Trajectory {
  /** Dimension of x. */
  n: number;
  /** Number of steps taken (k). */
  steps: number;
  points: Float64Array;
  /** f at each point (k + 1). */
  losses: Float64Array;
  /** ‖∇f‖₂ at each point (k + 1). */
  gradNorms: Float64Array;
  /** ‖x_{i+1} − x_i‖₂ for each step (k). */
  stepSizes: Float64Array;
  stopReason: StopReason;
  /** The last point. */
  x: number[];
}

/** A batch of consecutive trajectory rows streamed while a descent runs: points from..from+count−1. */
export interface ProgressChunk {
  from: number;
  count: number;
  n: number;
  points: Float64Array;
  losses: Float64Array;
  gradNorms: Float64Array;
  stepSizes: Float64Array;
}

/** What the worker answers: a value or a structured error (comlink would strip an Error's fields). */
export type Reply<T> = { ok: true; value: T } | { ok: false; error: SerializedEngineError };

/** Messages on the per-run MessagePort. */
export type RunMessage =
  | { type: 'progress'; chunk: ProgressChunk }
  /** Worker → page after the last chunk: ports do not order against replies, so the page waits for this. */
  | { type: 'done' }
  /** Page → worker. */
  | { type: 'abort' };
