import { DomainError } from '../errors.js';
import { type Blocks, l2 as euclidean, totalSize } from './blocks.js';
import { makeNorm, type Norm } from './norm.js';

/**
 * Vector norms over the whole tree, as if every leaf were concatenated into one vector.
 * Tie and zero rules: sign(0) = 0; ℓ1 picks the first index of the largest |gᵢ|; g = 0 gives g♯ = 0.
 */

function maxAbs(blocks: Blocks): number {
  let m = 0;
  for (const b of blocks) {
    const x = b.data;
    for (let i = 0; i < x.length; i++) {
      const a = Math.abs(x[i]!);
      if (a > m || Number.isNaN(a)) m = a;
    }
  }
  return m;
}

function sumAbs(blocks: Blocks): number {
  let s = 0;
  for (const b of blocks) {
    const x = b.data;
    for (let i = 0; i < x.length; i++) s += Math.abs(x[i]!);
  }
  return s;
}

/** out ← g·(a/b); divides when b is so small that a/b would overflow (subnormal gradients stay finite). */
function scaleInto(g: Blocks, out: Blocks, a: number, b: number): void {
  const c = b > 0 ? a / b : 0;
  const exact = Number.isFinite(c);
  for (let k = 0; k < g.length; k++) {
    const x = g[k]!.data;
    const y = out[k]!.data;
    if (exact) for (let i = 0; i < x.length; i++) y[i] = x[i]! * c;
    else for (let i = 0; i < x.length; i++) y[i] = (x[i]! / b) * a;
  }
}

/** ℓ2: gradient descent. ‖g‖† = ‖g‖₂, g♯ = g/‖g‖₂. */
export function l2(): Norm {
  return makeNorm({
    name: 'l2',
    spec: { name: 'l2' },
    normOf: euclidean,
    dualNormOf: euclidean,
    sharpInto(g, out) {
      const d = euclidean(g);
      scaleInto(g, out, d > 0 ? 1 : 0, d);
      return d;
    },
    // ‖g‖₂·g/‖g‖₂ is g itself: gradient descent without a rounding detour.
    dualScaledInto(g, out) {
      if (out !== g) for (let k = 0; k < g.length; k++) out[k]!.data.set(g[k]!.data);
      return euclidean(g);
    },
  });
}

/** ℓ∞: sign descent. ‖g‖† = ‖g‖₁, g♯ = sign(g). */
export function linf(): Norm {
  return makeNorm({
    name: 'linf',
    spec: { name: 'linf' },
    normOf: maxAbs,
    dualNormOf: sumAbs,
    sharpInto(g, out) {
      let s = 0;
      for (let k = 0; k < g.length; k++) {
        const x = g[k]!.data;
        const y = out[k]!.data;
        for (let i = 0; i < x.length; i++) {
          const v = x[i]!;
          s += Math.abs(v);
          y[i] = v > 0 ? 1 : v < 0 ? -1 : v; // keeps 0 (and NaN) as they are
        }
      }
      return s;
    },
  });
}

/** ℓ1: greedy coordinate descent. ‖g‖† = ‖g‖∞, g♯ = sign(g_k)·e_k at the first largest |g_k|. */
export function l1(): Norm {
  return makeNorm({
    name: 'l1',
    spec: { name: 'l1' },
    normOf: sumAbs,
    dualNormOf: maxAbs,
    sharpInto(g, out) {
      let best = 0;
      let bestBlock = -1;
      let bestIndex = -1;
      for (let k = 0; k < g.length; k++) {
        const x = g[k]!.data;
        for (let i = 0; i < x.length; i++) {
          const a = Math.abs(x[i]!);
          if (a > best) {
            best = a;
            bestBlock = k;
            bestIndex = i;
          }
        }
      }
      const sign = bestBlock >= 0 ? Math.sign(g[bestBlock]!.data[bestIndex]!) : 0;
      for (const b of out) b.data.fill(0);
      if (bestBlock >= 0) out[bestBlock]!.data[bestIndex] = sign;
      return best;
    },
  });
}

/** ‖x‖_p computed with scaling by max|xᵢ| so large p neither overflows nor underflows. */
function pNorm(blocks: Blocks, p: number): number {
  const m = maxAbs(blocks);
  if (m === 0 || !Number.isFinite(m)) return m;
  let s = 0;
  for (const b of blocks) {
    const x = b.data;
    for (let i = 0; i < x.length; i++) s += (Math.abs(x[i]!) / m) ** p;
  }
  return m * s ** (1 / p);
}

/**
 * ℓp for 1 ≤ p ≤ ∞ (q = p/(p−1) is the dual exponent). ‖g‖† = ‖g‖_q,
 * g♯ = sign(g)·|g|^(q−1) / ‖g‖_q^(q−1). p = 1, 2, ∞ use the exact special cases.
 */
export function lp(p: number): Norm {
  if (!(p >= 1)) throw new DomainError('lp', `p must be ≥ 1, got ${p}`);
  if (p === 1) return l1();
  if (p === 2) return withSpec(l2(), 'lp', p);
  if (p === Number.POSITIVE_INFINITY) return withSpec(linf(), 'lp', p);
  const q = p / (p - 1);
  return makeNorm({
    name: `l${p}`,
    spec: { name: 'lp', p },
    normOf: (w) => pNorm(w, p),
    dualNormOf: (g) => pNorm(g, q),
    sharpInto(g, out) {
      const d = pNorm(g, q);
      const m = maxAbs(g);
      const ratio = d > 0 ? d / m : 1;
      const denom = ratio ** (q - 1);
      for (let k = 0; k < g.length; k++) {
        const x = g[k]!.data;
        const y = out[k]!.data;
        for (let i = 0; i < x.length; i++) {
          const v = x[i]!;
          y[i] = v === 0 ? 0 : (Math.sign(v) * (Math.abs(v) / m) ** (q - 1)) / denom;
        }
      }
      return d;
    },
  });
}

function withSpec(norm: Norm, name: 'lp', p: number): Norm {
  return { ...norm, spec: { name, p } };
}

/** RMS: ‖w‖ = ‖w‖₂/√N over all N entries. ‖g‖† = √N‖g‖₂, g♯ = √N·g/‖g‖₂. */
export function rms(): Norm {
  return makeNorm({
    name: 'rms',
    spec: { name: 'rms' },
    normOf: (w) => euclidean(w) / Math.sqrt(totalSize(w)),
    dualNormOf: (g) => euclidean(g) * Math.sqrt(totalSize(g)),
    sharpInto(g, out) {
      const root = Math.sqrt(totalSize(g));
      const e = euclidean(g);
      scaleInto(g, out, e > 0 ? root : 0, e);
      return e * root;
    },
  });
}
