import { type Block, blockSize } from './blocks.js';
import { type GradientTransformation, gradientTransformation } from './transform.js';

export interface LbfgsState {
  count: number;
  /** Stored pairs, newest last: s = Δparams, y = Δgrad, rho = 1/yᵀs. */
  s: Float64Array[];
  y: Float64Array[];
  rho: number[];
  previousParams: Float64Array;
  previousGrad: Float64Array;
}

/**
 * L-BFGS direction by the two-loop recursion (Nocedal–Wright Alg. 7.4): updates ← H·g, where H
 * approximates the inverse Hessian from the last `memory` secant pairs (kept only if yᵀs > 1e-10),
 * with H₀ = (sᵀy / yᵀy)·I. Before any pair exists the direction is g scaled to unit ℓ2 length
 * (optax's trust-region first step). Put it first in the chain (it must see the raw gradient).
 */
export function scaleByLbfgs(options: { memory?: number } = {}): GradientTransformation<LbfgsState> {
  const memory = options.memory ?? 10;
  return gradientTransformation<LbfgsState>({
    name: 'scaleByLbfgs',
    spec: { name: 'scaleByLbfgs', memory },
    readsParams: true,
    init(params) {
      const n = params.reduce((a, b) => a + blockSize(b.shape), 0);
      return { count: 0, s: [], y: [], rho: [], previousParams: new Float64Array(n), previousGrad: new Float64Array(n) };
    },
    apply(u, state, params) {
      const n = state.previousParams.length;
      const g = gather(u, n);
      const x = gather(params, n);
      if (state.count > 0) {
        let ys = 0;
        for (let i = 0; i < n; i++) ys += (x[i]! - state.previousParams[i]!) * (g[i]! - state.previousGrad[i]!);
        if (ys > 1e-10) {
          // Reuse the oldest pair's arrays once the memory is full (no allocation in steady state).
          const recycle = state.s.length >= memory;
          const s = recycle ? state.s.shift()! : new Float64Array(n);
          const y = recycle ? state.y.shift()! : new Float64Array(n);
          if (recycle) state.rho.shift();
          for (let i = 0; i < n; i++) {
            s[i] = x[i]! - state.previousParams[i]!;
            y[i] = g[i]! - state.previousGrad[i]!;
          }
          state.s.push(s);
          state.y.push(y);
          state.rho.push(1 / ys);
        }
      }
      state.previousParams.set(x);
      state.previousGrad.set(g);
      state.count += 1;
      // The direction overwrites g (already saved above); g is u itself for a single leaf.
      const q = g;
      const k = state.s.length;
      if (k === 0) {
        let norm = 0;
        for (let i = 0; i < n; i++) norm += q[i]! * q[i]!;
        norm = Math.sqrt(norm);
        const c = norm > 1 ? 1 / norm : 1;
        for (let i = 0; i < n; i++) q[i]! *= c;
      } else {
        const alpha = new Float64Array(k);
        for (let j = k - 1; j >= 0; j--) {
          const s = state.s[j]!;
          const y = state.y[j]!;
          let a = 0;
          for (let i = 0; i < n; i++) a += s[i]! * q[i]!;
          a *= state.rho[j]!;
          alpha[j] = a;
          for (let i = 0; i < n; i++) q[i]! -= a * y[i]!;
        }
        const sNew = state.s[k - 1]!;
        const yNew = state.y[k - 1]!;
        let yy = 0;
        let sy = 0;
        for (let i = 0; i < n; i++) {
          yy += yNew[i]! * yNew[i]!;
          sy += sNew[i]! * yNew[i]!;
        }
        const gamma = sy / yy;
        for (let i = 0; i < n; i++) q[i]! *= gamma;
        for (let j = 0; j < k; j++) {
          const s = state.s[j]!;
          const y = state.y[j]!;
          let b = 0;
          for (let i = 0; i < n; i++) b += y[i]! * q[i]!;
          b *= state.rho[j]!;
          const c = alpha[j]! - b;
          for (let i = 0; i < n; i++) q[i]! += c * s[i]!;
        }
      }
      if (u.length !== 1) scatter(q, u);
    },
  });
}

export function gather(blocks: readonly Block[], n: number): Float64Array {
  if (blocks.length === 1) return blocks[0]!.data;
  const out = new Float64Array(n);
  let k = 0;
  for (const b of blocks) {
    out.set(b.data, k);
    k += b.data.length;
  }
  return out;
}

export function scatter(flat: Float64Array, blocks: readonly Block[]): void {
  let k = 0;
  for (const b of blocks) {
    b.data.set(flat.subarray(k, k + b.data.length));
    k += b.data.length;
  }
}
