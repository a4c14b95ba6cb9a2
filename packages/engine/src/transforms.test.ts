// The transformations against analytic derivatives: JAX's jacfwd example, the nesting cases of issue 2,
// fan-out, broadcasting, edge conventions, NaN-safe where, ties, trees, custom rules and mode choice.
import { describe, expect, test } from 'vitest';
import {
  abs,
  add,
  cos,
  crossEntropy,
  customJvp,
  customVjp,
  div,
  dot,
  exp,
  explainJacobian,
  grad,
  hessian,
  hvp,
  jacfwd,
  jacobian,
  jacrev,
  jvp,
  linearize,
  log,
  lt,
  logSoftmax,
  matmul,
  mean,
  min,
  mse,
  mul,
  neg,
  norm,
  ones,
  pow,
  primal,
  prod,
  relu,
  reshape,
  sigmoid,
  sin,
  slice,
  sqrt,
  square,
  stack,
  stopGradient,
  sub,
  sum,
  Tensor,
  tanh,
  type Tracer,
  tensor,
  type Value,
  valueAndGrad,
  vjp,
  where,
  gt,
} from './index.js';

/** Plain numbers / nested arrays of any value (tracers stripped). */
function plain(x: unknown): unknown {
  if (typeof x === 'number' || x instanceof Tensor) {
    const p = primal(x);
    return typeof p === 'number' ? p : p.toArray();
  }
  if (Array.isArray(x)) return x.map(plain);
  if (x !== null && typeof x === 'object') return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, plain(v)]));
  return plain(primal(x as Value));
}

/** Deep comparison with an absolute + relative tolerance. */
function expectClose(actual: unknown, expected: unknown, tol = 1e-10, path = '$'): void {
  const a = plain(actual);
  if (typeof expected === 'number') {
    expect(typeof a, path).toBe('number');
    const x = a as number;
    if (Number.isNaN(expected)) return void expect(x, path).toBeNaN();
    expect(Math.abs(x - expected), `${path}: ${x} vs ${expected}`).toBeLessThanOrEqual(tol * (1 + Math.abs(expected)));
    return;
  }
  if (Array.isArray(expected)) {
    expect(Array.isArray(a), `${path} is an array`).toBe(true);
    expect((a as unknown[]).length, `${path} length`).toBe(expected.length);
    expected.forEach((e, i) => {
      expectClose((a as unknown[])[i], e, tol, `${path}[${i}]`);
    });
    return;
  }
  const obj = expected as Record<string, unknown>;
  expect(Object.keys(a as object).sort(), path).toEqual(Object.keys(obj).sort());
  for (const k of Object.keys(obj)) expectClose((a as Record<string, unknown>)[k], obj[k], tol, `${path}.${k}`);
}

const at = (x: Value, i: number): Value => reshape(slice(x, [i], [1]), []);
const D = (f: (x: Value) => Value) => (x: number | Value) => grad(f)(x) as Value;
const Dfwd = (f: (x: Value) => Value) => (x: number | Value) => jvp(f, [x], [1])[1] as Value;

describe("JAX's jacfwd docstring example", () => {
  // f(x) = [x₀, 5x₂, 4x₁² − 2x₂, x₂ sin x₀]
  const f = (x: Value): Value => stack([at(x, 0), mul(5, at(x, 2)), sub(mul(4, square(at(x, 1))), mul(2, at(x, 2))), mul(at(x, 2), sin(at(x, 0)))]);
  const x = () => tensor([1, 2, 3]);
  const expected = [
    [1, 0, 0],
    [0, 0, 5],
    [0, 16, -2],
    [3 * Math.cos(1), 0, Math.sin(1)],
  ];

  test('jacfwd gives [[1,0,0],[0,0,5],[0,16,−2],[1.6209,0,0.84147]]', () => {
    const J = jacfwd(f)(x());
    expectClose(J, expected, 1e-14);
    const rounded = (plain(J) as number[][]).map((r) => r.map((v) => Number(v.toFixed(5))));
    expect(rounded[3]).toEqual([1.62091, 0, 0.84147]);
  });

  test('jacrev and jacobian in every mode give the same 4 × 3 matrix', () => {
    expectClose(jacrev(f)(x()), expected, 1e-14);
    for (const mode of ['auto', 'forward', 'reverse'] as const) expectClose(jacobian(f, { mode })(x()), expected, 1e-14);
  });
});

