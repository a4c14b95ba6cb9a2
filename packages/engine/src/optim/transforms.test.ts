import { describe, expect, it } from 'vitest';
import { type Tensor, tensor } from '../tensor.js';
import { adam, coordinateDescent, dualScaledSteepestDescent, fixedLengthSteepestDescent, lbfgs, newtonCg, sgd, signDescent, steepestDescent } from './aliases.js';
import { maxComposite, sumComposite } from './composite-norms.js';
import { descend } from './descend.js';
import { spectral } from './matrix-norms.js';
import type { Objective } from './objective.js';
import { armijo } from './line-search.js';
import { scaleByNewtonCg } from './newton-cg.js';
import { cosineDecay, exponentialDecay, warmupCosineDecay } from './schedules.js';
import { diagonalQuadratic } from './test-objectives.js';
import { applyUpdates, chain, currentLearningRate } from './transform.js';
import { addDecayedWeights, clipByGlobalNorm, scaleByLearningRate, trace } from './transforms.js';
import { quadratic } from './quadratic-norm.js';
import { l1, l2, linf, lp, rms } from './vector-norms.js';

const quad = diagonalQuadratic([1, 10]);
const point = (t: { points: Float64Array; n: number }, i: number) => Array.from(t.points.subarray(i * t.n, (i + 1) * t.n));

describe('one dual-scaled step on ½xᵀdiag(1,10)x from (1, −0.5), λ = smoothness in each norm (anchor §2.3)', () => {
  const x0 = Float64Array.of(1, -0.5);
  it.each([
    ['ℓ2', l2(), 10, 0.405, [0.9, 0]],
    ['ℓ∞', linf(), 11, 0.113636, [0.454545, 0.045455]],
    ['ℓ1', l1(), 10, 0.5, [1, 0]],
  ] as const)('%s, λ = %d: f₁ = %d', (_name, norm, lambda, f1, x1) => {
    const t = descend(quad, x0, dualScaledSteepestDescent(norm, 1 / lambda), { steps: 1 });
    expect(t.losses[0]).toBe(1.75);
    expect(t.losses[1]).toBeCloseTo(f1, 6);
    for (const [i, v] of point(t, 1).entries()) expect(v).toBeCloseTo(x1[i]!, 6);
  });
  it('each first step meets the guaranteed decrease ‖g‖†²/(2λ)', () => {
    for (const [norm, lambda] of [[l2(), 10], [linf(), 11], [l1(), 10]] as const) {
      const t = descend(quad, x0, dualScaledSteepestDescent(norm, 1 / lambda), { steps: 1 });
      const dual = norm.dualNormOf([{ data: Float64Array.of(1, -5), shape: [2] }]);
      expect(t.losses[1]!).toBeLessThanOrEqual(1.75 - (dual * dual) / (2 * lambda) + 1e-12);
    }
  });
  it('sign descent from (1, 1) with λ = 11 lands exactly on the optimum', () => {
    const t = descend(quad, Float64Array.of(1, 1), dualScaledSteepestDescent(linf(), 1 / 11), { steps: 1 });
    expect(point(t, 1)).toEqual([0, 0]);
  });
});

describe('the one steepest descent with a modular norm (anchor §2.3 composite example)', () => {
  it('dual-scaled step on ⟨G, W⟩: ΔW₁ = −η·(1, −1), ΔW₂ = −(η/2)·[[−3,5],[5,3]]/√34 with η = (7 + √34/2)/λ', () => {
    const G = [3, -4, 1, 2, 3, 4]; // G₁ = (3, −4), G₂ = [[1,2],[3,4]]
    const linear: Objective = {
      valueAndGrad(x, g) {
        g.set(G);
        return x.reduce((s, v, i) => s + v * G[i]!, 0);
      },
    };
    const norm = maxComposite([
      { norm: linf(), scale: 1 },
      { norm: spectral({ method: 'svd' }), scale: 2 },
    ]);
    const lambda = 4;
    const x0 = [tensor([0, 0]), tensor([[0, 0], [0, 0]])];
    const t = descend(linear, x0, dualScaledSteepestDescent(norm, 1 / lambda), { steps: 1 });
    const eta = (7 + Math.sqrt(34) / 2) / lambda;
    const r = Math.sqrt(34);
    const expected = [-eta, eta, ...[-3, 5, 5, 3].map((v) => (-(eta / 2) * v) / r)];
    for (const [i, v] of Array.from(t.points.subarray(6)).entries()) expect(v).toBeCloseTo(expected[i]!, 12);
    // both blocks saturate: max(1·‖ΔW₁‖∞, 2·‖ΔW₂‖₂) = η in each block, and ⟨G, ΔW⟩ = −λη²
    const [w1, w2] = t.x as [Tensor, Tensor];
    expect(linf().norm(w1)).toBeCloseTo(eta, 12);
    expect(2 * spectral().norm(w2)).toBeCloseTo(eta, 12);
    expect(t.losses[1]).toBeCloseTo(-lambda * eta * eta, 10);
  });
  it('the sum-composite moves only block 1', () => {
    const norm = sumComposite([
      { norm: linf(), scale: 1 },
      { norm: spectral({ method: 'svd' }), scale: 2 },
    ]);
    const opt = dualScaledSteepestDescent(norm, 1);
    const params = [tensor([0, 0]), tensor([[0, 0], [0, 0]])];
    const { updates } = opt.update([tensor([3, -4]), tensor([[1, 2], [3, 4]])], opt.init(params), params);
    const [u1, u2] = updates as [Tensor, Tensor];
    expect(Array.from(u1.data)).toEqual([-7, 7]);
    expect(Array.from(u2.data, (v) => v + 0)).toEqual([0, 0, 0, 0]);
  });
});

