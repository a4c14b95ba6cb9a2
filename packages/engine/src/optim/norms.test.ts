import { DomainError } from '../errors.js';
import { describe, expect, it } from 'vitest';
import { Tensor, tensor } from '../tensor.js';
import type { Block } from './blocks.js';
import { maxComposite, sumComposite } from './composite-norms.js';
import { columnNorm, rmsToRms, rowNorm, spectral } from './matrix-norms.js';
import { normFromSpec } from './norm-spec.js';
import { quadratic } from './quadratic-norm.js';
import { l1, l2, linf, lp, rms } from './vector-norms.js';

const vec = (...xs: number[]): Block[] => [{ data: Float64Array.from(xs), shape: [xs.length] }];
const mat = (rows: number[][]): Block => ({ data: Float64Array.from(rows.flat()), shape: [rows.length, rows[0]!.length] });
const sharpOf = (norm: ReturnType<typeof l2>, blocks: Block[]) => {
  const out = blocks.map((b) => ({ data: new Float64Array(b.data.length), shape: b.shape }));
  const dual = norm.sharpInto(blocks, out);
  return { dual, sharp: out.map((b) => Array.from(b.data)) };
};
const close = (actual: readonly number[], expected: readonly number[], digits = 6) => {
  expect(actual.length).toBe(expected.length);
  for (const [i, a] of actual.entries()) expect(a).toBeCloseTo(expected[i]!, digits);
};

describe('vector norms on g = (3, −4, 0) (anchor table §2.3)', () => {
  const g = vec(3, -4, 0);
  it('ℓ2: dual 5, sharp (0.6, −0.8, 0)', () => {
    const { dual, sharp } = sharpOf(l2(), g);
    expect(dual).toBeCloseTo(5, 12);
    close(sharp[0]!, [0.6, -0.8, 0], 12);
  });
  it('ℓ∞: dual 7, sharp (1, −1, 0) with sign(0) = 0', () => {
    const { dual, sharp } = sharpOf(linf(), g);
    expect(dual).toBe(7);
    expect(sharp[0]).toEqual([1, -1, 0]);
  });
  it('ℓ1: dual 4, sharp (0, −1, 0)', () => {
    const { dual, sharp } = sharpOf(l1(), g);
    expect(dual).toBe(4);
    expect(sharp[0]).toEqual([0, -1, 0]);
  });
  it('ℓ3: dual 5.584250, sharp (0.732956, −0.846345, 0)', () => {
    const { dual, sharp } = sharpOf(lp(3), g);
    expect(dual).toBeCloseTo(5.58425, 5);
    close(sharp[0]!, [0.732956, -0.846345, 0], 6);
  });
  it('RMS (d = 3): dual 5√3, dual-scaled step −3g', () => {
    const { dual, sharp } = sharpOf(rms(), g);
    expect(dual).toBeCloseTo(5 * Math.sqrt(3), 12);
    close(sharp[0]!.map((s) => -dual * s), [-9, 12, 0], 12);
  });
  it('ℓ1 ties take the first index: g = (2, −2, 1) → (1, 0, 0), dual 2', () => {
    const { dual, sharp } = sharpOf(l1(), vec(2, -2, 1));
    expect(dual).toBe(2);
    expect(sharp[0]).toEqual([1, 0, 0]);
  });
  it('a zero gradient gives a zero sharp and zero dual for every norm, never NaN', () => {
    const norms = [l2(), linf(), l1(), lp(3), lp(1.5), rms(), spectral(), spectral({ method: 'newtonSchulz' }), rmsToRms(), columnNorm(), rowNorm(), quadratic({ diagonal: [1, 2, 3] })];
    for (const n of norms) {
      const { dual, sharp } = sharpOf(n, vec(0, 0, 0));
      expect(dual, n.name).toBe(0);
      expect(sharp[0], n.name).toEqual([0, 0, 0]);
    }
  });
  it('a subnormal gradient still gives a finite unit sharp', () => {
    for (const n of [l2(), rms(), lp(3), linf(), l1(), spectral(), columnNorm(), rowNorm()]) {
      const { sharp } = sharpOf(n, vec(5e-324, 0, -1e-323));
      for (const v of sharp[0]!) expect(Number.isFinite(v), n.name).toBe(true);
      expect(Math.abs(sharp[0]![2]!), n.name).toBeGreaterThan(0);
    }
  });
  it('works on trees: the sharp keeps the structure and dtypes', () => {
    const tree = { a: tensor([3, -4]), b: 0 };
    const s = l2().sharp(tree) as { a: Tensor; b: number };
    expect(s.a).toBeInstanceOf(Tensor);
    close(Array.from(s.a.data), [0.6, -0.8], 12);
    expect(s.b).toBe(0);
    expect(l2().dualNorm(tree)).toBeCloseTo(5, 12);
    expect(linf().norm(tree)).toBe(4);
    const f32 = linf().sharp(tensor([1, -2], { dtype: 'float32' })) as Tensor;
    expect(f32.dtype).toBe('float32');
  });
});

