// Optimizer benchmarks (issue 3 §5). Run after `pnpm --filter @wengert/engine build`:
//   node bench/optim/run.mjs [--quick]
// 1. Step cost of each optimizer for n = 2 and n = 1e5 against a handwritten fused loop (median ns per
//    step, ratio). "step" = what descend() does per iteration once the gradient is known: the gradient
//    lands in a buffer (simulated by a copy, in both columns), the transformation runs in place on it,
//    x += u. The handwritten column does the same math as one fused loop.
//    The pure tree-level API (update() + applyUpdates(), which copies state and params) is a column too.
// 2. Iterations to tolerance on Rosenbrock from (−1.2, 1) per optimizer / norm.
// Markdown tables go to stdout, progress to stderr.

import os from 'node:os';
import {
  adagrad,
  adam,
  adamw,
  applyUpdates,
  coordinateDescent,
  descend,
  l1,
  l2,
  lbfgs,
  linf,
  lp,
  momentum,
  nesterov,
  newtonCg,
  quadratic,
  rmsprop,
  sgd,
  signDescent,
  steepestDescent,
} from '../../dist/optim/index.js';
import { rosenbrock } from '../../dist/optim/test-objectives.js';
import { Tensor } from '../../dist/tensor.js';

const QUICK = process.argv.includes('--quick');
const log = (...a) => console.error(...a);

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/**
 * Median ns per call for each of several functions, sampled interleaved (a batch of each in turn, so
 * load from other processes hits all of them alike), after a warm-up batch.
 */
function timeInterleaved(fns, batches, samples) {
  fns.forEach((fn, k) => {
    for (let i = 0; i < batches[k]; i++) fn();
  });
  const out = fns.map(() => []);
  for (let s = 0; s < samples; s++) {
    fns.forEach((fn, k) => {
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < batches[k]; i++) fn();
      out[k].push(Number(process.hrtime.bigint() - t0) / batches[k]);
    });
  }
  return out.map((xs) => ({ median: median(xs), min: Math.min(...xs) }));
}

function randomArray(n, seed) {
  const a = new Float64Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    a[i] = s / 2147483648 - 0.5;
  }
  return a;
}

// Each case: the library optimizer and the same math as one handwritten fused loop.
const LR = 1e-3;
const CASES = [
  { name: 'sgd', make: () => sgd({ lr: LR }), hand: (n) => (x, g) => { for (let i = 0; i < n; i++) x[i] -= LR * g[i]; } },
  {
    name: 'momentum',
    make: () => momentum({ lr: LR, beta: 0.9 }),
    hand: (n) => {
      const m = new Float64Array(n);
      return (x, g) => { for (let i = 0; i < n; i++) { const t = g[i] + 0.9 * m[i]; m[i] = t; x[i] -= LR * t; } };
    },
  },
  {
    name: 'nesterov',
    make: () => nesterov({ lr: LR, beta: 0.9 }),
    hand: (n) => {
      const m = new Float64Array(n);
      return (x, g) => { for (let i = 0; i < n; i++) { const t = g[i] + 0.9 * m[i]; m[i] = t; x[i] -= LR * (g[i] + 0.9 * t); } };
    },
  },
  {
    name: 'adam',
    make: () => adam({ lr: LR }),
    hand: (n) => {
      const m = new Float64Array(n);
      const v = new Float64Array(n);
      let t = 0;
      return (x, g) => {
        t++;
        const c1 = 1 - 0.9 ** t;
        const c2 = 1 - 0.999 ** t;
        for (let i = 0; i < n; i++) {
          const gi = g[i];
          const mi = 0.9 * m[i] + 0.1 * gi;
          const vi = 0.999 * v[i] + 0.001 * gi * gi;
          m[i] = mi;
          v[i] = vi;
          x[i] -= (LR * (mi / c1)) / (Math.sqrt(vi / c2) + 1e-8);
        }
      };
    },
  },
  {
    name: 'adamw',
    make: () => adamw({ lr: LR, weightDecay: 0.01 }),
    hand: (n) => {
      const m = new Float64Array(n);
      const v = new Float64Array(n);
      let t = 0;
      return (x, g) => {
        t++;
        const c1 = 1 - 0.9 ** t;
        const c2 = 1 - 0.999 ** t;
        for (let i = 0; i < n; i++) {
          const gi = g[i];
          const mi = 0.9 * m[i] + 0.1 * gi;
          const vi = 0.999 * v[i] + 0.001 * gi * gi;
          m[i] = mi;
          v[i] = vi;
          x[i] -= LR * ((mi / c1) / (Math.sqrt(vi / c2) + 1e-8) + 0.01 * x[i]);
        }
      };
    },
  },
  {
    name: 'rmsprop',
    make: () => rmsprop({ lr: LR }),
    hand: (n) => {
      const v = new Float64Array(n);
      return (x, g) => { for (let i = 0; i < n; i++) { const gi = g[i]; const vi = 0.9 * v[i] + 0.1 * gi * gi; v[i] = vi; x[i] -= (LR * gi) / (Math.sqrt(vi) + 1e-8); } };
    },
  },
  {
    name: 'adagrad',
    make: () => adagrad({ lr: LR }),
    hand: (n) => {
      const s = new Float64Array(n).fill(0.1);
      return (x, g) => { for (let i = 0; i < n; i++) { const gi = g[i]; const si = s[i] + gi * gi; s[i] = si; x[i] -= (LR * gi) / Math.sqrt(si + 1e-7); } };
    },
  },
  {
    name: 'signDescent (ℓ∞)',
    make: () => signDescent({ lr: LR }),
    hand: (n) => (x, g) => { for (let i = 0; i < n; i++) { const gi = g[i]; x[i] -= LR * (gi > 0 ? 1 : gi < 0 ? -1 : 0); } },
  },
  {
    name: 'coordinateDescent (ℓ1)',
    make: () => coordinateDescent({ lr: LR }),
    hand: (n) => (x, g) => {
      let best = 0;
      let k = -1;
      for (let i = 0; i < n; i++) { const a = Math.abs(g[i]); if (a > best) { best = a; k = i; } }
      if (k >= 0) x[k] -= LR * g[k];
    },
  },
  {
    name: 'steepest ℓ3 (dual-scaled)',
    make: () => steepestDescent({ norm: lp(3), lr: LR }),
    hand: (n) => (x, g) => {
      const q = 1.5;
      let m = 0;
      for (let i = 0; i < n; i++) m = Math.max(m, Math.abs(g[i]));
      if (m === 0) return;
      let s = 0;
      for (let i = 0; i < n; i++) s += (Math.abs(g[i]) / m) ** q;
      const d = m * s ** (1 / q);
      const denom = (d / m) ** (q - 1);
      for (let i = 0; i < n; i++) x[i] -= (LR * d * Math.sign(g[i]) * (Math.abs(g[i]) / m) ** (q - 1)) / denom;
    },
  },
];

