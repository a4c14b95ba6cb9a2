// The one rule table. Each primitive declares, in one place, its evaluation, its JVP rule (forward mode)
// and its VJP rule (reverse mode), plus how the trace tables print it. Rules are written with engine ops,
// so they are themselves differentiable: higher order and nesting come for free.
// `nb` is the number of leading batch axes on tangents/cotangents (vector-mode jacfwd/jacrev), never on primals.
import { dtypeOf, shapeOf, type Value } from './core.js';
import {
  binaryKernel,
  broadcastTo as broadcastToK,
  concat as concatK,
  constant,
  matmul as matmulK,
  pad as padK,
  type Raw,
  reduce,
  reshape as reshapeK,
  slice as sliceK,
  transpose as transposeK,
  unaryKernel,
  where as whereK,
} from './kernels.js';
import * as o from './ops.js';
import { type Shape, sameShape, zeros } from './tensor.js';

type Maybe = Value | null;
/** Which inputs want a cotangent: entry i is truthy when input i does (a tape node passes its inputs). */
export type Need = readonly unknown[];

export interface Partial {
  op: '×' | '/';
  expr: string;
}

/** How trace tables print a primitive: its primal expression and, per input, ∂out/∂input. */
export interface Show {
  primal(args: readonly string[]): string;
  partials: readonly ((args: readonly string[], out: string) => Partial)[];
}

export interface Primitive<P = undefined> {
  readonly name: string;
  eval(args: readonly Raw[], params: P): Raw;
  /** Tangent of the output from the inputs' tangents (null = symbolic zero). */
  jvp(primals: readonly Value[], tangents: readonly Maybe[], out: Value, params: P, nb: number): Maybe;
  /** Cotangents of the inputs from the output's cotangent; `need[i]` says whether input i wants one. */
  vjp(ct: Value, primals: readonly Value[], out: Value, params: P, nb: number, need: Need): readonly Maybe[];
  readonly show?: Show;
  /** Outputs that carry no derivative (comparisons, sign): never taped, tangent always zero. */
  readonly nondiff?: boolean;
  /** Fast path for all-number arguments. */
  readonly scalar?: (...xs: number[]) => number;
  /** The scalar rule as a JS expression in `x` (and `y`), for compiled straight-line code. */
  readonly expr?: string;
}

// ---------- helpers shared by rules ----------

/** Reshapes a batched tangent of an input so it broadcasts against primals of rank `outRank`. */
function lift(t: Value, inShape: Shape, outRank: number, nb: number): Value {
  if (nb === 0 || inShape.length >= outRank) return t;
  const ts = shapeOf(t);
  return o.reshape(t, [...ts.slice(0, nb), ...new Array<number>(outRank - inShape.length).fill(1), ...inShape]);
}

/** Broadcasts a (lifted) tangent to the batched output shape. */
function toOut(t: Value, inShape: Shape, outShape: Shape, nb: number): Value {
  const lifted = lift(t, inShape, outShape.length, nb);
  const target = [...shapeOf(lifted).slice(0, nb), ...outShape];
  return sameShape(shapeOf(lifted), target) ? lifted : o.broadcastTo(lifted, target);
}

/** Sums a batched cotangent of the output down to the batched input shape (reverse of broadcasting). */
export function unbroadcast(ct: Value, inShape: Shape, nb: number): Value {
  // A number cotangent belongs to a scalar output, whose inputs are scalars too.
  if (typeof ct === 'number') return ct;
  const cs = shapeOf(ct);
  const outShape = cs.slice(nb);
  if (sameShape(outShape, inShape)) return ct;
  const extra = outShape.length - inShape.length;
  const axes: number[] = [];
  for (let i = 0; i < outShape.length; i++) {
    const j = i - extra;
    if (j < 0 || (inShape[j] === 1 && outShape[i] !== 1)) axes.push(i + nb);
  }
  const summed = axes.length ? o.sum(ct, axes, true) : ct;
  return o.reshape(summed, [...cs.slice(0, nb), ...inShape]);
}

