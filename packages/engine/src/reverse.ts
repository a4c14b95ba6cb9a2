// Reverse mode: a RevTrace records each primitive application as a tape node (a Wengert list entry),
// then sweeps the tape backwards with the VJP rules. The same tape can be swept forwards with the JVP
// rules, which is how linearize and the auto-mode Jacobian avoid re-running the function.
import { evaluate, Trace, Tracer, type Value } from './core.js';
import { add } from './ops.js';
import type { AnyPrimitive } from './primitives.js';

let nextId = 0;

/** A traced value and, unless it is an input, the tape node that produced it. */
export class RevTracer extends Tracer {
  /** Creation order: a topological order of any graph of nodes. */
  readonly id = nextId++;
  readonly trace: RevTrace;
  readonly primal: Value;
  readonly prim: AnyPrimitive | null;
  /** Inputs that belong to this trace (null for constants and outer-trace values). */
  readonly inputs: readonly (RevTracer | null)[];
  readonly primals: readonly Value[];
  readonly params: unknown;
  readonly residuals: unknown;
  /** Accumulated cotangent during a backward sweep, tangent during a forward sweep. */
  ct: Value | null = null;
  tangent: Value | null = null;

  /** The cotangents of this node's inputs from the cotangent of its output (its primitive's VJP rule). */
  pullback(ct: Value, nb: number): readonly (Value | null)[] {
    const params = this.residuals === undefined ? this.params : { params: this.params, residuals: this.residuals };
    return this.prim!.vjp(ct, this.primals, this.primal, params, nb, this.inputs);
  }

  constructor(
    trace: RevTrace,
    primal: Value,
    prim: AnyPrimitive | null,
    inputs: readonly (RevTracer | null)[],
    primals: readonly Value[],
    params: unknown,
    residuals?: unknown,
  ) {
    super();
    this.trace = trace;
    this.primal = primal;
    this.prim = prim;
    this.inputs = inputs;
    this.primals = primals;
    this.params = params;
    this.residuals = residuals;
  }
}

/** A primitive whose reverse rule needs values saved by its own forward computation (customVjp). */
export interface ForwardWithResiduals {
  forward(primals: readonly Value[], params: unknown): { out: Value; residuals: unknown };
}

export class RevTrace extends Trace {
  readonly tape: RevTracer[] = [];
  readonly inputs: RevTracer[] = [];

  input(primal: Value): RevTracer {
    const leaf = new RevTracer(this, primal, null, [], [], undefined);
    this.inputs.push(leaf);
    return leaf;
  }

  process(prim: AnyPrimitive, args: readonly Value[], params: unknown): Value {
    let primals: Value[];
    let inputs: (RevTracer | null)[];
    if (args.length === 2) {
      // The common binary case, without loops or holey arrays.
      const a = args[0]!;
      const b = args[1]!;
      const ownA = a instanceof RevTracer && a.trace === this;
      const ownB = b instanceof RevTracer && b.trace === this;
      primals = [ownA ? a.primal : a, ownB ? b.primal : b];
      inputs = [ownA ? a : null, ownB ? b : null];
    } else {
      primals = [];
      inputs = [];
      for (const a of args) {
        const mine = a instanceof RevTracer && a.trace === this;
        primals.push(mine ? a.primal : a);
        inputs.push(mine ? a : null);
      }
    }
    if (prim.nondiff) return evaluate(prim, primals, params);
    const custom = prim as Partial<ForwardWithResiduals>;
    let out: Value;
    let residuals: unknown;
    if (custom.forward) ({ out, residuals } = custom.forward(primals, params));
    else out = evaluate(prim, primals, params);
    const node = new RevTracer(this, out, prim, inputs, primals, params, residuals);
    this.record(node);
    return node;
  }

  protected record(node: RevTracer): void {
    this.tape.push(node);
  }

  /** Sweeps the tape backwards from the seeded outputs; cotangents land in `.ct` of inputs and nodes. */
  backward(seeds: readonly (readonly [RevTracer, Value])[], nb: number): void {
    for (const [node, ct] of seeds) node.ct = node.ct === null ? ct : add(node.ct, ct);
    const tape = this.tape;
    for (let i = tape.length - 1; i >= 0; i--) {
      const node = tape[i]!;
      const ct = node.ct;
      if (ct === null) continue;
      const inputs = node.inputs;
      const cts = node.pullback(ct, nb);
      for (let j = 0; j < inputs.length; j++) {
        const input = inputs[j];
        const c = cts[j];
        if (input && c !== null && c !== undefined) input.ct = input.ct === null ? c : add(input.ct, c);
      }
    }
  }

  /** Sweeps the tape forwards from tangents set in `.tan` of the inputs. */
  forward(nb: number): void {
    for (const node of this.tape) {
      const tangents = node.inputs.map((x) => (x === null ? null : x.tangent));
      node.tangent = tangents.every((t) => t === null) ? null : node.prim!.jvp(node.primals, tangents, node.primal, node.params, nb);
    }
  }

  reset(): void {
    for (const node of this.tape) node.ct = node.tangent = null;
    for (const node of this.inputs) node.ct = node.tangent = null;
  }
}
