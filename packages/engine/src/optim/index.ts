// Optimizers: one steepest descent for every norm, the optimizers built around it, and the descent runner.
export type { Block, Blocks } from './blocks.js';
export type { Norm, NormCore } from './norm.js';
export { makeNorm } from './norm.js';
export { l1, l2, linf, lp, rms } from './vector-norms.js';
export { columnNorm, rmsToRms, rowNorm, type SpectralMethod, type SpectralOptions, spectral } from './matrix-norms.js';
export { quadratic, type QuadraticOptions } from './quadratic-norm.js';
export { type CompositePart, maxComposite, sumComposite } from './composite-norms.js';
export { type NormSpec, normFromSpec } from './norm-spec.js';
export { BANDS, type Band, type Coefficients, KELLER_5, newtonSchulz, newtonSchulzScalar, YOU_6 } from './newton-schulz.js';
export { type PolarResult, svdPolar } from './svd.js';
export {
  type LearningRate,
  type Schedule,
  type ScheduleSpec,
  constantSchedule,
  cosineDecay,
  exponentialDecay,
  linearSchedule,
  scheduleFromSpec,
  warmupCosineDecay,
} from './schedules.js';
export {
  applyUpdates,
  chain,
  cloneState,
  currentLearningRate,
  type Extra,
  type GradientTransformation,
  gradientTransformation,
  type OptState,
  type Transform,
  type TreeExtra,
} from './transform.js';
export {
  type AdamOptions,
  addDecayedWeights,
  clipByGlobalNorm,
  ema,
  identity,
  scale,
  scaleByAdam,
  scaleByLearningRate,
  scaleByRms,
  scaleByRss,
  scaleByShape,
  scaleBySteepestDescent,
  setToZero,
  type SteepestForm,
  trace,
} from './transforms.js';
export { armijo, type ArmijoOptions, type ArmijoState } from './line-search.js';
export { type LbfgsState, scaleByLbfgs } from './lbfgs.js';
export { type NewtonCgOptions, type NewtonCgState, scaleByNewtonCg } from './newton-cg.js';
export { freeze, type Labels, multiTransform } from './multi-transform.js';
export {
  adagrad,
  adam,
  adamw,
  coordinateDescent,
  dualScaledSteepestDescent,
  fixedLengthSteepestDescent,
  lbfgs,
  momentum,
  type MuonOptions,
  muon,
  nesterov,
  newtonCg,
  rmsprop,
  sgd,
  signDescent,
  type SteepestDescentOptions,
  steepestDescent,
} from './aliases.js';
export { type LrSpec, type OptimizerSpec, optimizerFromSpec } from './optimizer-spec.js';
export type { Objective } from './objective.js';
export {
  type DescendOptions,
  descend,
  descendAsync,
  type OptimizerLike,
  type Progress,
  type StopReason,
  type Trajectory,
  type TrajectoryChunk,
} from './descend.js';
export { type LossFunction, objectiveFromFunction } from './engine-objective.js';
export type { Leaf, Tree as ParamTree, TreeLayout } from './tree-io.js';
export { flattenTree, unflattenTree } from './tree-io.js';
export { Optimizer, type ParamGroup } from './param-optimizer.js';
