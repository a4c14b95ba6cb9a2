import { describe, expect, it } from 'vitest';
import type { Value } from '../core.js';
import { add, mul, square, sub, sum } from '../ops.js';
import { Tensor, tensor } from '../tensor.js';
import { adam, lbfgs, momentum, newtonCg, sgd, signDescent, steepestDescent } from './aliases.js';
import { descend, descendAsync, type Trajectory, type TrajectoryChunk } from './descend.js';
import type { Objective } from './objective.js';
import { diagonalQuadratic, rosenbrock } from './test-objectives.js';
import { linf } from './vector-norms.js';

// Losses written with engine ops, differentiated by the engine (valueAndGrad, hvp).
const rosen = ([x, y]: Value[]) => add(square(sub(1, x!)), mul(100, square(sub(y!, square(x!)))));
const beale = ([x, y]: Value[]) =>
  add(
    add(square(add(sub(1.5, x!), mul(x!, y!))), square(add(sub(2.25, x!), mul(x!, square(y!))))),
    square(add(sub(2.625, x!), mul(x!, mul(y!, square(y!))))),
  );
const himmelblau = ([x, y]: Value[]) => add(square(sub(add(square(x!), y!), 11)), square(sub(add(x!, square(y!)), 7)));
const quadratic = (x: Value) => mul(0.5, sum(mul(tensor([1, 10]), square(x))));

const last = (t: Trajectory) => Array.from(t.points.subarray(t.steps * t.n));

describe('descend on engine gradients', () => {
  it('the engine gradient and HVP of Rosenbrock match the hand-written ones', () => {
    const t = descend(rosen, [-1.2, 1], sgd({ lr: 1e-4 }), { steps: 3 });
    const g = new Float64Array(2);
    for (let k = 0; k <= 3; k++) {
      const x = t.points.subarray(2 * k, 2 * k + 2);
      expect(t.losses[k]).toBeCloseTo(rosenbrock.valueAndGrad(x, g), 10);
      expect(t.gradNorms[k]).toBeCloseTo(Math.hypot(g[0]!, g[1]!), 8);
    }
    expect(t.losses[0]).toBeCloseTo(24.2, 12);
    expect(t.gradNorms[0]).toBeCloseTo(Math.hypot(-215.6, -88), 9);
  });

  it('Rosenbrock from (−1.2, 1): L-BFGS reaches (1, 1) to 1e-6 in under 100 iterations', () => {
    const t = descend(rosen, [-1.2, 1], lbfgs(), { steps: 100, tol: 1e-9 });
    expect(t.stopReason).toBe('converged');
    expect(t.steps).toBeLessThan(100);
    const [x, y] = t.x as number[];
    expect(Math.abs(x! - 1)).toBeLessThan(1e-6);
    expect(Math.abs(y! - 1)).toBeLessThan(1e-6);
  });

  it('Rosenbrock from (−1.2, 1): Newton-CG with Armijo reaches (1, 1) to 1e-6 in under 40 iterations', () => {
    const t = descend(rosen, [-1.2, 1], newtonCg(), { steps: 40, tol: 1e-9 });
    expect(t.stopReason).toBe('converged');
    expect(t.steps).toBeLessThan(40);
    for (const v of last(t)) expect(Math.abs(v - 1)).toBeLessThan(1e-6);
    // Armijo never accepts an increase.
    for (let k = 1; k < t.losses.length; k++) expect(t.losses[k]!).toBeLessThanOrEqual(t.losses[k - 1]!);
  });

  it('Beale from (1, 1) (f = 14.203125) reaches (3, 0.5)', () => {
    const t = descend(beale, [1, 1], lbfgs(), { steps: 500, tol: 1e-10 });
    expect(t.losses[0]).toBeCloseTo(14.203125, 12);
    expect(t.stopReason).toBe('converged');
    const [x, y] = last(t);
    expect(x).toBeCloseTo(3, 6);
    expect(y).toBeCloseTo(0.5, 6);
  });

  it('Himmelblau from several starts reaches one of its four minima (f = 0), and not always the same one', () => {
    const minima = [
      [3, 2],
      [-2.805118, 3.131313],
      [-3.77931, -3.283186],
      [3.584428, -1.848127],
    ];
    const reached = new Set<number>();
    for (const start of [[0, 0], [-1, 3], [-3, -3], [3, -3]]) {
      const t = descend(himmelblau, start, newtonCg(), { steps: 200, tol: 1e-9 });
      expect(t.stopReason).toBe('converged');
      const p = last(t);
      const which = minima.findIndex((m) => Math.hypot(m[0]! - p[0]!, m[1]! - p[1]!) < 1e-5);
      expect(which).toBeGreaterThanOrEqual(0);
      expect(t.losses[t.steps]).toBeLessThan(1e-12);
      reached.add(which);
    }
    expect(reached.size).toBeGreaterThan(1);
    expect(descend(himmelblau, [0, 0], sgd({ lr: 0 }), { steps: 0 }).losses[0]).toBe(170);
  });

  it('quadratic oracle on engine gradients with a Tensor x0: GD 2/11 gives f₁₀ = 0.099394', () => {
    const t = descend(quadratic, tensor([1, 1]), sgd({ lr: 2 / 11 }), { steps: 10 });
    expect(t.losses[10]).toBeCloseTo(0.099394, 6);
    expect(t.x).toBeInstanceOf(Tensor);
    expect(t.points.length).toBe(11 * 2);
    expect(t.stepSizes.length).toBe(10);
  });

  it('a float32 x0 stays float32 in the result', () => {
    const t = descend(quadratic, tensor([1, 1], { dtype: 'float32' }), sgd({ lr: 0.1 }), { steps: 3 });
    expect((t.x as Tensor).dtype).toBe('float32');
    expect(t.losses[3]).toBeCloseTo(0.5 * (0.9 ** 6 + 0), 5);
  });

  it('accepts a spec instead of an optimizer, and a Float64Array x0', () => {
    const t = descend(quadratic, Float64Array.of(1, 1), { name: 'sgd', lr: 2 / 11 }, { steps: 10 });
    expect(t.losses[10]).toBeCloseTo(0.099394, 6);
    expect(t.x).toBeInstanceOf(Float64Array);
  });
});

