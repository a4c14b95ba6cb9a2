import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { spectral } from './matrix-norms.js';
import { BANDS, type Coefficients, KELLER_5, newtonSchulz, newtonSchulzScalar, PRESETS, YOU_6 } from './newton-schulz.js';
import { svdPolar } from './svd.js';

/**
 * The exact range of p(x) = ax + bx³ + cx⁵ over [lo, hi]: p is continuous, so its extremes are at the
 * ends or at interior critical points (p'(x) = a + 3bx² + 5cx⁴ = 0, a quadratic in x²), widened by a
 * rounding slack.
 */
function polyRange([lo, hi]: [number, number], a: number, b: number, c: number): [number, number] {
  const p = (x: number) => x * (a + x * x * (b + c * x * x));
  const candidates = [lo, hi];
  const disc = 9 * b * b - 20 * a * c;
  if (c !== 0 && disc >= 0) {
    for (const y of [(-3 * b - Math.sqrt(disc)) / (10 * c), (-3 * b + Math.sqrt(disc)) / (10 * c)]) {
      if (y <= 0) continue;
      const x = Math.sqrt(y);
      if (x > lo && x < hi) candidates.push(x);
    }
  }
  const values = candidates.map(p);
  const slack = 1e-14;
  return [Math.min(...values) - slack, Math.max(...values) + slack];
}

/**
 * Certifies that every x ∈ [from, 1] maps into [low, high]: covers [from, 1] by intervals of
 * relative width 1e-4 and pushes each interval's exact range through every step.
 */
function certify(coefficients: Coefficients, from: number, low: number, high: number): { min: number; max: number } {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let x = from;
  while (x < 1) {
    const next = Math.min(1, x * (1 + 1e-4));
    let iv: [number, number] = [x, next];
    for (const [a, b, c] of coefficients) iv = polyRange(iv, a, b, c);
    min = Math.min(min, iv[0]);
    max = Math.max(max, iv[1]);
    x = next;
  }
  expect(min).toBeGreaterThanOrEqual(low);
  expect(max).toBeLessThanOrEqual(high);
  return { min, max };
}

describe('Newton–Schulz coefficients land singular values in their stated band', () => {
  it('You Jiacheng 6-step: σ/‖G‖_F ∈ [0.01, 1] ↦ [0.99, 1.0] (range certificate)', () => {
    const { min, max } = certify(YOU_6, BANDS.you6.minRatio, BANDS.you6.low, BANDS.you6.high);
    // The anchors computed the range [0.9956, 0.9993] by sampling; the certificate must contain it.
    expect(min).toBeLessThanOrEqual(0.9956);
    expect(max).toBeGreaterThanOrEqual(0.9993);
  });
  it('Keller 5-step quintic: σ/‖G‖_F ∈ [0.01, 1] ↦ [0.68, 1.14] (certificate), and φ(1) = 0.696', () => {
    certify(KELLER_5, BANDS.keller5.minRatio, BANDS.keller5.low, BANDS.keller5.high);
    expect(newtonSchulzScalar(1, KELLER_5)).toBeCloseTo(0.696, 3);
  });
  it('the coefficient sets are the published ones (Keller sums to 0.701: deliberately not convergent)', () => {
    const [a, b, c] = KELLER_5[0]!;
    expect(a + b + c).toBeCloseTo(0.701, 10);
    expect(YOU_6[0]!.map((v) => v * 1024)).toEqual([3955, -8306, 5008]);
  });
  it('matrix [[1,2],[3,4]] with Keller NS5 has σ = (1.128395, 0.698833) (anchor §3.1)', () => {
    const out = new Float64Array(4);
    newtonSchulz(Float64Array.of(1, 2, 3, 4), 2, 2, KELLER_5, out);
    const { singularValues } = svdPolar(out, 2, 2);
    expect(singularValues[0]).toBeCloseTo(1.128395, 5);
    expect(singularValues[1]).toBeCloseTo(0.698833, 5);
  });
});

