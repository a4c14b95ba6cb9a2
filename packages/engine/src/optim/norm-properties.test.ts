import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Block, dot } from './blocks.js';
import { maxComposite, sumComposite } from './composite-norms.js';
import { columnNorm, rmsToRms, rowNorm, spectral } from './matrix-norms.js';
import type { Norm } from './norm.js';
import { quadratic } from './quadratic-norm.js';
import { l1, l2, linf, lp, rms } from './vector-norms.js';

// Every norm is checked on the same tree shape: a 3×2 matrix and a length-2 vector.
const SHAPES: number[][] = [[3, 2], [2]];
const SIZE = 8;

// Entries are 0, small integers (ties) or doubles with |x| ≥ 1e-3: subnormal products would make the
// inner-product identities meaningless in float64 (subnormal inputs have their own test in norms.test.ts).
const value = fc.double({ min: -10, max: 10, noNaN: true }).map((x) => (Math.abs(x) < 1e-3 ? 0 : x));
const entries = fc.array(fc.oneof(value, fc.constant(0), fc.integer({ min: -3, max: 3 })), {
  minLength: SIZE,
  maxLength: SIZE,
});

const toBlocks = (xs: readonly number[]): Block[] => {
  let k = 0;
  return SHAPES.map((shape) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const data = Float64Array.from(xs.slice(k, k + n));
    k += n;
    return { data, shape };
  });
};
const sharp = (norm: Norm, g: Block[]) => {
  const out = g.map((b) => ({ data: new Float64Array(b.data.length), shape: b.shape }));
  const dual = norm.sharpInto(g, out);
  return { dual, out };
};
const scaled = (g: Block[], c: number) => g.map((b) => ({ data: b.data.map((v) => v * c), shape: b.shape }));

// A fixed random SPD matrix for the quadratic norm: P = AᵀA + I.
const A = Array.from({ length: SIZE }, (_, i) => Array.from({ length: SIZE }, (_, j) => Math.sin(7 * i + 3 * j + 1)));
const P = A.map((_, i) => A.map((_, j) => A.reduce((s, row) => s + row[i]! * row[j]!, 0) + (i === j ? 1 : 0)));

const NORMS: Norm[] = [
  l2(),
  linf(),
  l1(),
  lp(1.5),
  lp(3),
  lp(7),
  rms(),
  spectral({ method: 'svd' }),
  rmsToRms({ method: 'svd' }),
  columnNorm(),
  columnNorm({ p: 3 }),
  rowNorm(),
  rowNorm({ p: 1 }),
  quadratic({ matrix: P }),
  maxComposite([
    { norm: spectral({ method: 'svd' }), scale: 2 },
    { norm: linf(), scale: 0.5 },
  ]),
  sumComposite([
    { norm: rowNorm(), scale: 1 },
    { norm: l2(), scale: 3 },
  ]),
];

const tol = (x: number) => 1e-9 * (1 + Math.abs(x));

describe.each(NORMS.map((n) => [n.name === 'max' || n.name === 'sum' ? `${n.name}-composite` : JSON.stringify(n.spec), n] as const))('%s', (_label, norm) => {
  it('‖g♯‖ = 1 (0 for g = 0) and ⟨g, g♯⟩ = ‖g‖†', () => {
    fc.assert(
      fc.property(entries, (xs) => {
        const g = toBlocks(xs);
        const { dual, out } = sharp(norm, g);
        expect(Math.abs(dual - norm.dualNormOf(g))).toBeLessThanOrEqual(tol(dual));
        expect(Math.abs(dot(g, out) - dual)).toBeLessThanOrEqual(tol(dual));
        const size = norm.normOf(out);
        if (dual === 0) expect(size).toBe(0);
        else expect(Math.abs(size - 1)).toBeLessThanOrEqual(1e-9);
      }),
    );
  });
  it('‖g‖† ≥ ⟨g, t⟩ for random unit t', () => {
    fc.assert(
      fc.property(entries, entries, (xs, ts) => {
        const g = toBlocks(xs);
        const t = toBlocks(ts);
        const n = norm.normOf(t);
        fc.pre(n > 1e-6);
        const unit = scaled(t, 1 / n);
        expect(dot(g, unit)).toBeLessThanOrEqual(norm.dualNormOf(g) + tol(norm.dualNormOf(g)));
      }),
    );
  });
  it('scale invariance: (cg)♯ = g♯ and ‖cg‖† = c‖g‖† for c > 0', () => {
    fc.assert(
      fc.property(entries, fc.double({ min: 0.01, max: 100, noNaN: true }), (xs, c) => {
        const g = toBlocks(xs);
        const a = sharp(norm, g);
        const b = sharp(norm, scaled(g, c));
        expect(Math.abs(b.dual - c * a.dual)).toBeLessThanOrEqual(1e-9 * (1 + c * a.dual));
        for (let k = 0; k < g.length; k++)
          for (let i = 0; i < g[k]!.data.length; i++)
            expect(Math.abs(b.out[k]!.data[i]! - a.out[k]!.data[i]!)).toBeLessThanOrEqual(1e-7);
      }),
    );
  });
  it('Fenchel–Young: ⟨g, w⟩ ≤ ‖g‖†·‖w‖', () => {
    fc.assert(
      fc.property(entries, entries, (xs, ws) => {
        const g = toBlocks(xs);
        const w = toBlocks(ws);
        const bound = norm.dualNormOf(g) * norm.normOf(w);
        expect(dot(g, w)).toBeLessThanOrEqual(bound + tol(bound));
      }),
    );
  });
  it('the dual-scaled step attains the model value −‖g‖†²/(2λ)', () => {
    fc.assert(
      fc.property(entries, fc.double({ min: 0.1, max: 10, noNaN: true }), (xs, lambda) => {
        const g = toBlocks(xs);
        const { dual, out } = sharp(norm, g);
        const step = scaled(out, -dual / lambda);
        const model = dot(g, step) + (lambda / 2) * norm.normOf(step) ** 2;
        const expected = -(dual * dual) / (2 * lambda);
        expect(Math.abs(model - expected)).toBeLessThanOrEqual(1e-8 * (1 + Math.abs(expected)));
      }),
    );
  });
});

describe('dual of the dual (spot checks): ‖w‖ = ‖w‖ under the dual pair', () => {
  const pairs: [Norm, Norm][] = [
    [l1(), linf()],
    [linf(), l1()],
    [l2(), l2()],
    [lp(3), lp(1.5)],
    [lp(1.25), lp(5)],
  ];
  it.each(pairs.map(([a, b]) => [a.name, b.name, a, b] as const))('%s vs %s: dual norm of the pair equals the norm, attained by the pair\'s sharp', (_a, _b, norm, dual) => {
    fc.assert(
      fc.property(entries, (xs) => {
        const w = toBlocks(xs);
        expect(Math.abs(dual.dualNormOf(w) - norm.normOf(w))).toBeLessThanOrEqual(tol(norm.normOf(w)));
        const { dual: d, out } = sharp(dual, w); // argmax over ‖g‖ = 1 in the dual norm of ⟨g, w⟩
        expect(Math.abs(dot(w, out) - d)).toBeLessThanOrEqual(tol(d));
      }),
    );
  });
});