describe('nesting (perturbation confusion)', () => {
  test('D(x ⇒ x·D(y ⇒ x + y)(1))(1) = 1', () => {
    for (const d of [D, Dfwd]) expectClose(d((x) => mul(x, d((y) => add(x, y))(1)))(1), 1);
    // Mixed modes.
    expectClose(D((x) => mul(x, Dfwd((y) => add(x, y))(1)))(1), 1);
    expectClose(Dfwd((x) => mul(x, D((y) => add(x, y))(1)))(1), 1);
  });

  test('D(x ⇒ x·D(y ⇒ x·y)(1))(4) = 8', () => {
    for (const d of [D, Dfwd]) expectClose(d((x) => mul(x, d((y) => mul(x, y))(1)))(4), 8);
    expectClose(D((x) => mul(x, Dfwd((y) => mul(x, y))(1)))(4), 8);
    expectClose(Dfwd((x) => mul(x, D((y) => mul(x, y))(1)))(4), 8);
  });

  test('jvp(x ⇒ jvp(y ⇒ x·y, [3], [1])[1], [1], [2]) = [1, 2]', () => {
    const r = jvp((x: Value) => jvp((y: Value) => mul(x, y), [3], [1])[1], [1], [2]);
    expectClose(r, [1, 2]);
  });

  test('D(x ⇒ x·D(y ⇒ x)(0))(0) = 0', () => {
    for (const d of [D, Dfwd]) expectClose(d((x) => mul(x, d(() => x)(0)))(0), 0);
  });

  test('Hessian by jacfwd(jacrev) equals jacrev(jacrev), jacfwd(jacfwd) and the analytic one', () => {
    // f(x) = x₀² x₁ + sin(x₁ x₂) + exp(x₀) x₂³
    const f = (x: Value): Value => {
      const [a, b, c] = [at(x, 0), at(x, 1), at(x, 2)];
      return add(add(mul(square(a), b), sin(mul(b, c))), mul(exp(a), mul(c, square(c))));
    };
    const [a, b, c] = [0.4, -1.3, 0.9];
    const s = Math.sin(b * c);
    const co = Math.cos(b * c);
    const e = Math.exp(a);
    const H = [
      [2 * b + e * c ** 3, 2 * a, 3 * e * c ** 2],
      [2 * a, -c * c * s, co - b * c * s],
      [3 * e * c ** 2, co - b * c * s, -b * b * s + 6 * e * c],
    ];
    const x = tensor([a, b, c]);
    expectClose(jacfwd(jacrev(f))(x), H, 1e-12);
    expectClose(jacrev(jacrev(f))(x), H, 1e-12);
    expectClose(jacfwd(jacfwd(f))(x), H, 1e-12);
    expectClose(jacrev(jacfwd(f))(x), H, 1e-12);
    expectClose(hessian(f)(x), H, 1e-12);
  });

  test('a third derivative by grad∘jvp∘grad: d³/dx³ x⁴ sin x', () => {
    const f = (x: Value) => mul(square(square(x)), sin(x));
    const x = 0.7;
    const [s, c] = [Math.sin(x), Math.cos(x)];
    // (x⁴ sin x)''' = 24x sin x + 36x² cos x − 12x³ sin x − x⁴ cos x
    const expected = 24 * x * s + 36 * x * x * c - 12 * x ** 3 * s - x ** 4 * c;
    expectClose(D(Dfwd(D(f)))(x), expected, 1e-11);
    expectClose(D(D(D(f)))(x), expected, 1e-11);
  });
});

describe('graph structure', () => {
  test('fan-out: b = a + a; c = b + b ⇒ dc/da = 4', () => {
    const f = (a: Value) => {
      const b = add(a, a);
      return add(b, b);
    };
    expectClose(grad(f)(1.5), 4);
    expectClose(jvp(f, [1.5], [1])[1], 4);
    expectClose(grad((a: Value) => sum(f(a)))(tensor([1, 2])), [4, 4]);
  });

  test('a value reused many times: d/dx (x·x·x·x) = 4x³', () => {
    expectClose(grad((x: Value) => mul(mul(x, x), mul(x, x)))(1.5), 4 * 1.5 ** 3);
  });

  test('broadcasting gradients: sum([3,1] + [1,4]) ⇒ ones×4 and ones×3', () => {
    const g = grad((a: Value, b: Value) => sum(add(a, b)), { argnums: [0, 1] })(ones([3, 1]), ones([1, 4]));
    expectClose(g, [
      [[4], [4], [4]],
      [[3, 3, 3, 3]],
    ]);
    const [ga, gb] = g as Tensor[];
    expect(ga!.shape).toEqual([3, 1]);
    expect(gb!.shape).toEqual([1, 4]);
  });

  test('broadcasting against a scalar and a lower-rank operand: sum(a·b) with a [2,3], b [3]', () => {
    const a = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const b = tensor([10, 20, 30]);
    const [ga, gb, gc] = grad((a: Value, b: Value, c: Value) => sum(mul(mul(a, b), c)), { argnums: [0, 1, 2] })(a, b, 2) as Value[];
    expectClose(ga, [
      [20, 40, 60],
      [20, 40, 60],
    ]);
    expectClose(gb, [10, 14, 18]);
    expectClose(gc, 1 * 10 + 2 * 20 + 3 * 30 + 4 * 10 + 5 * 20 + 6 * 30);
  });

  test('unused inputs get zero gradients of their own shape', () => {
    const g = grad((x: Value, _y: Value, _z: Value) => mul(x, 2), { argnums: [0, 1, 2] })(3, 5, tensor([1, 2, 3])) as Value[];
    expectClose(g, [2, 0, [0, 0, 0]]);
    expect(g[2]).toBeInstanceOf(Tensor);
    expectClose(grad(() => 7)(3), 0);
    expectClose(jvp((_x: Value) => 7, [3], [1]), [7, 0]);
  });

  test('a constant output of jacobian is a zero matrix of the right shape', () => {
    const J = jacobian(() => tensor([1, 2]))(tensor([1, 2, 3]));
    expectClose(J, [
      [0, 0, 0],
      [0, 0, 0],
    ]);
  });
});

