import { type Block, type Blocks, l2, zerosLike } from './blocks.js';
import type { Norm } from './norm.js';
import { type LearningRate, toSchedule } from './schedules.js';
import { type GradientTransformation, gradientTransformation } from './transform.js';

/** Elementwise building blocks. Each works in place on Float64Array blocks and keeps plain-data state. */

const specOf = (lr: LearningRate, rest: Record<string, unknown>) =>
  typeof lr === 'function' ? undefined : { ...rest, lr };

export function identity(): GradientTransformation<null> {
  return gradientTransformation({ name: 'identity', spec: { name: 'identity' }, init: () => null, apply() {} });
}

/** updates ← c·updates */
export function scale(c: number): GradientTransformation<null> {
  return gradientTransformation({
    name: `scale(${c})`,
    spec: { name: 'scale', factor: c },
    init: () => null,
    apply(u) {
      for (const b of u) {
        const x = b.data;
        for (let i = 0; i < x.length; i++) x[i]! *= c;
      }
    },
  });
}

export interface LearningRateState {
  count: number;
  learningRate: number;
}

/** updates ← −lr(t)·updates; the rate in use is kept in the state as `learningRate`. */
export function scaleByLearningRate(lr: LearningRate): GradientTransformation<LearningRateState> {
  const schedule = toSchedule(lr);
  return gradientTransformation<LearningRateState>({
    name: 'scaleByLearningRate',
    spec: specOf(lr, { name: 'scaleByLearningRate' }),
    init: () => ({ count: 0, learningRate: schedule(0) }),
    apply(u, state) {
      const rate = schedule(state.count);
      state.learningRate = rate;
      state.count += 1;
      const c = -rate;
      for (const b of u) {
        const x = b.data;
        for (let i = 0; i < x.length; i++) x[i]! *= c;
      }
    },
  });
}

export type SteepestForm = 'dualScaled' | 'fixedLength';

/**
 * The one steepest descent. Replaces the updates g by
 * - 'dualScaled':  ‖g‖†·g♯  (with −lr = −1/λ afterwards: the minimiser of ⟨g,Δ⟩ + (λ/2)‖Δ‖², Anthology Prop. 1;
 *                  for ℓ2 this is exactly g, i.e. gradient descent)
 * - 'fixedLength': g♯       (every step has norm lr: modula / Muon / Scion convention)
 */
export function scaleBySteepestDescent(norm: Norm, options: { form?: SteepestForm } = {}): GradientTransformation<{ dualNorm: number }> {
  const form = options.form ?? 'dualScaled';
  return gradientTransformation<{ dualNorm: number }>({
    name: `steepest(${norm.name}, ${form})`,
    spec: { name: 'scaleBySteepestDescent', norm: norm.spec, form },
    init: () => ({ dualNorm: 0 }),
    apply(u, state) {
      state.dualNorm = form === 'dualScaled' ? norm.dualScaledInto(u, u) : norm.sharpInto(u, u);
    },
  });
}

/** Momentum buffer t ← g + decay·t; updates ← t (or g + decay·t for Nesterov). optax `trace`. */
export function trace(options: { decay: number; nesterov?: boolean }): GradientTransformation<{ momentum: Block[] }> {
  const { decay } = options;
  const nesterov = options.nesterov ?? false;
  return gradientTransformation<{ momentum: Block[] }>({
    name: nesterov ? 'nesterov' : 'trace',
    spec: { name: 'trace', decay, nesterov },
    init: (params) => ({ momentum: zerosLike(params) }),
    apply(u, state) {
      for (let k = 0; k < u.length; k++) {
        const g = u[k]!.data;
        const m = state.momentum[k]!.data;
        for (let i = 0; i < g.length; i++) {
          const t = g[i]! + decay * m[i]!;
          m[i] = t;
          g[i] = nesterov ? g[i]! + decay * t : t;
        }
      }
    },
  });
}

/** Exponential moving average m ← decay·m + (1−decay)·g (Muon's momentum form); updates ← m or Nesterov lerp. */
export function ema(options: { decay: number; nesterov?: boolean }): GradientTransformation<{ average: Block[] }> {
  const { decay } = options;
  const nesterov = options.nesterov ?? false;
  return gradientTransformation<{ average: Block[] }>({
    name: 'ema',
    spec: { name: 'ema', decay, nesterov },
    init: (params) => ({ average: zerosLike(params) }),
    apply(u, state) {
      for (let k = 0; k < u.length; k++) {
        const g = u[k]!.data;
        const m = state.average[k]!.data;
        for (let i = 0; i < g.length; i++) {
          const a = decay * m[i]! + (1 - decay) * g[i]!;
          m[i] = a;
          g[i] = nesterov ? (1 - decay) * g[i]! + decay * a : a;
        }
      }
    },
  });
}

export interface AdamOptions {
  b1?: number;
  b2?: number;
  eps?: number;
  epsRoot?: number;
}

/**
 * Adam's direction m̂/(√v̂ + eps) with bias correction. A coordinate whose m̂ is 0 gets 0 even when
 * eps = 0 (the ℓ∞ steepest-descent answer, instead of 0/0 = NaN).
 */
