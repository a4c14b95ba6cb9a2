import { DomainError } from '../errors.js';
import { type Block, dot, zerosLike } from './blocks.js';
import { type GradientTransformation, gradientTransformation } from './transform.js';

export interface ArmijoOptions {
  /** Sufficient-decrease constant c₁ (default 1e-4). */
  c1?: number;
  /** Backtracking factor ρ (default 0.5). */
  decrease?: number;
  /** First trial step α₀ each iteration (default 1). */
  initial?: number;
  /** Maximum number of trials (default 40). */
  maxSteps?: number;
}

export interface ArmijoState {
  /** The accepted α of the last step (α₀ before the first). */
  learningRate: number;
  /** f at the accepted point. */
  value: number;
  /** Function evaluations of the last step. */
  evaluations: number;
  /** ⟨∇f, d⟩ of the last step's incoming direction d (−lr·‖g‖† for a steepest-descent step). */
  slope: number;
  trial: Block[];
}

/**
 * Armijo backtracking on the incoming update d (a descent direction, e.g. −lr·‖g‖†·g♯ for any norm):
 * accept the first α = α₀ρᵏ with f(x + αd) ≤ f(x) + c₁·α·⟨∇f, d⟩, then updates ← α·d.
 * The slope ⟨∇f, d⟩ needs no norm-specific code: along −g♯ it equals −‖g‖†, so this serves every norm.
 * If no trial passes within `maxSteps`, the last (smallest) α is taken. Needs `extra.value`,
 * `extra.grad` and `extra.valueFn`.
 */
export function armijo(options: ArmijoOptions = {}): GradientTransformation<ArmijoState> {
  const c1 = options.c1 ?? 1e-4;
  const rho = options.decrease ?? 0.5;
  const initial = options.initial ?? 1;
  const maxSteps = options.maxSteps ?? 40;
  return gradientTransformation<ArmijoState>({
    name: 'armijo',
    spec: { name: 'armijo', c1, decrease: rho, initial, maxSteps },
    readsGrad: true,
    readsParams: true,
    init: (params) => ({ learningRate: initial, value: Number.NaN, evaluations: 0, slope: 0, trial: zerosLike(params) }),
    apply(u, state, params, extra) {
      const { value, grad, valueFn } = extra;
      if (value === undefined || grad === undefined || valueFn === undefined)
        throw new DomainError('armijo', 'needs extra.value, extra.grad and extra.valueFn (descend and Optimizer.step(closure) pass them)');
      const slope = dot(grad, u);
      state.slope = slope;
      let alpha = initial;
      let accepted = Number.NaN;
      let evaluations = 0;
      for (let k = 0; k < maxSteps; k++) {
        for (let b = 0; b < u.length; b++) {
          const t = state.trial[b]!.data;
          const p = params[b]!.data;
          const d = u[b]!.data;
          for (let i = 0; i < t.length; i++) t[i] = p[i]! + alpha * d[i]!;
        }
        const f = valueFn(state.trial);
        evaluations++;
        if (f <= value + c1 * alpha * slope) {
          accepted = f;
          break;
        }
        if (k < maxSteps - 1) alpha *= rho;
      }
      state.learningRate = alpha;
      state.value = accepted;
      state.evaluations = evaluations;
      for (const b of u) {
        const d = b.data;
        for (let i = 0; i < d.length; i++) d[i]! *= alpha;
      }
    },
  });
}