describe('stop reasons and recording', () => {
  const quad = diagonalQuadratic([1, 10]);
  it("'converged' when ‖∇f‖ ≤ tol, 'maxSteps' otherwise", () => {
    expect(descend(quad, Float64Array.of(1, 1), newtonCg(), { tol: 1e-8 }).stopReason).toBe('converged');
    const t = descend(quad, Float64Array.of(1, 1), sgd({ lr: 0.01 }), { steps: 7 });
    expect(t.stopReason).toBe('maxSteps');
    expect(t.steps).toBe(7);
    expect(t.losses.length).toBe(8);
  });
  it("'diverged' when f blows up (GD with lr 1 on curvature 10 multiplies f by 81 per step)", () => {
    const t = descend(quad, Float64Array.of(1, 1), sgd({ lr: 1 }), { steps: 100 });
    expect(t.stopReason).toBe('diverged');
    expect(t.losses[t.steps]!).toBeGreaterThan(1e10 * 5.5);
  });
  it("'nonFinite' when f or ∇f is NaN, with the NaN point recorded", () => {
    const sqrtLoss: Objective = {
      valueAndGrad(x, g) {
        g[0] = 0.5 / Math.sqrt(x[0]!);
        return Math.sqrt(x[0]!);
      },
    };
    const t = descend(sqrtLoss, Float64Array.of(1), sgd({ lr: 1 }), { steps: 100 });
    expect(t.stopReason).toBe('nonFinite');
    expect(Number.isNaN(t.losses[t.steps]!)).toBe(true);
  });
  it("'aborted' when the signal fires, returning what was computed", () => {
    const controller = new AbortController();
    const t = descend(quad, Float64Array.of(1, 1), sgd({ lr: 0.01 }), {
      steps: 1000,
      every: 5,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.step === 20) controller.abort();
      },
    });
    expect(t.stopReason).toBe('aborted');
    expect(t.steps).toBe(20);
    expect(t.points.length).toBe(21 * 2);
  });
  it('recordPoints: false keeps only losses, norms, step sizes and the final x (memory stays flat for large n)', () => {
    const n = 100000;
    const t = descend(diagonalQuadratic(new Array(n).fill(1)), new Float64Array(n).fill(1), sgd({ lr: 0.5 }), { steps: 5, recordPoints: false });
    expect(t.points.length).toBe(0);
    expect(t.losses.length).toBe(6);
    expect(t.losses[5]).toBeCloseTo(0.5 * n * 0.5 ** 10, 6);
    expect((t.x as Float64Array)[0]).toBeCloseTo(0.5 ** 5, 15);
  });
  it('records points, losses, gradient norms and step sizes consistently', () => {
    const t = descend(rosenbrock, Float64Array.of(-1.2, 1), adam({ lr: 0.05 }), { steps: 50 });
    for (let k = 0; k < t.steps; k++) {
      const a = t.points.subarray(2 * k, 2 * k + 2);
      const b = t.points.subarray(2 * k + 2, 2 * k + 4);
      expect(t.stepSizes[k]).toBeCloseTo(Math.hypot(b[0]! - a[0]!, b[1]! - a[1]!), 12);
    }
  });
});

