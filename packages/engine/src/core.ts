// Tracing core: values, tracers and the dispatch that sends each primitive to the innermost
// transformation among its arguments. Every transformation instance is its own Trace with a unique
// level (its nesting depth while active), which is what keeps nested derivatives apart.
import { TracerError } from './errors.js';
import type { Raw } from './kernels.js';
import type { AnyPrimitive } from './primitives.js';
import { type DType, type Shape, Tensor } from './tensor.js';

export type Value = number | Tensor | Tracer;

export abstract class Trace {
  readonly level: number;
  active = true;
  constructor(level: number) {
    this.level = level;
  }
  abstract process(prim: AnyPrimitive, args: readonly Value[], params: unknown): Value;
  /** How often JS coerced one of this trace's values to a number (`x * y`, `x > 0`, `Math.sin(x)`). */
  coercions = 0;
  /** Called when the program reads a value as plain data; `coerced` when JS did it implicitly. */
  read(_tracer: Tracer, coerced: boolean): void {
    if (coerced) this.coercions++;
  }
}

export abstract class Tracer {
  abstract readonly trace: Trace;
  abstract readonly primal: Value;

  get shape(): Shape {
    return shapeOf(this.primal);
  }
  get dtype(): DType {
    return dtypeOf(this.primal);
  }
  get ndim(): number {
    return this.shape.length;
  }
  get size(): number {
    let n = 1;
    for (const d of this.shape) n *= d;
    return n;
  }
  /** JS arithmetic on a tracer reads its plain value, so `if (x > 0)` follows the numbers (AD is blind to control flow). */
  valueOf(): number {
    const p = readPrimal(this, true);
    return typeof p === 'number' ? p : p.item();
  }
  toString(): string {
    return `Tracer(${String(rawPrimal(this))})`;
  }
}

let depth = 0;

/** Runs `body` inside a new trace at the next nesting level; the trace is deactivated afterwards. */
export function withTrace<T extends Trace, R>(make: (level: number) => T, body: (trace: T) => R): R {
  const trace = make(++depth);
  try {
    return body(trace);
  } finally {
    trace.active = false;
    depth--;
  }
}

/** The level for a trace about to start (hot paths pair this with `exitTrace` instead of `withTrace`). */
export const enterLevel = (): number => ++depth;

export function exitTrace(trace: Trace): void {
  trace.active = false;
  depth--;
}

export function shapeOf(x: Value): Shape {
  if (typeof x === 'number') return [];
  if (x instanceof Tensor) return x.shape;
  return shapeOf(x.primal);
}

export function dtypeOf(x: Value): DType {
  if (typeof x === 'number') return 'float64';
  if (x instanceof Tensor) return x.dtype;
  return dtypeOf(x.primal);
}

/** The plain value under any tracers, telling each trace that its value was read as data. */
export function readPrimal(x: Value, coerced = false): Raw {
  while (x instanceof Tracer) {
    x.trace.read(x, coerced);
    x = x.primal;
  }
  return x;
}

/** The plain number or Tensor under any number of tracers (for shapes and display: no read is recorded). */
export function rawPrimal(x: Value): Raw {
  while (x instanceof Tracer) x = x.primal;
  return x;
}

/** Sends a primitive to the innermost active trace among its arguments, or evaluates it directly. */
export function bind(prim: AnyPrimitive, args: readonly Value[], params: unknown): Value {
  let top: Trace | null = null;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a instanceof Tracer) {
      const t = a.trace;
      if (!t.active)
        throw new TracerError(prim.name, 'a traced value escaped its transformation (it was kept after grad/jvp/vjp returned)');
      if (top === null || t.level > top.level) top = t;
    }
  }
  if (top === null) return prim.eval(args as readonly Raw[], params);
  return top.process(prim, args, params);
}

/** Applies a primitive to primals one level down: plain numbers go straight to the scalar rule. */
export function evaluate(prim: AnyPrimitive, primals: readonly Value[], params: unknown): Value {
  const scalar = prim.scalar;
  if (scalar !== undefined) {
    if (primals.length === 1) {
      const x = primals[0];
      if (typeof x === 'number') return scalar(x);
    } else if (primals.length === 2) {
      const x = primals[0];
      const y = primals[1];
      if (typeof x === 'number' && typeof y === 'number') return scalar(x, y);
    }
  }
  return bind(prim, primals, params);
}

export const bind1 = (prim: AnyPrimitive, x: Value, params?: unknown): Value =>
  x instanceof Tracer ? bind(prim, [x], params) : prim.eval([x], params);
