// TensorFlow.js 4.22.0, cpu backend (pure JS, float32 only), written the way its docs suggest:
// tf.valueAndGrad(s) inside tf.tidy, results read back with dataSync().
// The union package is imported because the tfjs-core Node bundle registers no gradients.

import { MLP } from '../workloads.mjs';

let tf;

const f32 = (array) => Float32Array.from(array);

function notes(_workload, { x1, x2 }) {
  const a = tf.scalar(x1);
  const b = tf.scalar(x2);
  const valueAndGrads = tf.valueAndGrads((u, v) => tf.log(u).add(u.mul(v)).sub(tf.sin(v)));
  return () =>
    tf.tidy(() => {
      const { value, grads } = valueAndGrads([a, b]);
      return [value.dataSync(), tf.concat(grads.map((g) => g.reshape([1]))).dataSync()];
    });
}

function rosenbrockOf(n) {
  return (x) => {
    const head = x.slice(0, n - 1);
    const tail = x.slice(1, n - 1);
    return tf.sub(tail, head.square()).square().mul(100).add(tf.sub(1, head).square()).sum();
  };
}

function rosenbrock(_workload, { x, n }) {
  const input = tf.tensor1d(f32(x));
  const valueAndGrad = tf.valueAndGrad(rosenbrockOf(n));
  return () =>
    tf.tidy(() => {
      const { value, grad } = valueAndGrad(input);
      return [value.dataSync(), grad.dataSync()];
    });
}

/** Reverse over reverse: ∇⟨∇f(x), v⟩ = H·v (tfjs has no forward mode). */
function hvp(_workload, { x, v, n }) {
  const input = tf.tensor1d(f32(x));
  const direction = tf.tensor1d(f32(v));
  const gradient = tf.grad(rosenbrockOf(n));
  const hessianVector = tf.grad((p) => gradient(p).mul(direction).sum());
  return () => tf.tidy(() => [hessianVector(input).dataSync()]);
}

function mlp(_workload, data) {
  const { batch, inputs, hidden, classes } = MLP;
  const x = tf.tensor2d(f32(data.x), [batch, inputs]);
  const oneHot = tf.tensor2d(f32(data.oneHot), [batch, classes]);
  const params = [
    tf.tensor2d(f32(data.w1), [inputs, hidden]),
    tf.tensor1d(f32(data.b1)),
    tf.tensor2d(f32(data.w2), [hidden, classes]),
    tf.tensor1d(f32(data.b2)),
  ];
  const valueAndGrads = tf.valueAndGrads((w1, b1, w2, b2) => {
    const h = tf.tanh(x.matMul(w1).add(b1));
    const logits = h.matMul(w2).add(b2);
    return tf.logSumExp(logits, 1).sub(logits.mul(oneHot).sum(1)).mean();
  });
  return () =>
    tf.tidy(() => {
      const { value, grads } = valueAndGrads(params);
      return [value.dataSync(), ...grads.map((g) => g.dataSync())];
    });
}

/** Reverse mode only: one VJP per output row, seeded with the unit vector e_i. */
function jacobian(workload, { matrix, x, rows, cols }) {
  if (workload.mode !== 'reverse') return null;
  const m = tf.tensor2d(f32(matrix), [rows, cols]);
  const input = tf.tensor1d(f32(x));
  const seeds = tf.unstack(tf.eye(rows));
  const vjp = tf.grad((p) => tf.tanh(m.matMul(p.reshape([cols, 1]))).reshape([rows]));
  return () => tf.tidy(() => [tf.stack(seeds.map((seed) => vjp(input, seed))).dataSync()]);
}

function descent(_workload, { start, learningRate, steps }) {
  const grads = tf.grads((x, y) => tf.sub(1, x).square().add(y.sub(x.square()).square().mul(100)));
  return () => {
    let x = tf.scalar(start[0]);
    let y = tf.scalar(start[1]);
    for (let step = 0; step < steps; step++) {
      const [nextX, nextY] = tf.tidy(() => {
        const [gx, gy] = grads([x, y]);
        return [x.sub(gx.mul(learningRate)), y.sub(gy.mul(learningRate))];
      });
      x.dispose();
      y.dispose();
      x = nextX;
      y = nextY;
    }
    const out = Float64Array.of(x.dataSync()[0], y.dataSync()[0]);
    x.dispose();
    y.dispose();
    return [out];
  };
}

const builders = { notes, rosenbrock, hvp, mlp, jacobian, descent };

export function createTfjs() {
  return {
    id: 'tfjs',
    label: 'TF.js cpu (f32)',
    async load() {
      tf = await import('@tensorflow/tfjs');
      tf.enableProdMode();
      await tf.setBackend('cpu');
      await tf.ready();
    },
    setup(workload) {
      const run = builders[workload.kind](workload, workload.data());
      return run && { run };
    },
  };
}