describe('second derivatives and edge conventions', () => {
  const xs = [-1.3, 0, 0.4, 2.1];

  test('grad(grad(tanh)) = −2 tanh (1 − tanh²)', () => {
    for (const x of xs) {
      const t = Math.tanh(x);
      expectClose(D(D(tanh))(x), -2 * t * (1 - t * t), 1e-13);
      expectClose(D(D(tanh))(x), Dfwd(Dfwd(tanh))(x), 1e-13);
    }
    const t = tensor(xs);
    expectClose(
      grad((v: Value) => sum(grad((u: Value) => sum(tanh(u)))(v) as Value))(t),
      xs.map((x) => -2 * Math.tanh(x) * (1 - Math.tanh(x) ** 2)),
      1e-13,
    );
  });

  test('grad(grad(exp)) = exp and grad³(exp) = exp', () => {
    for (const x of xs) {
      expectClose(D(D(exp))(x), Math.exp(x), 1e-13);
      expectClose(D(D(D(exp)))(x), Math.exp(x), 1e-13);
    }
  });

  test('grad(grad(sigmoid)) = σ(1 − σ)(1 − 2σ)', () => {
    for (const x of xs) {
      const s = 1 / (1 + Math.exp(-x));
      expectClose(D(sigmoid)(x), s * (1 - s), 1e-13);
      expectClose(D(D(sigmoid))(x), s * (1 - s) * (1 - 2 * s), 1e-13);
    }
  });

  test("relu'(0) = 0 and abs'(0) = 0, elsewhere the usual values", () => {
    for (const [f, name] of [
      [relu, 'relu'],
      [abs, 'abs'],
    ] as const) {
      expectClose(D(f)(0), 0, 0, name);
      expectClose(Dfwd(f)(0), 0, 0, name);
    }
    const x = tensor([-2, 0, 3]);
    expectClose(grad((v: Value) => sum(relu(v)))(x), [0, 0, 1], 0);
    expectClose(grad((v: Value) => sum(abs(v)))(x), [-1, 0, 1], 0);
    expectClose(jvp(relu, [x], [tensor([5, 5, 5])])[1], [0, 0, 5], 0);
  });

  test('NaN-safe where: grad(x ⇒ where(x < 1, x, sqrt(x)))(0) = 1', () => {
    const f = (x: Value) => where(lt(x, 1), x, sqrt(x));
    expectClose(D(f)(0), 1, 0);
    expectClose(Dfwd(f)(0), 1, 0);
    expectClose(D(f)(4), 0.25, 1e-15);
  });

  test('NaN-safe where elementwise on a tensor', () => {
    const f = (x: Value) => sum(where(lt(x, 1), x, sqrt(x)));
    const x = tensor([0, 0.5, 4, 9]);
    expectClose(grad(f)(x), [1, 1, 0.25, 1 / 6], 1e-15);
    expectClose(jvp(f, [x], [ones([4])])[1], 1 + 1 + 0.25 + 1 / 6, 1e-15);
    // log(0) in the untaken branch does not poison the gradient either.
    const g = (x: Value) => sum(where(gt(x, 0), log(x), 0));
    expectClose(grad(g)(tensor([0, 2])), [0, 0.5], 1e-15);
    // And second order stays finite.
    expectClose(D(D((x: Value) => where(lt(x, 1), square(x), sqrt(x))))(0), 2, 1e-15);
    // Untaken scalar branches with infinite partials: x^0.5, x·log x, 1/x at 0.
    for (const branch of [(x: Value) => pow(x, 0.5), (x: Value) => mul(x, log(x)), (x: Value) => div(1, x)]) {
      const h = (x: Value) => where(gt(x, 0), branch(x), 0);
      expectClose(D(h)(0), 0, 0);
      expectClose(Dfwd(h)(0), 0, 0);
      expectClose(jvp(h, [tensor([0, 2])], [tensor([1, 1])])[1], [0, primal(D(branch)(2)) as number], 1e-15);
    }
  });

  test('min with ties splits the tangent evenly: min([1,2,1,4]) along [0,10,5,1000] → 2.5', () => {
    const [out, t] = jvp((x: Value) => min(x), [tensor([1, 2, 1, 4])], [tensor([0, 10, 5, 1000])]);
    expectClose(out, 1);
    expectClose(t, 2.5);
    expectClose(grad((x: Value) => min(x))(tensor([1, 2, 1, 4])), [0.5, 0, 0.5, 0]);
  });

  test('prod [1,2,3,4] along [1,10,100,1000] → 6944', () => {
    const [out, t] = jvp((x: Value) => prod(x), [tensor([1, 2, 3, 4])], [tensor([1, 10, 100, 1000])]);
    expectClose(out, 24);
    expectClose(t, 6944);
    expectClose(grad((x: Value) => prod(x))(tensor([1, 2, 3, 4])), [24, 12, 8, 6]);
  });

  test('prod gradient with zero entries is the product of the others', () => {
    expectClose(grad((x: Value) => prod(x))(tensor([2, 0, 3])), [0, 6, 0], 0);
    expectClose(grad((x: Value) => prod(x))(tensor([0, 5, 0])), [0, 0, 0], 0);
    expectClose(jvp((x: Value) => prod(x), [tensor([2, 0, 3])], [tensor([1, 1, 1])])[1], 6, 0);
    expectClose(
      grad((x: Value) => sum(prod(x, 1)))(
        tensor([
          [1, 0, 2],
          [3, 4, 5],
        ]),
      ),
      [
        [0, 2, 0],
        [20, 15, 12],
      ],
      0,
    );
  });
});

