import { DomainError } from '../errors.js';
import { type Block, dot, zerosLike } from './blocks.js';
import { type GradientTransformation, gradientTransformation } from './transform.js';

export interface NewtonCgState {
  /** CG iterations of the last step. */
  cgIterations: number;
  /** True if the last CG solve stopped on non-positive curvature. */
  negativeCurvature: boolean;
}

/**
 * Truncated Newton direction (Nocedal–Wright Alg. 7.1): solves ∇²f·p = g by conjugate gradients using
 * only Hessian-vector products (`extra.hvp`), stopping when ‖r‖ ≤ forcing·‖g‖. On non-positive
 * curvature it returns the current p (or g itself on the first CG iteration). updates ← p; follow with
 * a learning rate of 1 and `armijo()`.
 */
export interface NewtonCgOptions {
  /** CG iteration cap (default max(10, 2n)). */
  maxIterations?: number;
  /**
   * Relative residual target ‖r‖ ≤ forcing·‖g‖. Default min(0.01, √‖g‖): tighter than Nocedal–Wright's
   * min(0.5, √‖g‖) because an extra CG iteration costs one HVP while a sloppy Newton step costs a whole
   * iteration (Rosenbrock from (−1.2, 1): 22 iterations instead of 64).
   */
  forcing?: number;
}

export function scaleByNewtonCg(options: NewtonCgOptions = {}): GradientTransformation<NewtonCgState> {
  return gradientTransformation<NewtonCgState>({
    name: 'scaleByNewtonCg',
    spec: { ...options, name: 'scaleByNewtonCg' },
    init: () => ({ cgIterations: 0, negativeCurvature: false }),
    apply(u, state, _params, extra) {
      const { hvp } = extra;
      if (!hvp) throw new DomainError('newtonCg', 'needs extra.hvp (descend passes it: give an engine function or an Objective with hvp)');
      const n = u.reduce((a, b) => a + b.data.length, 0);
      const maxIterations = options.maxIterations ?? Math.max(10, 2 * n);
      const gNorm = Math.sqrt(dot(u, u));
      const tolerance = (options.forcing ?? Math.min(0.01, Math.sqrt(gNorm))) * gNorm;
      const p: Block[] = zerosLike(u);
      const r: Block[] = u.map((b) => ({ data: b.data.slice(), shape: b.shape })); // r = g − H·0
      const d: Block[] = u.map((b) => ({ data: b.data.slice(), shape: b.shape }));
      const hd: Block[] = zerosLike(u);
      let rr = dot(r, r);
      state.negativeCurvature = false;
      let it = 0;
      if (gNorm > 0) {
        for (; it < maxIterations; it++) {
          hvp(d, hd);
          const curvature = dot(d, hd);
          if (!(curvature > 0)) {
            state.negativeCurvature = true;
            if (it === 0) for (let k = 0; k < p.length; k++) p[k]!.data.set(u[k]!.data);
            break;
          }
          const alpha = rr / curvature;
          for (let k = 0; k < p.length; k++) {
            const pk = p[k]!.data;
            const rk = r[k]!.data;
            const dk = d[k]!.data;
            const hk = hd[k]!.data;
            for (let i = 0; i < pk.length; i++) {
              pk[i]! += alpha * dk[i]!;
              rk[i]! -= alpha * hk[i]!;
            }
          }
          const rrNext = dot(r, r);
          if (Math.sqrt(rrNext) <= tolerance) {
            it++;
            break;
          }
          const beta = rrNext / rr;
          rr = rrNext;
          for (let k = 0; k < d.length; k++) {
            const dk = d[k]!.data;
            const rk = r[k]!.data;
            for (let i = 0; i < dk.length; i++) dk[i] = rk[i]! + beta * dk[i]!;
          }
        }
      }
      state.cgIterations = it;
      for (let k = 0; k < u.length; k++) u[k]!.data.set(p[k]!.data);
    },
  });
}
