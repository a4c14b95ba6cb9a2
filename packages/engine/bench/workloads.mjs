// Benchmark workloads: deterministic inputs and float64 reference answers from plain,
// hand-derived formulas. Every system's `run()` is checked against `reference(data)`.
// `node bench/workloads.mjs --selftest` checks the hand-derived gradients against central differences.

import { pathToFileURL } from 'node:url';

/** Seeded uniform generator (mulberry32), so every process sees the same inputs. */
export function seededRandom(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function uniformArray(length, low, high, seed) {
  const random = seededRandom(seed);
  const out = new Float64Array(length);
  for (let i = 0; i < length; i++) out[i] = low + (high - low) * random();
  return out;
}

// ---------------------------------------------------------------- W1: the notes' function

/** f(x1, x2) = ln(x1) + x1·x2 − sin(x2); ∇f = (1/x1 + x2, x1 − cos(x2)). */
export function notesFunction(x1, x2) {
  return Math.log(x1) + x1 * x2 - Math.sin(x2);
}

function w1Reference({ x1, x2 }) {
  return [
    Float64Array.of(notesFunction(x1, x2)),
    Float64Array.of(1 / x1 + x2, x1 - Math.cos(x2)),
  ];
}

// ---------------------------------------------------------------- W2/W5: extended Rosenbrock

/**
 * Extended Rosenbrock in its chained form (scipy.optimize.rosen):
 * f(x) = Σ_{i<n−1} 100·(x_{i+1} − x_i²)² + (1 − x_i)², written with the slices x[1:] and x[:−1].
 */
export function rosenbrock(x) {
  let f = 0;
  for (let i = 0; i < x.length - 1; i++) {
    const r = x[i + 1] - x[i] * x[i];
    f += 100 * r * r + (1 - x[i]) * (1 - x[i]);
  }
  return f;
}

/** ∂f/∂x_i gets −400·x_i·r_i − 2·(1 − x_i) from term i and 200·r_{i−1} from term i−1. */
export function rosenbrockGradient(x) {
  const n = x.length;
  const g = new Float64Array(n);
  for (let i = 0; i < n - 1; i++) {
    const r = x[i + 1] - x[i] * x[i];
    g[i] += -400 * x[i] * r - 2 * (1 - x[i]);
    g[i + 1] += 200 * r;
  }
  return g;
}

/** Term i has Hessian [[1200·x_i² − 400·x_{i+1} + 2, −400·x_i], [−400·x_i, 200]] in (x_i, x_{i+1}). */
export function rosenbrockHessianVector(x, v) {
  const n = x.length;
  const hv = new Float64Array(n);
  for (let i = 0; i < n - 1; i++) {
    const diagonal = 1200 * x[i] * x[i] - 400 * x[i + 1] + 2;
    hv[i] += diagonal * v[i] - 400 * x[i] * v[i + 1];
    hv[i + 1] += -400 * x[i] * v[i] + 200 * v[i + 1];
  }
  return hv;
}

// ---------------------------------------------------------------- W3: MLP 784-128-10

export const MLP = { batch: 64, inputs: 784, hidden: 128, classes: 10 };

function mlpData() {
  const { batch, inputs, hidden, classes } = MLP;
  const labels = new Int32Array(batch);
  const random = seededRandom(31);
  for (let b = 0; b < batch; b++) labels[b] = Math.floor(random() * classes);
  const oneHot = new Float64Array(batch * classes);
  for (let b = 0; b < batch; b++) oneHot[b * classes + labels[b]] = 1;
  const scale1 = Math.sqrt(6 / (inputs + hidden));
  const scale2 = Math.sqrt(6 / (hidden + classes));
  return {
    x: uniformArray(batch * inputs, 0, 1, 32),
    labels,
    oneHot,
    w1: uniformArray(inputs * hidden, -scale1, scale1, 33),
    b1: uniformArray(hidden, -0.1, 0.1, 34),
    w2: uniformArray(hidden * classes, -scale2, scale2, 35),
    b2: uniformArray(classes, -0.1, 0.1, 36),
  };
}

/** loss = mean_b(logsumexp(logits_b) − logits_b[label_b]), logits = tanh(x·w1 + b1)·w2 + b2. */
export function mlpLoss({ x, labels, w1, b1, w2, b2 }) {
  const { batch, hidden, classes } = MLP;
  let loss = 0;
  const h = new Float64Array(hidden);
  const logits = new Float64Array(classes);
  for (let b = 0; b < batch; b++) loss += mlpSample({ x, labels, w1, b1, w2, b2 }, b, h, logits).loss;
  return loss / batch;
}

/** Forward pass of sample b: fills h (hidden activations) and logits; returns its loss, max logit and Σexp. */
function mlpSample({ x, labels, w1, b1, w2, b2 }, b, h, logits) {
  const { inputs, hidden, classes } = MLP;
  for (let j = 0; j < hidden; j++) {
    let z = b1[j];
    for (let i = 0; i < inputs; i++) z += x[b * inputs + i] * w1[i * hidden + j];
    h[j] = Math.tanh(z);
  }
  let top = -Infinity;
  for (let c = 0; c < classes; c++) {
    let z = b2[c];
    for (let j = 0; j < hidden; j++) z += h[j] * w2[j * classes + c];
    logits[c] = z;
    top = Math.max(top, z);
  }
  let sumExp = 0;
  for (let c = 0; c < classes; c++) sumExp += Math.exp(logits[c] - top);
  return { loss: top + Math.log(sumExp) - logits[labels[b]], top, sumExp };
}

/** Backprop by hand: dlogits = (softmax − onehot)/B, dz1 = (dlogits·w2ᵀ)·(1 − h²). */
function mlpReference(data) {
  const { x, labels, w2 } = data;
  const { batch, inputs, hidden, classes } = MLP;
  const gw1 = new Float64Array(inputs * hidden);
  const gb1 = new Float64Array(hidden);
  const gw2 = new Float64Array(hidden * classes);
  const gb2 = new Float64Array(classes);
  const h = new Float64Array(hidden);
  const logits = new Float64Array(classes);
  const dz1 = new Float64Array(hidden);
  let loss = 0;
  for (let b = 0; b < batch; b++) {
    const sample = mlpSample(data, b, h, logits);
    const { top, sumExp } = sample;
    loss += sample.loss;
    for (let c = 0; c < classes; c++) {
      const dlogit = (Math.exp(logits[c] - top) / sumExp - (c === labels[b] ? 1 : 0)) / batch;
      gb2[c] += dlogit;
      for (let j = 0; j < hidden; j++) gw2[j * classes + c] += h[j] * dlogit;
      logits[c] = dlogit;
    }
    for (let j = 0; j < hidden; j++) {
      let dh = 0;
      for (let c = 0; c < classes; c++) dh += logits[c] * w2[j * classes + c];
      dz1[j] = dh * (1 - h[j] * h[j]);
      gb1[j] += dz1[j];
    }
    for (let i = 0; i < inputs; i++) {
      const xi = x[b * inputs + i];
      for (let j = 0; j < hidden; j++) gw1[i * hidden + j] += xi * dz1[j];
    }
  }
  return [Float64Array.of(loss / batch), gw1, gb1, gw2, gb2];
}

// ---------------------------------------------------------------- W4: Jacobian of tanh(M·x)

export function tanhMatVec(matrix, x, rows, cols) {
  const y = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    let z = 0;
    for (let j = 0; j < cols; j++) z += matrix[i * cols + j] * x[j];
    y[i] = Math.tanh(z);
  }
  return y;
}

