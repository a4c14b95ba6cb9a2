import { DomainError } from '../errors.js';
import { type Block, matrixDims } from './blocks.js';
import { type Coefficients, newtonSchulz, PRESETS } from './newton-schulz.js';
import { leafwise, type Norm } from './norm.js';
import { svdPolar } from './svd.js';

/**
 * Matrix norms act on each leaf as a (rows, cols) = (d_out, d_in) matrix: a vector is a column,
 * higher ranks fold trailing axes into columns. Over a tree with several leaves they combine as the
 * max-composite with unit scales (‖W‖ = max over leaves, ‖G‖† = sum over leaves, every leaf moves).
 */

export type SpectralMethod = 'svd' | 'newtonSchulz' | 'auto';

export interface SpectralOptions {
  /** 'auto' (default) uses the exact SVD when min(rows, cols) ≤ 32 and Newton–Schulz above. */
  method?: SpectralMethod;
  /** Newton–Schulz coefficients: a preset name or explicit (a, b, c) triples. Default 'you6'. */
  coefficients?: 'you6' | 'keller5' | Coefficients;
}

const SVD_LIMIT = 32;

function polarInto(g: Block, out: Block, method: SpectralMethod, coefficients: Coefficients): number {
  const [rows, cols] = matrixDims(g.shape);
  const useSvd = method === 'svd' || (method === 'auto' && Math.min(rows, cols) <= SVD_LIMIT);
  if (useSvd) {
    const tmp = out.data === g.data ? new Float64Array(g.data.length) : out.data;
    const { nuclear } = svdPolar(g.data, rows, cols, tmp);
    if (tmp !== out.data) out.data.set(tmp);
    return nuclear;
  }
  const src = out.data === g.data ? g.data.slice() : g.data;
  newtonSchulz(src, rows, cols, coefficients, out.data);
  // With an approximate polar factor the attained ⟨G, G♯⟩ is the honest dual value.
  let s = 0;
  for (let i = 0; i < src.length; i++) s += src[i]! * out.data[i]!;
  return s;
}

function resolveCoefficients(c: SpectralOptions['coefficients']): Coefficients {
  if (c === undefined) return PRESETS.you6;
  return typeof c === 'string' ? PRESETS[c] : c;
}

function sigmaMax(b: Block): number {
  const [rows, cols] = matrixDims(b.shape);
  return svdPolar(b.data, rows, cols).singularValues[0] ?? 0;
}

/** Spectral norm σ_max (dual: nuclear norm Σσ; sharp: U·Vᵀ, the orthogonalised update). */
export function spectral(options: SpectralOptions = {}): Norm {
  const method = options.method ?? 'auto';
  const coefficients = resolveCoefficients(options.coefficients);
  return leafwise('spectral', { name: 'spectral', ...options }, {
    norm: sigmaMax,
    dual(b) {
      const [rows, cols] = matrixDims(b.shape);
      return svdPolar(b.data, rows, cols).nuclear;
    },
    sharpInto: (g, out) => polarInto(g, out, method, coefficients),
  });
}

/** RMS→RMS operator norm √(d_in/d_out)·σ_max (dual √(d_out/d_in)·Σσ; sharp √(d_out/d_in)·U·Vᵀ). */
export function rmsToRms(options: SpectralOptions = {}): Norm {
  const method = options.method ?? 'auto';
  const coefficients = resolveCoefficients(options.coefficients);
  const factor = (b: Block) => {
    const [rows, cols] = matrixDims(b.shape);
    return Math.sqrt(rows / cols);
  };
  return leafwise('rmsToRms', { name: 'rmsToRms', ...options }, {
    norm: (b) => sigmaMax(b) / factor(b),
    dual(b) {
      const [rows, cols] = matrixDims(b.shape);
      return factor(b) * svdPolar(b.data, rows, cols).nuclear;
    },
    sharpInto(g, out) {
      const f = factor(g);
      const nuclear = polarInto(g, out, method, coefficients);
      const y = out.data;
      for (let i = 0; i < y.length; i++) y[i]! *= f;
      return f * nuclear;
    },
  });
}

