// The PyTorch workflow (notes §4): param(value), loss.backward(), .grad that accumulates, zeroGrad().
import { describe, expect, test } from 'vitest';
import {
  add,
  backward,
  customJvp,
  exp,
  grad,
  jvp,
  matmul,
  mean,
  mul,
  Param,
  param,
  primal,
  relu,
  square,
  sub,
  sum,
  type Tensor,
  tanh,
  Tracer,
  tensor,
  type Value,
  where,
  gt,
  zeroGrad,
} from './index.js';

// Ops return Value (number | Tensor | Tracer); a loss built from params is a Tracer, which has .backward().
const loss = (v: Value): Tracer => {
  expect(v).toBeInstanceOf(Tracer);
  return v as Tracer;
};

const arr = (v: Value | null) => {
  expect(v).not.toBeNull();
  const p = primal(v!);
  return typeof p === 'number' ? p : p.toArray();
};

describe('param / backward / .grad', () => {
  test('tinygrad: x = [3]; (x·2) → 2, then (x·3) → 5, then (x·x) → 11; zeroGrad resets', () => {
    const x = param(tensor([3]));
    expect(x.grad).toBeNull();
    loss(sum(mul(x, 2))).backward();
    expect(arr(x.grad)).toEqual([2]);
    loss(sum(mul(x, 3))).backward();
    expect(arr(x.grad)).toEqual([5]);
    loss(sum(mul(x, x))).backward();
    expect(arr(x.grad)).toEqual([11]);
    x.zeroGrad();
    expect(x.grad).toBeNull();
    loss(sum(mul(x, x))).backward();
    expect(arr(x.grad)).toEqual([6]);
  });

  test('a scalar param gets a scalar gradient', () => {
    const p = param(3);
    backward(add(mul(p, p), mul(4, p)));
    expect(arr(p.grad)).toBe(10);
    expect(p).toBeInstanceOf(Param);
  });

  test('several params: least squares on a line, analytic gradients, zeroGrad of a list', () => {
    const X = tensor([
      [1, 2],
      [3, -1],
      [0.5, 4],
    ]);
    const y = tensor([1, -2, 0.5]);
    const w = param(tensor([0.3, -0.7]), 'w');
    const b = param(0.2, 'b');
    loss(mean(square(sub(add(matmul(X, w), b), y)))).backward();
    const rows = [
      [1, 2],
      [3, -1],
      [0.5, 4],
    ];
    const ys = [1, -2, 0.5];
    const r = rows.map((x, i) => x[0]! * 0.3 + x[1]! * -0.7 + 0.2 - ys[i]!);
    const gw = [0, 1].map((j) => rows.reduce((s, x, i) => s + (2 / 3) * r[i]! * x[j]!, 0));
    const gb = r.reduce((s, v) => s + (2 / 3) * v, 0);
    (arr(w.grad) as number[]).forEach((g, j) => {
      expect(g).toBeCloseTo(gw[j]!, 14);
    });
    expect(arr(b.grad) as number).toBeCloseTo(gb, 14);
    expect((primal(w.grad!) as Tensor).shape).toEqual([2]);
    expect(w.name).toBe('w');
    zeroGrad([w, b]);
    expect(w.grad).toBeNull();
    expect(b.grad).toBeNull();
  });

  test('broadcast params get gradients of their own shape', () => {
    const b = param(tensor([1, 2, 3]));
    const X = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    loss(sum(mul(X, b))).backward();
    expect(arr(b.grad)).toEqual([5, 7, 9]);
    const s = param(2);
    loss(sum(mul(X, s))).backward();
    expect(arr(s.grad)).toBe(21);
  });

  test('fan-out and non-smooth ops through the eager graph', () => {
    const a = param(1.5);
    const bb = add(a, a);
    loss(add(bb, bb)).backward();
    expect(arr(a.grad)).toBe(4);
    const x = param(tensor([-1, 0, 2]));
    loss(sum(add(relu(x), where(gt(x, 0), exp(x), 0)))).backward();
    expect(arr(x.grad)).toEqual([0, 0, 1 + Math.exp(2)]);
  });

  test('calling backward twice on the same loss accumulates twice', () => {
    const p = param(tensor([1, 2]));
    const l = loss(sum(mul(p, p)));
    l.backward();
    l.backward();
    expect(arr(p.grad)).toEqual([4, 8]);
  });

  test('an optimizer-style update: p.value is replaced, later losses use the new value', () => {
    const p = param(tensor([2, -1]));
    for (let step = 0; step < 3; step++) {
      p.zeroGrad();
      loss(sum(square(p))).backward();
      p.value = sub(primal(p.value), mul(0.25, primal(p.grad!))) as Tensor;
    }
    // Each step multiplies by 1 − 0.25·2 = 0.5.
    expect(arr(p.value)).toEqual([0.25, -0.125]);
    p.zeroGrad();
    loss(sum(square(p))).backward();
    expect(arr(p.grad)).toEqual([0.5, -0.25]);
  });

  test('an error during backward leaves .grad untouched and the graph reusable', () => {
    let fail = true;
    const fragile = customJvp(
      (v: Value) => mul(v, 3),
      ([v], [t]) => {
        if (fail) throw new Error('backward failed');
        return [mul(v!, 3), mul(t!, 3)];
      },
    );
    const p = param(2);
    loss(mul(p, p)).backward();
    expect(arr(p.grad)).toBe(4);
    const l = loss(add(fragile(p), mul(p, p)));
    expect(() => l.backward()).toThrow('backward failed');
    expect(arr(p.grad)).toBe(4);
    fail = false;
    l.backward();
    expect(arr(p.grad)).toBe(4 + 3 + 4);
  });

  test('params used inside grad() and jvp() are constants: derivatives only flow to the traced argument', () => {
    const p = param(3);
    const g = grad((x: Value) => mul(x, tanh(p)))(2);
    expect(primal(g)).toBeCloseTo(Math.tanh(3), 15);
    expect(p.grad).toBeNull();
    const [out, t] = jvp((x: Value) => mul(x, p), [2], [1]);
    expect(primal(out)).toBe(6);
    expect(primal(t)).toBe(3);
    expect(p.grad).toBeNull();
    // The param's own graph is untouched: a later backward works as usual.
    loss(mul(p, p)).backward();
    expect(arr(p.grad)).toBe(6);
  });
});