describe('valueAndGrad, argnums, hasAux, trees', () => {
  const f = (x: Value, y: Value, z: Value) => add(mul(mul(x, y), y), mul(3, z));

  test('argnums as a number and as arrays', () => {
    const [v, g] = valueAndGrad(f, { argnums: 1 })(2, 3, 4);
    expectClose(v, 30);
    expectClose(g, 12);
    const [v2, g2] = valueAndGrad(f, { argnums: [2, 0] })(2, 3, 4);
    expectClose(v2, 30);
    expectClose(g2, [3, 9]);
    expectClose(grad(f, { argnums: [1] })(2, 3, 4), [12]);
    expectClose(grad(f)(2, 3, 4), 9);
  });

  test('hasAux passes the aux value through undifferentiated', () => {
    const h = (x: Value) => [square(x), { twice: mul(2, x), label: 7 }];
    const [[v, aux], g] = valueAndGrad(h, { hasAux: true })(3);
    expectClose(v, 9);
    expectClose(g, 6);
    expectClose(aux, { twice: 6, label: 7 });
    expect(typeof (aux as { twice: unknown }).twice).toBe('number');
    const [g2, aux2] = grad(h, { hasAux: true })(3);
    expectClose(g2, 6);
    expectClose(aux2, { twice: 6, label: 7 });
  });

  test('a tree of params {w, b}: least squares gradient', () => {
    const X = tensor([
      [1, 2],
      [3, -1],
      [0.5, 4],
    ]);
    const yT = tensor([1, -2, 0.5]);
    const loss = (p: { w: Value; b: Value }) => sum(square(sub(add(matmul(X, p.w), p.b), yT)));
    const w = [0.3, -0.7];
    const b = 0.2;
    const rows = [
      [1, 2],
      [3, -1],
      [0.5, 4],
    ];
    const ys = [1, -2, 0.5];
    const r = rows.map((x, i) => x[0]! * w[0]! + x[1]! * w[1]! + b - ys[i]!);
    const gw = [0, 1].map((j) => rows.reduce((s, x, i) => s + 2 * r[i]! * x[j]!, 0));
    const gb = r.reduce((s, v) => s + 2 * v, 0);
    const [v, g] = valueAndGrad(loss)({ w: tensor(w), b });
    expectClose(v, r.reduce((s, v) => s + v * v, 0), 1e-13);
    expectClose(g, { w: gw, b: gb }, 1e-13);
    expect(typeof (g as { b: unknown }).b).toBe('number');
  });

  test('aux may carry an outer tracer: d/dx (x + x²) through an inner grad with hasAux', () => {
    const f = (x: Value) => {
      const [g, aux] = grad((y: Value) => [mul(x, y), mul(x, x)], { hasAux: true })(1) as [Value, Value];
      return add(g, aux);
    };
    expectClose(D(f)(3), 7);
  });

  test('Hessian over two tensor arguments: Σ aᵢ² bᵢ', () => {
    expectClose(hessian((a: Value, b: Value) => sum(mul(mul(a, a), b)), { argnums: [0, 1] })(tensor([1, 2]), tensor([3, 4])), [
      [6, 0, 2, 0],
      [0, 8, 0, 4],
      [2, 0, 0, 0],
      [0, 4, 0, 0],
    ]);
  });

  test('nested trees: arrays of objects', () => {
    const loss = (p: { layers: { a: Value; c: Value }[] }) => add(mul(p.layers[0]!.a, p.layers[1]!.c), square(p.layers[1]!.a));
    const g = grad(loss)({ layers: [{ a: 2, c: 9 }, { a: 3, c: 5 }] });
    expectClose(g, { layers: [{ a: 5, c: 0 }, { a: 6, c: 2 }] });
  });
});

describe('vjp, linearize, hvp', () => {
  const f = (x: Value) => stack([mul(at(x, 0), at(x, 1)), sin(at(x, 1)), exp(at(x, 0))]);
  const x = () => tensor([0.5, 2]);
  const J = [
    [2, 0.5],
    [0, Math.cos(2)],
    [Math.exp(0.5), 0],
  ];

  test('vjp pullback can be called twice and is linear', () => {
    const [out, pullback] = vjp(f, x());
    expectClose(out, [1, Math.sin(2), Math.exp(0.5)]);
    const w1 = [1, 0, 0];
    const w2 = [0.3, -2, 1.5];
    const jt = (w: number[]) => [0, 1].map((j) => w.reduce((s, wi, i) => s + wi * J[i]![j]!, 0));
    expectClose(pullback(tensor(w1)), [jt(w1)], 1e-14);
    expectClose(pullback(tensor(w2)), [jt(w2)], 1e-14);
    expectClose(pullback(tensor(w1)), [jt(w1)], 1e-14);
  });

  test('vjp of several arguments returns a cotangent per argument', () => {
    const [out, pullback] = vjp((a: Value, b: Value) => mul(a, b), 3, tensor([1, 2]));
    expectClose(out, [3, 6]);
    expectClose(pullback(tensor([1, 1])), [3, [3, 3]]);
  });

  test('linearize gives the JVP at the point, reusable', () => {
    const [out, fjvp] = linearize(f, x());
    expectClose(out, [1, Math.sin(2), Math.exp(0.5)]);
    for (const t of [
      [1, 0],
      [0, 1],
      [0.7, -3],
    ])
      expectClose(fjvp(tensor(t)), [0, 1, 2].map((i) => J[i]![0]! * t[0]! + J[i]![1]! * t[1]!), 1e-14);
  });

  test('hvp of Rosenbrock equals the analytic Hessian times v', () => {
    const rosen = (x: Value) => {
      const a = at(x, 0);
      const b = at(x, 1);
      return add(square(sub(1, a)), mul(100, square(sub(b, square(a)))));
    };
    const [a, b] = [-0.8, 1.3];
    const H = [
      [2 - 400 * (b - a * a) + 800 * a * a, -400 * a],
      [-400 * a, 200],
    ];
    const v = [0.6, -1.1];
    expectClose(hvp(rosen, [tensor([a, b])], [tensor(v)]), [0, 1].map((i) => H[i]![0]! * v[0]! + H[i]![1]! * v[1]!), 1e-12);
    expectClose(hessian(rosen)(tensor([a, b])), H, 1e-12);
  });
});

