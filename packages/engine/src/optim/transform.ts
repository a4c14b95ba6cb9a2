import { DomainError } from '../errors.js';
import type { Block, Blocks } from './blocks.js';
import { flattenLike, flattenTree, type Tree, type TreeLayout, unflattenTree } from './tree-io.js';

/** Optimizer state: plain data (numbers, Float64Arrays, arrays and objects), safe to clone or transfer. */
export type OptState = unknown;

/** Extra inputs some transformations need (line searches, L-BFGS, Newton-CG), on flattened blocks. */
export interface Extra {
  /** f at the current params. */
  value?: number;
  /** ∇f at the current params (the raw gradient, before any transformation). */
  grad?: Blocks;
  /** Evaluates f at other params (line searches). */
  valueFn?: (params: Blocks) => number;
  /** Writes ∇²f(params)·v into out (Newton-CG). */
  hvp?: (v: Blocks, out: Block[]) => void;
}

/**
 * The primitive: `init` builds state for the params; `apply` rewrites `updates` in place and mutates
 * the state it owns. `GradientTransformation` wraps it into the pure optax-style API.
 */
export interface Transform<S = OptState> {
  readonly name: string;
  /** Plain data that rebuilds it with `optimizerFromSpec`; absent if built from a function. */
  readonly spec?: unknown;
  /** True if it reads `extra.grad` (then callers must keep the raw gradient apart from the updates). */
  readonly readsGrad?: boolean;
  /** True if it reads the params (weight decay, L-BFGS, line searches): `update` then needs them. */
  readonly readsParams?: boolean;
  init(params: Blocks): S;
  apply(updates: Block[], state: S, params: Blocks, extra: Extra): void;
}

/** Tree-level extra arguments for `GradientTransformation.update`. */
export interface TreeExtra {
  value?: number;
  grad?: Tree;
  valueFn?: (params: Tree) => number;
  /** Returns ∇²f(params)·v as a tree like params. */
  hvp?: (v: Tree) => Tree;
}

/**
 * optax-style pure transformation: `update(grads, state, params)` returns new updates and a new state
 * and never mutates its inputs. Apply the updates with `applyUpdates(params, updates)`.
 * The `transform` field is the in-place primitive used by `descend` and `Optimizer` (no copying).
 */
export interface GradientTransformation<S = OptState> {
  readonly name: string;
  readonly spec?: unknown;
  readonly transform: Transform<S>;
  init(params: Tree): S;
  update(grads: Tree, state: S, params?: Tree, extra?: TreeExtra): { updates: Tree; state: S };
}

export function gradientTransformation<S>(transform: Transform<S>): GradientTransformation<S> {
  return {
    name: transform.name,
    spec: transform.spec,
    transform,
    init: (params) => transform.init(flattenTree(params).blocks),
    update(grads, state, params, extra = {}) {
      const { blocks: updates, layout } = flattenTree(grads);
      if (params === undefined && transform.readsParams)
        throw new DomainError(transform.name, 'this transformation reads the params: call update(grads, state, params)');
      const paramBlocks = params === undefined ? updates.map((b) => ({ data: new Float64Array(b.data.length), shape: b.shape })) : flattenLike(layout, params, 'update(params)');
      const next = cloneState(state);
      transform.apply(updates, next, paramBlocks, flatExtra(layout, extra));
      return { updates: unflattenTree(layout, updates), state: next };
    },
  };
}

function flatExtra(layout: TreeLayout, extra: TreeExtra): Extra {
  const out: Extra = {};
  if (extra.value !== undefined) out.value = extra.value;
  if (extra.grad !== undefined) out.grad = flattenLike(layout, extra.grad, 'update(extra.grad)');
  const { valueFn, hvp } = extra;
  if (valueFn) out.valueFn = (p) => valueFn(unflattenTree(layout, p));
  if (hvp)
    out.hvp = (v, into) => {
      const r = flattenLike(layout, hvp(unflattenTree(layout, v)), 'extra.hvp result');
      for (let i = 0; i < r.length; i++) into[i]!.data.set(r[i]!.data);
    };
  return out;
}

/** Deep copy of plain-data state (typed arrays copied, blocks copied). */
export function cloneState<S>(state: S): S {
  const copy = (x: unknown): unknown => {
    if (x instanceof Float64Array || x instanceof Float32Array) return x.slice();
    if (Array.isArray(x)) return x.map(copy);
    if (x !== null && typeof x === 'object') {
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(x)) out[k] = copy((x as Record<string, unknown>)[k]);
      return out;
    }
    return x;
  };
  return copy(state) as S;
}

/** params + updates, leaf by leaf, keeping the params' structure and dtypes. */
export function applyUpdates(params: Tree, updates: Tree): Tree {
  const { blocks, layout } = flattenTree(params);
  const u = flattenLike(layout, updates, 'applyUpdates(updates)');
  for (let k = 0; k < blocks.length; k++) {
    const x = blocks[k]!.data;
    const d = u[k]!.data;
    for (let i = 0; i < x.length; i++) x[i]! += d[i]!;
  }
  return unflattenTree(layout, blocks);
}

/** Runs transformations in sequence; the state is the array of their states. */
export function chain(...parts: readonly (GradientTransformation | Transform)[]): GradientTransformation<OptState[]> {
  const transforms = parts.map((p) => ('transform' in p ? p.transform : p));
  const specs = transforms.map((t) => t.spec);
  return gradientTransformation<OptState[]>({
    name: `chain(${transforms.map((t) => t.name).join(', ')})`,
    spec: specs.every((s) => s !== undefined) ? { name: 'chain', transforms: specs } : undefined,
    readsGrad: transforms.some((t) => t.readsGrad),
    readsParams: transforms.some((t) => t.readsParams),
    init: (params) => transforms.map((t) => t.init(params)),
    apply(updates, state, params, extra) {
      for (let i = 0; i < transforms.length; i++) transforms[i]!.apply(updates, state[i], params, extra);
    },
  });
}

/**
 * The learning rate most recently used (or about to be used, before the first update), found by
 * searching the state depth-first for a `learningRate` entry. Undefined if none.
 */
export function currentLearningRate(state: OptState): number | undefined {
  const search = (x: unknown): number | undefined => {
    if (x === null || typeof x !== 'object' || ArrayBuffer.isView(x)) return undefined;
    if (Array.isArray(x)) {
      for (const item of x) {
        const r = search(item);
        if (r !== undefined) return r;
      }
      return undefined;
    }
    const rec = x as Record<string, unknown>;
    if (typeof rec.learningRate === 'number') return rec.learningRate;
    for (const k of Object.keys(rec)) {
      const r = search(rec[k]);
      if (r !== undefined) return r;
    }
    return undefined;
  };
  return search(state);
}

