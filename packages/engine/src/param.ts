// The PyTorch workflow of the notes (§4) as a thin layer over the reverse-mode core: `param(value)` makes a
// leaf of one long-lived eager graph (below every transformation), ops on it record nodes, and
// `loss.backward()` sweeps from the loss and ACCUMULATES into each param's `.grad`, as PyTorch does:
// call `zeroGrad()` between steps. The graph is held only by the values that reference it, so it is
// garbage-collected like any other value.
import { Tracer, type Value } from './core.js';
import { NotDifferentiableError } from './errors.js';
import { add, toValue, type ValueLike } from './ops.js';
import { RevTrace, RevTracer } from './reverse.js';
import { full, Tensor } from './tensor.js';

class EagerTrace extends RevTrace {
  // Nodes are kept alive by their consumers only; the trace itself holds no list.
  protected override record(): void {}
}

/** Level 0: any transformation (level ≥ 1) sees params and their results as constants. */
const eager = new EagerTrace(0);

/** A trainable leaf: `.value` is read and replaced by optimizers, `.grad` accumulates over backward() calls. */
export class Param extends RevTracer {
  grad: Value | null = null;
  readonly name: string | undefined;

  constructor(value: Value, name?: string) {
    super(eager, value, null, [], [], undefined);
    this.name = name;
  }

  get value(): Value {
    return this.primal;
  }
  set value(v: Value) {
    (this as { primal: Value }).primal = v;
  }

  /** Resets `.grad` to null. */
  zeroGrad(): void {
    this.grad = null;
  }
}

export function param(value: ValueLike, name?: string): Param {
  return new Param(toValue(value), name);
}

export function zeroGrad(params: Iterable<Param>): void {
  for (const p of params) p.zeroGrad();
}

/** Collects the eager graph behind `loss` in creation order (node ids grow with time). */
function graphOf(loss: RevTracer): RevTracer[] {
  const seen = new Set<RevTracer>();
  const stack = [loss];
  while (stack.length) {
    const node = stack.pop()!;
    if (seen.has(node)) continue;
    seen.add(node);
    for (const x of node.inputs) if (x && !seen.has(x)) stack.push(x);
  }
  return [...seen].sort((a, b) => a.id - b.id);
}

/** Reverse sweep from a scalar loss into the `.grad` of every Param it depends on. */
export function backward(loss: Value): void {
  if (!(loss instanceof RevTracer) || loss.trace !== eager)
    throw new NotDifferentiableError('backward', 'backward() needs a loss computed from param() values');
  if (loss.shape.length !== 0) throw new NotDifferentiableError('backward', `backward() needs a scalar loss, got shape [${loss.shape.join(', ')}]`);
  const nodes = graphOf(loss);
  loss.ct = 1;
  try {
    for (let i = nodes.length - 1; i >= 0; i--) {
      const node = nodes[i]!;
      const ct = node.ct;
      if (ct === null || node.prim === null) continue;
      const cts = node.pullback(ct, 0);
      node.inputs.forEach((x, j) => {
        const c = cts[j];
        if (x && c !== null && c !== undefined) x.ct = x.ct === null ? c : add(x.ct, c);
      });
    }
    for (const node of nodes)
      if (node instanceof Param && node.ct !== null) {
        const g = node.primal instanceof Tensor && typeof node.ct === 'number' ? full(node.primal.shape, node.ct) : node.ct;
        node.grad = node.grad === null ? g : add(node.grad, g);
      }
  } finally {
    for (const node of nodes) node.ct = null;
  }
}

declare module './core.js' {
  interface Tracer {
    /** Reverse sweep from this scalar loss into the `.grad` of every param() it depends on. */
    backward(): void;
  }
}
(Tracer.prototype as { backward(this: Value): void }).backward = function (this: Value) {
  backward(this);
};
