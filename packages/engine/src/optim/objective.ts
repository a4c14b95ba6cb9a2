/**
 * What `descend` minimises, on one flat Float64Array x (the tree's leaves concatenated in order).
 * Engine functions are turned into objectives by `objectiveFromFunction`; code with hand-written
 * derivatives (benchmarks, workers) can implement this directly.
 */
export interface Objective {
  /** Returns f(x) and writes ∇f(x) into `grad`. */
  valueAndGrad(x: Float64Array, grad: Float64Array): number;
  /** f(x) alone (line searches); defaults to valueAndGrad with a scratch gradient. */
  value?(x: Float64Array): number;
  /** Writes ∇²f(x)·v into `out` (Newton-CG). */
  hvp?(x: Float64Array, v: Float64Array, out: Float64Array): void;
}
