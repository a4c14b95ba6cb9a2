// Regression tests: each one failed against an earlier engine (found by the property and edge-case suites).
import { describe, expect, test } from 'vitest';
import {
  add,
  concat,
  customVjp,
  div,
  type DomainError,
  grad,
  gt,
  hessian,
  jacfwd,
  jacobian,
  jacrev,
  jvp,
  log,
  matmul,
  mul,
  norm,
  ones,
  param,
  primal,
  prod,
  relu,
  reshape,
  ShapeError,
  softmax,
  sqrt,
  square,
  stack,
  sub,
  sum,
  type Tensor,
  tanh,
  tensor,
  type Tracer,
  traceOf,
  type Value,
  where,
  zeros,
} from './index.js';

const arr = (v: unknown) => {
  const q = primal(v as Value);
  return typeof q === 'number' ? q : q.toArray();
};

describe('regressions', () => {
  test('BUG 2: second derivatives of prod vanish at points with a zero entry', () => {
    // f(x) = x0·x1·x2 at (0, 2, 3): ∂²f/∂x0∂x1 = x2 = 3, ∂²f/∂x0∂x2 = x1 = 2, ∂²f/∂x1∂x2 = x0 = 0.
    const f = (x: Value) => prod(x);
    const x = tensor([0, 2, 3]);
    expect(arr(hessian(f)(x))).toEqual([
      [0, 3, 2],
      [3, 0, 0],
      [2, 0, 0],
    ]); // actual: all zeros
    expect(arr(jvp(grad(f), [x], [tensor([1, 0, 0])])[1])).toEqual([0, 3, 2]); // actual: [0, 0, 0]
    expect(arr(jvp((u: Value) => jvp(f, [u], [tensor([1, 0, 0])])[1], [x], [tensor([0, 1, 0])])[1])).toBe(3); // actual: 0
  });
  test('BUG 3 (display): a numeric partial equal to 1 is dropped from tangent-table expressions', () => {
    // f(x) = x·x at x = 1: the definition is `v̇₀ × v₀ + v̇₀ × v₀`, so the numbers should read `1 × 1 + 1 × 1`.
    const row = traceOf((x: Value) => mul(x, x))(1)
      .tangentTable()
      .rows.find((r) => r.name === 'v̇₁')!;
    expect(row.definition).toBe('v̇₀ × v₀ + v̇₀ × v₀');
    expect(row.expression).toBe('1 × 1 + 1 × 1'); // actual: '1 + 1'
    // Same at the notes' example with x₂ = 1: `1 × 1 + 0 × 2` prints as `1 + 0 × 2`.
  });
  test('BUG 4 (dtype): zero blocks filled in for untraced parts are float64 in float32 programs', () => {
    const f32 = { dtype: 'float32' } as const;
    const x = tensor([1, 2], f32);
    const y = tensor([3, 4], f32);
    // concat's JVP fills the tangent of a constant part with float64 zeros.
    const [, t] = jvp((a: Value) => concat([a, tensor([1], f32)]), [x], [tensor([1, 1], f32)]);
    expect((t as Tensor).dtype).toBe('float32'); // actual: float64
    // jacrev / jacobian fill the block of an input that gets no cotangent with float64 zeros.
    const unused = (a: Value, _b: Value) => mul(a, 2);
    expect((jacrev(unused, { argnums: [0, 1] })(x, y) as Tensor).dtype).toBe('float32'); // actual: float64
    expect((jacobian(unused, { argnums: [0, 1] })(x, y) as Tensor).dtype).toBe('float32'); // actual: float64
    // jacfwd fills the rows of an output that does not depend on the inputs with float64 zeros.
    expect((jacfwd((a: Value) => [mul(a, 2), tensor([1], f32)])(x) as Tensor).dtype).toBe('float32'); // actual: float64
  });

  test('BUG 5 (modes disagree): d/dx ‖relu(x)‖ at x < 0 is 0 forward but NaN in reverse', () => {
    // relu(x) = 0 near x = (−1, −2), so f ≡ 0 there and every derivative is 0.
    const f = (x: Value) => norm(relu(x));
    const x = tensor([-1, -2]);
    expect(arr(jacfwd(f)(x))).toEqual([[0, 0]]); // passes
    expect(arr(jacrev(f)(x))).toEqual([[0, 0]]); // actual: [[NaN, NaN]]
    expect(arr(grad(f)(x))).toEqual([0, 0]); // actual: [NaN, NaN]
    // Scalar form: sqrt(square(relu(x))) at −1: jvp gives 0, grad gives NaN.
    expect(grad((v: Value) => sqrt(square(relu(v))))(-1)).toBe(0); // actual: NaN
  });

  test('BUG 6 (dtype): a float32 input gets a float64 gradient when the program mixes in float64', () => {
    // PyTorch keeps .grad in the parameter's dtype and JAX casts cotangents back to the primal's dtype.
    const x = tensor([1, 2], { dtype: 'float32' });
    expect((grad((a: Value) => sum(mul(a, tensor([1, 2]))))(x) as Tensor).dtype).toBe('float32'); // actual: float64
  });
  test('BUG 7 (display): Tensor.toString prints NaN and ±Infinity as null', () => {
    expect(tensor([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]).toString()).toContain('NaN'); // actual: 'Tensor([null,null,null], …)'
  });

  test('BUG 8 (API): zeros takes no dtype option while ones, full, eye, arange do', () => {
    // The package exports ops.zeros(shape) (float64 only), which shadows tensor.zeros(shape, {dtype}).
    const z = (zeros as unknown as (s: number[], o: { dtype: 'float32' }) => Tensor)([2], { dtype: 'float32' });
    expect(z.dtype).toBe('float32'); // actual: float64 (and a type error in TypeScript)
  });
  test('BUG 9: jvp accepts a size-1 tangent for a larger tensor primal, then gives wrong tangents or throws', () => {
    const x = tensor([1, 2, 3]);
    // Either the tangent is broadcast to the primal's shape (then d/dt Σ(x + t·1) = 3) or it is rejected.
    let result: unknown;
    try {
      result = arr(jvp((v: Value) => sum(v), [x], [1])[1]);
    } catch (e) {
      result = e;
    }
    expect(result === 3 || result instanceof ShapeError).toBe(true); // actual: 1
    // reshape / slice rules cannot handle the scalar tangent: a raw ShapeError about shapes [] and [3].
    expect(() => jvp((v: Value) => reshape(v, [3, 1]), [x], [1])).not.toThrow(/shapes \[\], \[3, 1\]/); // actual: throws
    // traceOf(f)(tensor).tangentTable([d]) passes d as that scalar tangent.
    const w = traceOf((v: Value) => sum(reshape(v, [3])))(tensor([[1, 2, 3]]));
    expect(() => w.tangentTable([1])).not.toThrow(); // actual: ShapeError from reshape
  });
  test('BUG 10 (errors): some shape errors name the wrong op or only part of the shapes, or are not typed', () => {
    const caught = (fn: () => unknown): Error => {
      try {
        fn();
      } catch (e) {
        return e as Error;
      }
      throw new Error('no error');
    };
    // stack of mismatched shapes is reported by the reshape it uses internally.
    const s = caught(() => stack([ones([2]), ones([3])]));
    expect(s).toBeInstanceOf(ShapeError);
    expect((s as ShapeError).op).toBe('stack'); // actual: 'reshape' ("cannot reshape 3 values (shapes [3], [1, 2])")
    // softmax with a bad axis is reported by logsumexp.
    expect((caught(() => softmax(ones([2]), 3)) as DomainError).op).toBe('softmax'); // actual: 'logsumexp'
    // A batch mismatch in matmul shows only the batch dims, not the operands' shapes.
    expect(caught(() => matmul(ones([2, 3, 4]), ones([3, 4, 5]))).message).toContain('[2, 3, 4]'); // actual: "(shapes [2], [3])"
    // reshape with two −1 entries (or other negative sizes) is a RangeError, not a ShapeError naming reshape.
    expect(caught(() => reshape(ones([4]), [-1, -1]))).toBeInstanceOf(ShapeError); // actual: RangeError: Invalid array length
    expect(caught(() => reshape(ones([4]), [-2, -2]))).toBeInstanceOf(ShapeError); // actual: RangeError
  });
  test('BUG 11 (fusion): fused float32 chains keep float64 intermediates, so results depend on tensor size', () => {
    // fusion.ts promises results bit-identical to running the ops one by one; in float32 each op rounds.
    const run = (n: number) => {
      const a = tensor(new Float32Array(n).fill(0.000123));
      const b = tensor(new Float32Array(n).fill(0.000123));
      return (add(tanh(sub(mul(a, b), b)), b) as Tensor).data[0]!;
    };
    const f = Math.fround;
    const x = f(0.000123);
    const oneOpAtATime = f(f(Math.tanh(f(f(x * x) - x))) + x);
    expect(run(10)).toBe(oneOpAtATime); // passes (below FUSE_MIN_SIZE = 128: not fused)
    expect(run(160)).toBe(oneOpAtATime); // actual: 1.51296219996766e-8 vs 1.5133991837501526e-8
  });
  test('BUG 12: elementwise where is not NaN-safe when the untaken branch multiplies or divides by an infinite value', () => {
    // The scalar form is safe (grad = 0 at x = 0) and so is forward mode; reverse mode on tensors is not:
    // the masked cotangent 0 meets mul's partial log(0) = −∞ (or div's 0/0) and becomes NaN.
    const xlogx = (x: Value) => where(gt(x, 0), mul(x, log(x)), 0);
    expect(grad(xlogx)(0)).toBe(0); // passes
    expect(arr(jvp(xlogx, [tensor([0, 1])], [tensor([1, 1])])[1])).toEqual([0, 1]); // passes
    expect(arr(grad((x: Value) => sum(xlogx(x)))(tensor([0, 1])))).toEqual([0, 1]); // actual: [NaN, 1]
    expect(arr(grad((x: Value) => sum(where(gt(x, 0), div(1, x), 0)))(tensor([0, 1])))).toEqual([0, -1]); // actual: [NaN, -1]
  });
  test('BUG 13: customVjp fails under param/backward() and in adjoint tables (its residuals are not passed)', () => {
    const sq = customVjp(
      (x: Value) => square(x),
      (x) => [square(x), x],
      (res, ct) => [mul(ct, mul(2, res as Value))],
    );
    expect(grad(sq)(3)).toBe(6); // passes: RevTrace.backward passes the residuals
    const p = param(3);
    expect(() => (sq(p) as Tracer).backward()).not.toThrow(); // actual: TypeError: Cannot destructure property 'residuals' of 'p'
    expect(arr(p.grad)).toBe(6);
    const xbar = traceOf(sq)(3).adjointTable().rows.at(-1)!; // actual: the same TypeError
    expect(xbar.value).toBe(6);
  });
  test('arrays holding traced scalars stack into a tensor, so derivatives flow through them', () => {
    const f = (a: Value, b: Value) => sum(mul([a, b] as never, tensor([3, 4])));
    expect(grad(f, { argnums: [0, 1] })(1, 2)).toEqual([3, 4]);
  });
});

describe('derivatives lost to JS operators are refused, not returned as zero', () => {
  test('x * x * x on a traced x: grad, jvp and jacobian say what went wrong', () => {
    const cube = (x: Value) => (x as unknown as number) * (x as unknown as number) * (x as unknown as number);
    expect(() => grad(cube)(2)).toThrow(/JS operators/);
    expect(() => jvp(cube, [2], [1])).toThrow(/JS operators/);
    expect(() => jacrev((v: Value) => [cube(v)])(2)).toThrow(/JS operators/);
    expect(() => jacfwd((v: Value) => [cube(v)])(2)).toThrow(/JS operators/);
  });
  test('control flow on traced values is fine when the output is differentiated through engine ops', () => {
    const f = (x: Value) => ((x as unknown as number) > 0 ? mul(x, x) : mul(-1, x));
    expect(grad(f)(3)).toBe(6);
    expect(grad(f)(-3)).toBe(-1);
  });
});
