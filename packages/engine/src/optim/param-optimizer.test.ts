import { describe, expect, it } from 'vitest';
import type { Value } from '../core.js';
import { add, matmul, mul, square, sub, sum } from '../ops.js';
import { backward, param } from '../param.js';
import { type Tensor, tensor } from '../tensor.js';
import { adam, lbfgs, sgd } from './aliases.js';
import { descend } from './descend.js';
import { Optimizer } from './param-optimizer.js';

// Least squares ‖Xw + b − y‖²: X = [[1,0],[1,1],[1,2],[1,3]] (the anchors' regression data), y = (1,3,2,5).
const X = tensor([[1, 0], [1, 1], [1, 2], [1, 3]]);
const y = tensor([1, 3, 2, 5]);
const residual = (w: Value, b: Value) => sub(add(matmul(X, w), b), y);
const loss = (w: Value, b: Value) => sum(square(residual(w, b)));

describe('Optimizer facade over param()', () => {
  it('loss.backward(); opt.step(); opt.zeroGrad() follows the same path as the functional optimizer', () => {
    const w = param(tensor([0, 0]));
    const b = param(0);
    const opt = new Optimizer([w, b], sgd({ lr: 0.01 }));
    for (let k = 0; k < 25; k++) {
      opt.zeroGrad();
      backward(loss(w, b));
      opt.step();
    }
    const ref = descend(([ww, bb]: Value[]) => loss(ww!, bb!), [tensor([0, 0]), 0], sgd({ lr: 0.01 }), { steps: 25 });
    const [rw, rb] = ref.x as [Tensor, number];
    const wv = w.value as Tensor;
    expect(wv.data[0]).toBeCloseTo(rw.data[0]!, 12);
    expect(wv.data[1]).toBeCloseTo(rw.data[1]!, 12);
    expect(b.value).toBeCloseTo(rb, 12);
    expect(opt.learningRate).toBe(0.01);
  });

  it('without zeroGrad the gradients accumulate, as in PyTorch', () => {
    const a = param(1);
    const opt = new Optimizer([a], sgd({ lr: 0.1 }));
    backward(mul(a, 3));
    backward(mul(a, 3));
    opt.step();
    expect(a.value).toBeCloseTo(1 - 0.1 * 6, 15);
    opt.zeroGrad();
    expect(a.grad).toBeNull();
  });

  it('parameter groups: a frozen group never moves, another group uses its own rate', () => {
    const w = param(tensor([0, 0]));
    const b = param(0);
    const opt = new Optimizer([{ params: [w], optimizer: adam({ lr: 0.1 }) }, { params: [b], frozen: true }]);
    for (let k = 0; k < 10; k++) {
      opt.zeroGrad();
      backward(loss(w, b));
      opt.step();
    }
    expect(b.value).toBe(0);
    expect((w.value as Tensor).data[1]).not.toBe(0);
    expect(opt.states[1]).toBeNull();
    expect(opt.learningRate).toBe(0.1);
  });

  it('L-BFGS with a closure solves the least-squares problem (normal equations: w = (1.5, 1))', () => {
    const w = param(tensor([0, 0]));
    const b = param(0);
    const opt = new Optimizer([w, b], lbfgs());
    const closure = () => loss(w, b);
    for (let k = 0; k < 30; k++) {
      opt.zeroGrad();
      backward(loss(w, b));
      opt.step(closure);
    }
    // b and w[0] both act as intercepts; the fitted line is intercept 1.1, slope 1.1 (XᵀX w = Xᵀy).
    const wv = (w.value as Tensor).data;
    expect(wv[0]! + (b.value as number)).toBeCloseTo(1.1, 6);
    expect(wv[1]).toBeCloseTo(1.1, 6);
  });

  it('keeps float32 params float32 and accepts a spec', () => {
    const w = param(tensor([1, 2], { dtype: 'float32' }));
    const opt = new Optimizer([w], { name: 'sgd', lr: 0.5 });
    backward(sum(square(w)));
    opt.step();
    const v = w.value as Tensor;
    expect(v.dtype).toBe('float32');
    expect(Array.from(v.data)).toEqual([0, 0]);
  });
});
