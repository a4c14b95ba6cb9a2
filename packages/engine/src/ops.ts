// The public ops. Each binds one primitive of the rule table (or composes several). Plain-number
// arguments take a fast path that never touches the tracing machinery.
import { bind, shapeOf, Tracer, type Value } from './core.js';
import { ShapeError } from './errors.js';
import { normalizeAxis } from './kernels.js';
import { type AnyPrimitive, type PrimitiveName, primitives } from './primitives.js';
import { type NestedArray, type Shape, sameShape, shapeSize, Tensor, tensor } from './tensor.js';

/** Anything an op accepts: numbers, booleans, tensors, tracers, nested arrays (converted to tensors). */
export type ValueLike = Value | boolean | readonly NestedArray[];
export type Axis = number | readonly number[] | null | undefined;

export function toValue(x: ValueLike): Value {
  if (typeof x === 'number' || x instanceof Tensor || x instanceof Tracer) return x;
  if (typeof x === 'boolean') return x ? 1 : 0;
  // An array holding traced values (e.g. [a, b] of scalars under grad) stacks them, so derivatives flow.
  if (containsTracer(x)) return stack((x as readonly ValueLike[]).map(toValue));
  return tensor(x as NestedArray);
}

function containsTracer(x: unknown): boolean {
  return Array.isArray(x) && x.some((v) => v instanceof Tracer || containsTracer(v));
}

const P: Record<PrimitiveName, AnyPrimitive> = primitives;

function unary(p: AnyPrimitive, x: ValueLike, params?: unknown): Value {
  const v = toValue(x);
  return v instanceof Tracer ? bind(p, [v], params) : p.eval([v], params);
}

function binary(p: AnyPrimitive, a: ValueLike, b: ValueLike): Value {
  const x = toValue(a);
  const y = toValue(b);
  return x instanceof Tracer || y instanceof Tracer ? bind(p, [x, y], undefined) : p.eval([x, y], undefined);
}

// ---------- elementwise ----------
export function neg(x: ValueLike): Value {
  return typeof x === 'number' ? -x : unary(P.neg, x);
}
export function exp(x: ValueLike): Value {
  return typeof x === 'number' ? Math.exp(x) : unary(P.exp, x);
}
export function log(x: ValueLike): Value {
  return typeof x === 'number' ? Math.log(x) : unary(P.log, x);
}
export function log1p(x: ValueLike): Value {
  return typeof x === 'number' ? Math.log1p(x) : unary(P.log1p, x);
}
export function expm1(x: ValueLike): Value {
  return typeof x === 'number' ? Math.expm1(x) : unary(P.expm1, x);
}
export function sin(x: ValueLike): Value {
  return typeof x === 'number' ? Math.sin(x) : unary(P.sin, x);
}
export function cos(x: ValueLike): Value {
  return typeof x === 'number' ? Math.cos(x) : unary(P.cos, x);
}
export function tan(x: ValueLike): Value {
  return typeof x === 'number' ? Math.tan(x) : unary(P.tan, x);
}
export function tanh(x: ValueLike): Value {
  return typeof x === 'number' ? Math.tanh(x) : unary(P.tanh, x);
}
export function sinh(x: ValueLike): Value {
  return typeof x === 'number' ? Math.sinh(x) : unary(P.sinh, x);
}
export function cosh(x: ValueLike): Value {
  return typeof x === 'number' ? Math.cosh(x) : unary(P.cosh, x);
}
export function atan(x: ValueLike): Value {
  return typeof x === 'number' ? Math.atan(x) : unary(P.atan, x);
}
export function asinh(x: ValueLike): Value {
  return typeof x === 'number' ? Math.asinh(x) : unary(P.asinh, x);
}
export function sqrt(x: ValueLike): Value {
  return typeof x === 'number' ? Math.sqrt(x) : unary(P.sqrt, x);
}
export function square(x: ValueLike): Value {
  return typeof x === 'number' ? x * x : unary(P.square, x);
}
export function abs(x: ValueLike): Value {
  return typeof x === 'number' ? Math.abs(x) : unary(P.abs, x);
}
export function sign(x: ValueLike): Value {
  return typeof x === 'number' ? primitives.sign.scalar!(x) : unary(P.sign, x);
}
export function sigmoid(x: ValueLike): Value {
  return typeof x === 'number' ? 1 / (1 + Math.exp(-x)) : unary(P.sigmoid, x);
}
export function softplus(x: ValueLike): Value {
  return typeof x === 'number' ? primitives.softplus.scalar!(x) : unary(P.softplus, x);
}
export function relu(x: ValueLike): Value {
  return typeof x === 'number' ? (x > 0 ? x : 0) : unary(P.relu, x);
}
/** Blocks derivatives: the value passes through, every tangent and cotangent through it is zero. */
export function stopGradient(x: ValueLike): Value {
  return typeof x === 'number' ? x : unary(P.stopGradient, x);
}

