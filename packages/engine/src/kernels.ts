// Raw numeric kernels on plain numbers and Tensors (no tracing). Elementwise loops are generated once per
// op with `new Function` so each op gets its own monomorphic, inlinable loop.
import { DomainError, ShapeError } from './errors.js';
import { FUSE_MIN_SIZE, fusedOp, fusedSum, materializeInto } from './fusion.js';
import { allocate, type DType, type Shape, sameShape, shapeSize, Tensor, type TypedArray } from './tensor.js';

/** The expression with its operands as fusion placeholders: x → $0, y → $1. */
const placeholders = (expr: string): string => expr.replace(/\bx\b/g, '$$0').replace(/\by\b/g, '$$1');

export type Raw = number | Tensor;

export const shapeOfRaw = (x: Raw): Shape => (typeof x === 'number' ? [] : x.shape);

export function resultDtype(a: Raw, b: Raw): DType {
  const da = typeof a === 'number' ? null : a.dtype;
  const db = typeof b === 'number' ? null : b.dtype;
  if (da === 'float64' || db === 'float64') return 'float64';
  return da ?? db ?? 'float64';
}

export function broadcastShapes(op: string, a: Shape, b: Shape): Shape {
  if (sameShape(a, b)) return a;
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) throw new ShapeError(op, 'shapes cannot be broadcast together', [a, b]);
    out[i] = da === 1 ? db : da;
  }
  return out;
}

function broadcastable(a: Shape, b: Shape): boolean {
  for (let i = 1; i <= Math.min(a.length, b.length); i++) {
    const x = a[a.length - i]!;
    const y = b[b.length - i]!;
    if (x !== y && x !== 1 && y !== 1) return false;
  }
  return true;
}

/** Strides of `shape` seen through the broadcast output shape `out` (0 on broadcast axes). */
function broadcastStrides(shape: Shape, out: Shape): number[] {
  const strides = new Array<number>(out.length).fill(0);
  let stride = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const j = out.length - shape.length + i;
    strides[j] = shape[i] === 1 ? 0 : stride;
    stride *= shape[i]!;
  }
  return strides;
}

type Loop = (a: TypedArray, b: TypedArray | number, out: TypedArray, n: number) => void;
type SuffixLoop = (big: TypedArray, small: TypedArray, out: TypedArray, rows: number, cols: number) => void;
type StridedLoop = (a: TypedArray, b: TypedArray, out: TypedArray, shape: Shape, sa: number[], sb: number[]) => void;

export type UnaryKernel = (x: Raw) => Raw;
export type BinaryKernel = (a: Raw, b: Raw) => Raw;

/** Builds a unary elementwise kernel from an expression in `x` (e.g. `Math.sin(x)`). */
export function unaryKernel(expr: string): { scalar: (x: number) => number; kernel: UnaryKernel } {
  const scalar = new Function('x', `return ${expr};`) as (x: number) => number;
  const loop = new Function('a', 'out', 'n', `for (let i = 0; i < n; i++) { const x = a[i]; out[i] = ${expr}; }`) as (
    a: TypedArray,
    out: TypedArray,
    n: number,
  ) => void;
  const fused = placeholders(expr);
  const kernel = (x: Raw): Raw => {
    if (typeof x === 'number') return scalar(x);
    if (x.size >= FUSE_MIN_SIZE) return fusedOp(fused, [x], x.shape, x.dtype);
    const out = allocate(x.dtype, x.size);
    loop(x.data, out, x.size);
    return new Tensor(out, x.shape);
  };
  return { scalar, kernel };
}