describe('custom rules', () => {
  // softplus with a custom JVP using sigmoid: true derivative, so analytic checks apply to every order.
  const sp = customJvp(
    (x: Value) => log(add(1, exp(x))),
    ([x], [t]) => [log(add(1, exp(x!))), mul(t!, sigmoid(x!))],
  );
  // A rule that differs from the function's own derivative proves the rule is what gets used.
  const scaled = customJvp(
    (x: Value) => sin(x),
    ([x], [t]) => [sin(x!), mul(3, mul(t!, cos(x!)))],
  );

  test('customJvp under grad, jvp and grad∘grad', () => {
    const x = 0.8;
    const s = 1 / (1 + Math.exp(-x));
    expectClose(D(sp)(x), s, 1e-14);
    expectClose(Dfwd(sp)(x), s, 1e-14);
    expectClose(D(D(sp))(x), s * (1 - s), 1e-13);
    expectClose(Dfwd(D(sp))(x), s * (1 - s), 1e-13);
    expectClose(D(scaled)(x), 3 * Math.cos(x), 1e-14);
    expectClose(Dfwd(scaled)(x), 3 * Math.cos(x), 1e-14);
    expectClose(D(D(scaled))(x), -3 * Math.sin(x), 1e-14);
    expectClose(grad((v: Value) => sum(scaled(v)))(tensor([0.1, 0.2])), [3 * Math.cos(0.1), 3 * Math.cos(0.2)], 1e-14);
    expectClose(jacfwd(scaled)(tensor([0.1, 0.2])), [
      [3 * Math.cos(0.1), 0],
      [0, 3 * Math.cos(0.2)],
    ], 1e-14);
    expectClose(jacrev(scaled)(tensor([0.1, 0.2])), [
      [3 * Math.cos(0.1), 0],
      [0, 3 * Math.cos(0.2)],
    ], 1e-14);
  });

  // x² with a hand-written VJP that keeps x as its residual; a clipped identity as a second example.
  const sq = customVjp(
    (x: Value) => square(x),
    (x) => [square(x), x],
    (res, ct) => [mul(ct, mul(2, res as Value))],
  );
  const clip = customVjp(
    (x: Value) => x,
    (x) => [x, null],
    (_res, ct) => [div(ct, add(1, abs(ct)))],
  );

  test('customVjp under grad, jvp and grad∘grad', () => {
    expectClose(D(sq)(3), 6);
    expectClose(Dfwd(sq)(3), 6);
    expectClose(D(D(sq))(3), 2);
    expectClose(Dfwd(D(sq))(3), 2);
    // The backward rule is used in reverse mode: d/dx 4·clip(x) = 4 / (1 + 4).
    expectClose(D((x: Value) => mul(4, clip(x)))(2), 0.8, 1e-15);
    // Forward mode differentiates the function itself.
    expectClose(Dfwd((x: Value) => mul(4, clip(x)))(2), 4);
  });

  test('custom rules under vector-mode Jacobians and Hessians', () => {
    const x = tensor([1, 2, 3]);
    const diag = [
      [2, 0, 0],
      [0, 4, 0],
      [0, 0, 6],
    ];
    expectClose(jacrev(sq)(x), diag);
    expectClose(jacfwd(sq)(x), diag);
    expectClose(jacobian(sq, { mode: 'reverse' })(x), diag);
    expectClose(hessian((v: Value) => sum(sq(v)))(tensor([1, 2])), [
      [2, 0],
      [0, 2],
    ]);
    expectClose(hessian((v: Value) => sum(sp(v)))(tensor([0.3, -1])), [0.3, -1].map((v, i) => {
      const s = 1 / (1 + Math.exp(-v));
      return [0, 1].map((j) => (i === j ? s * (1 - s) : 0));
    }), 1e-14);
    // A two-argument custom JVP, transposed for jacrev.
    const prodRule = customJvp(
      (a: Value, b: Value) => mul(a, b),
      ([a, b], [ta, tb]) => [mul(a!, b!), add(mul(ta!, b!), mul(a!, tb!))],
    );
    const expected = [
      [3, 0, 1, 0],
      [0, 4, 0, 2],
    ];
    expectClose(jacrev(prodRule, { argnums: [0, 1] })(tensor([1, 2]), tensor([3, 4])), expected);
    expectClose(jacfwd(prodRule, { argnums: [0, 1] })(tensor([1, 2]), tensor([3, 4])), expected);
  });

  test('a customVjp backward may return null for an argument: its cotangent is zero', () => {
    const firstOnly = customVjp(
      (a: Value, b: Value) => mul(a, b),
      (a, b) => [mul(a, b), null],
      (_res, ct) => [ct, null],
    );
    expectClose(grad((a: Value, b: Value) => firstOnly(a, b), { argnums: [0, 1] })(2, 3), [1, 0]);
    expectClose(jacrev((a: Value) => firstOnly(a, tensor([1, 2])))(tensor([2, 3])), [
      [1, 0],
      [0, 1],
    ]);
  });

  test('stopGradient blocks derivatives but keeps the value', () => {
    expectClose(D((x: Value) => mul(x, stopGradient(x)))(3), 3);
    expectClose(Dfwd((x: Value) => mul(x, stopGradient(x)))(3), 3);
    expectClose(D(D((x: Value) => mul(square(x), stopGradient(x))))(3), 6);
    expectClose(stopGradient(tensor([1, 2])), [1, 2]);
    expectClose(jvp((x: Value) => stopGradient(x), [2], [1]), [2, 0]);
  });
});

