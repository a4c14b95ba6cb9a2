import { DomainError, ShapeError } from './errors.js';
import { type FusedNode, materialize } from './fusion.js';

export type DType = 'float64' | 'float32';
export type TypedArray = Float64Array | Float32Array;
export type Shape = readonly number[];
export type NestedArray = number | boolean | readonly NestedArray[];

/**
 * An n-d array of floats in row-major order. Tensors are immutable by contract: ops never write into
 * their inputs, and reshape may share `data`. Memory is garbage-collected (no dispose).
 */
export class Tensor {
  readonly shape: Shape;
  readonly size: number;
  readonly dtype: DType;
  #data: TypedArray | null;
  #fused: FusedNode | null;

  constructor(data: TypedArray, shape: Shape);
  /** @internal a tensor whose values are a pending fused expression */
  constructor(data: null, shape: Shape, fused: FusedNode, dtype: DType);
  constructor(data: TypedArray | null, shape: Shape, fused?: FusedNode, dtype?: DType) {
    const size = shapeSize(shape);
    if (data !== null && size !== data.length)
      throw new ShapeError('tensor', `data has ${data.length} values but the shape needs ${size}`, [shape]);
    this.#data = data;
    this.#fused = fused ?? null;
    this.shape = shape;
    this.size = size;
    this.dtype = dtype ?? (data instanceof Float32Array ? 'float32' : 'float64');
  }

  /** A tensor whose values are a fused elementwise expression, computed when first read. */
  static fromFused(node: FusedNode, shape: Shape, dtype: DType): Tensor {
    return new Tensor(null, shape, node, dtype);
  }

  /** The values, row-major (computed now if this tensor is a pending fused expression). */
  get data(): TypedArray {
    if (this.#data === null) {
      this.#data = materialize(this.#fused!, this.size, this.dtype);
      this.#fused = null;
    }
    return this.#data;
  }

  /** The pending fused expression, if the values have not been computed yet. */
  get fused(): FusedNode | null {
    return this.#fused;
  }

  get ndim(): number {
    return this.shape.length;
  }

  /** The single value of a size-1 tensor. */
  item(): number {
    if (this.size !== 1) throw new ShapeError('item', 'only a tensor with one value has an item', [this.shape]);
    return this.data[0]!;
  }

  /** Nested plain arrays (a number for a 0-d tensor). */
  toArray(): NestedArray {
    const { data, shape } = this;
    if (shape.length === 0) return data[0]!;
    const build = (dim: number, offset: number): NestedArray[] => {
      const n = shape[dim]!;
      const stride = shapeSize(shape.slice(dim + 1));
      const out: NestedArray[] = new Array(n);
      for (let i = 0; i < n; i++) out[i] = dim === shape.length - 1 ? data[offset + i]! : build(dim + 1, offset + i * stride);
      return out;
    };
    return build(0, 0);
  }

  toString(): string {
    const show = (v: NestedArray): string => (Array.isArray(v) ? `[${v.map(show).join(', ')}]` : String(v));
    return `Tensor(${show(this.toArray())}, shape=[${this.shape.join(', ')}], ${this.dtype})`;
  }
}

export function shapeSize(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function sameShape(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function allocate(dtype: DType, size: number): TypedArray {
  return dtype === 'float32' ? new Float32Array(size) : new Float64Array(size);
}

export interface TensorOptions {
  dtype?: DType;
  shape?: Shape;
}

/** Builds a tensor from a number, nested arrays, a typed array or another tensor (copied). */
export function tensor(values: NestedArray | TypedArray | Tensor | readonly number[], options: TensorOptions = {}): Tensor {
  if (values instanceof Tensor) {
    const dtype = options.dtype ?? values.dtype;
    const data = allocate(dtype, values.size);
    data.set(values.data);
    return new Tensor(data, options.shape ?? values.shape);
  }
  if (values instanceof Float64Array || values instanceof Float32Array) {
    const dtype = options.dtype ?? (values instanceof Float32Array ? 'float32' : 'float64');
    const data = allocate(dtype, values.length);
    data.set(values);
    return new Tensor(data, options.shape ?? [values.length]);
  }
  const shape: number[] = [];
  let probe: NestedArray = values as NestedArray;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    probe = (probe as readonly NestedArray[])[0] as NestedArray;
    if (probe === undefined) break;
  }
  const data = allocate(options.dtype ?? 'float64', shapeSize(shape));
  let k = 0;
  const fill = (v: NestedArray, dim: number): void => {
    if (dim === shape.length) {
      if (Array.isArray(v)) throw new ShapeError('tensor', 'ragged nested array: deeper than its first element', [shape]);
      const x = typeof v === 'boolean' ? Number(v) : (v as number);
      if (typeof x !== 'number') throw new DomainError('tensor', `expected a number, got ${typeof v}`);
      data[k++] = x;
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[dim])
      throw new ShapeError('tensor', `ragged nested array: expected length ${shape[dim]} at depth ${dim}`, [shape]);
    for (const item of v as readonly NestedArray[]) fill(item, dim + 1);
  };
  fill(values as NestedArray, 0);
  const t = new Tensor(data, shape);
  return options.shape ? new Tensor(data, options.shape) : t;
}

export function full(shape: Shape, value: number, options: { dtype?: DType } = {}): Tensor {
  const data = allocate(options.dtype ?? 'float64', shapeSize(shape));
  if (value !== 0) data.fill(value);
  return new Tensor(data, [...shape]);
}

export const zeros = (shape: Shape, options: { dtype?: DType } = {}): Tensor => full(shape, 0, options);
export const ones = (shape: Shape, options: { dtype?: DType } = {}): Tensor => full(shape, 1, options);

export function eye(n: number, options: { dtype?: DType } = {}): Tensor {
  const t = zeros([n, n], options);
  for (let i = 0; i < n; i++) t.data[i * n + i] = 1;
  return t;
}

export function arange(start: number, stop?: number, step = 1, options: { dtype?: DType } = {}): Tensor {
  if (stop === undefined) [start, stop] = [0, start];
  const n = Math.max(0, Math.ceil((stop - start) / step));
  const data = allocate(options.dtype ?? 'float64', n);
  for (let i = 0; i < n; i++) data[i] = start + i * step;
  return new Tensor(data, [n]);
}

/** Evenly spaced values from start to stop inclusive. */
export function linspace(start: number, stop: number, num: number, options: { dtype?: DType } = {}): Tensor {
  const data = allocate(options.dtype ?? 'float64', num);
  for (let i = 0; i < num; i++) data[i] = num === 1 ? start : start + ((stop - start) * i) / (num - 1);
  return new Tensor(data, [num]);
}
