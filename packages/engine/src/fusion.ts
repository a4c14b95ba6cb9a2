// Elementwise fusion. Elementwise ops on same-shape tensors do not run at once: they return a Tensor
// holding an expression over their inputs. The expression is compiled (once per expression shape) into
// a single loop when the data is first read, or folded into a full `sum`, so a chain of k elementwise
// ops costs one pass over memory instead of k passes and k allocations. Results are bit-identical to
// running the ops one by one: the same expressions, in the same order, per element, with float32
// results rounded after every op as a float32 array would store them.
import { allocate, type DType, type Shape, Tensor, type TypedArray } from './tensor.js';

/** A node of a fused expression: an input buffer (with offset), a scalar, or an op over nodes. */
export type FusedNode =
  | { readonly kind: 'input'; readonly data: TypedArray; readonly offset: number }
  | { readonly kind: 'const'; readonly value: number }
  | {
      readonly kind: 'op';
      readonly expr: string;
      readonly args: readonly FusedNode[];
      readonly weight: number;
      readonly key: string;
      /** float32 ops round each result, exactly as op-by-op float32 kernels do when they store it. */
      readonly f32: boolean;
    };

/** Below this size an eager loop is cheaper than building and compiling an expression. */
export const FUSE_MIN_SIZE = 128;
/** Expressions larger than this are materialized before they grow further (bounds code size). */
const MAX_WEIGHT = 48;

const weightOf = (n: FusedNode): number => (n.kind === 'op' ? n.weight : 1);
/** The expression's shape as a string, built bottom-up once, so a materialization is one cache lookup. */
const keyOf = (n: FusedNode): string => (n.kind === 'op' ? n.key : n.kind === 'input' ? 'I' : 'C');

/** The node that reads a tensor inside a fused expression (materialized tensors become inputs). */
export function nodeOf(x: Tensor | number): FusedNode {
  if (typeof x === 'number') return { kind: 'const', value: x };
  const lazy = x.fused;
  if (lazy) return lazy;
  if (x.size === 1) return { kind: 'const', value: x.data[0]! };
  return { kind: 'input', data: x.data, offset: 0 };
}

/** A lazy elementwise result; `expr` uses $0, $1 for its arguments. */
export function fusedOp(expr: string, args: readonly (Tensor | number)[], shape: Shape, dtype: DType): Tensor {
  let nodes = args.map(nodeOf);
  let weight = 1 + nodes.reduce((s, n) => s + weightOf(n), 0);
  if (weight > MAX_WEIGHT) {
    nodes = args.map((a) => (typeof a === 'number' ? nodeOf(a) : ({ kind: 'input', data: a.data, offset: 0 }) as FusedNode));
    weight = 1 + nodes.length;
  }
  const f32 = dtype === 'float32';
  const key = `${f32 ? 'f' : ''}${expr}(${nodes.map(keyOf).join(',')})`;
  return Tensor.fromFused({ kind: 'op', expr, args: nodes, weight, key, f32 }, shape, dtype);
}

/** Operands of an expression in depth-first order (shared subexpressions are read as a tree). */
interface Operands {
  inputs: TypedArray[];
  consts: number[];
}

/** Inputs are passed as views starting at their offset, so generated loops index them plainly (`a[i]`). */
function collect(n: FusedNode, into: Operands, count: number): void {
  if (n.kind === 'input') into.inputs.push(n.offset === 0 ? n.data : n.data.subarray(n.offset, n.offset + count));
  else if (n.kind === 'const') into.consts.push(n.value);
  else for (const a of n.args) collect(a, into, count);
}

/** Straight-line code for one element, numbering operands in the same depth-first order as `collect`. */
function generate(root: FusedNode): { head: string; body: string[]; result: string } {
  let inputs = 0;
  let consts = 0;
  const body: string[] = [];
  const visit = (n: FusedNode): string => {
    if (n.kind === 'input') return `a${inputs++}[i]`;
    if (n.kind === 'const') return `c${consts++}`;
    const args = n.args.map(visit);
    const name = `t${body.length}`;
    const value = n.expr.replace(/\$(\d)/g, (_, d: string) => args[Number(d)]!);
    body.push(`const ${name} = ${n.f32 ? `Math.fround(${value})` : value};`);
    return name;
  };
  const result = visit(root);
  const head = [
    ...Array.from({ length: inputs }, (_, j) => `const a${j} = inputs[${j}];`),
    ...Array.from({ length: consts }, (_, j) => `const c${j} = consts[${j}];`),
  ].join('\n');
  return { head, body, result };
}

type Kernel = (inputs: TypedArray[], consts: number[], out: TypedArray, n: number) => number;
const cache = new Map<string, Kernel>();

function kernelFor(root: FusedNode, mode: 'write' | 'sum'): Kernel {
  const key = `${mode}:${keyOf(root)}`;
  let k = cache.get(key);
  if (!k) {
    const { head, body, result } = generate(root);
    const loop =
      mode === 'write'
        ? `for (let i = 0; i < n; i++) { ${body.join(' ')} out[i] = ${result}; } return 0;`
        : `let acc = 0; for (let i = 0; i < n; i++) { ${body.join(' ')} acc += ${result}; } return acc;`;
    k = new Function('inputs', 'consts', 'out', 'n', `${head}\n${loop}`) as Kernel;
    cache.set(key, k);
  }
  return k;
}

function run(root: FusedNode, mode: 'write' | 'sum', out: TypedArray, outOffset: number, n: number): number {
  const ops: Operands = { inputs: [], consts: [] };
  collect(root, ops, n);
  const target = outOffset === 0 && out.length === n ? out : out.subarray(outOffset, outOffset + n);
  return kernelFor(root, mode)(ops.inputs, ops.consts, target, n);
}

/** Evaluates an expression of `n` elements into `out` starting at `outOffset`. */
export function materializeInto(root: FusedNode, out: TypedArray, outOffset: number, n: number): void {
  if (root.kind === 'input') {
    out.set(root.data.subarray(root.offset, root.offset + n), outOffset);
    return;
  }
  if (root.kind === 'const') {
    out.fill(root.value, outOffset, outOffset + n);
    return;
  }
  run(root, 'write', out, outOffset, n);
}

const EMPTY = new Float64Array(0);

export function materialize(root: FusedNode, n: number, dtype: DType): TypedArray {
  const out = allocate(dtype, n);
  materializeInto(root, out, 0, n);
  return out;
}

/** Σ of an expression of `n` elements in one pass (same summation order as an eager sum). */
export function fusedSum(root: FusedNode, n: number): number {
  if (root.kind === 'const') {
    let acc = 0;
    for (let i = 0; i < n; i++) acc += root.value;
    return acc;
  }
  const node: FusedNode = root.kind === 'input' ? { kind: 'op', expr: '$0', args: [root], weight: 2, key: '$0(I)', f32: false } : root;
  return run(node, 'sum', EMPTY, 0, n);
}