describe('mode choice', () => {
  // y = tanh(M x): Jacobian diag(1 − y²) M.
  const M = (m: number, n: number) =>
    tensor(Array.from({ length: m }, (_, i) => Array.from({ length: n }, (_, j) => Math.sin(i * 7 + j * 3 + 1) * 0.5)));
  const analytic = (Mt: Tensor, x: number[]) => {
    const rows = Mt.toArray() as number[][];
    return rows.map((r) => {
      const y = Math.tanh(r.reduce((s, v, j) => s + v * x[j]!, 0));
      return r.map((v) => (1 - y * y) * v);
    });
  };

  test('tall (n ≪ m) picks forward, wide (n ≫ m) picks reverse', () => {
    const tall = M(60, 3);
    const wide = M(3, 60);
    const xt = [0.2, -0.4, 0.9];
    const xw = Array.from({ length: 60 }, (_, i) => Math.cos(i) * 0.3);
    const ft = (x: Value) => tanh(matmul(tall, x));
    const fw = (x: Value) => tanh(matmul(wide, x));
    const et = explainJacobian(ft)(tensor(xt));
    expect(et.mode).toBe('forward');
    expect([et.n, et.m]).toEqual([3, 60]);
    expect(et.cost.forward).toBeLessThan(et.cost.reverse);
    const ew = explainJacobian(fw)(tensor(xw));
    expect(ew.mode).toBe('reverse');
    expect([ew.n, ew.m]).toEqual([60, 3]);
    expect(ew.cost.reverse).toBeLessThan(ew.cost.forward);
    expect(explainJacobian(fw, { mode: 'forward' })(tensor(xw)).mode).toBe('forward');

    for (const [f, x, Mt, shape] of [
      [ft, xt, tall, [60, 3]],
      [fw, xw, wide, [3, 60]],
    ] as const) {
      const truth = analytic(Mt, [...x]);
      for (const mode of ['auto', 'forward', 'reverse'] as const) {
        const J = jacobian(f, { mode })(tensor([...x])) as Tensor;
        expect(J.shape).toEqual(shape);
        expectClose(J, truth, 1e-13);
      }
      expectClose(jacfwd(f)(tensor([...x])), truth, 1e-13);
      expectClose(jacrev(f)(tensor([...x])), truth, 1e-13);
    }
  });

  test('Jacobians of several tree inputs are m × Σn with columns in argument order', () => {
    const f = (a: Value, b: Value) => mul(a, sum(b));
    const J = jacobian(f, { argnums: [0, 1] })(tensor([1, 2]), tensor([3, 4, 5]));
    const expected = [
      [12, 0, 1, 1, 1],
      [0, 12, 2, 2, 2],
    ];
    expectClose(J, expected);
    expectClose(jacfwd(f, { argnums: [0, 1] })(tensor([1, 2]), tensor([3, 4, 5])), expected);
    expectClose(jacrev(f, { argnums: [0, 1] })(tensor([1, 2]), tensor([3, 4, 5])), expected);
  });

  test('a scalar function of a matrix has a 1 × n Jacobian; a vector function of a scalar an m × 1 one', () => {
    const J1 = jacobian((x: Value) => sum(square(x)))(tensor([[1, 2], [3, 4]])) as Tensor;
    expect(J1.shape).toEqual([1, 4]);
    expectClose(J1, [[2, 4, 6, 8]]);
    const J2 = jacfwd((t: Value) => stack([t, square(t), sin(t)]))(0.5) as Tensor;
    expect(J2.shape).toEqual([3, 1]);
    expectClose(J2, [[1], [1], [Math.cos(0.5)]], 1e-15);
  });
});

