import { DomainError } from '../errors.js';
import type { Value } from '../core.js';
import { Param } from '../param.js';
import { Tensor } from '../tensor.js';
import { primal } from '../transforms.js';
import type { Block } from './blocks.js';
import type { OptimizerLike } from './descend.js';
import { type OptimizerSpec, optimizerFromSpec } from './optimizer-spec.js';
import { currentLearningRate, type Extra, type OptState, type Transform } from './transform.js';

/** A parameter group: its own optimizer (default: the facade's), or frozen. */
export interface ParamGroup {
  params: readonly Param[];
  optimizer?: OptimizerLike;
  frozen?: boolean;
}

interface Group {
  params: readonly Param[];
  transform: Transform | null;
  state: OptState;
  blocks: Block[];
  grads: Block[];
  dtypes: ('number' | 'float64' | 'float32')[];
}

const resolve = (o: OptimizerLike): Transform => ('transform' in o ? o.transform : optimizerFromSpec(o as OptimizerSpec).transform);

function numbersOf(v: Value): Float64Array {
  const p = primal(v);
  return typeof p === 'number' ? Float64Array.of(p) : Float64Array.from(p.data);
}

/**
 * The PyTorch workflow over `param()`s: compute a loss, `loss.backward()`, `opt.step()`,
 * `opt.zeroGrad()`. It is a thin layer over the same in-place transformations `descend` uses; each
 * step replaces `p.value` with a new value (Tensors are immutable) of the same dtype.
 *
 * `step(closure)` is needed by line searches (Armijo, L-BFGS): the closure recomputes the loss from
 * the current `p.value`s and returns it (PyTorch's LBFGS convention; it need not call backward).
 */
export class Optimizer {
  private readonly groups: Group[];

  constructor(params: readonly Param[] | readonly ParamGroup[], optimizer?: OptimizerLike) {
    const list: readonly ParamGroup[] = params.length > 0 && !(params[0] instanceof Param) ? (params as ParamGroup[]) : [{ params: params as Param[] }];
    this.groups = list.map((g) => {
      const blocks: Block[] = g.params.map((p, i) => {
        const v = primal(p.value);
        return { data: numbersOf(p.value), shape: typeof v === 'number' ? [] : v.shape, path: p.name ?? String(i) };
      });
      const chosen = g.optimizer ?? optimizer;
      if (!g.frozen && chosen === undefined) throw new DomainError('Optimizer', 'give an optimizer for the facade or for every group');
      const transform = g.frozen ? null : resolve(chosen!);
      return {
        params: g.params,
        transform,
        state: transform ? transform.init(blocks) : null,
        blocks,
        grads: blocks.map((b) => ({ data: new Float64Array(b.data.length), shape: b.shape })),
        dtypes: g.params.map((p) => {
          const v = primal(p.value);
          return typeof v === 'number' ? 'number' : v.dtype;
        }),
      };
    });
  }

  /** The optimizer state of each group (null for frozen groups). */
  get states(): OptState[] {
    return this.groups.map((g) => g.state);
  }

  /** The learning rate in use by the first group that has one. */
  get learningRate(): number | undefined {
    for (const g of this.groups) {
      const lr = currentLearningRate(g.state);
      if (lr !== undefined) return lr;
    }
    return undefined;
  }

  /** Applies one update from the params' `.grad` (missing grads count as zero). Returns the closure's loss, if any. */
  step(closure?: () => Value | number): number | undefined {
    const lossOf = (): number => {
      const v = primal(closure!() as Value);
      return typeof v === 'number' ? v : v.data[0]!;
    };
    const loss = closure ? lossOf() : undefined;
    for (const g of this.groups) {
      if (!g.transform) continue;
      g.params.forEach((p, i) => {
        g.blocks[i]!.data.set(numbersOf(p.value));
        const grad = p.grad;
        if (grad === null) g.grads[i]!.data.fill(0);
        else {
          const gv = numbersOf(grad);
          if (gv.length === 1 && g.grads[i]!.data.length > 1) g.grads[i]!.data.fill(gv[0]!);
          else g.grads[i]!.data.set(gv);
        }
      });
      const updates = g.grads.map((b) => ({ data: b.data.slice(), shape: b.shape }));
      const extra: Extra = { grad: g.grads };
      if (loss !== undefined) {
        extra.value = loss;
        extra.valueFn = (trial) => {
          this.write(g, trial);
          const f = lossOf();
          this.write(g, g.blocks);
          return f;
        };
      }
      g.transform.apply(updates, g.state, g.blocks, extra);
      for (let i = 0; i < updates.length; i++) {
        const x = g.blocks[i]!.data;
        const d = updates[i]!.data;
        for (let k = 0; k < x.length; k++) x[k]! += d[k]!;
      }
      this.write(g, g.blocks);
    }
    return loss;
  }

  private write(g: Group, blocks: readonly Block[]): void {
    g.params.forEach((p, i) => {
      const b = blocks[i]!;
      const kind = g.dtypes[i]!;
      p.value = kind === 'number' ? b.data[0]! : new Tensor(kind === 'float32' ? new Float32Array(b.data) : b.data.slice(), b.shape);
    });
  }

  /** Sets every param's `.grad` to null (backward() accumulates, as in PyTorch). */
  zeroGrad(): void {
    for (const g of this.groups) for (const p of g.params) p.zeroGrad();
  }
}