export function add(a: ValueLike, b: ValueLike): Value {
  return typeof a === 'number' && typeof b === 'number' ? a + b : binary(P.add, a, b);
}
export function sub(a: ValueLike, b: ValueLike): Value {
  return typeof a === 'number' && typeof b === 'number' ? a - b : binary(P.sub, a, b);
}
export function mul(a: ValueLike, b: ValueLike): Value {
  return typeof a === 'number' && typeof b === 'number' ? a * b : binary(P.mul, a, b);
}
export function div(a: ValueLike, b: ValueLike): Value {
  return typeof a === 'number' && typeof b === 'number' ? a / b : binary(P.div, a, b);
}
export function pow(a: ValueLike, b: ValueLike): Value {
  if (typeof b === 'number' && b === 2) return square(a);
  return typeof a === 'number' && typeof b === 'number' ? a ** b : binary(P.pow, a, b);
}
export function maximum(a: ValueLike, b: ValueLike): Value {
  return binary(P.maximum, a, b);
}
export function minimum(a: ValueLike, b: ValueLike): Value {
  return binary(P.minimum, a, b);
}
/** a × b with a strong zero (0 × ∞ = 0 × NaN = 0): how derivative rules multiply by partials. */
export function zmul(a: ValueLike, b: ValueLike): Value {
  return typeof a === 'number' && typeof b === 'number' ? (a === 0 || b === 0 ? 0 : a * b) : binary(P.zmul, a, b);
}
/** a / b with a strong-zero numerator (0 / 0 = 0), for derivative rules. */
export function zdiv(a: ValueLike, b: ValueLike): Value {
  return typeof a === 'number' && typeof b === 'number' ? (a === 0 ? 0 : a / b) : binary(P.zdiv, a, b);
}

// Comparisons give masks: 1 where true, 0 where false (numbers for numbers, tensors for tensors).
export function lt(a: ValueLike, b: ValueLike): Value {
  return binary(P.lt, a, b);
}
export function le(a: ValueLike, b: ValueLike): Value {
  return binary(P.le, a, b);
}
export function gt(a: ValueLike, b: ValueLike): Value {
  return binary(P.gt, a, b);
}
export function ge(a: ValueLike, b: ValueLike): Value {
  return binary(P.ge, a, b);
}
export function eq(a: ValueLike, b: ValueLike): Value {
  return binary(P.eq, a, b);
}
export function ne(a: ValueLike, b: ValueLike): Value {
  return binary(P.ne, a, b);
}

/** Elementwise choice: `a` where `cond` is non-zero, else `b`. The untaken branch gets no derivative (NaN-safe). */
export function where(cond: ValueLike, a: ValueLike, b: ValueLike): Value {
  const args = [toValue(cond), toValue(a), toValue(b)];
  const p: AnyPrimitive = primitives.where;
  return args.some((x) => x instanceof Tracer) ? bind(p, args, undefined) : p.eval(args as never, undefined);
}

// ---------- reductions ----------
function axesOf(op: string, x: Value, axis: Axis): number[] {
  const nd = shapeOf(x).length;
  if (axis === null || axis === undefined) return [...Array(nd).keys()];
  const list = typeof axis === 'number' ? [axis] : axis;
  return [...new Set(list.map((a) => normalizeAxis(op, a, nd)))].sort((p, q) => p - q);
}

function reduction(name: 'sum' | 'max' | 'min' | 'prod', x: ValueLike, axis: Axis, keepdims: boolean): Value {
  const v = toValue(x);
  if (typeof v === 'number') return v;
  return unary(P[name], v, { axes: axesOf(name, v, axis), keepdims });
}

export function sum(x: ValueLike, axis?: Axis, keepdims = false): Value {
  return reduction('sum', x, axis, keepdims);
}
export function max(x: ValueLike, axis?: Axis, keepdims = false): Value {
  return reduction('max', x, axis, keepdims);
}
export function min(x: ValueLike, axis?: Axis, keepdims = false): Value {
  return reduction('min', x, axis, keepdims);
}
export function prod(x: ValueLike, axis?: Axis, keepdims = false): Value {
  return reduction('prod', x, axis, keepdims);
}
export function mean(x: ValueLike, axis?: Axis, keepdims = false): Value {
  const v = toValue(x);
  const shape = shapeOf(v);
  const count = axesOf('mean', v, axis).reduce((n, a) => n * shape[a]!, 1);
  return div(sum(v, axis, keepdims), count);
}
/** log Σ exp x, shifted by the (non-differentiated) max so large inputs do not overflow. */
export function logsumexp(x: ValueLike, axis?: Axis, keepdims = false): Value {
  const v = toValue(x);
  if (typeof v === 'number') return v;
  const axes = axesOf('logsumexp', v, axis);
  const m = stopGradient(max(v, axes, true));
  const shift = where(eq(abs(m), Infinity), 0, m);
  const r = add(log(sum(exp(sub(v, shift)), axes, true)), shift);
  return keepdims ? r : reshape(r, shapeOf(v).filter((_, i) => !axes.includes(i)));
}
export function logSoftmax(x: ValueLike, axis: number = -1, op = 'logSoftmax'): Value {
  const v = toValue(x);
  if (typeof v !== 'number') normalizeAxis(op, axis, shapeOf(v).length);
  return sub(v, logsumexp(v, axis, true));
}
export function softmax(x: ValueLike, axis: number = -1): Value {
  return exp(logSoftmax(x, axis, 'softmax'));
}