/** Builds a broadcasting binary elementwise kernel from an expression in `x` and `y`. */
export function binaryKernel(name: string, expr: string): { scalar: (x: number, y: number) => number; kernel: BinaryKernel } {
  const scalar = new Function('x', 'y', `return ${expr};`) as (x: number, y: number) => number;
  const vv = new Function('a', 'b', 'out', 'n', `for (let i = 0; i < n; i++) { const x = a[i], y = b[i]; out[i] = ${expr}; }`) as Loop;
  const vs = new Function('a', 'y', 'out', 'n', `for (let i = 0; i < n; i++) { const x = a[i]; out[i] = ${expr}; }`) as Loop;
  const sv = new Function('b', 'x', 'out', 'n', `for (let i = 0; i < n; i++) { const y = b[i]; out[i] = ${expr}; }`) as Loop;
  // One operand repeats along the other's leading axes (bias adds, batched tangents): two plain loops.
  const repeatB = new Function('a', 'b', 'out', 'rows', 'cols', `let k = 0; for (let r = 0; r < rows; r++) for (let j = 0; j < cols; j++, k++) { const x = a[k], y = b[j]; out[k] = ${expr}; }`) as SuffixLoop;
  const repeatA = new Function('b', 'a', 'out', 'rows', 'cols', `let k = 0; for (let r = 0; r < rows; r++) for (let j = 0; j < cols; j++, k++) { const x = a[j], y = b[k]; out[k] = ${expr}; }`) as SuffixLoop;
  const strided = new Function(
    'A',
    'B',
    'out',
    'shape',
    'sa',
    'sb',
    `const nd = shape.length, last = shape[nd - 1], la = sa[nd - 1], lb = sb[nd - 1];
     let outer = 1; for (let d = 0; d < nd - 1; d++) outer *= shape[d];
     const idx = new Int32Array(nd); let oa = 0, ob = 0, o = 0;
     for (let r = 0; r < outer; r++) {
       let ia = oa, ib = ob;
       for (let j = 0; j < last; j++) { const x = A[ia], y = B[ib]; out[o++] = ${expr}; ia += la; ib += lb; }
       for (let d = nd - 2; d >= 0; d--) {
         idx[d]++; oa += sa[d]; ob += sb[d];
         if (idx[d] < shape[d]) break;
         oa -= sa[d] * shape[d]; ob -= sb[d] * shape[d]; idx[d] = 0;
       }
     }`,
  ) as StridedLoop;
  const fused = placeholders(expr);
  const kernel = (a: Raw, b: Raw): Raw => {
    if (typeof a === 'number' && typeof b === 'number') return scalar(a, b);
    // Same shapes or a scalar side: fuse into a pending expression when big enough.
    const as = typeof a === 'number' ? null : a;
    const bs = typeof b === 'number' ? null : b;
    const big = as && bs ? (sameShape(as.shape, bs.shape) ? as : bs.size === 1 && bs.shape.length <= as.shape.length ? as : as.size === 1 && as.shape.length <= bs.shape.length ? bs : null) : (as ?? bs);
    if (big && big.size >= FUSE_MIN_SIZE) return fusedOp(fused, [a, b], big.shape, resultDtype(a, b));
    if (typeof a === 'number') {
      b = b as Tensor;
      const out = allocate(resultDtype(a, b), b.size);
      sv(b.data, a, out, b.size);
      return new Tensor(out, b.shape);
    }
    if (typeof b === 'number') {
      const out = allocate(resultDtype(a, b), a.size);
      vs(a.data, b, out, a.size);
      return new Tensor(out, a.shape);
    }
    const dtype = resultDtype(a, b);
    if (sameShape(a.shape, b.shape)) {
      const out = allocate(dtype, a.size);
      vv(a.data, b.data, out, a.size);
      return new Tensor(out, a.shape);
    }
    if (b.size === 1 && b.shape.length <= a.shape.length) {
      const out = allocate(dtype, a.size);
      vs(a.data, b.data[0]!, out, a.size);
      return new Tensor(out, a.shape);
    }
    if (a.size === 1 && a.shape.length <= b.shape.length) {
      const out = allocate(dtype, b.size);
      sv(b.data, a.data[0]!, out, b.size);
      return new Tensor(out, b.shape);
    }
    if (isSuffix(b.shape, a.shape)) {
      const out = allocate(dtype, a.size);
      repeatB(a.data, b.data, out, a.size / b.size, b.size);
      return new Tensor(out, a.shape);
    }
    if (isSuffix(a.shape, b.shape)) {
      const out = allocate(dtype, b.size);
      repeatA(b.data, a.data, out, b.size / a.size, a.size);
      return new Tensor(out, b.shape);
    }
    const shape = broadcastShapes(name, a.shape, b.shape);
    const out = allocate(dtype, shapeSize(shape));
    if (out.length > 0) strided(a.data, b.data, out, shape, broadcastStrides(a.shape, shape), broadcastStrides(b.shape, shape));
    return new Tensor(out, shape);
  };
  return { scalar, kernel };
}

