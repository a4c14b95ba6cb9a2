import { DomainError, ShapeError } from '../errors.js';
import { Tensor } from '../tensor.js';
import { type TreeDef, treeFlatten, treeUnflatten } from '../tree.js';
import type { Block } from './blocks.js';

/** What optimizers accept: numbers, Tensors, and arrays / plain objects of them (like JAX pytrees). */
export type Leaf = number | Tensor;
export type Tree = Leaf | readonly Tree[] | { readonly [key: string]: Tree };

type LeafKind = 'number' | 'float64' | 'float32';

/** How to turn blocks back into the caller's tree: the engine's TreeDef plus leaf kinds, shapes and paths. */
export interface TreeLayout {
  readonly def: TreeDef;
  readonly shapes: readonly (readonly number[])[];
  readonly kinds: readonly LeafKind[];
  /** Dotted paths of the leaves ("w1", "layers.0.bias"); '' for a bare leaf. */
  readonly paths: readonly string[];
}

function leafPaths(def: TreeDef): string[] {
  const out: string[] = [];
  const walk = (d: TreeDef, path: string): void => {
    const join = (key: string) => (path === '' ? key : `${path}.${key}`);
    if (d.kind === 'leaf') out.push(path);
    else if (d.kind === 'array') for (let i = 0; i < d.children.length; i++) walk(d.children[i]!, join(String(i)));
    else for (let i = 0; i < d.children.length; i++) walk(d.children[i]!, join(d.keys[i]!));
  };
  walk(def, '');
  return out;
}

/**
 * Flattens a tree (with the engine's `treeFlatten`, so leaf order is the engine's) into Float64Array
 * blocks that are copies, so callers may write into them freely.
 */
export function flattenTree(tree: Tree): { blocks: Block[]; layout: TreeLayout } {
  const { leaves, def } = treeFlatten(tree);
  const paths = leafPaths(def);
  const blocks: Block[] = [];
  const shapes: (readonly number[])[] = [];
  const kinds: LeafKind[] = [];
  leaves.forEach((leaf, i) => {
    const path = paths[i]!;
    if (typeof leaf === 'number') {
      blocks.push({ data: Float64Array.of(leaf), shape: [], path });
      shapes.push([]);
      kinds.push('number');
    } else if (leaf instanceof Tensor) {
      const data = new Float64Array(leaf.size);
      data.set(leaf.data);
      blocks.push({ data, shape: leaf.shape, path });
      shapes.push(leaf.shape);
      kinds.push(leaf.dtype);
    } else throw new DomainError('optimizer', `optimizers take concrete values; leaf '${path}' is a traced value (call primal() first)`);
  });
  return { blocks, layout: { def, shapes, kinds, paths } };
}

/** Rebuilds a tree from blocks (copying data into fresh Tensors of the original dtype). */
export function unflattenTree(layout: TreeLayout, blocks: readonly Block[]): Tree {
  const leaves = blocks.map((b, i) => {
    const kind = layout.kinds[i]!;
    if (kind === 'number') return b.data[0]!;
    const data = kind === 'float32' ? new Float32Array(b.data) : b.data.slice();
    return new Tensor(data, b.shape);
  });
  return treeUnflatten<Tree>(layout.def, leaves);
}

/** Flattens `tree` and checks that it has the same leaf shapes as `layout` (e.g. grads vs params). */
export function flattenLike(layout: TreeLayout, tree: Tree, what: string): Block[] {
  const { blocks } = flattenTree(tree);
  if (blocks.length !== layout.shapes.length)
    throw new ShapeError(what, `expected a tree with ${layout.shapes.length} leaves, got ${blocks.length}`);
  for (let i = 0; i < blocks.length; i++) {
    const a = blocks[i]!.shape;
    const b = layout.shapes[i]!;
    if (a.length !== b.length || a.some((d, j) => d !== b[j]))
      throw new ShapeError(what, `leaf '${layout.paths[i]}' has the wrong shape`, [a, b]);
  }
  return blocks;
}
