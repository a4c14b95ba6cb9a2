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
  chain,
  lbfgs,
  linf,
  lp,
  momentum,
  muon,
  nesterov,
  newtonCg,
  quadratic,
  rmsprop,
  scaleByLbfgs,
  scaleByLearningRate,
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
  {
    // Direction only (two-loop, memory 10) with a fixed rate: the line search's cost is f evaluations.
    name: 'L-BFGS direction (memory 10)',
    gradient: 'quadratic',
    make: () => chain(scaleByLbfgs({ memory: 10 }), scaleByLearningRate(LR)),
    hand: (n) => {
      const M = 10;
      const S = [];
      const Y = [];
      const R = [];
      const xp = new Float64Array(n);
      const gp = new Float64Array(n);
      const alpha = new Float64Array(M);
      let count = 0;
      return (x, g) => {
        if (count > 0) {
          let ys = 0;
          for (let i = 0; i < n; i++) ys += (x[i] - xp[i]) * (g[i] - gp[i]);
          if (ys > 1e-10) {
            const full = S.length >= M;
            const s = full ? S.shift() : new Float64Array(n);
            const y = full ? Y.shift() : new Float64Array(n);
            if (full) R.shift();
            for (let i = 0; i < n; i++) {
              s[i] = x[i] - xp[i];
              y[i] = g[i] - gp[i];
            }
            S.push(s);
            Y.push(y);
            R.push(1 / ys);
          }
        }
        xp.set(x);
        gp.set(g);
        count++;
        const k = S.length;
        if (k === 0) {
          let nn = 0;
          for (let i = 0; i < n; i++) nn += g[i] * g[i];
          const c = Math.sqrt(nn) > 1 ? 1 / Math.sqrt(nn) : 1;
          for (let i = 0; i < n; i++) x[i] -= LR * c * g[i];
          return;
        }
        for (let j = k - 1; j >= 0; j--) {
          const s = S[j];
          const y = Y[j];
          let a = 0;
          for (let i = 0; i < n; i++) a += s[i] * g[i];
          a *= R[j];
          alpha[j] = a;
          for (let i = 0; i < n; i++) g[i] -= a * y[i];
        }
        let yy = 0;
        let sy = 0;
        const yl = Y[k - 1];
        const sl = S[k - 1];
        for (let i = 0; i < n; i++) {
          yy += yl[i] * yl[i];
          sy += sl[i] * yl[i];
        }
        const gamma = sy / yy;
        for (let i = 0; i < n; i++) g[i] *= gamma;
        for (let j = 0; j < k; j++) {
          const s = S[j];
          const y = Y[j];
          let b = 0;
          for (let i = 0; i < n; i++) b += y[i] * g[i];
          const c = alpha[j] - b * R[j];
          for (let i = 0; i < n; i++) g[i] += c * s[i];
        }
        for (let i = 0; i < n; i++) x[i] -= LR * g[i];
      };
    },
  },
  {
    // Muon on one matrix (2×1 for n = 2; 250×400 for n = 1e5): EMA + Nesterov, Newton–Schulz (Keller,
    // 5 steps), shape factor, learning rate. The handwritten version is the same arithmetic, inlined.
    name: 'Muon (250×400 matrix at 1e5)',
    shape: (n) => (n === 2 ? [2, 1] : [250, 400]),
    make: () => muon({ lr: LR }),
    hand: (n) => {
      const [rows, cols] = n === 2 ? [2, 1] : [250, 400];
      const m = Math.min(rows, cols);
      const k = Math.max(rows, cols);
      const ema = new Float64Array(n);
      let X = new Float64Array(n);
      let next = new Float64Array(n);
      const A = new Float64Array(m * m);
      const B = new Float64Array(m * m);
      const [a, b, c] = [3.4445, -4.775, 2.0315];
      const factor = Math.sqrt(Math.max(1, rows / cols));
      return (x, g) => {
        let fro = 0;
        for (let i = 0; i < n; i++) {
          const e = 0.95 * ema[i] + 0.05 * g[i];
          ema[i] = e;
          const v = 0.05 * g[i] + 0.95 * e;
          g[i] = v;
          fro += v * v;
        }
        fro = Math.sqrt(fro);
        // X = (wide orientation of g) / ‖g‖_F
        for (let i = 0; i < m; i++)
          for (let j = 0; j < k; j++) X[i * k + j] = (rows > cols ? g[j * cols + i] : g[i * cols + j]) / fro;
        for (let step = 0; step < 5; step++) {
          for (let i = 0; i < m; i++)
            for (let j = i; j < m; j++) {
              let s = 0;
              for (let t = 0; t < k; t++) s += X[i * k + t] * X[j * k + t];
              A[i * m + j] = s;
              A[j * m + i] = s;
            }
          for (let i = 0; i < m; i++)
            for (let j = 0; j < m; j++) {
              let s = 0;
              for (let t = 0; t < m; t++) s += A[i * m + t] * A[t * m + j];
              B[i * m + j] = b * A[i * m + j] + c * s;
            }
          for (let i = 0; i < m; i++) {
            const row = next.subarray(i * k, (i + 1) * k);
            const xi = X.subarray(i * k, (i + 1) * k);
            for (let t = 0; t < k; t++) row[t] = a * xi[t];
            for (let j = 0; j < m; j++) {
              const bij = B[i * m + j];
              const xj = X.subarray(j * k, (j + 1) * k);
              for (let t = 0; t < k; t++) row[t] += bij * xj[t];
            }
          }
          [X, next] = [next, X];
        }
        for (let i = 0; i < m; i++)
          for (let j = 0; j < k; j++) {
            const o = X[i * k + j] * factor * LR;
            if (rows > cols) x[j * cols + i] -= o;
            else x[i * cols + j] -= o;
          }
      };
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
      const shape = c.shape ? c.shape(n) : [n];
      // The gradient each step: a fixed random vector, or the quadratic's d ⊙ x (L-BFGS needs it to change).
      const d = Float64Array.from({ length: n }, (_, i) => 1 + (i % 10));
      const gradInto = c.gradient === 'quadratic' ? (x, out) => { for (let i = 0; i < n; i++) out[i] = d[i] * x[i]; } : (_x, out) => out.set(g);
      // Library: the in-place path used by descend() / Optimizer.step().
      const t = c.make().transform;
      const x = randomArray(n, 3);
      const u = new Float64Array(n);
      const xb = [{ data: x, shape }];
      const ub = [{ data: u, shape }];
      const state = t.init(xb);
      const extra = { grad: ub };
      const libStep = () => {
        gradInto(x, u);
        t.apply(ub, state, xb, extra);
        for (let i = 0; i < n; i++) x[i] += u[i];
      };
      // Handwritten fused loop.
      const hx = randomArray(n, 3);
      const hg = new Float64Array(n);
      const h = c.hand(n);
      const handStep = () => {
        gradInto(hx, hg); // the gradient evaluation's output lands in a buffer, as in the library step
        h(hx, hg);
      };
      // Pure tree API: update() copies state, applyUpdates() builds a new Tensor.
      const opt = c.make();
      let px = new Tensor(randomArray(n, 3), shape);
      let pstate = opt.init(px);
      const pg = new Float64Array(n);
      const pureStep = () => {
        gradInto(px.data, pg);
        const r = opt.update(new Tensor(pg, shape), pstate, px);
        pstate = r.state;
        px = applyUpdates(px, r.updates);
      };
      const slow = c.name.startsWith('Muon') && n > 2;
      const [hand, lib, pure] = timeInterleaved([handStep, libStep, pureStep], [batch, batch, Math.max(1, Math.floor(batch / 4))], slow ? 3 : samples);
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
