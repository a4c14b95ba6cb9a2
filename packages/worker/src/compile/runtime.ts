import { EngineError } from '../errors.js';

type Unary = (a: unknown) => unknown;
type Binary = (a: unknown, b: unknown) => unknown;

/** Unary engine ops that have a Math.* namesake. */
export const MATH_UNARY = [
  'exp',
  'log',
  'sin',
  'cos',
  'tan',
  'tanh',
  'sinh',
  'cosh',
  'atan',
  'asinh',
  'sqrt',
  'abs',
  'sign',
  'log1p',
  'expm1',
] as const;

/** What the operator runtime needs from an AD engine. The real one is engine-backend.ts. */
export type ArithmeticBackend = {
  /** True for values the engine differentiates through (tracers, Tensors); false for plain JS values. */
  isEngineValue(value: unknown): boolean;
  /** The plain number behind a scalar engine value; undefined for a tensor with more than one element. */
  scalarValue(value: unknown): number | undefined;
  add: Binary;
  sub: Binary;
  mul: Binary;
  div: Binary;
  pow: Binary;
  maximum: Binary;
  minimum: Binary;
  neg: Unary;
} & Record<(typeof MATH_UNARY)[number], Unary>;

/** The functions rewritten code calls as `__wengert$.name(…)`. */
export type OperatorRuntime = ReturnType<typeof createOperatorRuntime>;

/**
 * Operators that differentiate through engine values and behave exactly like JavaScript otherwise:
 * two plain numbers take the fast path, strings concatenate, comparisons return booleans from the
 * primal values (AD is blind to control flow, as the notes say).
 */
export function createOperatorRuntime(backend: ArithmeticBackend) {
  const isEngine = (v: unknown) => typeof v === 'object' && v !== null && backend.isEngineValue(v);
  /** Both operands are numbers or engine values, and at least one is an engine value. */
  const engineOperands = (a: unknown, b: unknown) =>
    (isEngine(a) && (typeof b === 'number' || isEngine(b))) || (typeof a === 'number' && isEngine(b));

  const scalar = (v: unknown): number => {
    if (typeof v === 'number') return v;
    const value = backend.scalarValue(v);
    if (value === undefined)
      throw new EngineError(
        'runtime-error',
        'A comparison or branch on a tensor with several elements has no single answer; compare scalars, or use the engine ops lt/gt/where.',
      );
    return value;
  };

  const arithmetic = (op: Binary, plain: (a: number, b: number) => number): Binary => {
    return (a, b) => {
      if (typeof a === 'number' && typeof b === 'number') return plain(a, b);
      if (engineOperands(a, b)) return op(a, b);
      return plain(a as number, b as number); // plain JS semantics: 'a' + 'b', [1] + 1, …
    };
  };

  const comparison = (plain: (a: number, b: number) => boolean) => {
    return (a: unknown, b: unknown): boolean => {
      if (engineOperands(a, b)) return plain(scalar(a), scalar(b));
      return plain(a as number, b as number);
    };
  };

  const add = arithmetic(backend.add, (a, b) => a + b);
  const sub = arithmetic(backend.sub, (a, b) => a - b);
  const mul = arithmetic(backend.mul, (a, b) => a * b);
  const div = arithmetic(backend.div, (a, b) => a / b);
  const pow = arithmetic(backend.pow, (a, b) => a ** b);
  // JS % is the truncated remainder a - b·trunc(a/b); trunc is piecewise constant, so its derivative is 0.
  const mod = arithmetic(
    (a, b) => backend.sub(a, backend.mul(b, Math.trunc(scalar(a) / scalar(b)))),
    (a, b) => a % b,
  );

  const inc = (v: unknown): unknown =>
    typeof v === 'number' ? v + 1 : isEngine(v) ? backend.add(v, 1) : typeof v === 'bigint' ? v + 1n : Number(v) + 1;
  const dec = (v: unknown): unknown =>
    typeof v === 'number' ? v - 1 : isEngine(v) ? backend.sub(v, 1) : typeof v === 'bigint' ? v - 1n : Number(v) - 1;

  const ops: Record<string, (a: unknown, b: unknown) => unknown> = { add, sub, mul, div, pow, mod, inc, dec };
  /** Truthiness of the primal value, so a traced 0 or NaN is false like the number it stands for. */
  const truthy = (v: unknown): boolean => (typeof v === 'boolean' ? v : isEngine(v) ? Boolean(scalar(v)) : Boolean(v));

  return {
    add,
    sub,
    mul,
    div,
    pow,
    mod,
    inc,
    dec,
    neg: (a: unknown): unknown => (typeof a === 'number' ? -a : isEngine(a) ? backend.neg(a) : -(a as number)),
    pos: (a: unknown): unknown => (typeof a === 'number' || isEngine(a) ? a : +(a as number)),
    lt: comparison((a, b) => a < b),
    le: comparison((a, b) => a <= b),
    gt: comparison((a, b) => a > b),
    ge: comparison((a, b) => a >= b),
    // biome-ignore lint/suspicious/noDoubleEquals: loss code's == keeps JavaScript's loose equality.
    eq: comparison((a, b) => a == b),
    // biome-ignore lint/suspicious/noDoubleEquals: likewise for !=.
    ne: comparison((a, b) => a != b),
    seq: comparison((a, b) => a === b),
    sne: comparison((a, b) => a !== b),
    truthy,
    /** a && b with b as a thunk: short-circuits on the primal truthiness of a, returns an operand like JS. */
    and: (a: unknown, b: () => unknown): unknown => (truthy(a) ? b() : a),
    or: (a: unknown, b: () => unknown): unknown => (truthy(a) ? a : b()),
    /** A switch discriminant: the primal number of a traced scalar, anything else unchanged. */
    caseValue: (v: unknown): unknown => (isEngine(v) ? scalar(v) : v),
    /** Postfix x++: the old value (as a number, like JS), after the assignment in the second argument ran. */
    first: (old: unknown, _assigned: unknown): unknown =>
      typeof old === 'number' || typeof old === 'bigint' || isEngine(old) ? old : Number(old),
    /** obj[key] op= value, and obj[key]++ / ++obj[key] (op 'inc' / 'dec'). Evaluates obj and key once. */
    update: (obj: Record<PropertyKey, unknown>, key: PropertyKey, op: string, value: unknown, returnOld: boolean): unknown => {
      const old = obj[key];
      const next = ops[op]!(old, value);
      obj[key] = next;
      return returnOld ? (typeof old === 'number' || isEngine(old) ? old : Number(old)) : next;
    },
    /** `Math` as loss code sees it: the same functions, differentiable on engine values. */
    Math: createDifferentiableMath(backend, isEngine, scalar, { add, sub, mul, div, pow }),
  };
}