/** `small` equals the trailing axes of `big`: it repeats along big's leading axes. */
function isSuffix(small: Shape, big: Shape): boolean {
  if (small.length === 0 || small.length > big.length || shapeSize(small) === 0) return false;
  for (let i = 1; i <= small.length; i++) if (small[small.length - i] !== big[big.length - i]) return false;
  return true;
}

export function where(cond: Raw, a: Raw, b: Raw): Raw {
  if (typeof cond === 'number' && typeof a === 'number' && typeof b === 'number') return cond !== 0 ? a : b;
  const shape = broadcastShapes('where', broadcastShapes('where', shapeOfRaw(cond), shapeOfRaw(a)), shapeOfRaw(b));
  const n = shapeSize(shape);
  const c = broadcastRaw(cond, shape);
  const x = broadcastRaw(a, shape);
  const y = broadcastRaw(b, shape);
  const out = allocate(resultDtype(a, b), n);
  for (let i = 0; i < n; i++) out[i] = c[i] !== 0 ? x[i]! : y[i]!;
  return new Tensor(out, shape);
}

function broadcastRaw(x: Raw, shape: Shape): TypedArray {
  if (typeof x === 'number') return new Float64Array(shapeSize(shape)).fill(x);
  if (sameShape(x.shape, shape)) return x.data;
  return (broadcastTo(x, shape) as Tensor).data;
}

export function normalizeAxis(op: string, axis: number, ndim: number): number {
  const a = axis < 0 ? axis + ndim : axis;
  if (!Number.isInteger(a) || a < 0 || a >= ndim) throw new DomainError(op, `axis ${axis} is out of range for ${ndim} dimensions`);
  return a;
}

export type ReduceKind = 'sum' | 'max' | 'min' | 'prod';

/** Reduces over `axes` (sorted, normalized) keeping them as size-1 dims when `keepdims`. */
export function reduce(x: Raw, axes: readonly number[], keepdims: boolean, kind: ReduceKind): Raw {
  if (typeof x === 'number') return x;
  if (x.fused && kind === 'sum' && axes.length === x.shape.length) {
    const total = fusedSum(x.fused, x.size);
    const shape = keepdims ? x.shape.map(() => 1) : [];
    return new Tensor(x.dtype === 'float32' ? Float32Array.of(total) : Float64Array.of(total), shape);
  }
  const { shape, data } = x;
  const nd = shape.length;
  const init = kind === 'sum' ? 0 : kind === 'prod' ? 1 : kind === 'max' ? -Infinity : Infinity;
  const reduced = new Array<boolean>(nd).fill(false);
  for (const a of axes) reduced[a] = true;
  const keptShape = shape.map((d, i) => (reduced[i] ? 1 : d));
  const outShape = keepdims ? keptShape : shape.filter((_, i) => !reduced[i]);
  const outSize = shapeSize(keptShape);
  const out = allocate(x.dtype, outSize).fill(init);
  if (outSize === 1) {
    let acc = init;
    const n = data.length;
    if (kind === 'sum') for (let i = 0; i < n; i++) acc += data[i]!;
    else if (kind === 'prod') for (let i = 0; i < n; i++) acc *= data[i]!;
    else if (kind === 'max') for (let i = 0; i < n; i++) acc = nanMax(acc, data[i]!);
    else for (let i = 0; i < n; i++) acc = nanMin(acc, data[i]!);
    out[0] = acc;
    return new Tensor(out, outShape);
  }
  // Walk the input in order; each input element lands on the output offset that ignores reduced axes.
  const outStrides = new Array<number>(nd).fill(0);
  let s = 1;
  for (let i = nd - 1; i >= 0; i--) {
    outStrides[i] = reduced[i] ? 0 : s;
    s *= keptShape[i]!;
  }
  const last = shape[nd - 1]!;
  const ls = outStrides[nd - 1]!;
  const outer = data.length / last;
  const idx = new Int32Array(nd);
  let base = 0;
  let k = 0;
  for (let r = 0; r < outer; r++) {
    let o = base;
    for (let j = 0; j < last; j++, o += ls) {
      const v = data[k++]!;
      if (kind === 'sum') out[o] += v;
      else if (kind === 'prod') out[o] *= v;
      else if (kind === 'max') out[o] = nanMax(out[o]!, v);
      else out[o] = nanMin(out[o]!, v);
    }
    for (let d = nd - 2; d >= 0; d--) {
      idx[d]++;
      base += outStrides[d]!;
      if (idx[d]! < shape[d]!) break;
      base -= outStrides[d]! * shape[d]!;
      idx[d] = 0;
    }
  }
  return new Tensor(out, outShape);
}

