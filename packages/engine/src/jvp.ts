// Forward mode: a JvpTrace carries each value together with its tangent (a dual number in the notes'
// sense). With nb = 1 the tangent has a leading batch axis, so one pass pushes many directions (vector mode).
import { evaluate, Trace, Tracer, type Value } from './core.js';
import type { AnyPrimitive } from './primitives.js';

export class JvpTracer extends Tracer {
  readonly trace: JvpTrace;
  readonly primal: Value;
  readonly tangent: Value;
  constructor(trace: JvpTrace, primal: Value, tangent: Value) {
    super();
    this.trace = trace;
    this.primal = primal;
    this.tangent = tangent;
  }
}

export class JvpTrace extends Trace {
  /** Leading batch axes on tangents (0, or 1 in vector mode). */
  readonly nb: number;
  constructor(level: number, nb: number) {
    super(level);
    this.nb = nb;
  }

  process(prim: AnyPrimitive, args: readonly Value[], params: unknown): Value {
    const n = args.length;
    const primals = new Array<Value>(n);
    const tangents = new Array<Value | null>(n);
    for (let i = 0; i < n; i++) {
      const a = args[i]!;
      if (a instanceof JvpTracer && a.trace === this) {
        primals[i] = a.primal;
        tangents[i] = a.tangent;
      } else {
        primals[i] = a;
        tangents[i] = null;
      }
    }
    const out = evaluate(prim, primals, params);
    if (prim.nondiff) return out;
    const tangent = prim.jvp(primals, tangents, out, params, this.nb);
    return tangent === null ? out : new JvpTracer(this, out, tangent);
  }
}