/** J = diag(1 − y²)·M, row-major rows × cols. */
function tanhMatVecJacobian({ matrix, x, rows, cols }) {
  const y = tanhMatVec(matrix, x, rows, cols);
  const jacobian = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) jacobian[i * cols + j] = (1 - y[i] * y[i]) * matrix[i * cols + j];
  }
  return [jacobian];
}

function jacobianData(rows, cols, seed) {
  // Entries scaled by 1/√cols keep M·x of order one, so tanh is not saturated.
  const scale = 1.5 / Math.sqrt(cols);
  return {
    rows,
    cols,
    matrix: uniformArray(rows * cols, -scale, scale, seed),
    x: uniformArray(cols, -1, 1, seed + 1),
  };
}

// ---------------------------------------------------------------- W6: gradient descent, 2-D Rosenbrock

export const DESCENT = { start: [-1.2, 1], learningRate: 1e-3, steps: 100 };

/** f(x, y) = (1 − x)² + 100·(y − x²)²; ∇f = (−2(1 − x) − 400·x·(y − x²), 200·(y − x²)). */
export function rosenbrock2Gradient(x, y) {
  const r = y - x * x;
  return [-2 * (1 - x) - 400 * x * r, 200 * r];
}

function descentReference({ start, learningRate, steps }) {
  let [x, y] = start;
  for (let step = 0; step < steps; step++) {
    const [gx, gy] = rosenbrock2Gradient(x, y);
    x -= learningRate * gx;
    y -= learningRate * gy;
  }
  return [Float64Array.of(x, y)];
}

// ---------------------------------------------------------------- registry

const cache = new Map();
function memo(key, make) {
  if (!cache.has(key)) cache.set(key, make());
  return cache.get(key);
}

