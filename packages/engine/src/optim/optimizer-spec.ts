import { DomainError } from '../errors.js';
import {
  adagrad,
  adam,
  adamw,
  coordinateDescent,
  lbfgs,
  momentum,
  muon,
  nesterov,
  newtonCg,
  rmsprop,
  sgd,
  signDescent,
  steepestDescent,
} from './aliases.js';
import { scaleByLbfgs } from './lbfgs.js';
import { armijo, type ArmijoOptions } from './line-search.js';
import { multiTransform } from './multi-transform.js';
import { scaleByNewtonCg } from './newton-cg.js';
import { type NormSpec, normFromSpec } from './norm-spec.js';
import type { ScheduleSpec } from './schedules.js';
import { chain, type GradientTransformation, type OptState } from './transform.js';
import {
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
  type SteepestForm,
  setToZero,
  trace,
} from './transforms.js';

/** A learning rate in a spec: a number or a schedule spec. */
export type LrSpec = number | ScheduleSpec;

/**
 * Plain-data description of an optimizer (JSON- and structured-clone-safe), so a worker can rebuild
 * it: `optimizerFromSpec({name: 'adam', lr: 0.1, b1: 0.9})`. Every optimizer built from data carries
 * its `spec`, and `optimizerFromSpec(opt.spec)` rebuilds an equivalent one.
 */
export type OptimizerSpec =
  | { name: 'sgd'; lr: LrSpec }
  | { name: 'momentum'; lr: LrSpec; beta?: number; nesterov?: boolean }
  | { name: 'nesterov'; lr: LrSpec; beta?: number }
  | { name: 'adam'; lr: LrSpec; b1?: number; b2?: number; eps?: number; epsRoot?: number }
  | { name: 'adamw'; lr: LrSpec; weightDecay?: number; b1?: number; b2?: number; eps?: number; epsRoot?: number }
  | { name: 'rmsprop'; lr: LrSpec; decay?: number; eps?: number }
  | { name: 'adagrad'; lr: LrSpec; initialAccumulatorValue?: number; eps?: number }
  | { name: 'signDescent' | 'coordinateDescent'; lr: LrSpec; form?: SteepestForm }
  | { name: 'muon'; lr: LrSpec; beta?: number; nesterov?: boolean; weightDecay?: number; coefficients?: 'you6' | 'keller5' | 'svd'; adamLr?: LrSpec }
  | {
      name: 'steepestDescent';
      norm: NormSpec;
      lr: LrSpec;
      form?: SteepestForm;
      momentum?: number;
      nesterov?: boolean;
      lineSearch?: boolean | ArmijoOptions;
    }
  | { name: 'lbfgs'; memory?: number; lineSearch?: ArmijoOptions }
  | { name: 'newtonCg'; maxIterations?: number; forcing?: number; lineSearch?: ArmijoOptions }
  // building blocks
  | { name: 'chain'; transforms: readonly OptimizerSpec[] }
  | { name: 'multiTransform'; transforms: Readonly<Record<string, OptimizerSpec>>; labels: readonly string[] }
  | { name: 'identity' | 'setToZero' | 'scaleByShape' }
  | { name: 'scale'; factor: number }
  | { name: 'scaleByLearningRate'; lr: LrSpec }
  | { name: 'scaleBySteepestDescent'; norm: NormSpec; form?: SteepestForm }
  | { name: 'trace' | 'ema'; decay: number; nesterov?: boolean }
  | { name: 'scaleByAdam'; b1?: number; b2?: number; eps?: number; epsRoot?: number }
  | { name: 'scaleByRms'; decay?: number; eps?: number; initialScale?: number }
  | { name: 'scaleByRss'; initialAccumulatorValue?: number; eps?: number }
  | { name: 'addDecayedWeights'; weightDecay: number }
  | { name: 'clipByGlobalNorm'; maxNorm: number }
  | ({ name: 'armijo' } & ArmijoOptions)
  | { name: 'scaleByLbfgs'; memory?: number }
  | { name: 'scaleByNewtonCg'; maxIterations?: number; forcing?: number };

export function optimizerFromSpec(spec: OptimizerSpec): GradientTransformation<OptState> {
  if (spec === null || typeof spec !== 'object' || typeof spec.name !== 'string')
    throw new DomainError('optimizerFromSpec', `expected an optimizer spec like {name: 'adam', lr: 0.01}, got ${JSON.stringify(spec)}`);
  const s = spec;
  switch (s.name) {
    case 'sgd':
      return sgd(s);
    case 'momentum':
      return momentum(s);
    case 'nesterov':
      return nesterov(s);
    case 'adam':
      return adam(s);
    case 'adamw':
      return adamw(s);
    case 'rmsprop':
      return rmsprop(s);
    case 'adagrad':
      return adagrad(s);
    case 'signDescent':
      return signDescent(s);
    case 'coordinateDescent':
      return coordinateDescent(s);
    case 'muon':
      return muon(s);
    case 'steepestDescent': {
      const { norm, ...rest } = s;
      return steepestDescent({ ...rest, norm: normFromSpec(norm) });
    }
    case 'lbfgs':
      return lbfgs(s);
    case 'newtonCg':
      return newtonCg(s);
    case 'chain':
      return chain(...s.transforms.map(optimizerFromSpec));
    case 'multiTransform':
      return multiTransform(Object.fromEntries(Object.entries(s.transforms).map(([k, v]) => [k, optimizerFromSpec(v)])), s.labels);
    case 'identity':
      return identity();
    case 'setToZero':
      return setToZero();
    case 'scaleByShape':
      return scaleByShape();
    case 'scale':
      return scale(s.factor);
    case 'scaleByLearningRate':
      return scaleByLearningRate(s.lr);
    case 'scaleBySteepestDescent':
      return scaleBySteepestDescent(normFromSpec(s.norm), { form: s.form ?? 'dualScaled' });
    case 'trace':
      return trace(s);
    case 'ema':
      return ema(s);
    case 'scaleByAdam':
      return scaleByAdam(s);
    case 'scaleByRms':
      return scaleByRms(s);
    case 'scaleByRss':
      return scaleByRss(s);
    case 'addDecayedWeights':
      return addDecayedWeights(s.weightDecay);
    case 'clipByGlobalNorm':
      return clipByGlobalNorm(s.maxNorm);
    case 'armijo':
      return armijo(s);
    case 'scaleByLbfgs':
      return scaleByLbfgs(s);
    case 'scaleByNewtonCg':
      return scaleByNewtonCg(s);
    default:
      throw new DomainError('optimizerFromSpec', `unknown optimizer '${(s as { name: string }).name}'`);
  }
}
