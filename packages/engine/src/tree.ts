// Pytrees: nested arrays and plain objects whose leaves are numbers, Tensors or tracers.
import { Tracer, type Value } from './core.js';
import { DomainError } from './errors.js';
import { Tensor } from './tensor.js';

export type Tree = Value | readonly Tree[] | { readonly [key: string]: Tree };

export type TreeDef =
  | { readonly kind: 'leaf' }
  | { readonly kind: 'array'; readonly children: readonly TreeDef[] }
  | { readonly kind: 'object'; readonly keys: readonly string[]; readonly children: readonly TreeDef[] };

const LEAF: TreeDef = { kind: 'leaf' };

export const isLeaf = (x: unknown): x is Value => typeof x === 'number' || x instanceof Tensor || x instanceof Tracer;

function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (x === null || typeof x !== 'object') return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

/** Leaves in depth-first order (object keys in insertion order) and the structure to rebuild the tree. */
export function treeFlatten(tree: unknown): { leaves: Value[]; def: TreeDef } {
  const leaves: Value[] = [];
  const walk = (x: unknown): TreeDef => {
    if (isLeaf(x)) {
      leaves.push(x);
      return LEAF;
    }
    if (typeof x === 'boolean') {
      leaves.push(x ? 1 : 0);
      return LEAF;
    }
    if (Array.isArray(x)) return { kind: 'array', children: x.map(walk) };
    if (isPlainObject(x)) {
      const keys = Object.keys(x);
      return { kind: 'object', keys, children: keys.map((k) => walk(x[k])) };
    }
    throw new DomainError('tree', `expected numbers, Tensors, arrays or plain objects, got ${describe(x)}`);
  };
  const def = walk(tree);
  return { leaves, def };
}

export function treeUnflatten<T = Tree>(def: TreeDef, leaves: readonly unknown[]): T {
  if (def.kind === 'leaf') return leaves[0] as T;
  let i = 0;
  const build = (d: TreeDef): unknown => {
    if (d.kind === 'leaf') return leaves[i++];
    if (d.kind === 'array') return d.children.map(build);
    const out: Record<string, unknown> = {};
    d.children.forEach((c, k) => {
      out[d.keys[k]!] = build(c);
    });
    return out;
  };
  return build(def) as T;
}

/** Applies `fn` to every leaf of one or more trees of the same structure. */
export function treeMap(fn: (...leaves: Value[]) => unknown, tree: unknown, ...rest: unknown[]): Tree {
  const { leaves, def } = treeFlatten(tree);
  const others = rest.map((t) => treeFlatten(t).leaves);
  return treeUnflatten(
    def,
    leaves.map((leaf, i) => fn(leaf, ...others.map((o) => o[i]!))),
  );
}

export const treeLeafCount = (def: TreeDef): number => (def.kind === 'leaf' ? 1 : def.children.reduce((n, c) => n + treeLeafCount(c), 0));

function describe(x: unknown): string {
  if (x === null) return 'null';
  if (typeof x === 'object') return x.constructor?.name ?? 'object';
  return typeof x === 'string' ? `the string "${x.slice(0, 20)}"` : typeof x;
}