describe('control flow, trees and deeper compositions', () => {
  test('AD is blind to control flow: branches and loops follow the numbers', () => {
    const f = (x: Value) => (Number(x) > 0 ? mul(x, x) : neg(x));
    expectClose(D(f)(3), 6);
    expectClose(D(f)(-2), -1);
    // 30 Newton steps for √a: the derivative of the loop is d√a/da = 1 / (2√a).
    const newton = (a: Value) => {
      let x: Value = 1;
      for (let i = 0; i < 30; i++) x = mul(0.5, add(x, div(a, x)));
      return x;
    };
    expectClose(D(newton)(2), 1 / (2 * Math.SQRT2), 1e-14);
  });

  test('long chains (20 000 ops) differentiate without stack overflow', () => {
    const f = (x: Value) => {
      let y = x;
      for (let i = 0; i < 20000; i++) y = add(mul(y, 0.9999), 0.0001);
      return y;
    };
    expectClose(D(f)(1), 0.9999 ** 20000, 1e-9);
  });

  test('jvp and linearize take and return trees', () => {
    const f = (p: { a: Value; b: Value[] }) => ({ s: add(p.a, p.b[0]!), t: mul(p.b[1]!, p.a) });
    expectClose(jvp(f, [{ a: 2, b: [3, 4] }], [{ a: 1, b: [0, 1] }]), [
      { s: 5, t: 8 },
      { s: 1, t: 6 },
    ]);
    const [out, lin] = linearize((p: { a: Value }) => [mul(p.a, p.a)], { a: tensor([1, 2]) });
    expectClose(out, [[1, 4]]);
    expectClose(lin({ a: tensor([1, 1]) }), [[2, 4]]);
  });

  test('vjp of tree outputs takes a cotangent tree', () => {
    const [out, pullback] = vjp((x: Value) => ({ a: mul(x, 2), b: sum(x) }), tensor([1, 2]));
    expectClose(out, { a: [2, 4], b: 3 });
    expectClose(pullback({ a: tensor([1, 0]), b: 3 }), [[5, 3]]);
  });

  test('jacobian of tree inputs and tree outputs flattens both in order', () => {
    expectClose(jacobian((p: { w: Value; b: Value }) => add(mul(p.w, tensor([1, 2])), p.b))({ w: tensor([1, 1]), b: 3 }), [
      [1, 0, 1],
      [0, 2, 1],
    ]);
    expectClose(jacobian((x: Value) => [mul(x, 2), { s: sum(x) }])(tensor([1, 2])), [
      [2, 0],
      [0, 2],
      [1, 1],
    ]);
  });

  test('nested vector modes: jacfwd of jacfwd, jacfwd inside grad, vjp inside vjp', () => {
    // x ↦ jacfwd(y ↦ x·y)(y0) = diag(x), whose Jacobian picks x0 and x1.
    expectClose(jacfwd((x: Value) => jacfwd((y: Value) => mul(x, y))(tensor([1, 2])))(tensor([3, 4])), [
      [1, 0],
      [0, 0],
      [0, 0],
      [0, 1],
    ]);
    // Σ jacfwd(x ↦ s x²)(1, 2) = 2s(1 + 2) ⇒ d/ds = 6.
    expectClose(D((s: Value) => sum(jacfwd((x: Value) => mul(s, square(x)))(tensor([1, 2]))))(3), 6);
    const [, pullback] = vjp((x: Value) => vjp((y: Value) => mul(x, y), 2)[1](1)[0], 5);
    expectClose(pullback(1), [1]);
  });

  test('Hessian of a function of a matrix is [4, 4]: (M²)₀₀ = m₀₀² + m₀₁m₁₀', () => {
    const f = (m: Value) => sum(mul(matmul(m, m), tensor([
      [1, 0],
      [0, 0],
    ])));
    expectClose(hessian(f)(tensor([
      [1, 2],
      [3, 4],
    ])), [
      [2, 0, 0, 0],
      [0, 0, 1, 0],
      [0, 1, 0, 0],
      [0, 0, 0, 0],
    ]);
  });

  test('stopGradient under jacfwd and hessian', () => {
    expectClose(jacfwd((x: Value) => mul(x, stopGradient(x)))(tensor([2, 3])), [
      [2, 0],
      [0, 3],
    ]);
    expectClose(hessian((x: Value) => sum(mul(square(x), stopGradient(x))))(tensor([2, 3])), [
      [4, 0],
      [0, 6],
    ]);
  });

  test('norms, logSoftmax and dot have their analytic gradients', () => {
    const x = tensor([3, -4]);
    expectClose(grad((a: Value) => norm(a))(x), [0.6, -0.8], 1e-15);
    expectClose(grad((a: Value) => norm(a, 1))(x), [1, -1]);
    expectClose(grad((a: Value) => norm(a, Infinity))(x), [0, -1]);
    const n3 = (27 + 64) ** (1 / 3);
    expectClose(grad((a: Value) => norm(a, 3))(x), [9 / n3 ** 2, -16 / n3 ** 2], 1e-14);
    const s = [1, 2].map((v) => Math.exp(v) / (Math.exp(1) + Math.exp(2)));
    expectClose(grad((a: Value) => sum(mul(logSoftmax(a), tensor([1, 0]))))(tensor([1, 2])), [1 - s[0]!, -s[1]!], 1e-15);
    expectClose(grad((a: Value) => dot(a, tensor([1, 2])))(tensor([3, 4])), [1, 2]);
  });
});

describe('library losses and methods under tracing', () => {
  test('mse and crossEntropy have their analytic gradients', () => {
    const p = tensor([1, 2, 4]);
    const t = tensor([0, 2, 1]);
    expectClose(grad((v: Value) => mse(v, t))(p), [2 / 3, 0, 2]);
    const logits = tensor([
      [1, 2, 0],
      [0.5, -1, 3],
    ]);
    const labels = tensor([
      [0, 1, 0],
      [1, 0, 0],
    ]);
    const softmaxRows = (logits.toArray() as number[][]).map((r) => {
      const z = r.reduce((s, v) => s + Math.exp(v), 0);
      return r.map((v) => Math.exp(v) / z);
    });
    const expected = softmaxRows.map((r, i) => r.map((v, j) => (v - (labels.toArray() as number[][])[i]![j]!) / 2));
    expectClose(grad((l: Value) => crossEntropy(l, labels))(logits), expected, 1e-14);
    const loss = -(Math.log(softmaxRows[0]![1]!) + Math.log(softmaxRows[1]![0]!)) / 2;
    expectClose(crossEntropy(logits, labels), loss, 1e-14);
  });

  test('op methods work on tracers inside transformations', () => {
    const f = (x: Value) => ((((x as Tracer).mul(x) as Tracer).sin() as Tracer).sum() as Tracer).mul(2);
    const x = tensor([0.3, -1.2]);
    expectClose(grad(f)(x), [0.3, -1.2].map((v) => 2 * Math.cos(v * v) * 2 * v), 1e-14);
    expectClose(jvp(f, [x], [tensor([1, 0])])[1], 2 * Math.cos(0.09) * 0.6, 1e-14);
  });
});

