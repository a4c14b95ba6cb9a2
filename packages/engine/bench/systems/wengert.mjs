// Wengert (this package), float64, written the way a user would: plain numbers for W1 and W6,
// Tensor vector ops for W2/W5, a params object for W3, `jacobian(f, {mode})` for W4. Eager by
// default; the `jit` variant wraps the same transformed functions in `jit(...)`.
// Imports the built engine (dist/), so run `pnpm --filter @wengert/engine build` first.

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MLP } from '../workloads.mjs';

const distUrl = new URL('../../dist/index.js', import.meta.url);
let w;
let compile = (f) => f;

const toNumber = (value) => (typeof value === 'number' ? value : value.item());
const dataOf = (value) => (typeof value === 'number' ? Float64Array.of(value) : value.data);

function rosenbrockOf(n) {
  const { add, mul, sub, square, sum, slice } = w;
  return (x) => {
    const head = slice(x, [0], [n - 1]);
    const tail = slice(x, [1], [n - 1]);
    return sum(add(mul(100, square(sub(tail, square(head)))), square(sub(1, head))));
  };
}

const builders = {
  notes(_workload, { x1, x2 }) {
    const { add, sub, mul, log, sin, valueAndGrad } = w;
    const valueAndGradient = compile(valueAndGrad((a, b) => sub(add(log(a), mul(a, b)), sin(b)), { argnums: [0, 1] }));
    return () => {
      const [value, [ga, gb]] = valueAndGradient(x1, x2);
      return [Float64Array.of(toNumber(value)), Float64Array.of(toNumber(ga), toNumber(gb))];
    };
  },

  rosenbrock(_workload, { x, n }) {
    const input = w.tensor(x);
    const valueAndGradient = compile(w.valueAndGrad(rosenbrockOf(n)));
    return () => {
      const [value, gradient] = valueAndGradient(input);
      return [Float64Array.of(toNumber(value)), gradient.data];
    };
  },

  hvp(_workload, { x, v, n }) {
    const input = w.tensor(x);
    const direction = w.tensor(v);
    const f = rosenbrockOf(n);
    const hessianVector = compile((p, t) => w.hvp(f, [p], [t]));
    return () => [dataOf(hessianVector(input, direction))];
  },

  mlp(_workload, data) {
    const { batch, inputs, hidden, classes } = MLP;
    const { add, sub, mul, tanh, matmul, sum, mean, logsumexp, tensor, reshape } = w;
    const shaped = (values, shape) => reshape(tensor(values), shape);
    const x = shaped(data.x, [batch, inputs]);
    const oneHot = shaped(data.oneHot, [batch, classes]);
    const params = {
      w1: shaped(data.w1, [inputs, hidden]),
      b1: tensor(data.b1),
      w2: shaped(data.w2, [hidden, classes]),
      b2: tensor(data.b2),
    };
    const loss = (p) => {
      const h = tanh(add(matmul(x, p.w1), p.b1));
      const logits = add(matmul(h, p.w2), p.b2);
      return mean(sub(logsumexp(logits, 1), sum(mul(logits, oneHot), 1)));
    };
    const valueAndGradient = compile(w.valueAndGrad(loss));
    return () => {
      const [value, g] = valueAndGradient(params);
      return [Float64Array.of(toNumber(value)), g.w1.data, g.b1.data, g.w2.data, g.b2.data];
    };
  },

  jacobian(workload, { matrix, x, rows, cols }) {
    const m = w.reshape(w.tensor(matrix), [rows, cols]);
    const input = w.tensor(x);
    const jacobian = compile(w.jacobian((p) => w.tanh(w.matmul(m, p)), { mode: workload.mode }));
    return () => [jacobian(input).data];
  },

  descent(_workload, { start, learningRate, steps }) {
    const { add, sub, mul, square, grad } = w;
    const gradient = compile(grad(([x, y]) => add(square(sub(1, x)), mul(100, square(sub(y, square(x)))))));
    return () => {
      let point = [start[0], start[1]];
      for (let k = 0; k < steps; k++) {
        const [gx, gy] = gradient(point);
        point = [point[0] - learningRate * gx, point[1] - learningRate * gy];
      }
      return [Float64Array.of(point[0], point[1])];
    };
  },
};

export function createWengert({ jit = false } = {}) {
  return {
    id: jit ? 'wengert-jit' : 'wengert',
    label: jit ? 'Wengert jit (f64)' : 'Wengert (f64)',
    async load() {
      if (!existsSync(fileURLToPath(distUrl))) {
        throw new Error('packages/engine/dist/index.js is missing: build the engine first (pnpm --filter @wengert/engine build)');
      }
      w = await import(distUrl.href);
      if (jit && typeof w.jit !== 'function') throw new Error('this build of the engine exports no jit');
    },
    setup(workload) {
      compile = jit ? w.jit : (f) => f;
      return { run: builders[workload.kind](workload, workload.data()) };
    },
  };
}