const addMaybe = (a: Maybe, b: Maybe): Maybe => (a === null ? b : b === null ? a : o.add(a, b));

function unaryRule(
  name: string,
  expr: string,
  derivative: (x: Value, y: Value) => Value,
  show: Show | undefined,
): Primitive {
  const { scalar, kernel } = unaryKernel(expr);
  return {
    name,
    scalar,
    expr,
    eval: ([x]) => kernel(x!),
    jvp: ([x], [t], y) => o.zmul(t!, derivative(x!, y)),
    vjp: (ct, [x], y) => [o.zmul(ct, derivative(x!, y))],
    show,
  };
}

const fn = (label: string, partial: (a: string, y: string) => Partial): Show => ({
  primal: ([a]) => `${label} ${a}`,
  partials: [([a], y) => partial(a!, y)],
});
const times = (expr: string): Partial => ({ op: '×', expr });

function binaryRule(
  name: string,
  expr: string,
  jvp: Primitive['jvp'],
  vjp: (ct: Value, a: Value, b: Value, y: Value, need: Need) => readonly Maybe[],
  show?: Show,
): Primitive {
  const { scalar, kernel } = binaryKernel(name, expr);
  return {
    name,
    scalar,
    expr,
    eval: ([a, b]) => kernel(a!, b!),
    jvp,
    vjp: (ct, [a, b], y, _p, nb, need) => {
      const [ca, cb] = vjp(ct, a!, b!, y, need);
      return [
        need[0] && ca ? unbroadcast(ca, shapeOf(a!), nb) : null,
        need[1] && cb ? unbroadcast(cb, shapeOf(b!), nb) : null,
      ];
    },
    show,
  };
}

/** Tangent of an elementwise binary op as Σ tangent_i × partial_i, lifted to the output shape. */
function linearJvp(partials: (a: Value, b: Value, y: Value) => [Value | 1 | -1, Value | 1 | -1]): Primitive['jvp'] {
  return ([a, b], [ta, tb], y, _p, nb) => {
    const outShape = shapeOf(y);
    const [pa, pb] = partials(a!, b!, y);
    const term = (t: Maybe, p: Value | 1 | -1, inShape: Shape): Maybe => {
      if (t === null) return null;
      const lifted = lift(t, inShape, outShape.length, nb);
      return p === 1 ? lifted : p === -1 ? o.neg(lifted) : o.zmul(lifted, p);
    };
    const sum = addMaybe(term(ta!, pa, shapeOf(a!)), term(tb!, pb, shapeOf(b!)));
    return sum === null ? null : toOut(sum, shapeOf(sum).slice(nb), outShape, nb);
  };
}

function compareRule(name: string, expr: string): Primitive {
  const mask = `(${expr}) ? 1 : 0`;
  const { scalar, kernel } = binaryKernel(name, mask);
  return { name, scalar, expr: mask, nondiff: true, eval: ([a, b]) => kernel(a!, b!), jvp: () => null, vjp: () => [null, null] };
}

// ---------- reductions ----------

export interface ReduceParams {
  axes: readonly number[];
  keepdims: boolean;
}

const shift = (axes: readonly number[], nb: number) => axes.map((a) => a + nb);
const keptShape = (shape: Shape, axes: readonly number[]) => shape.map((d, i) => (axes.includes(i) ? 1 : d));

/** Broadcasts a reduced (batched) cotangent back over the reduced axes. */
function expandReduced(ct: Value, x: Value, p: ReduceParams, nb: number): Value {
  const xShape = shapeOf(x);
  // A plain-number cotangent is weakly typed: it takes the input's dtype (float32 stays float32).
  if (typeof ct === 'number') return constant(xShape, ct, dtypeOf(x));
  const batch = shapeOf(ct).slice(0, nb);
  return o.broadcastTo(o.reshape(ct, [...batch, ...keptShape(xShape, p.axes)]), [...batch, ...xShape]);
}

/** Weights that split a max/min's derivative evenly among tied winners. */
function extremumWeights(x: Value, y: Value, p: ReduceParams): Value {
  const hit = o.eq(x, o.reshape(y, keptShape(shapeOf(x), p.axes)));
  return o.div(hit, o.sum(hit, p.axes, true));
}

