// Handwritten float64 baselines: hand-derived gradients, fused loops, buffers allocated once in
// setup and reused by every call. This is the bar every ratio in the table is measured against.
// Inputs are read from typed arrays on every call, so V8 cannot constant-fold the answers.

import { MLP } from '../workloads.mjs';

let copies = 0;

/**
 * Instantiates a self-contained cell factory from its own copy of the source. When several cells
 * share one function, V8 11.3 shares the optimised code but not the feedback and falls into a
 * deopt loop ("insufficient type feedback"), making the second W2 cell ~3× slower than the first
 * and W4 up to 2.6× slower depending on run order. The unique sourceURL defeats V8's cache of
 * compiled `new Function` sources, so each cell gets its own function (and a name in profiles).
 */
function fresh(f) {
  return new Function(`return ${f.toString()}\n//# sourceURL=handwritten-${f.name}-${++copies}.js`)();
}
function instantiate(factory, ...args) {
  return fresh(factory)(...args);
}

function notesCell(input) {
  const value = new Float64Array(1);
  const gradient = new Float64Array(2);
  return () => {
    const x1 = input[0];
    const x2 = input[1];
    value[0] = Math.log(x1) + x1 * x2 - Math.sin(x2);
    gradient[0] = 1 / x1 + x2;
    gradient[1] = x1 - Math.cos(x2);
    return [value, gradient];
  };
}

/** One pass: term i writes ∂/∂x_{i+1} and completes ∂/∂x_i, so the gradient needs no clearing. */
function rosenbrockCell(x, n) {
  const value = new Float64Array(1);
  const gradient = new Float64Array(n);
  return () => {
    let f = 0;
    let carry = 0;
    for (let i = 0; i < n - 1; i++) {
      const xi = x[i];
      const r = x[i + 1] - xi * xi;
      const a = 1 - xi;
      f += 100 * r * r + a * a;
      gradient[i] = carry - 400 * xi * r - 2 * a;
      carry = 200 * r;
    }
    gradient[n - 1] = carry;
    value[0] = f;
    return [value, gradient];
  };
}

/** Term i adds [[1200·x_i² − 400·x_{i+1} + 2, −400·x_i], [−400·x_i, 200]]·(v_i, v_{i+1}). */
function hvpCell(x, v, n) {
  const out = new Float64Array(n);
  return () => {
    let carry = 0;
    for (let i = 0; i < n - 1; i++) {
      const xi = x[i];
      const vi = v[i];
      const vNext = v[i + 1];
      const cross = -400 * xi;
      out[i] = carry + (1200 * xi * xi - 400 * x[i + 1] + 2) * vi + cross * vNext;
      carry = cross * vi + 200 * vNext;
    }
    out[n - 1] = carry;
    return [out];
  };
}

// Small dense kernels, which V8 optimises better than one loop nest. Every call site gets its own
// copy (see `instantiate`): when one matmulTransposedLeft served both ∂w2 (10 columns) and ∂w1
// (128 columns), V8 kept code tuned for whichever ran first and W3 took 17 or 56 ms by process.

/** out[r×c] = a[r×k]·b[k×c] + bias[c] (i-k-j order, contiguous inner loop). */
function matmulBias(a, b, bias, out, rows, inner, cols) {
  for (let i = 0; i < rows; i++) {
    const o = i * cols;
    for (let j = 0; j < cols; j++) out[o + j] = bias[j];
    for (let k = 0; k < inner; k++) {
      const aik = a[i * inner + k];
      const bk = k * cols;
      for (let j = 0; j < cols; j++) out[o + j] += aik * b[bk + j];
    }
  }
}

/** out[k×c] = aᵀ·b with a[r×k], b[r×c]. */
function matmulTransposedLeft(a, b, out, rows, inner, cols) {
  out.fill(0);
  for (let i = 0; i < rows; i++) {
    const bi = i * cols;
    for (let k = 0; k < inner; k++) {
      const aik = a[i * inner + k];
      const o = k * cols;
      for (let j = 0; j < cols; j++) out[o + j] += aik * b[bi + j];
    }
  }
}

/** out[r×k] = a·bᵀ with a[r×c], b[k×c]. */
function matmulTransposedRight(a, b, out, rows, cols, inner) {
  for (let i = 0; i < rows; i++) {
    for (let k = 0; k < inner; k++) {
      let s = 0;
      for (let j = 0; j < cols; j++) s += a[i * cols + j] * b[k * cols + j];
      out[i * inner + k] = s;
    }
  }
}

