import { ShapeError } from '../errors.js';
import type { Block, Blocks } from './blocks.js';
import { makeNorm, type Norm } from './norm.js';
import type { NormSpec } from './norm-spec.js';

/**
 * Per-block ("modular") norms. The tree's leaves, in flatten order, are split into consecutive parts;
 * part l has its own norm N_l and scale s_l and covers `leaves` leaves (default 1).
 * - max-composite ‖W‖ = max_l s_l‖W_l‖: dual Σ_l ‖G_l‖†/s_l; sharp G_l♯/s_l in **every** block, so
 *   each block saturates its budget and one step size η is shared: ΔW_l = −(η/s_l)·G_l♯.
 * - sum-composite ‖W‖ = Σ_l s_l‖W_l‖: dual max_l ‖G_l‖†/s_l; only the first best block moves
 *   (blocks within a relative 1e-12 of the best count as tied).
 */
export interface CompositePart {
  norm: Norm;
  scale?: number;
  leaves?: number;
}

function splitter(parts: readonly CompositePart[]) {
  const counts = parts.map((p) => p.leaves ?? 1);
  const total = counts.reduce((a, b) => a + b, 0);
  return (blocks: Blocks): Block[][] => {
    if (blocks.length !== total)
      throw new ShapeError('compositeNorm', `its parts cover ${total} leaves but the tree has ${blocks.length}`);
    const out: Block[][] = [];
    let k = 0;
    for (const c of counts) {
      out.push(blocks.slice(k, k + c));
      k += c;
    }
    return out;
  };
}

function partSpecs(parts: readonly CompositePart[]) {
  return parts.map((p) => ({ norm: p.norm.spec, scale: p.scale ?? 1, leaves: p.leaves ?? 1 }));
}

export function maxComposite(parts: readonly CompositePart[]): Norm {
  const split = splitter(parts);
  const scales = parts.map((p) => p.scale ?? 1);
  return makeNorm({
    name: 'max',
    spec: { name: 'max', parts: partSpecs(parts) } as NormSpec,
    normOf(w) {
      const pieces = split(w);
      let m = 0;
      for (let l = 0; l < pieces.length; l++) m = Math.max(m, scales[l]! * parts[l]!.norm.normOf(pieces[l]!));
      return m;
    },
    dualNormOf(g) {
      const pieces = split(g);
      let s = 0;
      for (let l = 0; l < pieces.length; l++) s += parts[l]!.norm.dualNormOf(pieces[l]!) / scales[l]!;
      return s;
    },
    sharpInto(g, out) {
      const gs = split(g);
      const os = split(out);
      let s = 0;
      for (let l = 0; l < gs.length; l++) {
        const d = parts[l]!.norm.sharpInto(gs[l]!, os[l]!);
        const inv = 1 / scales[l]!;
        for (const b of os[l]!) {
          const y = b.data;
          for (let i = 0; i < y.length; i++) y[i]! *= inv;
        }
        s += d * inv;
      }
      return s;
    },
  });
}

export function sumComposite(parts: readonly CompositePart[]): Norm {
  const split = splitter(parts);
  const scales = parts.map((p) => p.scale ?? 1);
  return makeNorm({
    name: 'sum',
    spec: { name: 'sum', parts: partSpecs(parts) } as NormSpec,
    normOf(w) {
      const pieces = split(w);
      let s = 0;
      for (let l = 0; l < pieces.length; l++) s += scales[l]! * parts[l]!.norm.normOf(pieces[l]!);
      return s;
    },
    dualNormOf(g) {
      const pieces = split(g);
      let m = 0;
      for (let l = 0; l < pieces.length; l++) m = Math.max(m, parts[l]!.norm.dualNormOf(pieces[l]!) / scales[l]!);
      return m;
    },
    sharpInto(g, out) {
      const gs = split(g);
      const os = split(out);
      // Ties go to the first block; "tie" allows for rounding (relative 1e-12), since the blocks'
      // duals come from different formulas and must not swap order when g is rescaled.
      const values = gs.map((b, l) => parts[l]!.norm.dualNormOf(b) / scales[l]!);
      const bestValue = Math.max(0, ...values);
      const best = bestValue > 0 ? values.findIndex((v) => v >= bestValue * (1 - 1e-12)) : -1;
      for (let l = 0; l < gs.length; l++) {
        if (l === best) {
          parts[l]!.norm.sharpInto(gs[l]!, os[l]!);
          const inv = 1 / scales[l]!;
          for (const b of os[l]!) {
            const y = b.data;
            for (let i = 0; i < y.length; i++) y[i]! *= inv;
          }
        } else for (const b of os[l]!) b.data.fill(0);
      }
      return bestValue;
    },
  });
}
