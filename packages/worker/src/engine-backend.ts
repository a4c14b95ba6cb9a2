import * as engine from '@wengert/engine';
import type { ArithmeticBackend } from './compile/runtime.js';
import type { PlainTree } from './protocol.js';

/** The operator runtime's view of @wengert/engine: tracers and Tensors are engine values. */
export const engineBackend: ArithmeticBackend = {
  isEngineValue: (v) => v instanceof engine.Tensor || v instanceof engine.Tracer,
  scalarValue: (v) => {
    const p = engine.primal(v as engine.Value) as number | engine.Tensor;
    if (typeof p === 'number') return p;
    return p.size === 1 ? p.item() : undefined;
  },
  add: (a, b) => engine.add(a as engine.Value, b as engine.Value),
  sub: (a, b) => engine.sub(a as engine.Value, b as engine.Value),
  mul: (a, b) => engine.mul(a as engine.Value, b as engine.Value),
  div: (a, b) => engine.div(a as engine.Value, b as engine.Value),
  pow: (a, b) => engine.pow(a as engine.Value, b as engine.Value),
  maximum: (a, b) => engine.maximum(a as engine.Value, b as engine.Value),
  minimum: (a, b) => engine.minimum(a as engine.Value, b as engine.Value),
  neg: (a) => engine.neg(a as engine.Value),
  exp: (a) => engine.exp(a as engine.Value),
  log: (a) => engine.log(a as engine.Value),
  sin: (a) => engine.sin(a as engine.Value),
  cos: (a) => engine.cos(a as engine.Value),
  tan: (a) => engine.tan(a as engine.Value),
  tanh: (a) => engine.tanh(a as engine.Value),
  sinh: (a) => engine.sinh(a as engine.Value),
  cosh: (a) => engine.cosh(a as engine.Value),
  atan: (a) => engine.atan(a as engine.Value),
  asinh: (a) => engine.asinh(a as engine.Value),
  sqrt: (a) => engine.sqrt(a as engine.Value),
  abs: (a) => engine.abs(a as engine.Value),
  sign: (a) => engine.sign(a as engine.Value),
  log1p: (a) => engine.log1p(a as engine.Value),
  expm1: (a) => engine.expm1(a as engine.Value),
};

/** Engine results as structured-clone-safe plain data: Tensors become nested arrays, tracers their primal. */
export function toPlain(value: unknown): PlainTree {
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'string' || value === null) return value;
  if (value instanceof engine.Tensor) return value.toArray() as PlainTree;
  if (Array.isArray(value)) return value.map(toPlain);
  if (value instanceof engine.Tracer) return toPlain(engine.primal(value));
  if (typeof value === 'object') {
    const out: Record<string, PlainTree> = {};
    for (const [k, v] of Object.entries(value)) if (typeof v !== 'function') out[k] = toPlain(v);
    return out;
  }
  return null;
}

/** A loss value as one number (scalar Tensors and tracers included). */
export function toNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (!(value instanceof engine.Tensor || value instanceof engine.Tracer)) return Number.NaN;
  const p = engine.primal(value);
  if (typeof p === 'number') return p;
  return p.size === 1 ? p.item() : Number.NaN;
}