describe('spectral norm (anchor §2.3)', () => {
  it('G = [[1,2],[3,4]] ⇒ sharp [[−3,5],[5,3]]/√34, dual √34, norm 5.464986', () => {
    const n = spectral({ method: 'svd' });
    const g = [mat([[1, 2], [3, 4]])];
    const { dual, sharp } = sharpOf(n, g);
    expect(dual).toBeCloseTo(Math.sqrt(34), 12);
    close(sharp[0]!, [-3, 5, 5, 3].map((v) => v / Math.sqrt(34)), 12);
    expect(n.normOf(g)).toBeCloseTo(5.464986, 6);
  });
  it('the 2×2 closed form (G + sign(det)·cof G)/√(‖G‖²_F + 2|det|) agrees on a non-symmetric matrix', () => {
    const [a, b, c, d] = [0.3, -1.7, 2.2, 0.9];
    const det = a * d - b * c;
    const s = Math.sign(det);
    const r = Math.sqrt(a * a + b * b + c * c + d * d + 2 * Math.abs(det));
    const { dual, sharp } = sharpOf(spectral({ method: 'svd' }), [mat([[a, b], [c, d]])]);
    expect(dual).toBeCloseTo(r, 12);
    close(sharp[0]!, [(a + s * d) / r, (b - s * c) / r, (c - s * b) / r, (d + s * a) / r], 12);
  });
  it('rank-1 [[1,1],[0,0]] ⇒ sharp [[0.707107, 0.707107],[0,0]]: the zero singular value stays 0', () => {
    const { dual, sharp } = sharpOf(spectral({ method: 'svd' }), [mat([[1, 1], [0, 0]])]);
    expect(dual).toBeCloseTo(Math.SQRT2, 12);
    close(sharp[0]!, [Math.SQRT1_2, Math.SQRT1_2, 0, 0], 12);
  });
  it('[[3,0],[0,−4]]: σ = (4, 3), dual 7, sharp diag(1, −1)', () => {
    const g = [mat([[3, 0], [0, -4]])];
    const { dual, sharp } = sharpOf(spectral(), g);
    expect(dual).toBeCloseTo(7, 12);
    close(sharp[0]!, [1, 0, 0, -1], 12);
    expect(spectral().normOf(g)).toBeCloseTo(4, 12);
  });
  it('4×2 example: spectral sharp G/√2, dual 2√2; RMS→RMS sharp G, dual 4', () => {
    const rows = [[1, 0], [0, 1], [1, 0], [0, -1]];
    const g = [mat(rows)];
    const s = sharpOf(spectral(), g);
    expect(s.dual).toBeCloseTo(2 * Math.SQRT2, 12);
    close(s.sharp[0]!, rows.flat().map((v) => v / Math.SQRT2), 12);
    const r = sharpOf(rmsToRms(), g);
    expect(r.dual).toBeCloseTo(4, 12);
    close(r.sharp[0]!, rows.flat(), 12);
  });
  it('wide matrices (rows < cols) give the transpose of the tall answer', () => {
    const tall = [[1, 2], [3, 4], [5, 6]];
    const wide = [[1, 3, 5], [2, 4, 6]];
    const a = sharpOf(spectral({ method: 'svd' }), [mat(tall)]);
    const b = sharpOf(spectral({ method: 'svd' }), [mat(wide)]);
    expect(a.dual).toBeCloseTo(b.dual, 12);
    const at = [0, 2, 4, 1, 3, 5].map((i) => a.sharp[0]![i]!);
    close(b.sharp[0]!, at, 12);
  });
});

describe('column and row norms', () => {
  const g = [mat([[3, 0], [-4, 0]])];
  it('column ℓ2: dual = Σ column norms, each nonzero column normalised, zero columns stay 0', () => {
    const { dual, sharp } = sharpOf(columnNorm(), g);
    expect(dual).toBeCloseTo(5, 12);
    close(sharp[0]!, [0.6, 0, -0.8, 0], 12);
    expect(columnNorm().normOf(g)).toBeCloseTo(5, 12);
  });
  it('row ℓ2: dual = Σ row norms (3 + 4), rows normalised', () => {
    const { dual, sharp } = sharpOf(rowNorm(), g);
    expect(dual).toBeCloseTo(7, 12);
    close(sharp[0]!, [1, 0, -1, 0], 12);
  });
  it('column ℓ∞ is sign of each column, dual Σ column ℓ1', () => {
    const { dual, sharp } = sharpOf(columnNorm({ p: Number.POSITIVE_INFINITY }), g);
    expect(dual).toBe(7);
    expect(sharp[0]).toEqual([1, 0, -1, 0]);
  });
});