// NaN propagates through max/min, like NumPy and JAX.
const nanMax = (a: number, b: number): number => (a > b || Number.isNaN(a) ? a : b);
const nanMin = (a: number, b: number): number => (a < b || Number.isNaN(a) ? a : b);

export function reshape(x: Raw, shape: Shape): Raw {
  const size = typeof x === 'number' ? 1 : x.size;
  if (shapeSize(shape) !== size) throw new ShapeError('reshape', `cannot reshape ${size} values to the target shape`, [shapeOfRaw(x), shape]);
  if (typeof x === 'number') return new Tensor(Float64Array.of(x), shape);
  return new Tensor(x.data, shape);
}

export function transpose(x: Raw, perm: readonly number[]): Raw {
  if (typeof x === 'number') return x;
  const { shape, data } = x;
  const nd = shape.length;
  const outShape = perm.map((p) => shape[p]!);
  const inStrides = new Array<number>(nd);
  let s = 1;
  for (let i = nd - 1; i >= 0; i--) {
    inStrides[i] = s;
    s *= shape[i]!;
  }
  const out = allocate(x.dtype, x.size);
  if (nd === 2 && perm[0] === 1) {
    const [r, c] = shape as [number, number];
    for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[j * r + i] = data[i * c + j]!;
    return new Tensor(out, outShape);
  }
  const strides = perm.map((p) => inStrides[p]!);
  const idx = new Int32Array(nd);
  let src = 0;
  for (let k = 0; k < out.length; k++) {
    out[k] = data[src]!;
    for (let d = nd - 1; d >= 0; d--) {
      idx[d]++;
      src += strides[d]!;
      if (idx[d]! < outShape[d]!) break;
      src -= strides[d]! * outShape[d]!;
      idx[d] = 0;
    }
  }
  return new Tensor(out, outShape);
}

export function broadcastTo(x: Raw, shape: Shape): Raw {
  const xs = shapeOfRaw(x);
  const target = broadcastShapes('broadcastTo', xs, shape);
  if (!sameShape(target, shape)) throw new ShapeError('broadcastTo', 'cannot broadcast to the target shape', [xs, shape]);
  if (typeof x !== 'number' && sameShape(xs, shape)) return x;
  const dtype = typeof x === 'number' ? 'float64' : x.dtype;
  const size = shapeSize(shape);
  if (typeof x === 'number' || x.size === 1) return constant(shape, typeof x === 'number' ? x : x.data[0]!, dtype);
  const out = allocate(dtype, size);
  const strides = broadcastStrides(xs, shape);
  const nd = shape.length;
  const idx = new Int32Array(nd);
  let src = 0;
  const data = x.data;
  for (let k = 0; k < out.length; k++) {
    out[k] = data[src]!;
    for (let d = nd - 1; d >= 0; d--) {
      idx[d]++;
      src += strides[d]!;
      if (idx[d]! < shape[d]!) break;
      src -= strides[d]! * shape[d]!;
      idx[d] = 0;
    }
  }
  return new Tensor(out, shape);
}

/** A tensor filled with one value (a pending constant when large: never written unless read). */
export function constant(shape: Shape, value: number, dtype: DType): Tensor {
  const size = shapeSize(shape);
  if (size >= FUSE_MIN_SIZE) return Tensor.fromFused({ kind: 'const', value }, shape, dtype);
  return new Tensor(allocate(dtype, size).fill(value), shape);
}