// ---------- shapes ----------
export function reshape(x: ValueLike, shape: readonly number[]): Value {
  const v = toValue(x);
  const size = shapeSize(shapeOf(v));
  const unknown = shape.indexOf(-1);
  if (shape.some((d, i) => !Number.isInteger(d) || d < -1 || (d === -1 && i !== unknown)))
    throw new ShapeError('reshape', 'sizes must be non-negative integers, with at most one -1', [shapeOf(v), shape]);
  let target: Shape = shape;
  if (unknown >= 0) {
    const known = shape.reduce((n, d, i) => (i === unknown ? n : n * d), 1);
    target = shape.map((d, i) => (i === unknown ? size / known : d));
  }
  if (shapeSize(target) !== size) throw new ShapeError('reshape', `cannot reshape ${size} values`, [shapeOf(v), shape]);
  return unary(P.reshape, v, target);
}
export function transpose(x: ValueLike, perm?: readonly number[]): Value {
  const v = toValue(x);
  const nd = shapeOf(v).length;
  const p = perm ?? [...Array(nd).keys()].reverse();
  if (p.length !== nd || new Set(p).size !== nd || p.some((a) => a < 0 || a >= nd))
    throw new ShapeError('transpose', `[${p.join(', ')}] is not a permutation of the axes`, [shapeOf(v)]);
  return unary(P.transpose, v, p);
}
export function broadcastTo(x: ValueLike, shape: readonly number[]): Value {
  return unary(P.broadcastTo, x, shape);
}
/** The block starting at `begin` with `size` (−1 = to the end) along each axis. */
export function slice(x: ValueLike, begin: readonly number[], size?: readonly number[]): Value {
  const v = toValue(x);
  const shape = shapeOf(v);
  if (begin.length !== shape.length) throw new ShapeError('slice', `begin has ${begin.length} entries for ${shape.length} axes`, [shape]);
  const b = begin.map((s, i) => (s < 0 ? s + shape[i]! : s));
  const sz = shape.map((d, i) => {
    const s = size?.[i] ?? -1;
    return s < 0 ? d - b[i]! : s;
  });
  return unary(P.slice, v, { begin: b, size: sz });
}
/** Places `x` at `begin` inside zeros of `shape`. */
export function pad(x: ValueLike, begin: readonly number[], shape: readonly number[]): Value {
  return unary(P.pad, x, { begin, shape });
}
export function concat(xs: readonly ValueLike[], axis = 0): Value {
  const vs = xs.map(toValue);
  if (vs.length === 0) throw new ShapeError('concat', 'needs at least one input');
  const nd = shapeOf(vs[0]!).length;
  const a = normalizeAxis('concat', axis, nd);
  const p: AnyPrimitive = primitives.concat;
  return vs.some((v) => v instanceof Tracer) ? bind(p, vs, a) : p.eval(vs as never, a);
}
export function stack(xs: readonly ValueLike[], axis = 0): Value {
  const vs = xs.map(toValue);
  if (vs.length === 0) throw new ShapeError('stack', 'needs at least one input');
  const shape = shapeOf(vs[0]!);
  const mismatch = vs.find((v) => !sameShape(shapeOf(v), shape));
  if (mismatch !== undefined) throw new ShapeError('stack', 'inputs must all have the same shape', vs.map(shapeOf));
  const a = normalizeAxis('stack', axis < 0 ? axis + shape.length + 1 : axis, shape.length + 1);
  const expanded = [...shape.slice(0, a), 1, ...shape.slice(a)];
  return concat(
    vs.map((v) => reshape(v, expanded)),
    a,
  );
}
export function matmul(a: ValueLike, b: ValueLike): Value {
  return binary(P.matmul, a, b);
}
/** Inner product of vectors; matrix product otherwise. */
export function dot(a: ValueLike, b: ValueLike): Value {
  const x = toValue(a);
  const y = toValue(b);
  if (shapeOf(x).length <= 1 && shapeOf(y).length <= 1 && (typeof x === 'number' || typeof y === 'number')) return mul(x, y);
  return matmul(x, y);
}

// ---------- library ----------
/** The ℓp norm of all entries (p = 2 by default; Infinity for the max norm). */
export function norm(x: ValueLike, p = 2): Value {
  const v = toValue(x);
  if (p === 2) return sqrt(sum(square(v)));
  if (p === 1) return sum(abs(v));
  if (p === Infinity) return max(abs(v));
  return pow(sum(pow(abs(v), p)), 1 / p);
}
/** Mean squared error. */
export function mse(prediction: ValueLike, target: ValueLike): Value {
  return mean(square(sub(prediction, target)));
}
/** Mean cross-entropy of logits [batch, classes] against one-hot (or probability) labels of the same shape. */
export function crossEntropy(logits: ValueLike, labels: ValueLike): Value {
  return neg(mean(sum(mul(labels, logSoftmax(logits, -1)), -1)));
}