describe('gradient descent and line search anchors (§5, §8)', () => {
  it('GD with step 2/11 from (1, 1): f₁ = 3.681818, f₂ = 2.464688, f₁₀ = 0.099394 (= 5.5·(81/121)ᵏ)', () => {
    const t = descend(quad, Float64Array.of(1, 1), sgd({ lr: 2 / 11 }), { steps: 10 });
    expect(t.losses[1]).toBeCloseTo(3.681818, 6);
    expect(t.losses[2]).toBeCloseTo(2.464688, 6);
    expect(t.losses[10]).toBeCloseTo(0.099394, 6);
    for (let k = 0; k <= 10; k++) expect(t.losses[k]).toBeCloseTo(5.5 * (81 / 121) ** k, 12);
  });
  it('sgd is literally dual-scaled ℓ2 steepest descent', () => {
    const a = descend(quad, Float64Array.of(1, 1), sgd({ lr: 0.1 }), { steps: 10 });
    const b = descend(quad, Float64Array.of(1, 1), steepestDescent({ norm: l2(), lr: 0.1 }), { steps: 10 });
    expect(Array.from(a.points)).toEqual(Array.from(b.points));
    expect(a.losses[10]).toBeCloseTo(0.060788, 6);
  });
  it('Armijo (c₁ = 1e-4, halving, α₀ = 1) from (1, 1): f = 0.695313, 0.312622, 0.208809, 0.191613, 0.077181', () => {
    const opt = steepestDescent({ norm: l2(), lr: 1, lineSearch: { c1: 1e-4, decrease: 0.5, initial: 1 } });
    const t = descend(quad, Float64Array.of(1, 1), opt, { steps: 5 });
    const expected = [0.695313, 0.312622, 0.208809, 0.191613, 0.077181];
    for (const [i, v] of expected.entries()) expect(t.losses[i + 1]).toBeCloseTo(v, 6);
    // The accepted α of the last step (0.125 in the anchor's sequence 0.125, 0.125, 0.25, 0.25, 0.125) is in Armijo's state.
    expect((t.state as [unknown, unknown, { learningRate: number }])[2].learningRate).toBe(0.125);
  });
  it('Armijo is the same line search for every norm: along −g♯ the slope is −‖g‖†, and f decreases', () => {
    for (const norm of [l2(), linf(), l1()]) {
      const t = descend(quad, Float64Array.of(1, 1), steepestDescent({ norm, lr: 1, form: 'fixedLength', lineSearch: true }), { steps: 30 });
      for (let k = 1; k < t.losses.length; k++) expect(t.losses[k]!).toBeLessThan(t.losses[k - 1]!);
    }
  });
  it('the slope Armijo sees along a fixed-length steepest step is −lr·‖g‖† for every norm', () => {
    const g = Float64Array.of(1, 10);
    const norms = [l2(), linf(), l1(), lp(3), rms(), quadratic({ diagonal: [2, 5] })];
    for (const norm of norms) {
      const t = descend(quad, Float64Array.of(1, 1), steepestDescent({ norm, lr: 0.5, form: 'fixedLength', lineSearch: true }), { steps: 1 });
      const state = t.state as [unknown, unknown, { slope: number }];
      expect(state[2].slope).toBeCloseTo(-0.5 * norm.dualNormOf([{ data: g, shape: [2] }]), 12);
    }
  });
  it('optax docstring: Armijo with decrease 0.8 on Σx² from (1,2,3): 14 → 5.04, 1.81, 0.653, 0.235, 0.0847', () => {
    const sumSq = diagonalQuadratic([2, 2, 2]);
    const opt = steepestDescent({ norm: l2(), lr: 1, lineSearch: { decrease: 0.8 } });
    const t = descend(sumSq, Float64Array.of(1, 2, 3), opt, { steps: 5 });
    for (const [i, v] of [14, 5.04, 1.81, 0.653, 0.235, 0.0847].entries()) expect(t.losses[i]).toBeCloseTo(v, i < 3 ? 2 : 3);
  });
  it('fixed-length ℓ2 steps of length 1 on Σx² from (1,2,3) oscillate: 7.52, 3.03, 0.550, 0.0667, 0.550', () => {
    const sumSq = diagonalQuadratic([2, 2, 2]);
    const t = descend(sumSq, Float64Array.of(1, 2, 3), fixedLengthSteepestDescent(l2(), 1), { steps: 5 });
    for (const [i, v] of [7.52, 3.03, 0.55, 0.0667, 0.55].entries()) expect(t.losses[i + 1]).toBeCloseTo(v, 2);
    for (const s of t.stepSizes) expect(s).toBeCloseTo(1, 12);
  });
  it('L-BFGS on Σx² from (1,2,3): 14 → 7.52 → ~0 (unit first step, then the secant pair is exact)', () => {
    const t = descend(diagonalQuadratic([2, 2, 2]), Float64Array.of(1, 2, 3), lbfgs(), { steps: 2 });
    expect(t.losses[0]).toBe(14);
    expect(t.losses[1]).toBeCloseTo(7.52, 2);
    expect(t.losses[2]).toBeLessThan(1e-12);
  });
  it('Newton-CG on diag(1,10) from (1,1): one CG iteration gives f = 0.404595, a full solve hits 0 in one step', () => {
    const oneCg = chain(scaleByNewtonCg({ maxIterations: 1 }), scaleByLearningRate(1), armijo());
    const a = descend(quad, Float64Array.of(1, 1), oneCg, { steps: 1 });
    expect(a.losses[1]).toBeCloseTo(0.404595, 6);
    const b = descend(quad, Float64Array.of(1, 1), newtonCg({ forcing: 1e-12 }), { steps: 1 });
    expect(b.losses[1]).toBeLessThan(1e-25);
    expect((b.state as [{ cgIterations: number }])[0].cgIterations).toBe(2);
  });
});