const rosenbrockData = (n) =>
  memo(`rosenbrock-${n}`, () => ({ n, x: uniformArray(n, -1.5, 1.5, 20 + n), v: uniformArray(n, -1, 1, 21 + n) }));
const jacobianShapes = {
  tall: () => memo('tall', () => jacobianData(1000, 4, 40)),
  wide: () => memo('wide', () => jacobianData(4, 1000, 50)),
};

function jacobianWorkload(shape, mode) {
  const size = shape === 'tall' ? '1000×4' : '4×1000';
  return {
    id: `w4-${shape}-${mode}`,
    kind: 'jacobian',
    shape,
    mode,
    title: `W4 Jacobian ${shape} ${size}, ${mode}`,
    outputs: ['J'],
    data: jacobianShapes[shape],
    reference: tanhMatVecJacobian,
  };
}

/**
 * Each workload: `id`, `kind` (selects the system's setup), `title`, `outputs` (names of the typed
 * arrays `run()` returns, in order), `data()` (memoised inputs), `reference(data)`, and
 * `callsPerRun` when one `run()` does several timed units (W6: 100 steps).
 */
export const WORKLOADS = [
  {
    id: 'w1',
    kind: 'notes',
    title: 'W1 notes f, value+grad',
    outputs: ['f', '∇f'],
    data: () => ({ x1: 2, x2: 5 }),
    reference: w1Reference,
  },
  ...[1e3, 1e5].map((n) => ({
    id: `w2-${n === 1e3 ? '1e3' : '1e5'}`,
    kind: 'rosenbrock',
    title: `W2 Rosenbrock n=${n === 1e3 ? '1e3' : '1e5'}, value+grad`,
    outputs: ['f', '∇f'],
    data: () => rosenbrockData(n),
    reference: ({ x }) => [Float64Array.of(rosenbrock(x)), rosenbrockGradient(x)],
  })),
  {
    id: 'w3',
    kind: 'mlp',
    title: 'W3 MLP 784-128-10, b=64',
    outputs: ['loss', '∂w1', '∂b1', '∂w2', '∂b2'],
    data: () => memo('mlp', mlpData),
    reference: mlpReference,
  },
  ...['tall', 'wide'].flatMap((shape) => ['auto', 'forward', 'reverse'].map((mode) => jacobianWorkload(shape, mode))),
  {
    id: 'w5',
    kind: 'hvp',
    title: 'W5 Rosenbrock HVP n=1e3',
    outputs: ['H·v'],
    data: () => rosenbrockData(1e3),
    reference: ({ x, v }) => [rosenbrockHessianVector(x, v)],
  },
  {
    id: 'w6',
    kind: 'descent',
    title: 'W6 GD step, 2-D Rosenbrock',
    outputs: ['point after 100 steps'],
    callsPerRun: DESCENT.steps,
    data: () => DESCENT,
    reference: descentReference,
  },
];

/** max |a − r| / max |r| over every output array of a workload (the anchors' metric). */
export function maxRelativeError(actual, reference) {
  if (!Array.isArray(actual) || actual.length !== reference.length) return Infinity;
  let worst = 0;
  for (let k = 0; k < reference.length; k++) {
    const a = actual[k];
    const r = reference[k];
    if (!a || a.length !== r.length) return Infinity;
    let error = 0;
    let scale = 0;
    for (let i = 0; i < r.length; i++) {
      const difference = Math.abs(a[i] - r[i]);
      if (!(difference <= error)) error = Number.isNaN(difference) ? Infinity : difference;
      scale = Math.max(scale, Math.abs(r[i]));
    }
    worst = Math.max(worst, error / (scale || 1));
  }
  return worst;
}

// ---------------------------------------------------------------- self-test

function centralDifference(f, x, index, step) {
  const h = step * Math.max(1, Math.abs(x[index]));
  const saved = x[index];
  x[index] = saved + h;
  const up = f(x);
  x[index] = saved - h;
  const down = f(x);
  x[index] = saved;
  if (typeof up === 'number') return (up - down) / (2 * h);
  return up.map((u, i) => (u - down[i]) / (2 * h));
}

