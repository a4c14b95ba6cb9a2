/**
 * The optimizers' working representation: a tree flattened into one Float64Array per leaf, each with
 * its shape. Every hot loop in this folder runs over these arrays; trees appear only at the boundary.
 */
export interface Block {
  readonly data: Float64Array;
  readonly shape: readonly number[];
  /** Dotted path of the leaf in its tree ("w1", "layers.0.bias"), when it came from a tree. */
  readonly path?: string;
}

export type Blocks = readonly Block[];

export function blockSize(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Zero-filled blocks with the same shapes. */
export function zerosLike(blocks: Blocks): Block[] {
  return blocks.map((b) => ({ data: new Float64Array(b.data.length), shape: b.shape }));
}

export function cloneBlocks(blocks: Blocks): Block[] {
  return blocks.map((b) => ({ data: b.data.slice(), shape: b.shape }));
}

export function copyInto(from: Blocks, to: Blocks): void {
  for (let i = 0; i < from.length; i++) to[i]!.data.set(from[i]!.data);
}

export function totalSize(blocks: Blocks): number {
  let n = 0;
  for (const b of blocks) n += b.data.length;
  return n;
}

export function dot(a: Blocks, b: Blocks): number {
  let s = 0;
  for (let k = 0; k < a.length; k++) {
    const x = a[k]!.data;
    const y = b[k]!.data;
    for (let i = 0; i < x.length; i++) s += x[i]! * y[i]!;
  }
  return s;
}

/** Euclidean norm: one unscaled pass, redone with scaling only if squares overflowed or underflowed. */
export function l2(blocks: Blocks): number {
  let s = 0;
  for (const b of blocks) {
    const x = b.data;
    for (let i = 0; i < x.length; i++) s += x[i]! * x[i]!;
  }
  if (s > 1e-280 && s < 1e280) return Math.sqrt(s);
  let scale = 0;
  for (const b of blocks) {
    const x = b.data;
    for (let i = 0; i < x.length; i++) {
      const a = Math.abs(x[i]!);
      if (a > scale || Number.isNaN(a)) scale = a;
    }
  }
  if (scale === 0 || !Number.isFinite(scale)) return scale;
  s = 0;
  for (const b of blocks) {
    const x = b.data;
    for (let i = 0; i < x.length; i++) {
      const v = x[i]! / scale;
      s += v * v;
    }
  }
  return scale * Math.sqrt(s);
}

export function scaleInPlace(blocks: Blocks, c: number): void {
  for (const b of blocks) {
    const x = b.data;
    for (let i = 0; i < x.length; i++) x[i]! *= c;
  }
}

export function fillBlocks(blocks: Blocks, value: number): void {
  for (const b of blocks) b.data.fill(value);
}

/** y ← y + a·x */
export function axpy(a: number, x: Blocks, y: Blocks): void {
  for (let k = 0; k < x.length; k++) {
    const xs = x[k]!.data;
    const ys = y[k]!.data;
    for (let i = 0; i < xs.length; i++) ys[i]! += a * xs[i]!;
  }
}

export function allFinite(blocks: Blocks): boolean {
  for (const b of blocks) {
    const x = b.data;
    for (let i = 0; i < x.length; i++) if (!Number.isFinite(x[i]!)) return false;
  }
  return true;
}

/** Views a single Float64Array as blocks with the given shapes (and leaf paths, if known) without copying. */
export function viewBlocks(flat: Float64Array, shapes: readonly (readonly number[])[], paths?: readonly string[]): Block[] {
  const out: Block[] = [];
  let offset = 0;
  shapes.forEach((shape, i) => {
    const n = blockSize(shape);
    const data = flat.subarray(offset, offset + n);
    out.push(paths ? { data, shape, path: paths[i]! } : { data, shape });
    offset += n;
  });
  return out;
}

/** Treats a block as a matrix (rows, cols): vectors are columns, higher ranks fold trailing axes. */
export function matrixDims(shape: readonly number[]): [number, number] {
  if (shape.length === 0) return [1, 1];
  if (shape.length === 1) return [shape[0]!, 1];
  return [shape[0]!, blockSize(shape) / shape[0]!];
}