function createDifferentiableMath(
  backend: ArithmeticBackend,
  isEngine: (v: unknown) => boolean,
  scalar: (v: unknown) => number,
  op: { add: Binary; sub: Binary; mul: Binary; div: Binary; pow: Binary },
): Math {
  const m: Record<string, unknown> = {};
  for (const name of Object.getOwnPropertyNames(Math)) {
    const value = (Math as unknown as Record<string, unknown>)[name];
    if (typeof value === 'number') m[name] = value;
    // Piecewise-constant or non-numeric functions (floor, round, random, imul, …) see primal numbers; derivative 0.
    else if (typeof value === 'function')
      m[name] = (...args: unknown[]) => (value as (...a: unknown[]) => unknown)(...args.map((a) => (isEngine(a) ? scalar(a) : a)));
  }
  const log = (a: unknown) => (isEngine(a) ? backend.log(a) : Math.log(a as number));
  const sqrt = (a: unknown) => (isEngine(a) ? backend.sqrt(a) : Math.sqrt(a as number));
  const atan = (a: unknown) => (isEngine(a) ? backend.atan(a) : Math.atan(a as number));
  const anyEngine = (args: unknown[]) => args.some(isEngine);

  for (const name of MATH_UNARY) {
    const plain = Math[name] as (a: number) => number;
    const traced = backend[name];
    m[name] = (a: unknown) => (isEngine(a) ? traced(a) : plain(a as number));
  }
  m.pow = op.pow;
  m.max = (...args: unknown[]) => (anyEngine(args) ? args.reduce((a, b) => backend.maximum(a, b)) : Math.max(...(args as number[])));
  m.min = (...args: unknown[]) => (anyEngine(args) ? args.reduce((a, b) => backend.minimum(a, b)) : Math.min(...(args as number[])));
  m.hypot = (...args: unknown[]) =>
    anyEngine(args) ? sqrt(args.reduce((s: unknown, a) => op.add(s, op.mul(a, a)), 0)) : Math.hypot(...(args as number[]));
  m.log2 = (a: unknown) => (isEngine(a) ? op.div(log(a), Math.LN2) : Math.log2(a as number));
  m.log10 = (a: unknown) => (isEngine(a) ? op.div(log(a), Math.LN10) : Math.log10(a as number));
  m.cbrt = (a: unknown) => (isEngine(a) ? op.mul(backend.sign(a), op.pow(backend.abs(a), 1 / 3)) : Math.cbrt(a as number));
  const asin = (a: unknown) => (isEngine(a) ? atan(op.div(a, sqrt(op.sub(1, op.mul(a, a))))) : Math.asin(a as number));
  m.asin = asin;
  m.acos = (a: unknown) => (isEngine(a) ? op.sub(Math.PI / 2, asin(a)) : Math.acos(a as number));
  m.atanh = (a: unknown) => (isEngine(a) ? op.mul(0.5, log(op.div(op.add(1, a), op.sub(1, a)))) : Math.atanh(a as number));
  m.acosh = (a: unknown) => (isEngine(a) ? log(op.add(a, sqrt(op.sub(op.mul(a, a), 1)))) : Math.acosh(a as number));
  m.atan2 = (y: unknown, x: unknown) => {
    if (!isEngine(y) && !isEngine(x)) return Math.atan2(y as number, x as number);
    const px = scalar(x);
    const py = scalar(y);
    // Same value as Math.atan2 on each branch; each branch has the true partial derivatives.
    if (px > 0) return atan(op.div(y, x));
    if (px < 0) return op.add(atan(op.div(y, x)), py >= 0 ? Math.PI : -Math.PI);
    if (py > 0) return op.sub(Math.PI / 2, atan(op.div(x, y)));
    if (py < 0) return op.sub(-Math.PI / 2, atan(op.div(x, y)));
    return Math.atan2(py, px);
  };
  return m as unknown as Math;
}
