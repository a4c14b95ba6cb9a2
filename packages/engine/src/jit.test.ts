import { describe, expect, it } from 'vitest';
import { add, grad, hessian, jit, log, mul, sin, sub, tanh, tensor, valueAndGrad, where, lt, sqrt, sum, square, slice, type Value } from './index.js';

const f = (x1: Value, x2: Value) => sub(add(log(x1), mul(x1, x2)), sin(x2));

describe('jit', () => {
  it('compiles value and gradient of the notes’ f into straight-line code with the same numbers', () => {
    const vg = jit(valueAndGrad(f, { argnums: [0, 1] }));
    const eager = valueAndGrad(f, { argnums: [0, 1] });
    for (const [a, b] of [[2, 5], [2, 5], [0.5, -1], [3, 0.25]] as const) expect(vg(a, b)).toEqual(eager(a, b));
    const e = vg.explain(2, 5);
    expect(e.compiled).toBe(true);
    expect(e.guards).toBe(0);
    expect(e.code).toContain('Math.log');
    expect(e.code).not.toContain('prims[');
  });

  it('handles tensors through kernel calls and stays exact', () => {
    const r = (x: Value) => sum(add(mul(100, square(sub(slice(x, [1]), square(slice(x, [0], [9]))))), square(sub(1, slice(x, [0], [9])))));
    const g = jit(grad(r));
    const x = tensor([0.1, 0.5, -0.3, 1.2, 0.9, 1.1, -1, 0.2, 0.4, 0.7]);
    expect((g(x) as { toArray(): unknown }).toArray()).toEqual((grad(r)(x) as { toArray(): unknown }).toArray());
    const y = tensor([1, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
    expect((g(y) as { toArray(): unknown }).toArray()).toEqual((grad(r)(y) as { toArray(): unknown }).toArray());
  });

  it('never replays a stale branch: a branch read as data is guarded, and a flipped branch runs eagerly', () => {
    const relu = (x: Value) => (Number(x) > 0 ? mul(x, x) : mul(-3, x));
    const g = jit(grad(relu));
    expect(g(2)).toBe(4);
    expect(g(2)).toBe(4);
    expect(g(-1)).toBe(-3);
    expect(g(5)).toBe(10);
    expect(g.explain(2).guards).toBeGreaterThan(0);
  });

  it('gives up compiling after repeated guard failures and stays correct', () => {
    const abs = (x: Value) => (Number(x) > 0 ? x : mul(-1, x));
    const g = jit(grad(abs));
    const xs = [1, -1, 2, -2, 3, -3, 4];
    for (const x of xs) expect(g(x)).toBe(Math.sign(x));
    expect(g.explain(1).compiled).toBe(false);
  });

  it('elementwise where is staged as data, not control flow (no guard)', () => {
    const h = jit(grad((x: Value) => sum(where(lt(x, 1), x, sqrt(x)))));
    expect((h(tensor([0, 4])) as { toArray(): unknown }).toArray()).toEqual([1, 0.25]);
    expect((h(tensor([9, 0.5])) as { toArray(): unknown }).toArray()).toEqual([1 / 6, 1]);
    expect(h.explain(tensor([0, 4])).guards).toBe(0);
  });

  it('stages higher-order transformations and new input signatures compile separately', () => {
    const hs = jit(hessian((x: Value) => sum(tanh(x))));
    const x = tensor([0.1, -0.4]);
    const expected = (hessian((v: Value) => sum(tanh(v)))(x) as { toArray(): unknown }).toArray();
    expect((hs(x) as { toArray(): unknown }).toArray()).toEqual(expected);
    expect((hs(x) as { toArray(): unknown }).toArray()).toEqual(expected);
    const x3 = tensor([0.1, -0.4, 2]);
    expect((hs(x3) as unknown as { shape: number[] }).shape).toEqual([3, 3]);
  });

  it('is transparent inside other transformations', () => {
    const sq = jit((x: Value) => mul(x, x));
    expect(grad((x: Value) => sq(x))(3)).toBe(6);
  });
});
