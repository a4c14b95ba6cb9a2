// The README's opening example, run as written (with types added), its comments checked against analytic values.
import { expect, test } from 'vitest';
import {
  add,
  explainJacobian,
  grad,
  hessian,
  jacobian,
  log,
  matmul,
  mul,
  sin,
  sub,
  type Tensor,
  tanh,
  tensor,
  traceOf,
  type Value,
  valueAndGrad,
} from './index.js';

test('README example', () => {
  const f = (x1: Value, x2: Value) => sub(add(log(x1), mul(x1, x2)), sin(x2));
  const [v, [g1, g2]] = valueAndGrad(f, { argnums: [0, 1] })(2, 5) as [number, number[]];
  expect(v).toBeCloseTo(Math.log(2) + 10 - Math.sin(5), 14);
  expect(v.toFixed(3)).toBe('11.652');
  expect(g1).toBeCloseTo(5.5, 14);
  expect(g2!.toFixed(3)).toBe('1.716');
  const table = traceOf(f)(2, 5).adjointTable().toString();
  expect(table.split('\n')[0]).toBe('Reverse adjoint trace');
  expect(table).toMatch(/x̄₁ = v̄₋₁\s+= 5\.5/);

  const M = tensor([
    [1, 2],
    [3, 4],
    [5, 6],
  ]);
  const g = (x: Value) => tanh(matmul(M, x));
  const J = jacobian(g)(tensor([0.1, 0.2])) as Tensor;
  expect(J.shape).toEqual([3, 2]);
  const rows = [
    [1, 2],
    [3, 4],
    [5, 6],
  ];
  (J.toArray() as number[][]).forEach((r, i) => {
    const y = Math.tanh(rows[i]![0]! * 0.1 + rows[i]![1]! * 0.2);
    r.forEach((value, j) => {
      expect(value).toBeCloseTo((1 - y * y) * rows[i]![j]!, 14);
    });
  });
  const e = explainJacobian(g)(tensor([0.1, 0.2]));
  expect(e).toMatchObject({ n: 2, m: 3, mode: 'forward' });
  expect(typeof e.reason).toBe('string');
  expect((hessian((x: Value) => ((x as Tensor).square() as Tensor).sum())(tensor([1, 2])) as Tensor).toArray()).toEqual([
    [2, 0],
    [0, 2],
  ]);
  expect(grad((x: Value) => mul(x, grad((y: Value) => mul(x, y))(1)))(4)).toBe(8);
});