function stepCostTable() {
  const rows = [];
  for (const n of [2, 100000]) {
    // Short batches, many interleaved samples: the median shrugs off other processes' time slices.
    const batch = n === 2 ? 1000 : 1;
    const samples = QUICK ? 21 : 201;
    const g = randomArray(n, 7);
    for (const c of CASES) {
      log(`step cost: ${c.name}, n = ${n}`);
      // Library: the in-place path used by descend() / Optimizer.step().
      const t = c.make().transform;
      const x = randomArray(n, 3);
      const u = new Float64Array(n);
      const xb = [{ data: x, shape: [n] }];
      const ub = [{ data: u, shape: [n] }];
      const state = t.init(xb);
      const extra = { grad: [{ data: g, shape: [n] }] };
      const libStep = () => {
        u.set(g);
        t.apply(ub, state, xb, extra);
        for (let i = 0; i < n; i++) x[i] += u[i];
      };
      // Handwritten fused loop.
      const hx = randomArray(n, 3);
      const hg = new Float64Array(n);
      const h = c.hand(n);
      const handStep = () => {
        hg.set(g); // the gradient evaluation's output lands in a buffer, as in the library step
        h(hx, hg);
      };
      // Pure tree API: update() copies state, applyUpdates() builds a new Tensor.
      const opt = c.make();
      let px = new Tensor(randomArray(n, 3), [n]);
      const gt = new Tensor(g, [n]);
      let pstate = opt.init(px);
      const pureStep = () => {
        const r = opt.update(gt, pstate, px);
        pstate = r.state;
        px = applyUpdates(px, r.updates);
      };
      const [hand, lib, pure] = timeInterleaved([handStep, libStep, pureStep], [batch, batch, Math.max(1, Math.floor(batch / 4))], samples);
      rows.push({ n, name: c.name, lib, hand, pure });
    }
  }
  const fmt = (ns) => (ns >= 1e6 ? `${(ns / 1e6).toFixed(2)} ms` : ns >= 1e3 ? `${(ns / 1e3).toFixed(1)} µs` : `${ns.toFixed(0)} ns`);
  const lines = [
    `Medians (and, in brackets, the fastest sample) per step; machine load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores.`,
    '',
    '| optimizer | n | handwritten | in-place step (descend, Optimizer) | ratio | pure update + applyUpdates | ratio |',
    '|---|---:|---:|---:|---:|---:|---:|',
  ];
  const ratio = (a, b) => `${(a.median / b.median).toFixed(2)} (${(a.min / b.min).toFixed(2)})`;
  for (const r of rows)
    lines.push(
      `| ${r.name} | ${r.n === 2 ? '2' : '1e5'} | ${fmt(r.hand.median)} (${fmt(r.hand.min)}) | ${fmt(r.lib.median)} (${fmt(r.lib.min)}) | ${ratio(r.lib, r.hand)} | ${fmt(r.pure.median)} (${fmt(r.pure.min)}) | ${ratio(r.pure, r.hand)} |`,
    );
  return lines.join('\n');
}

