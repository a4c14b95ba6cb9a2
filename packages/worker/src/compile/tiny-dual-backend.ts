import type { ArithmeticBackend } from './runtime.js';

/** A first-order dual number a + bε, enough to test the rewriter without the engine. Test helper only. */
export class TinyDual {
  constructor(
    readonly re: number,
    readonly eps: number,
  ) {}
}

const lift = (v: unknown): TinyDual => (v instanceof TinyDual ? v : new TinyDual(v as number, 0));
const unary = (f: (x: number) => number, df: (x: number) => number) => (a: unknown) => {
  const d = lift(a);
  return new TinyDual(f(d.re), df(d.re) * d.eps);
};

/** Forward-mode derivative rules for every op the operator runtime asks for. */
export const tinyDualBackend: ArithmeticBackend = {
  isEngineValue: (v) => v instanceof TinyDual,
  scalarValue: (v) => (v as TinyDual).re,
  add: (a, b) => new TinyDual(lift(a).re + lift(b).re, lift(a).eps + lift(b).eps),
  sub: (a, b) => new TinyDual(lift(a).re - lift(b).re, lift(a).eps - lift(b).eps),
  mul: (a, b) => new TinyDual(lift(a).re * lift(b).re, lift(a).eps * lift(b).re + lift(a).re * lift(b).eps),
  div: (a, b) => {
    const [x, y] = [lift(a), lift(b)];
    return new TinyDual(x.re / y.re, (x.eps * y.re - x.re * y.eps) / (y.re * y.re));
  },
  pow: (a, b) => {
    const [x, y] = [lift(a), lift(b)];
    const value = x.re ** y.re;
    const dBase = y.re === 0 ? 0 : y.re * x.re ** (y.re - 1) * x.eps;
    const dExponent = y.eps === 0 ? 0 : value * Math.log(x.re) * y.eps;
    return new TinyDual(value, dBase + dExponent);
  },
  maximum: (a, b) => (lift(a).re >= lift(b).re ? lift(a) : lift(b)),
  minimum: (a, b) => (lift(a).re <= lift(b).re ? lift(a) : lift(b)),
  neg: (a) => new TinyDual(-lift(a).re, -lift(a).eps),
  exp: unary(Math.exp, Math.exp),
  log: unary(Math.log, (x) => 1 / x),
  sin: unary(Math.sin, Math.cos),
  cos: unary(Math.cos, (x) => -Math.sin(x)),
  tan: unary(Math.tan, (x) => 1 / Math.cos(x) ** 2),
  tanh: unary(Math.tanh, (x) => 1 - Math.tanh(x) ** 2),
  sinh: unary(Math.sinh, Math.cosh),
  cosh: unary(Math.cosh, Math.sinh),
  atan: unary(Math.atan, (x) => 1 / (1 + x * x)),
  asinh: unary(Math.asinh, (x) => 1 / Math.sqrt(x * x + 1)),
  sqrt: unary(Math.sqrt, (x) => 0.5 / Math.sqrt(x)),
  abs: unary(Math.abs, (x) => (x > 0 ? 1 : x < 0 ? -1 : 0)),
  sign: unary(Math.sign, () => 0),
  log1p: unary(Math.log1p, (x) => 1 / (1 + x)),
  expm1: unary(Math.expm1, Math.exp),
};