/** Copies the block `begin .. begin+size` of `x` (same rank). */
export function slice(x: Raw, begin: readonly number[], size: readonly number[]): Raw {
  if (typeof x === 'number') return x;
  const { shape } = x;
  const nd = shape.length;
  for (let d = 0; d < nd; d++)
    if (begin[d]! < 0 || size[d]! < 0 || begin[d]! + size[d]! > shape[d]!)
      throw new ShapeError('slice', `block [${begin}] + [${size}] lies outside the input`, [shape]);
  const offset = contiguousOffset(shape, begin, size);
  if (offset >= 0 && shapeSize(size) >= FUSE_MIN_SIZE) return Tensor.fromFused({ kind: 'input', data: x.data, offset }, [...size], x.dtype);
  const out = allocate(x.dtype, shapeSize(size));
  copyBlock(x.data, shape, begin, out, size, true);
  return new Tensor(out, [...size]);
}

/** Offset of a block in its array if the block is one contiguous run of memory, else −1. */
function contiguousOffset(shape: Shape, begin: readonly number[], size: readonly number[]): number {
  let k = 0;
  while (k < shape.length && size[k] === 1) k++;
  for (let d = k + 1; d < shape.length; d++) if (begin[d] !== 0 || size[d] !== shape[d]) return -1;
  let offset = 0;
  let stride = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    offset += begin[d]! * stride;
    stride *= shape[d]!;
  }
  return offset;
}

/** Places `x` at `begin` inside zeros of `shape` (the transpose of slice). */
export function pad(x: Raw, begin: readonly number[], shape: Shape): Raw {
  const t = typeof x === 'number' ? new Tensor(Float64Array.of(x), []) : x;
  const out = allocate(t.dtype, shapeSize(shape));
  const offset = t.fused ? contiguousOffset(shape, begin, t.shape) : -1;
  if (offset >= 0) {
    // A pending expression is evaluated straight into its place in the padded output.
    materializeInto(t.fused!, out, offset, t.size);
    return new Tensor(out, shape);
  }
  copyBlock(t.data, shape, begin, out, t.shape, false);
  return new Tensor(out, shape);
}

/** Moves a block between a big array (shape `big`, origin `begin`) and a dense block array of shape `block`. */
function copyBlock(src: TypedArray, big: Shape, begin: readonly number[], dst: TypedArray, block: Shape, fromBig: boolean): void {
  const nd = big.length;
  const total = shapeSize(block);
  if (total === 0) return;
  if (nd === 0) {
    if (fromBig) dst[0] = src[0]!;
    else dst[0] = src[0]!;
    return;
  }
  const bigStrides = new Array<number>(nd);
  let s = 1;
  for (let i = nd - 1; i >= 0; i--) {
    bigStrides[i] = s;
    s *= big[i]!;
  }
  let origin = 0;
  for (let d = 0; d < nd; d++) origin += begin[d]! * bigStrides[d]!;
  const last = block[nd - 1]!;
  const rows = total / last;
  const idx = new Int32Array(nd);
  let off = origin;
  let k = 0;
  const bigArr = fromBig ? src : dst;
  const blockArr = fromBig ? dst : src;
  for (let r = 0; r < rows; r++) {
    if (fromBig) for (let j = 0; j < last; j++) blockArr[k + j] = bigArr[off + j]!;
    else for (let j = 0; j < last; j++) bigArr[off + j] = blockArr[k + j]!;
    k += last;
    for (let d = nd - 2; d >= 0; d--) {
      idx[d]++;
      off += bigStrides[d]!;
      if (idx[d]! < block[d]!) break;
      off -= bigStrides[d]! * block[d]!;
      idx[d] = 0;
    }
  }
}

export function concat(xs: readonly Raw[], axis: number): Raw {
  const ts = xs.map((x) => (typeof x === 'number' ? new Tensor(Float64Array.of(x), []) : x));
  const first = ts[0]!.shape;
  for (const t of ts)
    if (t.shape.length !== first.length || t.shape.some((d, i) => i !== axis && d !== first[i]))
      throw new ShapeError('concat', `inputs must match on every axis but ${axis}`, ts.map((u) => u.shape));
  const shape = [...first];
  shape[axis] = ts.reduce((n, t) => n + t.shape[axis]!, 0);
  const dtype = ts.every((t) => t.dtype === 'float32') ? 'float32' : 'float64';
  const out = allocate(dtype, shapeSize(shape));
  const begin = new Array<number>(shape.length).fill(0);
  for (const t of ts) {
    copyBlock(t.data, shape, begin, out, t.shape, false);
    begin[axis]! += t.shape[axis]!;
  }
  return new Tensor(out, shape);
}

