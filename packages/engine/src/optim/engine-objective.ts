import { DomainError } from '../errors.js';
import { Tensor } from '../tensor.js';
import { hvp as engineHvp, primal, valueAndGrad } from '../transforms.js';
import { viewBlocks } from './blocks.js';
import type { Objective } from './objective.js';
import { flattenTree, type Tree, type TreeLayout, unflattenTree } from './tree-io.js';

/**
 * A loss written with engine ops: takes the params tree (the structure of x0, with numbers, Tensors or
 * tracers at the leaves) and returns a scalar. Typed loosely so `([x, y]: Value[]) => …` fits.
 */
export type LossFunction = (params: never) => unknown;

function scalarOf(v: unknown, what: string): number {
  const p = typeof v === 'number' || v instanceof Tensor ? v : primal(v as never);
  if (typeof p === 'number') return p;
  if (p instanceof Tensor && p.size === 1) return p.data[0]!;
  throw new DomainError(what, `the loss must return one number, got ${p instanceof Tensor ? `shape [${p.shape.join(', ')}]` : typeof p}`);
}

/**
 * Turns an engine function into an Objective on the flat vector x: gradients by reverse mode
 * (`valueAndGrad`), Hessian-vector products forward-over-reverse (`hvp`). x is rebuilt into the
 * caller's tree structure (same leaf kinds and shapes as x0) for each call.
 */
export function objectiveFromFunction(loss: LossFunction, layout: TreeLayout): Objective {
  const f = loss as (params: Tree) => unknown;
  const vg = valueAndGrad(f);
  const asTree = (x: Float64Array) => unflattenTree(layout, viewBlocks(x, layout.shapes));
  const writeFlat = (tree: Tree, out: Float64Array) => {
    const { blocks } = flattenTree(tree);
    let k = 0;
    for (const b of blocks) {
      out.set(b.data, k);
      k += b.data.length;
    }
  };
  return {
    valueAndGrad(x, g) {
      const [value, grads] = vg(asTree(x));
      writeFlat(grads as Tree, g);
      return scalarOf(value, 'descend');
    },
    value: (x) => scalarOf(f(asTree(x)), 'descend'),
    hvp(x, v, out) {
      writeFlat(engineHvp(f, [asTree(x)], [asTree(v)]) as Tree, out);
    },
  };
}