/** ‖x‖_p of a strided slice of `data`, scaled against overflow. */
function slicePNorm(data: Float64Array, start: number, count: number, stride: number, p: number): number {
  let m = 0;
  for (let k = 0; k < count; k++) m = Math.max(m, Math.abs(data[start + k * stride]!));
  if (m === 0 || !Number.isFinite(m)) return m;
  if (p === Number.POSITIVE_INFINITY) return m;
  let s = 0;
  for (let k = 0; k < count; k++) s += (Math.abs(data[start + k * stride]!) / m) ** p;
  return m * s ** (1 / p);
}

/** Writes the ℓp-sharp of a strided slice and returns its ℓq dual norm. */
function sliceSharp(g: Float64Array, out: Float64Array, start: number, count: number, stride: number, p: number): number {
  if (p === 1) {
    let best = 0;
    let at = -1;
    for (let k = 0; k < count; k++) {
      const a = Math.abs(g[start + k * stride]!);
      if (a > best) {
        best = a;
        at = k;
      }
    }
    const sign = at >= 0 ? Math.sign(g[start + at * stride]!) : 0;
    for (let k = 0; k < count; k++) out[start + k * stride] = 0;
    if (at >= 0) out[start + at * stride] = sign;
    return best;
  }
  const q = p === Number.POSITIVE_INFINITY ? 1 : p / (p - 1);
  const d = slicePNorm(g, start, count, stride, q);
  if (d === 0) {
    for (let k = 0; k < count; k++) out[start + k * stride] = 0;
    return 0;
  }
  for (let k = 0; k < count; k++) {
    const i = start + k * stride;
    const v = g[i]!;
    out[i] = v === 0 ? 0 : q === 1 ? Math.sign(v) : Math.sign(v) * (Math.abs(v) / d) ** (q - 1);
  }
  return d;
}

function dualExponent(p: number): number {
  if (p === 1) return Number.POSITIVE_INFINITY;
  if (p === Number.POSITIVE_INFINITY) return 1;
  return p / (p - 1);
}

/**
 * Max column ℓp norm (the ℓ1→ℓp operator norm). Dual: Σⱼ‖colⱼ(G)‖_q; sharp: each column's ℓp-sharp
 * (zero columns stay 0). p = 2 is Scion's ColNorm.
 */
export function columnNorm(options: { p?: number } = {}): Norm {
  const p = options.p ?? 2;
  if (!(p >= 1)) throw new DomainError('columnNorm', `p must be ≥ 1, got ${p}`);
  const q = dualExponent(p);
  return leafwise('columnNorm', { name: 'columnNorm', p }, {
    norm(b) {
      const [rows, cols] = matrixDims(b.shape);
      let m = 0;
      for (let j = 0; j < cols; j++) m = Math.max(m, slicePNorm(b.data, j, rows, cols, p));
      return m;
    },
    dual(b) {
      const [rows, cols] = matrixDims(b.shape);
      let s = 0;
      for (let j = 0; j < cols; j++) s += slicePNorm(b.data, j, rows, cols, q);
      return s;
    },
    sharpInto(g, out) {
      const [rows, cols] = matrixDims(g.shape);
      let s = 0;
      for (let j = 0; j < cols; j++) s += sliceSharp(g.data, out.data, j, rows, cols, p);
      return s;
    },
  });
}

/** Max row ℓp norm. Dual: Σᵢ‖rowᵢ(G)‖_q; sharp: each row's ℓp-sharp (zero rows stay 0). */
export function rowNorm(options: { p?: number } = {}): Norm {
  const p = options.p ?? 2;
  if (!(p >= 1)) throw new DomainError('rowNorm', `p must be ≥ 1, got ${p}`);
  const q = dualExponent(p);
  return leafwise('rowNorm', { name: 'rowNorm', p }, {
    norm(b) {
      const [rows, cols] = matrixDims(b.shape);
      let m = 0;
      for (let i = 0; i < rows; i++) m = Math.max(m, slicePNorm(b.data, i * cols, cols, 1, p));
      return m;
    },
    dual(b) {
      const [rows, cols] = matrixDims(b.shape);
      let s = 0;
      for (let i = 0; i < rows; i++) s += slicePNorm(b.data, i * cols, cols, 1, q);
      return s;
    },
    sharpInto(g, out) {
      const [rows, cols] = matrixDims(g.shape);
      let s = 0;
      for (let i = 0; i < rows; i++) s += sliceSharp(g.data, out.data, i * cols, cols, 1, p);
      return s;
    },
  });
}
