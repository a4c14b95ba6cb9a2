import { DomainError, ShapeError } from '../errors.js';
import { type Blocks, totalSize } from './blocks.js';
import { makeNorm, type Norm } from './norm.js';

/**
 * ‖z‖_P = √(zᵀPz) for a symmetric positive definite P (over the concatenated tree). Dual √(gᵀP⁻¹g),
 * sharp P⁻¹g/√(gᵀP⁻¹g): dual-scaled steepest descent is the preconditioned step −P⁻¹g/λ (P = Hessian
 * gives Newton). P⁻¹ is applied by a Cholesky solve, never formed.
 */
export interface QuadraticOptions {
  /** Dense SPD matrix as rows. */
  matrix?: readonly (readonly number[])[];
  /** Diagonal of a diagonal P (all entries > 0). */
  diagonal?: readonly number[];
}

export function quadratic(options: QuadraticOptions): Norm {
  const { matrix, diagonal } = options;
  if (!matrix === !diagonal) throw new DomainError('quadratic', 'give exactly one of `matrix` or `diagonal`');
  const n = matrix ? matrix.length : diagonal!.length;
  const p = new Float64Array(n * n);
  if (matrix) {
    for (let i = 0; i < n; i++) {
      if (matrix[i]!.length !== n) throw new ShapeError('quadratic', 'the matrix must be square');
      for (let j = 0; j < n; j++) p[i * n + j] = matrix[i]![j]!;
    }
  } else for (let i = 0; i < n; i++) p[i * n + i] = diagonal![i]!;
  const chol = cholesky(p, n);
  const z = new Float64Array(n);
  const gather = (blocks: Blocks): Float64Array => {
    if (totalSize(blocks) !== n) throw new ShapeError('quadratic', `P is ${n}×${n} but the tree has ${totalSize(blocks)} entries`);
    let k = 0;
    for (const b of blocks) {
      z.set(b.data, k);
      k += b.data.length;
    }
    return z;
  };
  const inverseQuadratic = (g: Float64Array): number => {
    // gᵀP⁻¹g = ‖L⁻¹g‖²; leaves y = P⁻¹g in g.
    forwardSolve(chol, n, g);
    let s = 0;
    for (let i = 0; i < n; i++) s += g[i]! * g[i]!;
    backSolve(chol, n, g);
    return s;
  };
  const spec = matrix ? { name: 'quadratic' as const, matrix } : { name: 'quadratic' as const, diagonal: diagonal! };
  return makeNorm({
    name: 'quadratic',
    spec,
    normOf(w) {
      const x = gather(w);
      let s = 0;
      for (let i = 0; i < n; i++) {
        let r = 0;
        for (let j = 0; j < n; j++) r += p[i * n + j]! * x[j]!;
        s += x[i]! * r;
      }
      return Math.sqrt(s);
    },
    dualNormOf: (g) => Math.sqrt(inverseQuadratic(gather(g))),
    sharpInto(g, out) {
      const y = gather(g);
      const d = Math.sqrt(inverseQuadratic(y));
      const c = d > 0 ? 1 / d : 0;
      let k = 0;
      for (const b of out) {
        const o = b.data;
        for (let i = 0; i < o.length; i++) o[i] = y[k++]! * c;
      }
      return d;
    },
  });
}

/** Lower-triangular L with P = L·Lᵀ, row-major n×n. */
export function cholesky(p: Float64Array, n: number): Float64Array {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = p[i * n + j]!;
      for (let k = 0; k < j; k++) s -= l[i * n + k]! * l[j * n + k]!;
      if (i === j) {
        if (!(s > 0)) throw new DomainError('quadratic', 'P must be symmetric positive definite');
        l[i * n + i] = Math.sqrt(s);
      } else l[i * n + j] = s / l[j * n + j]!;
    }
  }
  return l;
}

/** x ← L⁻¹x */
function forwardSolve(l: Float64Array, n: number, x: Float64Array): void {
  for (let i = 0; i < n; i++) {
    let s = x[i]!;
    for (let k = 0; k < i; k++) s -= l[i * n + k]! * x[k]!;
    x[i] = s / l[i * n + i]!;
  }
}

/** x ← L⁻ᵀx */
function backSolve(l: Float64Array, n: number, x: Float64Array): void {
  for (let i = n - 1; i >= 0; i--) {
    let s = x[i]!;
    for (let k = i + 1; k < n; k++) s -= l[k * n + i]! * x[k]!;
    x[i] = s / l[i * n + i]!;
  }
}