function extremumRule(name: 'max' | 'min'): Primitive<ReduceParams> {
  return {
    name,
    eval: ([x], p) => reduce(x!, p.axes, p.keepdims, name),
    jvp: ([x], [t], y, p, nb) => o.sum(o.zmul(t!, extremumWeights(x!, y, p)), shift(p.axes, nb), p.keepdims),
    vjp: (ct, [x], y, p, nb) => [o.zmul(expandReduced(ct, x!, p, nb), extremumWeights(x!, y, p))],
  };
}

/**
 * ∂prod/∂x_i = the product of the other entries, exact with zeros and itself differentiable: out/x_i
 * where x_i ≠ 0; where x_i = 0, the product of the non-zero entries if x_i is the only zero, else 0.
 */
function prodPartial(x: Value, y: Value, p: ReduceParams): Value {
  const kept = keptShape(shapeOf(x), p.axes);
  const zero = o.eq(x, 0);
  const nonZero = o.where(zero, 1, x);
  const zeros = o.sum(zero, p.axes, true);
  const othersAtZero = o.where(o.eq(zeros, 1), o.prod(nonZero, p.axes, true), 0);
  return o.where(zero, othersAtZero, o.div(o.reshape(y, kept), nonZero));
}



// ---------- shape ops ----------

export interface SliceParams {
  begin: readonly number[];
  size: readonly number[];
}
export interface PadParams {
  begin: readonly number[];
  shape: Shape;
}

const zerosBatch = (nb: number) => new Array<number>(nb).fill(0);

/** Matmul with 1-D operands promoted to matrices, so batched tangents line up. */
function asMatrix(x: Value, side: 'left' | 'right', nb: number, primalShape: Shape): Value {
  if (primalShape.length !== 1) return x;
  const batch = shapeOf(x).slice(0, nb);
  const n = primalShape[0]!;
  return o.reshape(x, side === 'left' ? [...batch, 1, n] : [...batch, n, 1]);
}
const swapLast = (x: Value): Value => {
  const nd = shapeOf(x).length;
  const perm = [...Array(nd).keys()];
  [perm[nd - 2], perm[nd - 1]] = [perm[nd - 1]!, perm[nd - 2]!];
  return o.transpose(x, perm);
};
const batchOf = (x: Value, nb: number) => shapeOf(x).slice(0, nb);

// ---------- the table ----------

export type PrimitiveName = keyof typeof primitives;
// biome-ignore lint/suspicious/noExplicitAny: the dispatcher handles every primitive whatever its params
export type AnyPrimitive = Primitive<any>;