describe('Adam and the pure update API', () => {
  it('Adam on Σx² from (2, 4), lr 0.1, β = (0.8, 0.9), eps 1e-8: x₁ = (1.9, 3.9), x₂ = (1.800183, 3.800082), x₃ = (1.700683, 3.700303)', () => {
    const opt = adam({ lr: 0.1, b1: 0.8, b2: 0.9, eps: 1e-8 });
    let x: Tensor = tensor([2, 4]);
    let state = opt.init(x);
    const expected = [
      [1.9, 3.9],
      [1.800183, 3.800082],
      [1.700683, 3.700303],
    ];
    for (const e of expected) {
      const grads = tensor(Array.from(x.data, (v) => 2 * v));
      const before = JSON.stringify(state, (_k, v) => (v instanceof Float64Array ? Array.from(v) : v));
      const r = opt.update(grads, state, x);
      // update is pure: the old state is untouched
      expect(JSON.stringify(state, (_k, v) => (v instanceof Float64Array ? Array.from(v) : v))).toBe(before);
      state = r.state;
      x = applyUpdates(x, r.updates) as Tensor;
      expect(x.data[0]).toBeCloseTo(e[0]!, 6);
      expect(x.data[1]).toBeCloseTo(e[1]!, 6);
    }
    expect(currentLearningRate(state)).toBe(0.1);
  });
  it('Adam with β = 0 and eps = 0 is sign descent, and a zero gradient gives 0, not NaN', () => {
    const opt = adam({ lr: 0.5, b1: 0, b2: 0, eps: 0 });
    const { updates } = opt.update(tensor([3, 0, -0.001]), opt.init(tensor([0, 0, 0])));
    expect(Array.from((updates as Tensor).data, (v) => v + 0)).toEqual([-0.5, 0, 0.5]);
    const s = signDescent({ lr: 0.5 });
    expect(Array.from((s.update(tensor([3, 0, -0.001]), s.init(tensor([0, 0, 0]))).updates as Tensor).data, (v) => v + 0)).toEqual([-0.5, 0, 0.5]);
  });
  it('trees keep their structure through update and applyUpdates', () => {
    const params = { w: tensor([[1, 2], [3, 4]]), b: 0.5 };
    const opt = sgd({ lr: 0.1 });
    const { updates } = opt.update({ w: tensor([[1, 1], [1, 1]]), b: 2 }, opt.init(params), params);
    const next = applyUpdates(params, updates) as { w: Tensor; b: number };
    expect(Array.from(next.w.data)).toEqual([0.9, 1.9, 2.9, 3.9]);
    expect(next.b).toBeCloseTo(0.3, 15);
    expect(Array.from(params.w.data)).toEqual([1, 2, 3, 4]);
  });
  it('coordinate descent moves one coordinate per step', () => {
    const t = descend(quad, Float64Array.of(1, 1), coordinateDescent({ lr: 0.1 }), { steps: 3 });
    for (let k = 1; k <= 3; k++) {
      const a = point(t, k - 1);
      const b = point(t, k);
      expect(a.filter((v, i) => v !== b[i]).length).toBe(1);
    }
  });
});