function counted(objective) {
  const c = { grads: 0, values: 0, hvps: 0 };
  return {
    counts: c,
    objective: {
      valueAndGrad: (x, g) => {
        c.grads++;
        return objective.valueAndGrad(x, g);
      },
      value: (x) => {
        c.values++;
        return objective.valueAndGrad(x, new Float64Array(x.length));
      },
      hvp: (x, v, out) => {
        c.hvps++;
        objective.hvp(x, v, out);
      },
    },
  };
}

function rosenbrockTable() {
  // ∇²f at the optimum, for the quadratic-norm (preconditioned) row.
  const P = [[802, -400], [-400, 200]];
  const ROWS = [
    ['L-BFGS (memory 10) + Armijo', '—', () => lbfgs()],
    ['Newton-CG + Armijo', '— (Hessian via hvp)', () => newtonCg()],
    ['Newton-CG + Armijo, forcing min(0.5, √‖g‖)', '—', () => newtonCg({ forcing: 0.5 })],
    ['steepest descent, dual-scaled + Armijo', 'quadratic P = ∇²f(x*)', () => steepestDescent({ norm: quadratic({ matrix: P }), lr: 1, lineSearch: true })],
    ['steepest descent, dual-scaled + Armijo (= GD + Armijo)', 'ℓ2', () => steepestDescent({ norm: l2(), lr: 1, lineSearch: true })],
    ['steepest descent, dual-scaled + Armijo', 'ℓ3', () => steepestDescent({ norm: lp(3), lr: 1, lineSearch: true })],
    ['steepest descent, dual-scaled + Armijo (sign descent)', 'ℓ∞', () => steepestDescent({ norm: linf(), lr: 1, lineSearch: true })],
    ['steepest descent, dual-scaled + Armijo (coordinate descent)', 'ℓ1', () => steepestDescent({ norm: l1(), lr: 1, lineSearch: true })],
    ['GD, fixed lr 1e-3', 'ℓ2', () => sgd({ lr: 1e-3 })],
    ['momentum 0.9, lr 1e-4', 'ℓ2', () => momentum({ lr: 1e-4, beta: 0.9 })],
    ['Nesterov 0.9, lr 1e-4', 'ℓ2', () => nesterov({ lr: 1e-4, beta: 0.9 })],
    ['Adam, lr 0.01', '(diagonal, state-dependent)', () => adam({ lr: 0.01 })],
    ['RMSprop, lr 1e-3', '(diagonal, state-dependent)', () => rmsprop({ lr: 1e-3 })],
    ['Adagrad, lr 0.1', '(diagonal, state-dependent)', () => adagrad({ lr: 0.1 })],
    ['sign descent, fixed length 1e-3', 'ℓ∞', () => signDescent({ lr: 1e-3 })],
  ];
  const maxSteps = QUICK ? 5000 : 50000;
  const lines = [
    `Rosenbrock from (−1.2, 1); converged = ‖∇f‖₂ ≤ 1e-8; at most ${maxSteps} iterations.`,
    '',
    '| optimizer | norm | iterations | gradients | extra f evals | HVPs | stop | ‖x − (1,1)‖ |',
    '|---|---|---:|---:|---:|---:|---|---:|',
  ];
  for (const [name, norm, make] of ROWS) {
    log(`rosenbrock: ${name}`);
    const { counts, objective } = counted(rosenbrock);
    const t = descend(objective, Float64Array.of(-1.2, 1), make(), { steps: maxSteps, tol: 1e-8 });
    const x = t.points.subarray(t.steps * 2);
    const err = Math.hypot(x[0] - 1, x[1] - 1);
    lines.push(`| ${name} | ${norm} | ${t.stopReason === 'converged' ? t.steps : `> ${t.steps}`} | ${counts.grads} | ${counts.values} | ${counts.hvps} | ${t.stopReason} | ${err.toExponential(1)} |`);
  }
  return lines.join('\n');
}

console.log('## Optimizer step cost (median per step)\n');
console.log(stepCostTable());
console.log('\n## Iterations to tolerance on Rosenbrock\n');
console.log(rosenbrockTable());
