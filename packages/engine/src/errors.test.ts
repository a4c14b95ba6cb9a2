// Typed errors: each names the op and the shapes involved, carries a stable code, and leaves no
// half-updated state behind (the next transformation works normally).
import { describe, expect, test } from 'vitest';
import {
  add,
  backward,
  broadcastTo,
  concat,
  DomainError,
  grad,
  jacobian,
  jit,
  jvp,
  matmul,
  mul,
  NotDifferentiableError,
  ones,
  reshape,
  ShapeError,
  slice,
  sum,
  type Tensor,
  TracerError,
  tensor,
  traceOf,
  transpose,
  type Value,
  valueAndGrad,
  vjp,
  WengertError,
  where,
} from './index.js';

/** Runs fn, expects it to throw an error of class E, and returns the error. */
function thrown<E extends Error>(fn: () => unknown, cls: new (...args: never[]) => E): E {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(cls);
    expect(e).toBeInstanceOf(WengertError);
    expect((e as Error).name).toBe(cls.name);
    return e as E;
  }
  throw new Error(`expected ${cls.name} to be thrown`);
}

describe('ShapeError names the op and the shapes', () => {
  test('bad broadcasting', () => {
    const e = thrown(() => add(tensor([1, 2, 3]), tensor([1, 2])), ShapeError);
    expect(e.code).toBe('shape');
    expect(e.op).toBe('add');
    expect(e.shapes).toEqual([[3], [2]]);
    expect(e.message).toMatch(/^add: /);
    expect(e.message).toContain('[3]');
    expect(e.message).toContain('[2]');
    const m = thrown(() => mul(tensor([[1, 2, 3]]), tensor([[1], [2]]).reshape([1, 2])), ShapeError);
    expect(m.op).toBe('mul');
    expect(m.message).toContain('[1, 3]');
    expect(m.message).toContain('[1, 2]');
  });

  test('matmul with mismatched inner dimensions or a scalar operand', () => {
    const a = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const e = thrown(() => matmul(a, a), ShapeError);
    expect(e.op).toBe('matmul');
    expect(e.shapes).toEqual([
      [2, 3],
      [2, 3],
    ]);
    expect(e.message).toContain('3 vs 2');
    expect(thrown(() => matmul(a, 2), ShapeError).op).toBe('matmul');
    expect(thrown(() => matmul(tensor([1, 2]), tensor([1, 2, 3])), ShapeError).message).toContain('[2], [3]');
  });

  test('reshape to a different size', () => {
    const e = thrown(() => reshape(tensor([1, 2, 3]), [2, 2]), ShapeError);
    expect(e.op).toBe('reshape');
    expect(e.message).toContain('[3]');
    expect(e.message).toContain('[2, 2]');
  });

  test('transpose, slice, concat and broadcastTo', () => {
    const a = tensor([
      [1, 2],
      [3, 4],
    ]);
    expect(thrown(() => transpose(a, [0, 0]), ShapeError).op).toBe('transpose');
    expect(thrown(() => slice(a, [1, 1], [2, 1]), ShapeError).op).toBe('slice');
    expect(thrown(() => slice(a, [0], [1]), ShapeError).op).toBe('slice');
    const c = thrown(() => concat([a, tensor([[1, 2, 3]])], 0), ShapeError);
    expect(c.op).toBe('concat');
    expect(c.shapes).toEqual([
      [2, 2],
      [1, 3],
    ]);
    expect(thrown(() => broadcastTo(tensor([1, 2, 3]), [2, 2]), ShapeError).op).toBe('broadcastTo');
  });

  test('a shape error inside grad leaves no broken state behind', () => {
    const bad = (x: Value) => sum(add(x, tensor([1, 2])));
    const e = thrown(() => grad(bad)(tensor([1, 2, 3])), ShapeError);
    expect(e.op).toBe('add');
    expect((grad((x: Value) => sum(mul(x, x)))(tensor([1, 2, 3])) as Tensor).toArray()).toEqual([2, 4, 6]);
    expect(jvp((x: Value) => mul(x, 3), [2], [1])).toEqual([6, 3]);
  });

  test('an axis out of range is a DomainError naming the op', () => {
    const e = thrown(() => sum(tensor([1, 2]), 1), DomainError);
    expect(e.op).toBe('sum');
    expect(e.code).toBe('domain');
    expect(e.message).toContain('axis 1');
  });
});

