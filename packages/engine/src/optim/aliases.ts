import { armijo, type ArmijoOptions } from './line-search.js';
import { scaleByLbfgs } from './lbfgs.js';
import { spectral } from './matrix-norms.js';
import { multiTransform } from './multi-transform.js';
import { type NewtonCgOptions, scaleByNewtonCg } from './newton-cg.js';
import type { Norm } from './norm.js';
import type { LearningRate } from './schedules.js';
import { chain, type GradientTransformation, type OptState } from './transform.js';
import {
  type AdamOptions,
  addDecayedWeights,
  ema,
  scaleByAdam,
  scaleByLearningRate,
  scaleByRms,
  scaleByRss,
  scaleBySteepestDescent,
  scaleByShape,
  type SteepestForm,
  trace,
} from './transforms.js';
import { l1, l2, linf } from './vector-norms.js';

/** Named optimizers, each a `chain` of the building blocks (and so a pure `init`/`update` pair). */

type Optimizer = GradientTransformation<OptState>;

/** Attaches the alias's own spec, so `optimizerFromSpec(opt.spec)` rebuilds it under its name. */
function named<S>(t: GradientTransformation<S>, name: string, spec: Record<string, unknown> | undefined): Optimizer {
  return { ...t, name, spec: spec === undefined ? undefined : { ...spec, name } } as Optimizer;
}

const isData = (lr: LearningRate) => typeof lr !== 'function';

export interface SteepestDescentOptions {
  norm: Norm;
  lr: LearningRate;
  /** 'dualScaled' (default): Δw = −lr·‖g‖†·g♯. 'fixedLength': Δw = −lr·g♯. */
  form?: SteepestForm;
  /** Heavy-ball momentum on the gradient before the sharp (0 = none). */
  momentum?: number;
  nesterov?: boolean;
  /** Armijo backtracking on top (the lr becomes the first trial scale). */
  lineSearch?: boolean | ArmijoOptions;
}

/** The one steepest descent, for any norm. */
export function steepestDescent(o: SteepestDescentOptions): Optimizer {
  const parts: GradientTransformation[] = [];
  if (o.momentum) parts.push(trace({ decay: o.momentum, nesterov: o.nesterov ?? false }));
  parts.push(scaleBySteepestDescent(o.norm, { form: o.form ?? 'dualScaled' }), scaleByLearningRate(o.lr));
  if (o.lineSearch) parts.push(armijo(o.lineSearch === true ? {} : o.lineSearch));
  const spec = isData(o.lr)
    ? {
        norm: o.norm.spec,
        lr: o.lr,
        form: o.form ?? 'dualScaled',
        ...(o.momentum ? { momentum: o.momentum, nesterov: o.nesterov ?? false } : {}),
        ...(o.lineSearch ? { lineSearch: o.lineSearch } : {}),
      }
    : undefined;
  return named(chain(...parts), 'steepestDescent', spec);
}

/** Named form: Δw = −lr·‖g‖†·g♯ (lr = 1/λ minimises the λ-quadratic model). */
export const dualScaledSteepestDescent = (norm: Norm, lr: LearningRate): Optimizer => steepestDescent({ norm, lr, form: 'dualScaled' });

/** Named form: Δw = −lr·g♯ (every step has norm lr). */
export const fixedLengthSteepestDescent = (norm: Norm, lr: LearningRate): Optimizer => steepestDescent({ norm, lr, form: 'fixedLength' });

/** Gradient descent = dual-scaled steepest descent under ℓ2. */
export function sgd(o: { lr: LearningRate }): Optimizer {
  return named(steepestDescent({ norm: l2(), lr: o.lr }), 'sgd', isData(o.lr) ? { lr: o.lr } : undefined);
}

export function momentum(o: { lr: LearningRate; beta?: number; nesterov?: boolean }): Optimizer {
  const beta = o.beta ?? 0.9;
  const nesterov = o.nesterov ?? false;
  return named(chain(trace({ decay: beta, nesterov }), scaleByLearningRate(o.lr)), 'momentum', isData(o.lr) ? { lr: o.lr, beta, nesterov } : undefined);
}

export function nesterov(o: { lr: LearningRate; beta?: number }): Optimizer {
  const beta = o.beta ?? 0.9;
  return named(chain(trace({ decay: beta, nesterov: true }), scaleByLearningRate(o.lr)), 'nesterov', isData(o.lr) ? { lr: o.lr, beta } : undefined);
}

export function adam(o: { lr: LearningRate } & AdamOptions): Optimizer {
  const { lr, ...rest } = o;
  const t = scaleByAdam(rest);
  return named(chain(t, scaleByLearningRate(lr)), 'adam', isData(lr) ? { lr, ...(t.spec as object), name: undefined } : undefined);
}

export function adamw(o: { lr: LearningRate; weightDecay?: number } & AdamOptions): Optimizer {
  const { lr, weightDecay = 1e-4, ...rest } = o;
  const t = scaleByAdam(rest);
  return named(chain(t, addDecayedWeights(weightDecay), scaleByLearningRate(lr)), 'adamw', isData(lr) ? { lr, weightDecay, ...(t.spec as object), name: undefined } : undefined);
}