/** Every primitive with its rules. A missing rule is a type error: each entry must satisfy Primitive. */
export const primitives = {
  neg: unaryRule('neg', '-x', () => -1, { primal: ([a]) => `−${a}`, partials: [() => times('(−1)')] }),
  exp: unaryRule('exp', 'Math.exp(x)', (_x, y) => y, fn('exp', (a) => times(`exp ${a}`))),
  log: unaryRule('log', 'Math.log(x)', (x) => o.div(1, x), fn('ln', (a) => ({ op: '/', expr: a }))),
  log1p: unaryRule('log1p', 'Math.log1p(x)', (x) => o.div(1, o.add(1, x)), fn('log1p', (a) => ({ op: '/', expr: `(1 + ${a})` }))),
  expm1: unaryRule('expm1', 'Math.expm1(x)', (_x, y) => o.add(y, 1), fn('expm1', (a) => times(`exp ${a}`))),
  sin: unaryRule('sin', 'Math.sin(x)', (x) => o.cos(x), fn('sin', (a) => times(`cos ${a}`))),
  cos: unaryRule('cos', 'Math.cos(x)', (x) => o.neg(o.sin(x)), fn('cos', (a) => times(`(−sin ${a})`))),
  tan: unaryRule('tan', 'Math.tan(x)', (_x, y) => o.add(1, o.square(y)), fn('tan', (a) => times(`(1 + tan² ${a})`))),
  tanh: unaryRule('tanh', 'Math.tanh(x)', (_x, y) => o.sub(1, o.square(y)), fn('tanh', (a) => times(`(1 − tanh² ${a})`))),
  sinh: unaryRule('sinh', 'Math.sinh(x)', (x) => o.cosh(x), fn('sinh', (a) => times(`cosh ${a}`))),
  cosh: unaryRule('cosh', 'Math.cosh(x)', (x) => o.sinh(x), fn('cosh', (a) => times(`sinh ${a}`))),
  atan: unaryRule('atan', 'Math.atan(x)', (x) => o.div(1, o.add(1, o.square(x))), fn('atan', (a) => ({ op: '/', expr: `(1 + ${a}²)` }))),
  asinh: unaryRule('asinh', 'Math.asinh(x)', (x) => o.div(1, o.sqrt(o.add(o.square(x), 1))), fn('asinh', (a) => ({ op: '/', expr: `√(${a}² + 1)` }))),
  sqrt: unaryRule('sqrt', 'Math.sqrt(x)', (_x, y) => o.div(0.5, y), fn('√', (a) => ({ op: '/', expr: `(2 √${a})` }))),
  square: unaryRule('square', 'x * x', (x) => o.mul(2, x), { primal: ([a]) => `${a}²`, partials: [([a]) => times(`2 ${a}`)] }),
  abs: unaryRule('abs', 'Math.abs(x)', (x) => o.sign(x), fn('abs', (a) => times(`sign ${a}`))),
  sigmoid: unaryRule('sigmoid', '1 / (1 + Math.exp(-x))', (_x, y) => o.mul(y, o.sub(1, y)), fn('σ', (a) => times(`σ ${a} (1 − σ ${a})`))),
  softplus: unaryRule(
    'softplus',
    'x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x))',
    (x) => o.sigmoid(x),
    fn('softplus', (a) => times(`σ ${a}`)),
  ),
  relu: unaryRule('relu', 'x > 0 ? x : 0', (x) => o.gt(x, 0), fn('relu', (a) => times(`[${a} > 0]`))),
  sign: { ...unaryRule('sign', 'x > 0 ? 1 : x < 0 ? -1 : x === 0 ? 0 : NaN', () => 0, undefined), nondiff: true, jvp: () => null, vjp: () => [null] },

  add: binaryRule('add', 'x + y', linearJvp(() => [1, 1]), (ct) => [ct, ct], {
    primal: ([a, b]) => `${a} + ${b}`,
    partials: [() => times('1'), () => times('1')],
  }),
  sub: binaryRule('sub', 'x - y', linearJvp(() => [1, -1]), (ct, _a, _b, _y, need) => [ct, need[1] ? o.neg(ct) : null], {
    primal: ([a, b]) => `${a} − ${b}`,
    partials: [() => times('1'), () => times('(−1)')],
  }),
  mul: binaryRule('mul', 'x * y', linearJvp((a, b) => [b, a]), (ct, a, b, _y, need) => [need[0] ? o.zmul(ct, b) : null, need[1] ? o.zmul(ct, a) : null], {
    primal: ([a, b]) => `${a} × ${b}`,
    partials: [([, b]) => times(b!), ([a]) => times(a!)],
  }),
  div: binaryRule(
    'div',
    'x / y',
    linearJvp((a, b) => [o.div(1, b), o.neg(o.div(a, o.square(b)))]),
    (ct, _a, b, y, need) => [need[0] ? o.zdiv(ct, b) : null, need[1] ? o.zdiv(o.zmul(ct, o.neg(y)), b) : null],
    { primal: ([a, b]) => `${a} / ${b}`, partials: [([, b]) => ({ op: '/', expr: b! }), ([a, b]) => times(`(−${a} / ${b}²)`)] },
  ),
  pow: binaryRule(
    'pow',
    'x ** y',
    ([a, b], [ta, tb], y, _p, nb) => {
      const outShape = shapeOf(y);
      const da = ta ? o.zmul(lift(ta, shapeOf(a!), outShape.length, nb), o.mul(b!, o.pow(a!, o.sub(b!, 1)))) : null;
      const db = tb ? o.zmul(lift(tb, shapeOf(b!), outShape.length, nb), o.mul(y, o.log(a!))) : null;
      const sum = addMaybe(da, db);
      return sum === null ? null : toOut(sum, shapeOf(sum).slice(nb), outShape, nb);
    },
    (ct, a, b, y, need) => [
      need[0] ? o.zmul(ct, o.mul(b, o.pow(a, o.sub(b, 1)))) : null,
      need[1] ? o.zmul(ct, o.mul(y, o.log(a))) : null,
    ],
    { primal: ([a, b]) => `${a}^${b}`, partials: [([a, b]) => times(`${b} ${a}^(${b} − 1)`), ([a], y) => times(`${y} ln ${a}`)] },
  ),
  maximum: binaryRule(
    'maximum',
    'x > y || Number.isNaN(x) ? x : y',
    linearJvp((a, b) => {
      const w = tieWeight(a, b, 'gt');
      return [w, o.sub(1, w)];
    }),
    (ct, a, b) => {
      const w = tieWeight(a, b, 'gt');
      return [o.zmul(ct, w), o.zmul(ct, o.sub(1, w))];
    },
  ),
  minimum: binaryRule(
    'minimum',
    'x < y || Number.isNaN(x) ? x : y',
    linearJvp((a, b) => {
      const w = tieWeight(a, b, 'lt');
      return [w, o.sub(1, w)];
    }),
    (ct, a, b) => {
      const w = tieWeight(a, b, 'lt');
      return [o.zmul(ct, w), o.zmul(ct, o.sub(1, w))];
    },
  ),
  /**
   * Derivative products with a strong zero: 0 × ∞ = 0 × NaN = 0. Every rule multiplies tangents and
   * cotangents by partials with it, so masked branches (where) and exact-zero partials stay exact zeros,
   * the same in forward and reverse mode.
   */
  zmul: binaryRule(
    'zmul',
    'x === 0 || y === 0 ? 0 : x * y',
    linearJvp((a, b) => [b, a]),
    (ct, a, b, _y, need) => [need[0] ? o.zmul(ct, b) : null, need[1] ? o.zmul(ct, a) : null],
    { primal: ([a, b]) => `${a} × ${b}`, partials: [([, b]) => times(b!), ([a]) => times(a!)] },
  ),

  /** Division with a strong-zero numerator (0 / 0 = 0): the quotient rule's counterpart of zmul. */
  zdiv: binaryRule(
    'zdiv',
    'x === 0 ? 0 : x / y',
    linearJvp((_a, b, y) => [o.div(1, b), o.neg(o.div(y, b))]),
    (ct, _a, b, y, need) => [need[0] ? o.zdiv(ct, b) : null, need[1] ? o.zdiv(o.zmul(ct, o.neg(y)), b) : null],
    { primal: ([a, b]) => `${a} / ${b}`, partials: [([, b]) => ({ op: '/', expr: b! }), ([a, b]) => times(`(−${a} / ${b}²)`)] },
  ),

  lt: compareRule('lt', 'x < y'),
  le: compareRule('le', 'x <= y'),
  gt: compareRule('gt', 'x > y'),
  ge: compareRule('ge', 'x >= y'),
  eq: compareRule('eq', 'x === y'),
  ne: compareRule('ne', 'x !== y'),

  where: {
    name: 'where',
    eval: ([c, a, b]) => whereK(c!, a!, b!),
    jvp: ([c, a, b], [, ta, tb], y, _p, nb) => {
      if (ta === null && tb === null) return null;
      const outShape = shapeOf(y);
      const t = (tv: Maybe, x: Value): Value => (tv === null ? 0 : lift(tv, shapeOf(x), outShape.length, nb));
      if (typeof c === 'number') {
        const chosen = c !== 0 ? ta : tb;
        return chosen === null ? null : toOut(chosen, shapeOf(c !== 0 ? a! : b!), outShape, nb);
      }
      const r = o.where(c!, t(ta!, a!), t(tb!, b!));
      return toOut(r, shapeOf(r).slice(nb), outShape, nb);
    },
    // The untaken branch gets an exactly-zero (or absent) cotangent, so its infinite partials never turn into NaN.
    vjp: (ct, [c, a, b], _y, _p, nb, need) => {
      if (typeof c === 'number')
        return [null, need[1] && c !== 0 ? unbroadcast(ct, shapeOf(a!), nb) : null, need[2] && c === 0 ? unbroadcast(ct, shapeOf(b!), nb) : null];
      return [
        null,
        need[1] ? unbroadcast(o.where(c!, ct, 0), shapeOf(a!), nb) : null,
        need[2] ? unbroadcast(o.where(c!, 0, ct), shapeOf(b!), nb) : null,
      ];
    },
  } satisfies Primitive,

  stopGradient: {
    name: 'stopGradient',
    nondiff: true,
    eval: ([x]) => x!,
    jvp: () => null,
    vjp: () => [null],
  } satisfies Primitive,

  sum: {
    name: 'sum',
    eval: ([x], p) => reduce(x!, p.axes, p.keepdims, 'sum'),
    jvp: (_x, [t], _y, p, nb) => o.sum(t!, shift(p.axes, nb), p.keepdims),
    vjp: (ct, [x], _y, p, nb) => [expandReduced(ct, x!, p, nb)],
    show: { primal: ([a]) => `Σ ${a}`, partials: [() => times('1')] },
  } satisfies Primitive<ReduceParams>,
  max: extremumRule('max'),
  min: extremumRule('min'),
  prod: {
    name: 'prod',
    eval: ([x], p) => reduce(x!, p.axes, p.keepdims, 'prod'),
    jvp: ([x], [t], y, p, nb) => o.sum(o.zmul(t!, prodPartial(x!, y, p)), shift(p.axes, nb), p.keepdims),
    vjp: (ct, [x], y, p, nb) => [o.zmul(expandReduced(ct, x!, p, nb), prodPartial(x!, y, p))],
  } satisfies Primitive<ReduceParams>,

  reshape: {
    name: 'reshape',
    eval: ([x], shape) => reshapeK(x!, shape),
    jvp: (_x, [t], _y, shape, nb) => o.reshape(t!, [...batchOf(t!, nb), ...shape]),
    vjp: (ct, [x], _y, _shape, nb) => [o.reshape(ct, [...batchOf(ct, nb), ...shapeOf(x!)])],
  } satisfies Primitive<Shape>,
  transpose: {
    name: 'transpose',
    eval: ([x], perm) => transposeK(x!, perm),
    jvp: (_x, [t], _y, perm, nb) => o.transpose(t!, [...Array(nb).keys(), ...perm.map((p) => p + nb)]),
    vjp: (ct, _x, _y, perm, nb) => {
      const inv = new Array<number>(perm.length);
      perm.forEach((p, i) => {
        inv[p] = i;
      });
      return [o.transpose(ct, [...Array(nb).keys(), ...inv.map((p) => p + nb)])];
    },
  } satisfies Primitive<readonly number[]>,
  broadcastTo: {
    name: 'broadcastTo',
    eval: ([x], shape) => broadcastToK(x!, shape),
    jvp: ([x], [t], _y, shape, nb) => toOut(t!, shapeOf(x!), shape, nb),
    vjp: (ct, [x], _y, _shape, nb) => [unbroadcast(ct, shapeOf(x!), nb)],
  } satisfies Primitive<Shape>,
  slice: {
    name: 'slice',
    eval: ([x], p) => sliceK(x!, p.begin, p.size),
    jvp: (_x, [t], _y, p, nb) => o.slice(t!, [...zerosBatch(nb), ...p.begin], [...batchOf(t!, nb), ...p.size]),
    vjp: (ct, [x], _y, p, nb) => [o.pad(ct, [...zerosBatch(nb), ...p.begin], [...batchOf(ct, nb), ...shapeOf(x!)])],
  } satisfies Primitive<SliceParams>,
  pad: {
    name: 'pad',
    eval: ([x], p) => padK(x!, p.begin, p.shape),
    jvp: (_x, [t], _y, p, nb) => o.pad(t!, [...zerosBatch(nb), ...p.begin], [...batchOf(t!, nb), ...p.shape]),
    vjp: (ct, [x], _y, p, nb) => [o.slice(ct, [...zerosBatch(nb), ...p.begin], [...batchOf(ct, nb), ...shapeOf(x!)])],
  } satisfies Primitive<PadParams>,
  concat: {
    name: 'concat',
    eval: (xs, axis) => concatK(xs, axis),
    jvp: (xs, ts, _y, axis, nb) => {
      if (ts.every((t) => t === null)) return null;
      const batch = batchOf(ts.find((t) => t !== null)!, nb);
      const full = ts.map((t, i) => t ?? zeros([...batch, ...shapeOf(xs[i]!)], { dtype: dtypeOf(xs[i]!) }));
      return o.concat(full, axis + nb);
    },
    vjp: (ct, xs, _y, axis, nb, need) => {
      const batch = batchOf(ct, nb);
      let offset = 0;
      return xs.map((x, i) => {
        const shape = shapeOf(x);
        const begin = [...zerosBatch(nb), ...shape.map((_, d) => (d === axis ? offset : 0))];
        offset += shape[axis]!;
        return need[i] ? o.slice(ct, begin, [...batch, ...shape]) : null;
      });
    },
  } satisfies Primitive<number>,
  matmul: {
    name: 'matmul',
    eval: ([a, b]) => matmulK(a!, b!),
    jvp: ([a, b], [ta, tb], y, _p, nb) => {
      const as = shapeOf(a!);
      const bs = shapeOf(b!);
      const A = asMatrix(a!, 'left', 0, as);
      const B = asMatrix(b!, 'right', 0, bs);
      // Batched tangents get unit axes so their batch axis stays outermost against the operands' own batch dims.
      const rank = Math.max(shapeOf(A).length, shapeOf(B).length);
      const da = ta ? o.matmul(lift(asMatrix(ta, 'left', nb, as), shapeOf(A), rank, nb), B) : null;
      const db = tb ? o.matmul(A, lift(asMatrix(tb, 'right', nb, bs), shapeOf(B), rank, nb)) : null;
      return o.reshape(addMaybe(da, db)!, [...batchOf(ta ?? tb!, nb), ...shapeOf(y)]);
    },
    vjp: (ct, [a, b], y, _p, nb, need) => {
      const as = shapeOf(a!);
      const bs = shapeOf(b!);
      const A = asMatrix(a!, 'left', 0, as);
      const B = asMatrix(b!, 'right', 0, bs);
      const batch = batchOf(ct, nb);
      // Restore the unit axes that 1-D operands dropped from the output.
      const ys = shapeOf(y);
      const cShape = [...batch, ...ys.slice(0, ys.length - (as.length > 1 ? 1 : 0) - (bs.length > 1 ? 1 : 0))];
      cShape.push(as.length > 1 ? as[as.length - 2]! : 1, bs.length > 1 ? bs[bs.length - 1]! : 1);
      const C = o.reshape(ct, cShape);
      const Ashape = shapeOf(A);
      const Bshape = shapeOf(B);
      return [
        need[0] ? o.reshape(unbroadcast(o.matmul(C, swapLast(B)), Ashape, nb), [...batch, ...as]) : null,
        need[1] ? o.reshape(unbroadcast(o.matmul(swapLast(A), C), Bshape, nb), [...batch, ...bs]) : null,
      ];
    },
  } satisfies Primitive,
} satisfies Record<string, Primitive<never>>;

/** 1 where a strictly wins, ½ on ties, 0 where b wins. */
function tieWeight(a: Value, b: Value, wins: 'gt' | 'lt'): Value {
  const win = wins === 'gt' ? o.gt(a, b) : o.lt(a, b);
  return o.add(win, o.mul(0.5, o.eq(a, b)));
}