type Gemm = (A: TypedArray, ao: number, B: TypedArray, bo: number, C: TypedArray, co: number) => void;
const gemms = new Map<string, Gemm>();
const MAX_GEMMS = 256;

/**
 * C += A·B for dense row-major m×k and k×n blocks, i-k-j order so the inner loop is contiguous. Each
 * shape (and dtype mix) gets its own generated function: V8 tunes a function to the arrays and trip
 * counts it first sees, and one shared kernel serving many shapes ran markedly slower.
 */
function gemmFor(m: number, k: number, n: number, A: TypedArray, B: TypedArray, C: TypedArray): Gemm {
  const key = `${m},${k},${n},${A.constructor.name[7]},${B.constructor.name[7]},${C.constructor.name[7]}`;
  let g = gemms.get(key);
  if (g === undefined) {
    const body =
      n === 1
        ? `for (let i = 0; i < ${m}; i++) { let acc = 0; const ai = ao + i * ${k}; for (let p = 0; p < ${k}; p++) acc += A[ai + p] * B[bo + p]; C[co + i] += acc; }`
        : `for (let i = 0; i < ${m}; i++) { const ci = co + i * ${n}, ai = ao + i * ${k};
             for (let p = 0; p < ${k}; p++) { const a = A[ai + p], bp = bo + p * ${n}; for (let j = 0; j < ${n}; j++) C[ci + j] += a * B[bp + j]; } }`;
    g = new Function('A', 'ao', 'B', 'bo', 'C', 'co', body) as Gemm;
    if (gemms.size >= MAX_GEMMS) gemms.clear();
    gemms.set(key, g);
  }
  return g;
}

/** NumPy matmul: 1-D operands are promoted to a row (left) or column (right); batch dims broadcast. */
export function matmul(a: Raw, b: Raw): Raw {
  if (typeof a === 'number' || typeof b === 'number' || a.ndim === 0 || b.ndim === 0)
    throw new ShapeError('matmul', 'operands must have at least one dimension', [shapeOfRaw(a), shapeOfRaw(b)]);
  const as = a.ndim === 1 ? [1, a.shape[0]!] : a.shape;
  const bs = b.ndim === 1 ? [b.shape[0]!, 1] : b.shape;
  const m = as[as.length - 2]!;
  const k = as[as.length - 1]!;
  const k2 = bs[bs.length - 2]!;
  const n = bs[bs.length - 1]!;
  if (k !== k2) throw new ShapeError('matmul', `inner dimensions differ (${k} vs ${k2})`, [a.shape, b.shape]);
  const batchA = as.slice(0, -2);
  const batchB = bs.slice(0, -2);
  if (!broadcastable(batchA, batchB)) throw new ShapeError('matmul', 'batch dimensions cannot be broadcast together', [a.shape, b.shape]);
  const batch = broadcastShapes('matmul', batchA, batchB);
  const nb = shapeSize(batch);
  const out = allocate(resultDtype(a, b), nb * m * n);
  const sa = broadcastStrides(batchA, batch);
  const sb = broadcastStrides(batchB, batch);
  const idx = new Int32Array(batch.length);
  let oa = 0;
  let ob = 0;
  const gemm = gemmFor(m, k, n, a.data, b.data, out);
  for (let t = 0; t < nb; t++) {
    gemm(a.data, oa * m * k, b.data, ob * k * n, out, t * m * n);
    for (let d = batch.length - 1; d >= 0; d--) {
      idx[d]++;
      oa += sa[d]!;
      ob += sb[d]!;
      if (idx[d]! < batch[d]!) break;
      oa -= sa[d]! * batch[d]!;
      ob -= sb[d]! * batch[d]!;
      idx[d] = 0;
    }
  }
  const outShape = [...batch];
  if (a.ndim > 1) outShape.push(m);
  if (b.ndim > 1) outShape.push(n);
  return new Tensor(out, outShape);
}

export function castRaw(x: Raw, dtype: DType): Raw {
  if (typeof x === 'number' || x.dtype === dtype) return x;
  const out = allocate(dtype, x.size);
  out.set(x.data);
  return new Tensor(out, x.shape);
}