describe('descendAsync', () => {
  const collect = async (gen: AsyncGenerator<TrajectoryChunk, Trajectory>) => {
    const chunks: TrajectoryChunk[] = [];
    for (;;) {
      const r = await gen.next();
      if (r.done) return { chunks, result: r.value };
      chunks.push(r.value);
    }
  };
  it('streams chunks that add up to the same trajectory as descend', async () => {
    const opt = () => momentum({ lr: 1e-4, beta: 0.9 });
    const sync = descend(rosenbrock, Float64Array.of(-1.2, 1), opt(), { steps: 250 });
    const { chunks, result } = await collect(descendAsync(rosenbrock, Float64Array.of(-1.2, 1), opt(), { steps: 250, every: 100 }));
    expect(chunks.length).toBe(3);
    expect(Array.from(result.points)).toEqual(Array.from(sync.points));
    const losses = chunks.flatMap((c) => Array.from(c.losses));
    expect(losses).toEqual(Array.from(sync.losses));
    expect(chunks.flatMap((c) => Array.from(c.stepSizes))).toEqual(Array.from(sync.stepSizes));
    expect(chunks.map((c) => c.from)).toEqual([0, 100, 200]);
    expect(result.stopReason).toBe('maxSteps');
  });
  it('gives the event loop a turn between chunks: a message from another port is delivered mid-run', async () => {
    const channel = new MessageChannel();
    let delivered = false;
    channel.port1.onmessage = () => {
      delivered = true;
    };
    let immediate = false;
    setImmediate(() => {
      immediate = true;
    });
    channel.port2.postMessage('abort?');
    const gen = descendAsync(diagonalQuadratic([1, 10]), Float64Array.of(1, 1), sgd({ lr: 0.01 }), { steps: 100000, every: 10 });
    let chunks = 0;
    while (!delivered && chunks < 1000) {
      await gen.next();
      chunks++;
    }
    expect(immediate).toBe(true);
    expect(delivered).toBe(true);
    expect(chunks).toBeLessThan(1000);
    await gen.return(undefined as never);
    channel.port1.close();
  });
  it('a cancelled run returns what it computed so far, with stopReason aborted', async () => {
    const controller = new AbortController();
    const gen = descendAsync(diagonalQuadratic([1, 10]), Float64Array.of(1, 1), signDescent({ lr: 1e-4 }), {
      steps: 100000,
      every: 50,
      signal: controller.signal,
    });
    let seen = 0;
    for (;;) {
      const r = await gen.next();
      if (r.done) {
        expect(r.value.stopReason).toBe('aborted');
        expect(r.value.losses.length).toBe(seen);
        expect(r.value.points.length).toBe(seen * 2);
        expect(r.value.steps).toBe(seen - 1);
        expect(seen).toBeLessThan(100000);
        break;
      }
      seen += r.value.count;
      if (seen >= 150) controller.abort();
    }
  });
  it('works with steepest descent under any norm from a spec', async () => {
    const gen = descendAsync(diagonalQuadratic([1, 10]), Float64Array.of(1, -0.5), { name: 'steepestDescent', norm: { name: 'linf' }, lr: 1 / 11 }, { steps: 1 });
    const { result } = await collect(gen);
    expect(result.losses[1]).toBeCloseTo(0.113636, 6);
    const direct = descend(diagonalQuadratic([1, 10]), Float64Array.of(1, -0.5), steepestDescent({ norm: linf(), lr: 1 / 11 }), { steps: 1 });
    expect(Array.from(result.points)).toEqual(Array.from(direct.points));
  });
});
