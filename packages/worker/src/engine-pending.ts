// Parts of the engine contract (DESIGN.md) that the engine build does not export yet: typed here,
// looked up at call time, so the worker works with today's engine and picks them up when they land.
import * as engine from '@wengert/engine';
import { EngineError } from './errors.js';

export type OptimizerSpec = { readonly name: string } & Record<string, unknown>;
export type NormSpec = { readonly name: string } & Record<string, unknown>;

export interface Objective {
  valueAndGrad(x: Float64Array, grad: Float64Array): number;
  value?(x: Float64Array): number;
  hvp?(x: Float64Array, v: Float64Array, out: Float64Array): void;
}

export interface TrajectoryChunk {
  readonly from: number;
  readonly count: number;
  readonly points: Float64Array;
  readonly losses: Float64Array;
  readonly gradNorms: Float64Array;
  readonly stepSizes: Float64Array;
}

export interface EngineTrajectory {
  readonly n: number;
  readonly steps: number;
  readonly points: Float64Array;
  readonly losses: Float64Array;
  readonly gradNorms: Float64Array;
  readonly stepSizes: Float64Array;
  readonly stopReason: 'converged' | 'maxSteps' | 'diverged' | 'nonFinite' | 'aborted';
  readonly x: unknown;
}

export interface DescendOptions {
  steps?: number;
  tol?: number;
  divergeAbove?: number;
  signal?: AbortSignal;
  every?: number;
}

export type DescendObjectiveAsync = (
  objective: Objective,
  x0: Float64Array,
  optimizer: OptimizerSpec,
  options: DescendOptions,
) => AsyncGenerator<TrajectoryChunk, EngineTrajectory, void>;

/** An engine export by name, or a clear error if this engine build does not have it yet. */
export function engineExport<T>(name: string): T {
  const value = (engine as unknown as Record<string, unknown>)[name];
  if (value === undefined) throw new EngineError('invalid-argument', `This build of @wengert/engine does not export ${name} yet.`);
  return value as T;
}