describe('Newton–Schulz on random matrices', () => {
  const matrix = fc
    .record({ rows: fc.integer({ min: 1, max: 7 }), cols: fc.integer({ min: 1, max: 7 }) })
    .chain(({ rows, cols }) =>
      fc.record({
        rows: fc.constant(rows),
        cols: fc.constant(cols),
        data: fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: rows * cols, maxLength: rows * cols }),
      }),
    );

  it.each(['you6', 'keller5'] as const)('%s: output σ = φ(σ/‖G‖_F), U and V untouched, zero σ stay 0', (preset) => {
    fc.assert(
      fc.property(matrix, ({ rows, cols, data }) => {
        const g = Float64Array.from(data);
        const frob = Math.hypot(...g);
        fc.pre(frob > 1e-3);
        const out = new Float64Array(g.length);
        newtonSchulz(g, rows, cols, PRESETS[preset], out);
        const input = svdPolar(g, rows, cols).singularValues;
        const expected = Array.from(input, (s) => (s === 0 ? 0 : newtonSchulzScalar(s / frob, PRESETS[preset]))).sort((a, b) => b - a);
        const got = svdPolar(out, rows, cols).singularValues;
        for (let i = 0; i < expected.length; i++) expect(Math.abs(got[i]! - expected[i]!)).toBeLessThanOrEqual(1e-8);
        // φ is not monotone, so the band is checked on each input's own image (the sorted images
        // were just matched against the output's singular values).
        for (const s of input) {
          if (s / frob < BANDS[preset].minRatio) continue;
          const image = newtonSchulzScalar(s / frob, PRESETS[preset]);
          expect(image).toBeGreaterThanOrEqual(BANDS[preset].low);
          expect(image).toBeLessThanOrEqual(BANDS[preset].high);
        }
        if (input.every((s) => s / frob >= BANDS[preset].minRatio))
          for (const s of got) {
            expect(s).toBeGreaterThanOrEqual(BANDS[preset].low - 1e-9);
            expect(s).toBeLessThanOrEqual(BANDS[preset].high + 1e-9);
          }
        // Same polar factor as G wherever G has full rank (the map keeps U and V).
        if (input[input.length - 1]! / frob > 1e-3) {
          const pg = new Float64Array(g.length);
          const po = new Float64Array(g.length);
          svdPolar(g, rows, cols, pg);
          svdPolar(out, rows, cols, po);
          for (let i = 0; i < g.length; i++) expect(Math.abs(pg[i]! - po[i]!)).toBeLessThanOrEqual(1e-6);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('a rank-deficient matrix keeps its zero singular value', () => {
    const out = new Float64Array(4);
    newtonSchulz(Float64Array.of(1, 1, 0, 0), 2, 2, YOU_6, out);
    const { singularValues } = svdPolar(out, 2, 2);
    expect(singularValues[1]).toBe(0);
    expect(out[2]).toBe(0);
    expect(out[3]).toBe(0);
  });

  it('the spectral norm switches to Newton–Schulz for large matrices and stays in the band', () => {
    const rows = 40;
    const cols = 48;
    let seed = 12345;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648 - 0.5;
    };
    // G = U·diag(σ)·Vᵀ with σ from 1 down to 0.2 (so every σ/‖G‖_F ≥ 0.01); U, V orthonormal polar factors.
    const u = new Float64Array(rows * rows);
    const v = new Float64Array(cols * rows);
    svdPolar(Float64Array.from({ length: rows * rows }, random), rows, rows, u);
    svdPolar(Float64Array.from({ length: cols * rows }, random), cols, rows, v);
    const sigma = Array.from({ length: rows }, (_, k) => 1 - (0.8 * k) / (rows - 1));
    const data = new Float64Array(rows * cols);
    for (let i = 0; i < rows; i++)
      for (let j = 0; j < cols; j++) {
        let s = 0;
        for (let k = 0; k < rows; k++) s += u[i * rows + k]! * sigma[k]! * v[j * rows + k]!;
        data[i * cols + j] = s;
      }
    const frob = Math.hypot(...data);
    const input = svdPolar(data, rows, cols).singularValues;
    expect(input[rows - 1]).toBeCloseTo(0.2, 10);
    expect(input[rows - 1]! / frob).toBeGreaterThanOrEqual(0.01);
    const norm = spectral();
    const out = [{ data: new Float64Array(data.length), shape: [rows, cols] }];
    const dual = norm.sharpInto([{ data, shape: [rows, cols] }], out);
    const got = svdPolar(out[0]!.data, rows, cols).singularValues;
    for (const s of got) {
      expect(s).toBeGreaterThanOrEqual(0.99);
      expect(s).toBeLessThanOrEqual(1);
    }
    // The reported dual is ⟨G, G♯⟩, within the band of the exact nuclear norm.
    const nuclear = svdPolar(data, rows, cols).nuclear;
    expect(dual).toBeGreaterThanOrEqual(0.99 * nuclear);
    expect(dual).toBeLessThanOrEqual(nuclear);
  });
});