function columnSums(a, out, rows, cols) {
  out.fill(0);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j] += a[i * cols + j];
}

/** Forward, then backprop by hand, with one private kernel per call site (`k`). */
function mlpCell(x, labels, w1, b1, w2, b2, batch, inputs, hidden, classes, k) {
  const h = new Float64Array(batch * hidden);
  const logits = new Float64Array(batch * classes);
  const dh = new Float64Array(batch * hidden);
  const loss = new Float64Array(1);
  const gw1 = new Float64Array(inputs * hidden);
  const gb1 = new Float64Array(hidden);
  const gw2 = new Float64Array(hidden * classes);
  const gb2 = new Float64Array(classes);
  return () => {
    k.hidden(x, w1, b1, h, batch, inputs, hidden);
    for (let i = 0; i < h.length; i++) h[i] = Math.tanh(h[i]);
    k.logits(h, w2, b2, logits, batch, hidden, classes);
    // Softmax cross-entropy; logits are overwritten by ∂loss/∂logits = (softmax − onehot)/B.
    let total = 0;
    for (let b = 0; b < batch; b++) {
      const o = b * classes;
      const target = logits[o + labels[b]];
      let top = -Infinity;
      for (let c = 0; c < classes; c++) top = Math.max(top, logits[o + c]);
      let sumExp = 0;
      for (let c = 0; c < classes; c++) {
        const e = Math.exp(logits[o + c] - top);
        sumExp += e;
        logits[o + c] = e;
      }
      total += top + Math.log(sumExp) - target;
      for (let c = 0; c < classes; c++) logits[o + c] = (logits[o + c] / sumExp - (c === labels[b] ? 1 : 0)) / batch;
    }
    loss[0] = total / batch;
    k.gradW2(h, logits, gw2, batch, hidden, classes);
    k.gradB2(logits, gb2, batch, classes);
    k.gradH(logits, w2, dh, batch, classes, hidden);
    for (let i = 0; i < dh.length; i++) dh[i] *= 1 - h[i] * h[i];
    k.gradB1(dh, gb1, batch, hidden);
    k.gradW1(x, dh, gw1, batch, inputs, hidden);
    return [loss, gw1, gb1, gw2, gb2];
  };
}

/** The analytic J = diag(1 − y²)·M, whatever the mode. */
function jacobianCell(matrix, x, rows, cols) {
  const out = new Float64Array(rows * cols);
  return () => {
    for (let i = 0; i < rows; i++) {
      const o = i * cols;
      let z = 0;
      for (let j = 0; j < cols; j++) z += matrix[o + j] * x[j];
      const y = Math.tanh(z);
      const slope = 1 - y * y;
      for (let j = 0; j < cols; j++) out[o + j] = slope * matrix[o + j];
    }
    return [out];
  };
}

function descentCell(start, learningRate, steps) {
  const out = new Float64Array(2);
  return () => {
    let x = start[0];
    let y = start[1];
    for (let step = 0; step < steps; step++) {
      const r = y - x * x;
      const gx = -2 * (1 - x) - 400 * x * r;
      const gy = 200 * r;
      x -= learningRate * gx;
      y -= learningRate * gy;
    }
    out[0] = x;
    out[1] = y;
    return [out];
  };
}

const builders = {
  notes: ({ x1, x2 }) => instantiate(notesCell, Float64Array.of(x1, x2)),
  rosenbrock: ({ x, n }) => instantiate(rosenbrockCell, x, n),
  hvp: ({ x, v, n }) => instantiate(hvpCell, x, v, n),
  mlp: ({ x, labels, w1, b1, w2, b2 }) => {
    const kernels = {
      hidden: fresh(matmulBias),
      logits: fresh(matmulBias),
      gradW2: fresh(matmulTransposedLeft),
      gradB2: fresh(columnSums),
      gradH: fresh(matmulTransposedRight),
      gradB1: fresh(columnSums),
      gradW1: fresh(matmulTransposedLeft),
    };
    return instantiate(mlpCell, x, labels, w1, b1, w2, b2, MLP.batch, MLP.inputs, MLP.hidden, MLP.classes, kernels);
  },
  jacobian: ({ matrix, x, rows, cols }) => instantiate(jacobianCell, matrix, x, rows, cols),
  descent: ({ start, learningRate, steps }) => instantiate(descentCell, Float64Array.from(start), learningRate, steps),
};

export function createHandwritten() {
  return {
    id: 'handwritten',
    label: 'handwritten (f64)',
    async load() {},
    setup(workload) {
      return { run: builders[workload.kind](workload.data()) };
    },
  };
}