describe('more shape and domain errors', () => {
  test('where, concat ranks, transpose, slice, axes', () => {
    expect(thrown(() => where(ones([2]), ones([3]), 0), ShapeError).shapes).toEqual([[2], [3]]);
    expect(thrown(() => concat([ones([2]), ones([2, 1])]), ShapeError).shapes).toEqual([[2], [2, 1]]);
    expect(thrown(() => transpose(ones([2, 3]), [0, 1, 2]), ShapeError).message).toContain('[2, 3]');
    expect(thrown(() => slice(ones([4]), [1], [5]), ShapeError).message).toContain('[4]');
    expect(thrown(() => sum(ones([2]), [0, 5]), DomainError).message).toContain('axis 5');
  });

  test('errors inside jit and inside nested transformations leave everything usable', () => {
    const bad = jit((x: Value) => add(x, ones([3])));
    expect(thrown(() => bad(ones([2])), ShapeError).op).toBe('add');
    expect(grad((x: Value) => mul(x, x))(3)).toBe(6);
    expect(jit((x: Value) => mul(x, 2))(3)).toBe(6);
    expect(() =>
      jvp(
        (x: Value) =>
          grad(() => {
            throw new Error('boom');
          })(x),
        [1],
        [1],
      ),
    ).toThrow('boom');
    // Nesting still tells the levels apart afterwards.
    expect(jvp((x: Value) => grad((y: Value) => mul(x, y))(2), [3], [1])).toEqual([3, 1]);
  });
});

describe('transformations', () => {
  test('grad of a non-scalar output says so, with the shape', () => {
    const e = thrown(() => grad((x: Value) => mul(x, 2))(tensor([1, 2])), NotDifferentiableError);
    expect(e.code).toBe('not-differentiable');
    expect(e.op).toBe('grad');
    expect(e.message).toContain('scalar');
    expect(e.message).toContain('[2]');
    const arr = thrown(() => grad((x: Value) => [x, x])(1), NotDifferentiableError);
    expect(arr.message).toContain('scalar');
    expect(thrown(() => valueAndGrad((x: Value) => mul(x, tensor([1, 1])))(3), NotDifferentiableError).message).toContain('[2]');
  });

  test('an escaped tracer is a TracerError when used later', () => {
    let leaked: Value = 0;
    grad((x: Value) => {
      leaked = x;
      return mul(x, x);
    })(3);
    const e = thrown(() => add(leaked, 1), TracerError);
    expect(e.code).toBe('tracer');
    expect(e.op).toBe('add');
    expect(e.message).toContain('escaped');
    let leakedJvp: Value = 0;
    jvp(
      (x: Value) => {
        leakedJvp = mul(x, 2);
        return x;
      },
      [tensor([1])],
      [tensor([1])],
    );
    expect(thrown(() => mul(leakedJvp, tensor([2])), TracerError).op).toBe('mul');
  });

  test('bad argnums are DomainErrors that name the transformation and the index', () => {
    const f = (a: Value, b: Value) => mul(a, b);
    for (const argnums of [2, -1, 0.5, [0, 3]]) {
      const e = thrown(() => grad(f, { argnums })(1, 2), DomainError);
      expect(e.op).toBe('grad');
      expect(e.message).toContain('argnums');
    }
    expect(thrown(() => jacobian(f, { argnums: 5 })(1, 2), DomainError).op).toBe('jacobian');
  });

  test('jvp needs one tangent per primal, of the primal shape', () => {
    const f = (a: Value) => a;
    expect(thrown(() => jvp(f, [1, 2], [1]), DomainError).op).toBe('jvp');
    const e = thrown(() => jvp(f, [tensor([1, 2])], [tensor([1, 2, 3])]), ShapeError);
    expect(e.op).toBe('jvp');
    expect(e.message).toContain('[2]');
    expect(e.message).toContain('[3]');
  });

  test('a vjp cotangent of the wrong shape is a ShapeError', () => {
    const [, pullback] = vjp((x: Value) => mul(x, 2), tensor([1, 2]));
    const e = thrown(() => pullback(tensor([1, 2, 3])), ShapeError);
    expect(e.op).toBe('vjp');
    expect(e.message).toContain('[3]');
    expect(e.message).toContain('[2]');
    // The pullback still works after the error.
    expect((pullback(tensor([1, 1]))[0] as Tensor).toArray()).toEqual([2, 2]);
  });

  test('hasAux needs [output, aux]', () => {
    expect(thrown(() => grad((x: Value) => x, { hasAux: true })(1), DomainError).op).toBe('hasAux');
  });

  test('a non-numeric leaf in an argument tree is a DomainError', () => {
    const e = thrown(() => grad((p: { a: Value }) => p.a)({ a: 'one' as unknown as Value }), DomainError);
    expect(e.op).toBe('tree');
    expect(e.message).toContain('string');
  });

  test('backward needs a scalar loss built from params', () => {
    expect(thrown(() => backward(tensor([1])), NotDifferentiableError).op).toBe('backward');
  });

  test('trace tables check their arguments', () => {
    const w = traceOf((a: Value, b: Value) => mul(a, b))(2, 3);
    expect(thrown(() => w.tangentTable([1]), DomainError).op).toBe('tangentTable');
    const two = traceOf((a: Value) => [a, mul(a, a)])(2);
    expect(thrown(() => two.adjointTable(), DomainError).op).toBe('adjointTable');
  });
});
