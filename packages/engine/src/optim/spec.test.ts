import { DomainError } from '../errors.js';
import { describe, expect, it } from 'vitest';
import { type Tensor, tensor } from '../tensor.js';
import { adagrad, adam, adamw, muon, rmsprop, sgd } from './aliases.js';
import { descend } from './descend.js';
import { freeze, multiTransform } from './multi-transform.js';
import { type OptimizerSpec, optimizerFromSpec } from './optimizer-spec.js';
import { scheduleFromSpec } from './schedules.js';
import { rosenbrock } from './test-objectives.js';
import { applyUpdates, type GradientTransformation, type OptState } from './transform.js';
import { scaleByLearningRate } from './transforms.js';
import { svdPolar } from './svd.js';

const ALL_SPECS: OptimizerSpec[] = [
  { name: 'sgd', lr: 0.001 },
  { name: 'momentum', lr: 0.001, beta: 0.9 },
  { name: 'nesterov', lr: 0.001, beta: 0.8 },
  { name: 'adam', lr: 0.05, b1: 0.9 },
  { name: 'adamw', lr: 0.05, weightDecay: 0.01 },
  { name: 'rmsprop', lr: 0.01 },
  { name: 'adagrad', lr: 0.3 },
  { name: 'signDescent', lr: { name: 'exponential', init: 0.05, decayRate: 0.99 } },
  { name: 'coordinateDescent', lr: 0.001 },
  { name: 'muon', lr: 0.01 },
  { name: 'steepestDescent', norm: { name: 'lp', p: 3 }, lr: 1e-3, momentum: 0.5 },
  { name: 'steepestDescent', norm: { name: 'linf' }, lr: 1, form: 'fixedLength', lineSearch: true },
  { name: 'lbfgs', memory: 5 },
  { name: 'newtonCg' },
  { name: 'chain', transforms: [{ name: 'clipByGlobalNorm', maxNorm: 1 }, { name: 'scaleByAdam' }, { name: 'scaleByLearningRate', lr: { name: 'cosine', init: 0.1, decaySteps: 50 } }] },
  { name: 'multiTransform', transforms: { a: { name: 'sgd', lr: 0.001 }, b: { name: 'setToZero' } }, labels: ['a', 'b'] },
];

describe('optimizerFromSpec', () => {
  it.each(ALL_SPECS.map((s) => [s.name, s] as const))('%s: built from plain data, its spec survives structuredClone and rebuilds the same optimizer', (_name, spec) => {
    const opt = optimizerFromSpec(spec);
    expect(opt.spec).toBeDefined();
    const copy = optimizerFromSpec(structuredClone(opt.spec) as OptimizerSpec);
    const copy2 = optimizerFromSpec(JSON.parse(JSON.stringify(spec)));
    const a = descend(rosenbrock, Float64Array.of(-1.2, 1), opt, { steps: 30 });
    const b = descend(rosenbrock, Float64Array.of(-1.2, 1), copy, { steps: 30 });
    const c = descend(rosenbrock, Float64Array.of(-1.2, 1), copy2, { steps: 30 });
    expect(Array.from(b.points)).toEqual(Array.from(a.points));
    expect(Array.from(c.points)).toEqual(Array.from(a.points));
    expect(a.losses[a.steps]!).toBeLessThanOrEqual(a.losses[0]!);
  });
  it('an optimizer built from a function schedule has no spec (it cannot cross a thread)', () => {
    expect(sgd({ lr: (t) => 1 / (t + 1) }).spec).toBeUndefined();
  });
  it('rejects missing or bad fields with a DomainError that names the problem', () => {
    expect(() => optimizerFromSpec({ name: 'sgd' } as never)).toThrow(/missing learning rate/);
    expect(() => optimizerFromSpec({ name: 'adam', lr: Number.NaN })).toThrow(/finite/);
    expect(() => optimizerFromSpec({ name: 'steepestDescent', lr: 1 } as never)).toThrow(/norm spec/);
    expect(() => optimizerFromSpec(undefined as never)).toThrow(DomainError);
    try {
      optimizerFromSpec({ name: 'sgd' } as never);
    } catch (e) {
      expect((e as DomainError).code).toBe('domain');
    }
  });
  it('rejects unknown names', () => {
    expect(() => optimizerFromSpec({ name: 'adamax' } as never)).toThrow(/unknown optimizer/);
    expect(() => scheduleFromSpec({ name: 'step' } as never)).toThrow(/unknown schedule/);
  });
});

