// jax-js 0.1.25 on the wasm device, eager or under `jit`, float32 (its default) or float64.
// jax-js arrays are reference counted and every call takes ownership of its arguments, hence
// `.ref` on every input that is used again, and dataSync() (which consumes) on every output.
// Workarounds from the research notes: name the device in init("wasm"), define Float16Array
// before the import on Node 20, vmap(vjp) over eye(m) instead of the library's jacrev (wrong for
// non-square Jacobians), transpose jacfwd's result (it returns Jᵀ), blockUntilReady() per W6 step.

import { MLP } from '../workloads.mjs';

let jax;
let np;

function rosenbrockOf(n) {
  return (x) => {
    const head = x.ref.slice([0, n - 1]);
    const tail = x.slice([1]);
    const r = tail.sub(np.square(head.ref));
    return np.square(r).mul(100).add(np.square(np.subtract(1, head))).sum();
  };
}

function builders({ jit, dtype }) {
  const { valueAndGrad, grad, jvp, vjp, vmap, jacfwd } = jax;
  const compile = (f) => (jit ? jax.jit(f) : f);
  const array = (values, shape) =>
    np.array(dtype === 'float64' ? Float64Array.from(values) : Float32Array.from(values), { shape });
  const scalar = (value) => np.array(value, { dtype: dtype === 'float64' ? np.float64 : np.float32 });

  return {
    notes(_workload, { x1, x2 }) {
      const a = scalar(x1);
      const b = scalar(x2);
      const f = (u, v) => np.log(u.ref).add(u.mul(v.ref)).sub(np.sin(v));
      const valueAndGradient = compile(valueAndGrad(f, { argnums: [0, 1] }));
      return () => {
        const [value, [ga, gb]] = valueAndGradient(a.ref, b.ref);
        return [value.dataSync(), Float64Array.of(ga.dataSync()[0], gb.dataSync()[0])];
      };
    },

    rosenbrock(_workload, { x, n }) {
      const input = array(x);
      const valueAndGradient = compile(valueAndGrad(rosenbrockOf(n)));
      return () => {
        const [value, gradient] = valueAndGradient(input.ref);
        return [value.dataSync(), gradient.dataSync()];
      };
    },

    /** Forward over reverse: the JVP of ∇f along v. */
    hvp(_workload, { x, v, n }) {
      const input = array(x);
      const direction = array(v);
      const gradient = grad(rosenbrockOf(n));
      const hessianVector = compile((p, t) => {
        const [g, hv] = jvp(gradient, [p], [t]);
        g.dispose();
        return hv;
      });
      return () => [hessianVector(input.ref, direction.ref).dataSync()];
    },

    mlp(_workload, data) {
      const { batch, inputs, hidden, classes } = MLP;
      const x = array(data.x, [batch, inputs]);
      const oneHot = array(data.oneHot, [batch, classes]);
      const params = {
        w1: array(data.w1, [inputs, hidden]),
        b1: array(data.b1),
        w2: array(data.w2, [hidden, classes]),
        b2: array(data.b2),
      };
      const loss = (p, input, labels) => {
        const h = np.tanh(np.matmul(input, p.w1).add(p.b1));
        const logits = np.matmul(h, p.w2).add(p.b2);
        return np.mean(jax.nn.logsumexp(logits.ref, 1).sub(logits.mul(labels).sum(1)));
      };
      const valueAndGradient = compile(valueAndGrad(loss));
      return () => {
        const p = { w1: params.w1.ref, b1: params.b1.ref, w2: params.w2.ref, b2: params.b2.ref };
        const [value, g] = valueAndGradient(p, x.ref, oneHot.ref);
        return [value.dataSync(), g.w1.dataSync(), g.b1.dataSync(), g.w2.dataSync(), g.b2.dataSync()];
      };
    },

    jacobian(workload, { matrix, x, rows, cols }) {
      if (workload.mode === 'auto') return null;
      const m = array(matrix, [rows, cols]);
      const input = array(x);
      if (workload.mode === 'forward') {
        const jacobian = compile((p, mat) => {
          const jt = jacfwd((q) => np.tanh(np.matmul(mat.ref, q)))(p);
          mat.dispose();
          return jt.transpose();
        });
        return () => [jacobian(input.ref, m.ref).dataSync()];
      }
      const seeds = np.eye(rows, rows, { dtype: dtype === 'float64' ? np.float64 : np.float32 });
      const jacobian = compile((p, mat, eye) => {
        const [y, pullback] = vjp((q) => np.tanh(np.matmul(mat, q)), [p]);
        y.dispose();
        const j = vmap((e) => pullback(e)[0])(eye);
        pullback.dispose();
        return j;
      });
      return () => [jacobian(input.ref, m.ref, seeds.ref).dataSync()];
    },

    descent(_workload, { start, learningRate, steps }) {
      const f = (x, y) => np.square(np.subtract(1, x.ref)).add(np.square(y.sub(np.square(x))).mul(100));
      const gradient = grad(f, { argnums: [0, 1] });
      const step = compile((x, y) => {
        const [gx, gy] = gradient(x.ref, y.ref);
        return [x.sub(gx.mul(learningRate)), y.sub(gy.mul(learningRate))];
      });
      return async () => {
        let x = scalar(start[0]);
        let y = scalar(start[1]);
        for (let k = 0; k < steps; k++) {
          [x, y] = step(x, y);
          await x.blockUntilReady();
          await y.blockUntilReady();
        }
        return [Float64Array.of(x.dataSync()[0], y.dataSync()[0])];
      };
    },
  };
}

export function createJaxjs({ jit = false, dtype = 'float32' } = {}) {
  let table;
  return {
    id: `jaxjs${jit ? '-jit' : ''}${dtype === 'float64' ? '-f64' : ''}`,
    label: `jax-js wasm ${jit ? 'jit' : 'eager'} (${dtype === 'float64' ? 'f64' : 'f32'})`,
    // Growing its WebAssembly.Memory detaches ArrayBuffers, which slows every JS typed-array loop
    // in the process afterwards; run.mjs measures such systems after all the others.
    detachesArrayBuffers: true,
    async load() {
      if (typeof globalThis.Float16Array === 'undefined') globalThis.Float16Array = class Float16Array {};
      jax = await import('@jax-js/jax');
      np = jax.numpy;
      await jax.init('wasm');
      jax.defaultDevice('wasm');
      table = builders({ jit, dtype });
    },
    setup(workload) {
      const run = table[workload.kind](workload, workload.data());
      return run && { run };
    },
  };
}