describe('schedules, clipping, weight decay, momentum', () => {
  it('cosine decay (I = 1, T = 10): t = 5 → 0.5, t = 10 → 0; warmup-cosine (0 → 1, 10, 100, 0): t = 10 → 1, t = 55 → 0.5', () => {
    const c = cosineDecay({ init: 1, decaySteps: 10 });
    expect(c(5)).toBeCloseTo(0.5, 15);
    expect(c(10)).toBeCloseTo(0, 15);
    expect(c(20)).toBeCloseTo(0, 15);
    const w = warmupCosineDecay({ init: 0, peak: 1, warmupSteps: 10, decaySteps: 100, end: 0 });
    expect(w(0)).toBe(0);
    expect(w(5)).toBe(0.5);
    expect(w(10)).toBe(1);
    expect(w(55)).toBeCloseTo(0.5, 15);
    expect(w(100)).toBeCloseTo(0, 15);
    expect(exponentialDecay({ init: 2, decayRate: 0.5, transitionSteps: 10 })(20)).toBe(0.5);
    expect(exponentialDecay({ init: 2, decayRate: 0.5, transitionSteps: 10, staircase: true })(19)).toBe(1);
  });
  it('the learning rate in use is readable from the state at every step', () => {
    const opt = sgd({ lr: { name: 'cosine', init: 1, decaySteps: 10 } });
    let state = opt.init(tensor([1]));
    expect(currentLearningRate(state)).toBe(1);
    for (let t = 0; t < 6; t++) state = opt.update(tensor([1]), state).state;
    expect(currentLearningRate(state)).toBeCloseTo(cosineDecay({ init: 1, decaySteps: 10 })(5), 15);
  });
  it('clipByGlobalNorm rescales the whole tree to the max norm and leaves small updates alone', () => {
    const clip = clipByGlobalNorm(1);
    const { updates } = clip.update({ a: tensor([3]), b: tensor([4]) }, clip.init({ a: 0, b: 0 }));
    const u = updates as { a: Tensor; b: Tensor };
    expect(u.a.data[0]).toBeCloseTo(0.6, 15);
    expect(u.b.data[0]).toBeCloseTo(0.8, 15);
    expect((clip.update(tensor([0.3, 0.4]), clip.init(tensor([0, 0]))).updates as Tensor).data[0]).toBe(0.3);
  });
  it('decoupled weight decay: adamw-style chain adds wd·params before the learning rate', () => {
    const opt = chain(addDecayedWeights(0.1), scaleByLearningRate(1));
    const { updates } = opt.update(tensor([0, 1]), opt.init(tensor([5, 5])), tensor([5, 5]));
    expect(Array.from((updates as Tensor).data)).toEqual([-0.5, -1.5]);
  });
  it('momentum (trace): t ← g + βt; Nesterov uses g + βt', () => {
    const heavy = trace({ decay: 0.5 });
    let s = heavy.init(tensor([0]));
    let r = heavy.update(tensor([1]), s);
    s = r.state;
    r = heavy.update(tensor([1]), s);
    expect((r.updates as Tensor).data[0]).toBe(1.5);
    const nest = trace({ decay: 0.5, nesterov: true });
    const n1 = nest.update(tensor([1]), nest.init(tensor([0])));
    expect((n1.updates as Tensor).data[0]).toBe(1.5);
  });
});