describe('quadratic norm ‖z‖_P', () => {
  it('dual √(gᵀP⁻¹g) and sharp P⁻¹g/dual, by Cholesky solve', () => {
    const P = [[4, 1], [1, 3]];
    const n = quadratic({ matrix: P });
    const g = vec(1, 2);
    // P⁻¹ = [[3, −1], [−1, 4]]/11 ⇒ P⁻¹g = (1, 7)/11, gᵀP⁻¹g = 15/11
    const { dual, sharp } = sharpOf(n, g);
    expect(dual).toBeCloseTo(Math.sqrt(15 / 11), 12);
    close(sharp[0]!, [1 / 11 / Math.sqrt(15 / 11), 7 / 11 / Math.sqrt(15 / 11)], 12);
    expect(n.normOf(vec(1, 2))).toBeCloseTo(Math.sqrt(4 + 4 + 12), 12);
  });
  it('rejects a matrix that is not positive definite', () => {
    expect(() => quadratic({ matrix: [[1, 2], [2, 1]] })).toThrow(/positive definite/);
  });
});

describe('composite ("modular") norms (anchor §2.3, Prop. 7)', () => {
  const parts = [
    { norm: linf(), scale: 1 },
    { norm: spectral({ method: 'svd' }), scale: 2 },
  ];
  const g = (): Block[] => [vec(3, -4)[0]!, mat([[1, 2], [3, 4]])];
  it('max-composite: dual = 7 + √34/2 = 9.915476 and both blocks saturate', () => {
    const norm = maxComposite(parts);
    const { dual, sharp } = sharpOf(norm, g());
    expect(dual).toBeCloseTo(9.915476, 6);
    expect(dual).toBeCloseTo(7 + Math.sqrt(34) / 2, 12);
    expect(sharp[0]).toEqual([1, -1]);
    close(sharp[1]!, [-3, 5, 5, 3].map((v) => v / Math.sqrt(34) / 2), 12);
    // Each block's scaled norm equals the budget 1.
    const blocks = sharp.map((s, i) => ({ data: Float64Array.from(s), shape: g()[i]!.shape }));
    expect(linf().normOf([blocks[0]!])).toBeCloseTo(1, 12);
    expect(2 * spectral().normOf([blocks[1]!])).toBeCloseTo(1, 12);
    expect(norm.normOf(blocks)).toBeCloseTo(1, 12);
  });
  it('sum-composite: dual = max(7, √34/2) = 7 and only block 1 moves', () => {
    const { dual, sharp } = sharpOf(sumComposite(parts), g());
    expect(dual).toBeCloseTo(7, 12);
    expect(sharp[0]).toEqual([1, -1]);
    expect(sharp[1]).toEqual([0, 0, 0, 0]);
  });
  it('is rebuilt from its spec', () => {
    const norm = normFromSpec(JSON.parse(JSON.stringify(maxComposite(parts).spec)));
    expect(norm.dualNormOf(g())).toBeCloseTo(7 + Math.sqrt(34) / 2, 12);
  });
});

describe('normFromSpec', () => {
  it('builds every norm from plain data and the spec round-trips', () => {
    const specs = [
      { name: 'l2' },
      { name: 'linf' },
      { name: 'l1' },
      { name: 'lp', p: 3 },
      { name: 'rms' },
      { name: 'spectral', method: 'newtonSchulz', coefficients: 'keller5' },
      { name: 'rmsToRms' },
      { name: 'columnNorm', p: 2 },
      { name: 'rowNorm', p: 2 },
      { name: 'quadratic', diagonal: [1, 2, 3, 4] },
    ] as const;
    const g = [{ data: Float64Array.of(1, -2, 3, 0.5), shape: [2, 2] }];
    for (const spec of specs) {
      const n = normFromSpec(spec);
      expect(n.spec).toEqual(spec);
      expect(normFromSpec(n.spec).dualNormOf(g)).toBe(n.dualNormOf(g));
    }
    expect(normFromSpec({ name: 'lp', p: 3 }).dualNormOf(vec(3, -4, 0))).toBeCloseTo(5.58425, 5);
  });
  it('rejects unknown names and p < 1', () => {
    expect(() => normFromSpec({ name: 'nope' } as never)).toThrow(/unknown norm/);
    expect(() => lp(0.5)).toThrow(DomainError);
  });
});