export function scaleByAdam(options: AdamOptions = {}): GradientTransformation<{ count: number; mu: Block[]; nu: Block[] }> {
  const b1 = options.b1 ?? 0.9;
  const b2 = options.b2 ?? 0.999;
  const eps = options.eps ?? 1e-8;
  const epsRoot = options.epsRoot ?? 0;
  return gradientTransformation({
    name: 'scaleByAdam',
    spec: { name: 'scaleByAdam', b1, b2, eps, epsRoot },
    init: (params: Blocks) => ({ count: 0, mu: zerosLike(params), nu: zerosLike(params) }),
    apply(u, state) {
      state.count += 1;
      const c1 = 1 - b1 ** state.count;
      const c2 = 1 - b2 ** state.count;
      for (let k = 0; k < u.length; k++) {
        const g = u[k]!.data;
        const mu = state.mu[k]!.data;
        const nu = state.nu[k]!.data;
        for (let i = 0; i < g.length; i++) {
          const gi = g[i]!;
          const m = b1 * mu[i]! + (1 - b1) * gi;
          const v = b2 * nu[i]! + (1 - b2) * gi * gi;
          mu[i] = m;
          nu[i] = v;
          const mHat = m / c1;
          g[i] = mHat === 0 ? 0 : mHat / (Math.sqrt(v / c2 + epsRoot) + eps);
        }
      }
    },
  });
}

/** RMSprop direction g/(√ν + eps), ν ← decay·ν + (1−decay)·g². */
export function scaleByRms(options: { decay?: number; eps?: number; initialScale?: number } = {}): GradientTransformation<{ nu: Block[] }> {
  const decay = options.decay ?? 0.9;
  const eps = options.eps ?? 1e-8;
  const initialScale = options.initialScale ?? 0;
  return gradientTransformation({
    name: 'scaleByRms',
    spec: { name: 'scaleByRms', decay, eps, initialScale },
    init: (params: Blocks) => {
      const nu = zerosLike(params);
      for (const b of nu) b.data.fill(initialScale);
      return { nu };
    },
    apply(u, state) {
      for (let k = 0; k < u.length; k++) {
        const g = u[k]!.data;
        const nu = state.nu[k]!.data;
        for (let i = 0; i < g.length; i++) {
          const gi = g[i]!;
          const v = decay * nu[i]! + (1 - decay) * gi * gi;
          nu[i] = v;
          g[i] = gi === 0 ? 0 : gi / (Math.sqrt(v) + eps);
        }
      }
    },
  });
}

/** Adagrad direction g/√(Σg² + eps). */
export function scaleByRss(options: { initialAccumulatorValue?: number; eps?: number } = {}): GradientTransformation<{ sumOfSquares: Block[] }> {
  const init = options.initialAccumulatorValue ?? 0.1;
  const eps = options.eps ?? 1e-7;
  return gradientTransformation({
    name: 'scaleByRss',
    spec: { name: 'scaleByRss', initialAccumulatorValue: init, eps },
    init: (params: Blocks) => {
      const s = zerosLike(params);
      for (const b of s) b.data.fill(init);
      return { sumOfSquares: s };
    },
    apply(u, state) {
      for (let k = 0; k < u.length; k++) {
        const g = u[k]!.data;
        const s = state.sumOfSquares[k]!.data;
        for (let i = 0; i < g.length; i++) {
          const gi = g[i]!;
          const acc = s[i]! + gi * gi;
          s[i] = acc;
          g[i] = gi === 0 ? 0 : gi / Math.sqrt(acc + eps);
        }
      }
    },
  });
}

/** updates ← updates + weightDecay·params (decoupled weight decay when placed before the learning rate). */
export function addDecayedWeights(weightDecay: number): GradientTransformation<null> {
  return gradientTransformation({
    name: 'addDecayedWeights',
    spec: { name: 'addDecayedWeights', weightDecay },
    readsParams: true,
    init: () => null,
    apply(u, _state, params) {
      if (weightDecay === 0) return;
      for (let k = 0; k < u.length; k++) {
        const g = u[k]!.data;
        const p = params[k]!.data;
        for (let i = 0; i < g.length; i++) g[i]! += weightDecay * p[i]!;
      }
    },
  });
}

/** Rescales all updates together so their global ℓ2 norm is at most maxNorm. */
export function clipByGlobalNorm(maxNorm: number): GradientTransformation<{ lastNorm: number }> {
  return gradientTransformation({
    name: 'clipByGlobalNorm',
    spec: { name: 'clipByGlobalNorm', maxNorm },
    init: () => ({ lastNorm: 0 }),
    apply(u, state) {
      const n = l2(u);
      state.lastNorm = n;
      if (n > maxNorm) {
        const c = maxNorm / n;
        for (const b of u) {
          const x = b.data;
          for (let i = 0; i < x.length; i++) x[i]! *= c;
        }
      }
    },
  });
}

/** Muon's shape factor: each matrix leaf (rows = d_out, cols = d_in) is scaled by √max(1, rows/cols). */
export function scaleByShape(): GradientTransformation<null> {
  return gradientTransformation({
    name: 'scaleByShape',
    spec: { name: 'scaleByShape' },
    init: () => null,
    apply(u) {
      for (const b of u) {
        if (b.shape.length < 2) continue;
        const rows = b.shape[0]!;
        const cols = b.data.length / rows;
        const f = Math.sqrt(Math.max(1, rows / cols));
        if (f === 1) continue;
        const x = b.data;
        for (let i = 0; i < x.length; i++) x[i]! *= f;
      }
    },
  });
}

/** updates ← 0 (a frozen parameter group). */
export function setToZero(): GradientTransformation<null> {
  return gradientTransformation({
    name: 'setToZero',
    spec: { name: 'setToZero' },
    init: () => null,
    apply(u) {
      for (const b of u) b.data.fill(0);
    },
  });
}
