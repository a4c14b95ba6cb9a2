import type { Block, Blocks } from './blocks.js';
import type { NormSpec } from './norm-spec.js';
import { flattenTree, type Tree, unflattenTree } from './tree-io.js';

/**
 * A norm on parameter trees, with everything steepest descent needs:
 * - `norm(w)`: ‖w‖
 * - `dualNorm(g)`: ‖g‖† = max over ‖t‖ = 1 of ⟨g, t⟩
 * - `sharp(g)`: g♯ = the maximiser t (unit norm; 0 when g = 0)
 * The `…Of`/`sharpInto` variants work on flattened blocks and are what the optimizers call each step.
 */
export interface Norm {
  readonly name: string;
  /** Plain data that rebuilds this norm with `normFromSpec` (e.g. in a worker). */
  readonly spec: NormSpec;
  norm(w: Tree): number;
  dualNorm(g: Tree): number;
  sharp(g: Tree): Tree;
  normOf(w: Blocks): number;
  dualNormOf(g: Blocks): number;
  /** Writes g♯ into `out` (which may be `g` itself) and returns ‖g‖†. */
  sharpInto(g: Blocks, out: Blocks): number;
  /** Writes ‖g‖†·g♯ into `out` (may be `g`) and returns ‖g‖†: the dual-scaled direction in one call. */
  dualScaledInto(g: Blocks, out: Blocks): number;
}

export interface NormCore {
  readonly name: string;
  readonly spec: NormSpec;
  normOf(w: Blocks): number;
  dualNormOf(g: Blocks): number;
  sharpInto(g: Blocks, out: Blocks): number;
  /** Optional shortcut for ‖g‖†·g♯ (e.g. ℓ2, where it is g itself); defaults to sharp then scale. */
  dualScaledInto?(g: Blocks, out: Blocks): number;
}

/** Adds the tree-level methods to a norm defined on blocks. */
export function makeNorm(core: NormCore): Norm {
  return {
    name: core.name,
    spec: core.spec,
    normOf: (w) => core.normOf(w),
    dualNormOf: (g) => core.dualNormOf(g),
    sharpInto: (g, out) => core.sharpInto(g, out),
    dualScaledInto: core.dualScaledInto
      ? (g, out) => core.dualScaledInto!(g, out)
      : (g, out) => {
          const d = core.sharpInto(g, out);
          if (d !== 1)
            for (const b of out) {
              const y = b.data;
              for (let i = 0; i < y.length; i++) y[i]! *= d;
            }
          return d;
        },
    norm: (w) => core.normOf(flattenTree(w).blocks),
    dualNorm: (g) => core.dualNormOf(flattenTree(g).blocks),
    sharp(g) {
      const { blocks, layout } = flattenTree(g);
      core.sharpInto(blocks, blocks);
      return unflattenTree(layout, blocks);
    },
  };
}

/** Runs a per-leaf norm over every leaf and combines them as a max-composite with unit scales. */
export interface LeafNorm {
  norm(b: Block): number;
  dual(b: Block): number;
  sharpInto(g: Block, out: Block): number;
}

export function leafwise(name: string, spec: NormSpec, leaf: LeafNorm): Norm {
  return makeNorm({
    name,
    spec,
    normOf(w) {
      let m = 0;
      for (const b of w) m = Math.max(m, leaf.norm(b));
      return m;
    },
    dualNormOf(g) {
      let s = 0;
      for (const b of g) s += leaf.dual(b);
      return s;
    },
    sharpInto(g, out) {
      let s = 0;
      for (let i = 0; i < g.length; i++) s += leaf.sharpInto(g[i]!, out[i]!);
      return s;
    },
  });
}