describe('large tensors (fused elementwise kernels) under transformations', () => {
  // f(x) = Σ tanh(x·y)·sin x + exp(−x²)/(1 + y²), elementwise, n = 300 (well above the fusion threshold).
  const n = 300;
  const xs = Array.from({ length: n }, (_, i) => Math.sin(i * 0.37) * 1.3);
  const ys = Array.from({ length: n }, (_, i) => Math.cos(i * 0.11) * 0.8);
  const f = (x: Value, y: Value) => sum(add(mul(tanh(mul(x, y)), sin(x)), div(exp(neg(square(x))), add(1, square(y)))));
  const dfdx = (x: number, y: number) => {
    const t = Math.tanh(x * y);
    return (1 - t * t) * y * Math.sin(x) + t * Math.cos(x) + (-2 * x * Math.exp(-x * x)) / (1 + y * y);
  };

  test('grad, jvp and vjp match the analytic elementwise derivative', () => {
    const x = tensor(xs);
    const y = tensor(ys);
    const g = xs.map((v, i) => dfdx(v, ys[i]!));
    expectClose(grad(f)(x, y), g, 1e-13);
    const u = xs.map((_, i) => ((i % 7) - 3) / 3);
    expectClose(jvp((v: Value) => f(v, y), [x], [tensor(u)])[1], g.reduce((s, gi, i) => s + gi * u[i]!, 0), 1e-12);
    const [, pullback] = vjp((v: Value) => mul(sin(v), y), x);
    expectClose(pullback(ones([n]))[0], xs.map((v, i) => Math.cos(v) * ys[i]!), 1e-14);
  });

  test('hvp of a large separable function is the analytic diagonal times v', () => {
    // h(x) = Σ x⁴/4 + cos x ⇒ ∇²h = diag(3x² − cos x).
    const h = (x: Value) => sum(add(div(square(square(x)), 4), cos(x)));
    const v = xs.map((_, i) => (i % 3) - 1);
    expectClose(hvp(h, [tensor(xs)], [tensor(v)]), xs.map((x, i) => (3 * x * x - Math.cos(x)) * v[i]!), 1e-12);
  });
});

describe('one pass: each transformation calls f once', () => {
  // Vector-mode jacfwd pushes all n tangents together, jacrev pulls all m cotangents in one batched sweep,
  // jacobian / linearize / vjp record once and replay the tape.
  const counted = () => {
    let calls = 0;
    const f = (x: Value) => {
      calls++;
      return mul(sin(x), sum(x));
    };
    return { f, calls: () => calls };
  };
  const x = tensor([0.1, 0.2, 0.3, 0.4]);

  test.each([
    ['jacfwd', (f: (x: Value) => Value) => jacfwd(f)(x)],
    ['jacrev', (f: (x: Value) => Value) => jacrev(f)(x)],
    ['jacobian auto', (f: (x: Value) => Value) => jacobian(f)(x)],
    ['jacobian forward', (f: (x: Value) => Value) => jacobian(f, { mode: 'forward' })(x)],
    ['jacobian reverse', (f: (x: Value) => Value) => jacobian(f, { mode: 'reverse' })(x)],
    ['hessian', (f: (x: Value) => Value) => hessian((v: Value) => sum(f(v)))(x)],
    [
      'linearize + 3 JVPs',
      (f: (x: Value) => Value) => {
        const [, lin] = linearize(f, x);
        for (let i = 0; i < 3; i++) lin(ones([4]));
      },
    ],
    [
      'vjp + 3 pullbacks',
      (f: (x: Value) => Value) => {
        const [, pullback] = vjp(f, x);
        for (let i = 0; i < 3; i++) pullback(ones([4]));
      },
    ],
  ] as const)('%s', (_name, run) => {
    const c = counted();
    run(c.f);
    expect(c.calls()).toBe(1);
  });
});

describe('dtypes', () => {
  test('float32 tensors stay float32 through grad, jvp, vjp and jacobians', () => {
    const x = tensor([0.5, 1.5, -2], { dtype: 'float32' });
    const f = (v: Value) => sum(mul(tanh(v), v));
    const g = grad(f)(x) as Tensor;
    expect(g.dtype).toBe('float32');
    const truth = [0.5, 1.5, -2].map((v) => Math.tanh(v) + v * (1 - Math.tanh(v) ** 2));
    expectClose(g, truth, 1e-6);
    expect((grad((v: Value) => sum(v))(x) as Tensor).dtype).toBe('float32');
    expect((grad((v: Value) => mean(v))(x) as Tensor).dtype).toBe('float32');
    const [y, t] = jvp((v: Value) => mul(v, v), [x], [tensor([1, 1, 1], { dtype: 'float32' })]);
    expect((y as Tensor).dtype).toBe('float32');
    expect((t as Tensor).dtype).toBe('float32');
    const [, pb] = vjp((v: Value) => exp(v), x);
    expect((pb(tensor([1, 1, 1], { dtype: 'float32' }))[0] as Tensor).dtype).toBe('float32');
    for (const J of [jacfwd(exp)(x), jacrev(exp)(x), jacobian(exp)(x)]) expect((J as Tensor).dtype).toBe('float32');
  });

  test('float64 is the default and the result of mixing', () => {
    expect(tensor([1, 2]).dtype).toBe('float64');
    const a = tensor([1, 2], { dtype: 'float32' });
    expect((add(a, tensor([1, 1])) as Tensor).dtype).toBe('float64');
    expect((add(a, 1) as Tensor).dtype).toBe('float32');
    const data = (mul(a, 0.1) as Tensor).data;
    expect(data).toBeInstanceOf(Float32Array);
    expect(data[0]).toBe(Math.fround(Math.fround(1) * 0.1));
  });
});

