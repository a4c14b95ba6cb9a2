/**
 * Newton–Schulz orthogonalisation: X ← aX + b(XXᵀ)X + c(XXᵀ)²X acts on each singular value through the
 * odd polynomial p(σ) = aσ + bσ³ + cσ⁵, so after a few steps every (normalised) singular value lands
 * in a narrow band around 1 while U and V are untouched; zero singular values stay exactly 0.
 */
export type Coefficients = readonly (readonly [number, number, number])[];

/**
 * You Jiacheng's six steps (modula `orthogonalize`). For σ/‖G‖_F ∈ [0.01, 1] the output singular
 * values lie in [0.99, 1.0] (certified by interval arithmetic in newton-schulz.test.ts).
 */
export const YOU_6: Coefficients = [
  [3955 / 1024, -8306 / 1024, 5008 / 1024],
  [3735 / 1024, -6681 / 1024, 3463 / 1024],
  [3799 / 1024, -6499 / 1024, 3211 / 1024],
  [4019 / 1024, -6385 / 1024, 2906 / 1024],
  [2677 / 1024, -3029 / 1024, 1162 / 1024],
  [2172 / 1024, -1833 / 1024, 682 / 1024],
];

/**
 * Keller Jordan's Muon quintic, 5 steps. Deliberately not convergent: for σ/‖G‖_F ∈ [0.01, 1] the
 * output lies in [0.68, 1.14] (certified in the tests), which Muon accepts for speed.
 */
export const KELLER_5: Coefficients = Array.from({ length: 5 }, () => [3.4445, -4.775, 2.0315] as const);

/** The stated output band for inputs with σ/‖G‖_F ≥ `minRatio`. */
export interface Band {
  readonly minRatio: number;
  readonly low: number;
  readonly high: number;
}

export const BANDS: Record<'you6' | 'keller5', Band> = {
  you6: { minRatio: 0.01, low: 0.99, high: 1.0 },
  keller5: { minRatio: 0.01, low: 0.68, high: 1.14 },
};

export const PRESETS: Record<'you6' | 'keller5', Coefficients> = { you6: YOU_6, keller5: KELLER_5 };

/** The scalar map the iteration applies to each normalised singular value. */
export function newtonSchulzScalar(x: number, coefficients: Coefficients): number {
  for (const [a, b, c] of coefficients) {
    const x2 = x * x;
    x = x * (a + x2 * (b + c * x2));
  }
  return x;
}

/**
 * Writes the approximate polar factor of G (rows×cols, row-major) into `out` (may alias `g`).
 * Works on the wide orientation so the Gram matrix is the small side.
 */
export function newtonSchulz(g: Float64Array, rows: number, cols: number, coefficients: Coefficients, out: Float64Array): void {
  const transpose = rows > cols;
  const m = transpose ? cols : rows;
  const n = transpose ? rows : cols;
  let frob = 0;
  for (let i = 0; i < g.length; i++) frob += g[i]! * g[i]!;
  frob = Math.sqrt(frob);
  if (frob === 0 || !Number.isFinite(frob)) {
    if (frob === 0) out.fill(0);
    else out.fill(Number.NaN);
    return;
  }
  let x = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) x[i * n + j] = (transpose ? g[j * cols + i]! : g[i * cols + j]!) / frob;
  const gram = new Float64Array(m * m);
  const poly = new Float64Array(m * m);
  let next = new Float64Array(m * n);
  for (const [a, b, c] of coefficients) {
    // gram = X Xᵀ
    for (let i = 0; i < m; i++) {
      for (let k = i; k < m; k++) {
        let s = 0;
        const ri = i * n;
        const rk = k * n;
        for (let j = 0; j < n; j++) s += x[ri + j]! * x[rk + j]!;
        gram[i * m + k] = s;
        gram[k * m + i] = s;
      }
    }
    // poly = b·gram + c·gram²
    for (let i = 0; i < m; i++) {
      for (let k = 0; k < m; k++) {
        let s = 0;
        for (let j = 0; j < m; j++) s += gram[i * m + j]! * gram[j * m + k]!;
        poly[i * m + k] = b * gram[i * m + k]! + c * s;
      }
    }
    // next = a·X + poly·X
    for (let i = 0; i < m; i++) {
      const row = next.subarray(i * n, (i + 1) * n);
      for (let j = 0; j < n; j++) row[j] = a * x[i * n + j]!;
      for (let k = 0; k < m; k++) {
        const pik = poly[i * m + k]!;
        if (pik === 0) continue;
        const rk = k * n;
        for (let j = 0; j < n; j++) row[j]! += pik * x[rk + j]!;
      }
    }
    [x, next] = [next, x];
  }
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      if (transpose) out[j * cols + i] = x[i * n + j]!;
      else out[i * cols + j] = x[i * n + j]!;
    }
}