function check(name, analytic, numeric, tolerance, failures) {
  const a = Array.isArray(analytic) || ArrayBuffer.isView(analytic) ? Array.from(analytic) : [analytic];
  const b = Array.isArray(numeric) || ArrayBuffer.isView(numeric) ? Array.from(numeric) : [numeric];
  const scale = Math.max(...b.map(Math.abs)) || 1;
  const error = Math.max(...a.map((v, i) => Math.abs(v - b[i]))) / scale;
  const ok = error <= tolerance;
  if (!ok) failures.push(name);
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}: relative error ${error.toExponential(2)} (tolerance ${tolerance})`);
}

export function selftest() {
  const failures = [];
  const step = 1e-6;

  // W1, including the notes' numbers (v5 = 11.652, x̄1 = 5.5, x̄2 = 1.716).
  const [w1Value, w1Gradient] = w1Reference({ x1: 2, x2: 5 });
  check('W1 value = 11.652 (notes)', Math.round(w1Value[0] * 1000) / 1000, 11.652, 0, failures);
  check('W1 ∇f = (5.5, 1.716) (notes)', [w1Gradient[0], Math.round(w1Gradient[1] * 1000) / 1000], [5.5, 1.716], 0, failures);
  const w1f = (x) => notesFunction(x[0], x[1]);
  check('W1 ∇f vs central differences', w1Gradient, [0, 1].map((i) => centralDifference(w1f, [2, 5], i, step)), 1e-8, failures);

  // W2 on every coordinate of n = 10 and 20 coordinates of n = 1e3.
  const small = uniformArray(10, -1.5, 1.5, 7);
  check('W2 n=10 ∇f vs central differences', rosenbrockGradient(small), [...small.keys()].map((i) => centralDifference(rosenbrock, small, i, step)), 1e-7, failures);
  const { x, v } = rosenbrockData(1e3);
  const picks = Array.from({ length: 20 }, (_, k) => Math.floor((k * 997) % 1000));
  const g = rosenbrockGradient(x);
  check('W2 n=1e3 ∇f vs central differences (20 coordinates)', picks.map((i) => g[i]), picks.map((i) => centralDifference(rosenbrock, x, i, step)), 1e-7, failures);

  // W5: H·v against the central difference of the gradient along v.
  const hv = rosenbrockHessianVector(x, v);
  const h = 1e-5;
  const up = rosenbrockGradient(x.map((xi, i) => xi + h * v[i]));
  const down = rosenbrockGradient(x.map((xi, i) => xi - h * v[i]));
  check('W5 H·v vs central difference of ∇f along v', hv, up.map((u, i) => (u - down[i]) / (2 * h)), 1e-7, failures);

  // W3: loss and 8 coordinates of each gradient.
  const data = mlpData();
  const [loss, gw1, gb1, gw2, gb2] = mlpReference(data);
  check('W3 loss (two evaluations agree)', loss[0], mlpLoss(data), 1e-14, failures);
  for (const [name, gradient] of Object.entries({ w1: gw1, b1: gb1, w2: gw2, b2: gb2 })) {
    const params = data[name];
    const indices = Array.from({ length: 8 }, (_, k) => Math.floor(((k + 0.5) / 8) * params.length));
    const numeric = indices.map((i) => centralDifference((p) => mlpLoss({ ...data, [name]: p }), params, i, step));
    check(`W3 ∂loss/∂${name} vs central differences (8 coordinates)`, indices.map((i) => gradient[i]), numeric, 1e-6, failures);
  }

  // W4: every column of the tall Jacobian and 10 columns of the wide one.
  for (const shape of ['tall', 'wide']) {
    const d = jacobianShapes[shape]();
    const [jacobian] = tanhMatVecJacobian(d);
    const columns = shape === 'tall' ? [0, 1, 2, 3] : Array.from({ length: 10 }, (_, k) => k * 97);
    const analytic = [];
    const numeric = [];
    for (const j of columns) {
      const column = centralDifference((p) => tanhMatVec(d.matrix, p, d.rows, d.cols), Float64Array.from(d.x), j, step);
      for (let i = 0; i < d.rows; i++) {
        analytic.push(jacobian[i * d.cols + j]);
        numeric.push(column[i]);
      }
    }
    check(`W4 ${shape} Jacobian columns vs central differences`, analytic, numeric, 1e-8, failures);
  }

  // W6: the 2-D gradient at the start point, f = 24.2 and ∇f = (−215.6, −88) (optim notes).
  const [gx, gy] = rosenbrock2Gradient(-1.2, 1);
  check('W6 ∇f(−1.2, 1) = (−215.6, −88)', [gx, gy], [-215.6, -88], 1e-12, failures);
  const f2 = (p) => (1 - p[0]) ** 2 + 100 * (p[1] - p[0] ** 2) ** 2;
  check('W6 ∇f vs central differences', [gx, gy], [0, 1].map((i) => centralDifference(f2, [-1.2, 1], i, step)), 1e-8, failures);
  const [end] = descentReference(DESCENT);
  check('W6 descent decreases f', f2(end) < f2(DESCENT.start) ? 1 : 0, 1, 0, failures);

  console.log(failures.length === 0 ? 'selftest passed' : `selftest FAILED: ${failures.join('; ')}`);
  return failures.length === 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href && process.argv.includes('--selftest')) {
  process.exitCode = selftest() ? 0 : 1;
}