export function rmsprop(o: { lr: LearningRate; decay?: number; eps?: number }): Optimizer {
  const t = scaleByRms({ decay: o.decay ?? 0.9, eps: o.eps ?? 1e-8 });
  return named(chain(t, scaleByLearningRate(o.lr)), 'rmsprop', isData(o.lr) ? { lr: o.lr, decay: o.decay ?? 0.9, eps: o.eps ?? 1e-8 } : undefined);
}

export function adagrad(o: { lr: LearningRate; initialAccumulatorValue?: number; eps?: number }): Optimizer {
  const initialAccumulatorValue = o.initialAccumulatorValue ?? 0.1;
  const eps = o.eps ?? 1e-7;
  return named(chain(scaleByRss({ initialAccumulatorValue, eps }), scaleByLearningRate(o.lr)), 'adagrad', isData(o.lr) ? { lr: o.lr, initialAccumulatorValue, eps } : undefined);
}

/** Steepest descent under ℓ∞. Default fixed-length: Δw = −lr·sign(g). */
export function signDescent(o: { lr: LearningRate; form?: SteepestForm }): Optimizer {
  const form = o.form ?? 'fixedLength';
  return named(steepestDescent({ norm: linf(), lr: o.lr, form }), 'signDescent', isData(o.lr) ? { lr: o.lr, form } : undefined);
}

/** Steepest descent under ℓ1 (greedy coordinate descent). Default dual-scaled: Δw = −lr·g_k·e_k. */
export function coordinateDescent(o: { lr: LearningRate; form?: SteepestForm }): Optimizer {
  const form = o.form ?? 'dualScaled';
  return named(steepestDescent({ norm: l1(), lr: o.lr, form }), 'coordinateDescent', isData(o.lr) ? { lr: o.lr, form } : undefined);
}

export interface MuonOptions {
  lr: LearningRate;
  /** EMA momentum β (default 0.95), Nesterov on by default, as in KellerJordan/Muon. */
  beta?: number;
  nesterov?: boolean;
  weightDecay?: number;
  /** Newton–Schulz coefficients (default Keller's 5-step quintic) or 'svd' for the exact polar factor. */
  coefficients?: 'you6' | 'keller5' | 'svd';
  /** Learning rate of the AdamW used for non-matrix leaves (default: lr). */
  adamLr?: LearningRate;
}

/**
 * Muon: momentum (EMA + Nesterov), then the fixed-length spectral steepest-descent step (the
 * orthogonalised update) scaled by √max(1, d_out/d_in), with decoupled weight decay. Leaves that are
 * not matrices (rank < 2) get AdamW, as the Muon README prescribes.
 */
export function muon(o: MuonOptions): Optimizer {
  const beta = o.beta ?? 0.95;
  const nesterovOn = o.nesterov ?? true;
  const weightDecay = o.weightDecay ?? 0;
  const coefficients = o.coefficients ?? 'keller5';
  const norm = coefficients === 'svd' ? spectral({ method: 'svd' }) : spectral({ method: 'newtonSchulz', coefficients });
  const matrices = chain(
    ema({ decay: beta, nesterov: nesterovOn }),
    scaleBySteepestDescent(norm, { form: 'fixedLength' }),
    scaleByShape(),
    addDecayedWeights(weightDecay),
    scaleByLearningRate(o.lr),
  );
  const others = adamw({ lr: o.adamLr ?? o.lr, weightDecay });
  const t = multiTransform({ muon: matrices, adam: others }, (_path, shape) => (shape.length >= 2 ? 'muon' : 'adam'));
  const spec = isData(o.lr) && (o.adamLr === undefined || isData(o.adamLr)) ? { lr: o.lr, beta, nesterov: nesterovOn, weightDecay, coefficients, ...(o.adamLr === undefined ? {} : { adamLr: o.adamLr }) } : undefined;
  return named(t, 'muon', spec);
}

/** L-BFGS (two-loop) with Armijo backtracking from α₀ = 1. */
export function lbfgs(o: { memory?: number; lineSearch?: ArmijoOptions } = {}): Optimizer {
  const memory = o.memory ?? 10;
  return named(chain(scaleByLbfgs({ memory }), scaleByLearningRate(1), armijo(o.lineSearch ?? {})), 'lbfgs', { memory, ...(o.lineSearch ? { lineSearch: o.lineSearch } : {}) });
}

/** Newton-CG: Hessian-vector products + conjugate gradients, then Armijo backtracking from α₀ = 1. */
export function newtonCg(o: NewtonCgOptions & { lineSearch?: ArmijoOptions } = {}): Optimizer {
  const { lineSearch, ...cg } = o;
  return named(chain(scaleByNewtonCg(cg), scaleByLearningRate(1), armijo(lineSearch ?? {})), 'newtonCg', { ...o });
}