describe('classic optimizers against their formulas', () => {
  const run = (opt: GradientTransformation<OptState>, x0: number[], grads: (x: Float64Array) => number[], steps: number) => {
    let x = tensor(x0);
    let state = opt.init(x);
    for (let k = 0; k < steps; k++) {
      const r = opt.update(tensor(grads(x.data as Float64Array)), state, x);
      state = r.state;
      x = applyUpdates(x, r.updates) as Tensor;
    }
    return Array.from(x.data);
  };
  it('RMSprop: ν ← 0.9ν + 0.1g², x ← x − lr·g/(√ν + eps)', () => {
    let x = 2;
    let nu = 0;
    for (let k = 0; k < 3; k++) {
      const g = 2 * x;
      nu = 0.9 * nu + 0.1 * g * g;
      x -= (0.1 * g) / (Math.sqrt(nu) + 1e-8);
    }
    expect(run(rmsprop({ lr: 0.1 }), [2], (v) => [2 * v[0]!], 3)[0]).toBeCloseTo(x, 14);
  });
  it('Adagrad: s ← s + g² (from 0.1), x ← x − lr·g/√(s + eps)', () => {
    let x = 2;
    let s = 0.1;
    for (let k = 0; k < 3; k++) {
      const g = 2 * x;
      s += g * g;
      x -= (0.5 * g) / Math.sqrt(s + 1e-7);
    }
    expect(run(adagrad({ lr: 0.5 }), [2], (v) => [2 * v[0]!], 3)[0]).toBeCloseTo(x, 14);
  });
  it('transformations that read the params refuse an update without them (no silent zero params)', () => {
    const opt = adamw({ lr: 0.1, weightDecay: 0.5 });
    expect(() => opt.update(tensor([1]), opt.init(tensor([2])))).toThrow(/reads the params/);
    const plain = adam({ lr: 0.1 });
    expect(() => plain.update(tensor([1]), plain.init(tensor([2])))).not.toThrow();
  });
  it('AdamW decays the weights by lr·wd·x on top of Adam (zero gradient: only the decay acts)', () => {
    expect(run(adamw({ lr: 0.1, weightDecay: 0.5 }), [2], () => [0], 1)[0]).toBeCloseTo(2 - 0.1 * 0.5 * 2, 15);
  });
});

describe('parameter groups and Muon', () => {
  it('multiTransform: labels by path route leaves to their own transformation; freeze keeps a group fixed', () => {
    const params = { w: tensor([1, 1]), b: tensor([1]) };
    const opt = multiTransform({ fast: scaleByLearningRate(1), frozen: freeze() }, (path) => (path === 'b' ? 'frozen' : 'fast'));
    const r = opt.update({ w: tensor([0.5, 0.25]), b: tensor([7]) }, opt.init(params), params);
    const u = r.updates as { w: Tensor; b: Tensor };
    expect(Array.from(u.w.data)).toEqual([-0.5, -0.25]);
    expect(Array.from(u.b.data)).toEqual([0]);
    expect(opt.spec).toBeUndefined();
  });
  it('labels see leaf paths in descend too: freezing "b" by path keeps it fixed during a run', () => {
    const opt = multiTransform({ train: scaleByLearningRate(1e-4), frozen: freeze() }, (path) => (path === 'b' ? 'frozen' : 'train'));
    const t = descend(rosenbrock, { a: -1.2, b: 1 }, opt, { steps: 20 });
    expect(t.steps).toBe(20);
    const [a, b] = [t.points[40], t.points[41]];
    expect(b).toBe(1);
    expect(a).not.toBe(-1.2);
  });
  it('Muon: matrices get the orthogonalised momentum step (σ in the Keller band) scaled by √max(1, d_out/d_in); vectors get AdamW', () => {
    const params = { w: tensor([[1, 0], [0, 1], [0, 0]]), b: tensor([0, 0]) };
    const opt = muon({ lr: 0.1, beta: 0, nesterov: false, coefficients: 'keller5' });
    const g = { w: tensor([[1, 2], [3, 4], [5, 6]]), b: tensor([1, -1]) };
    const r = opt.update(g, opt.init(params), params);
    const u = r.updates as { w: Tensor; b: Tensor };
    const sv = svdPolar(u.w.data as Float64Array, 3, 2).singularValues;
    const factor = 0.1 * Math.sqrt(3 / 2);
    for (const s of sv) {
      expect(s / factor).toBeGreaterThanOrEqual(0.68);
      expect(s / factor).toBeLessThanOrEqual(1.14);
    }
    // Adam's first step is −lr·sign(g) up to eps.
    expect(u.b.data[0]).toBeCloseTo(-0.1, 6);
    expect(u.b.data[1]).toBeCloseTo(0.1, 6);
    // With the exact polar factor the singular values are exactly lr·√(3/2).
    const exact = muon({ lr: 0.1, beta: 0, nesterov: false, coefficients: 'svd' });
    const e = exact.update(g, exact.init(params), params).updates as { w: Tensor };
    for (const s of svdPolar(e.w.data as Float64Array, 3, 2).singularValues) expect(s).toBeCloseTo(factor, 12);
  });
});
