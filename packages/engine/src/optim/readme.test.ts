import { describe, expect, it } from 'vitest';
import type { Value } from '../core.js';
import { add, matmul, mul, square, sub, sum } from '../ops.js';
import { backward, param } from '../param.js';
import { type Tensor, tensor } from '../tensor.js';
import { adam, lbfgs, steepestDescent } from './aliases.js';
import { descend, descendAsync } from './descend.js';
import { Optimizer } from './param-optimizer.js';
import { l1, linf } from './vector-norms.js';

// The README's examples, run as written (with types added).
describe('README examples', () => {
  const rosenbrock = ([x, y]: Value[]) => add(square(sub(1, x!)), mul(100, square(sub(y!, square(x!)))));

  it('descend with L-BFGS, other norms, and a spec', () => {
    const run = descend(rosenbrock, [-1.2, 1], lbfgs(), { steps: 200, tol: 1e-9 });
    expect(run.stopReason).toBe('converged');
    expect(run.steps).toBe(46);
    const [x, y] = run.x as number[];
    expect(x).toBeCloseTo(1, 9);
    expect(y).toBeCloseTo(1, 9);
    expect(run.points.length).toBe((run.steps + 1) * 2);
    const sign = descend(rosenbrock, [-1.2, 1], steepestDescent({ norm: linf(), lr: 1e-3, form: 'fixedLength' }), { steps: 500 });
    expect(sign.losses[500]!).toBeLessThan(sign.losses[0]!);
    const coord = descend(rosenbrock, [-1.2, 1], steepestDescent({ norm: l1(), lr: 1, lineSearch: true }), { steps: 500 });
    expect(coord.losses[coord.steps]!).toBeLessThan(1e-12);
    const fromSpec = descend(rosenbrock, [-1.2, 1], { name: 'adam', lr: 0.01, b1: 0.9 }, { steps: 1000 });
    expect(fromSpec.losses[1000]!).toBeLessThan(fromSpec.losses[0]!);
  });

  it('PyTorch style', () => {
    const X = tensor([[1, 0], [1, 1], [1, 2], [1, 3]]);
    const y = tensor([1, 3, 2, 5]);
    const w = param(tensor([0, 0]));
    const opt = new Optimizer([w], adam({ lr: 0.1 }));
    for (let k = 0; k < 100; k++) {
      opt.zeroGrad();
      backward(sum(square(sub(matmul(X, w), y))));
      opt.step();
    }
    expect(opt.learningRate).toBe(0.1);
    // least squares: intercept 1.1, slope 1.1 (Adam gets close in 100 steps)
    const v = w.value as Tensor;
    expect(Math.abs(v.data[1]! - 1.1)).toBeLessThan(0.2);
  });

  it('streaming and cancelling', async () => {
    const controller = new AbortController();
    const gen = descendAsync(rosenbrock, [-1.2, 1], adam({ lr: 0.01 }), { steps: 1e6, every: 200, signal: controller.signal });
    let chunks = 0;
    let r = await gen.next();
    for (; !r.done; r = await gen.next()) {
      chunks++;
      if (chunks === 2) controller.abort();
    }
    expect(r.value.stopReason).toBe('aborted');
    expect(r.value.steps).toBe(400);
  });
});
