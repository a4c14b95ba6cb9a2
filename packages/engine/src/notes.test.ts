// The numbers and the three tables of the notes (§2.1–2.6), for f(x1, x2) = ln(x1) + x1·x2 − sin(x2) at (2, 5),
// plus the dual-number arithmetic of §2.2–2.5. Truth comes from the notes' text and from analytic derivatives.
import { describe, expect, test } from 'vitest';
import { add, Dual, div, dualDerivative, exp, grad, jvp, log, mul, sin, sub, sum, type Table, type Tensor, tensor, traceOf, type Value, vjp } from './index.js';

const f = (x1: Value, x2: Value): Value => sub(add(log(x1), mul(x1, x2)), sin(x2));
const trace = () => traceOf(f)(2, 5);

// Analytic values at (2, 5).
const y = Math.log(2) + 10 - Math.sin(5);
const dydx1 = 1 / 2 + 5;
const dydx2 = 2 - Math.cos(5);

const rows = (t: Table) => t.rows.map((r) => [r.name, r.definition, r.expression]);
const values = (t: Table) => t.rows.map((r) => r.value as number);

describe('forward primal trace (§2.1)', () => {
  test('rows, names and definitions are the notes', () => {
    expect(rows(trace().primalTable())).toEqual([
      ['v₋₁', 'x₁', '2'],
      ['v₀', 'x₂', '5'],
      ['v₁', 'ln v₋₁', 'ln 2'],
      ['v₂', 'v₋₁ × v₀', '2 × 5'],
      ['v₃', 'sin v₀', 'sin 5'],
      ['v₄', 'v₁ + v₂', '0.693 + 10'],
      // The notes fold the sign (10.693 + 0.959); the table substitutes literally.
      ['v₅', 'v₄ − v₃', '10.693 − (−0.959)'],
      ['y', 'v₅', '11.652'],
    ]);
  });

  test('values are the exact intermediate values', () => {
    const v = values(trace().primalTable());
    const expected = [2, 5, Math.log(2), 10, Math.sin(5), Math.log(2) + 10, y, y];
    expect(v).toHaveLength(expected.length);
    for (const [i, x] of v.entries()) expect(x).toBeCloseTo(expected[i]!, 14);
    expect(v.at(-1)!.toFixed(3)).toBe('11.652');
  });

  test('printed table shows each row with its value', () => {
    const text = trace().primalTable().toString();
    expect(text.split('\n')[0]).toBe('Forward primal trace');
    expect(text).toMatch(/v₁ = ln v₋₁\s+= ln 2 = 0\.693/);
    expect(text).toMatch(/y = v₅\s+= 11\.652/);
  });
});

describe('forward tangent trace (§2.4)', () => {
  test('direction ẋ = (1, 0): rows of the notes, ẏ = 5.5', () => {
    const t = trace().tangentTable([1, 0]);
    expect(rows(t)).toEqual([
      ['v̇₋₁', 'ẋ₁', '1'],
      ['v̇₀', 'ẋ₂', '0'],
      ['v̇₁', 'v̇₋₁ / v₋₁', '1 / 2'],
      ['v̇₂', 'v̇₋₁ × v₀ + v̇₀ × v₋₁', '1 × 5 + 0 × 2'],
      ['v̇₃', 'v̇₀ × cos v₀', '0 × cos 5'],
      ['v̇₄', 'v̇₁ + v̇₂', '0.5 + 5'],
      ['v̇₅', 'v̇₄ − v̇₃', '5.5 − 0'],
      ['ẏ', 'v̇₅', '5.5'],
    ]);
    expect(values(t)).toEqual([1, 0, 0.5, 5, 0, 5.5, 5.5, 5.5]);
  });

  test('default direction is the first input', () => {
    expect(values(trace().tangentTable())).toEqual(values(trace().tangentTable([1, 0])));
  });

  test('direction (0, 1) gives ∂y/∂x₂ = x₁ − cos x₂', () => {
    const t = trace().tangentTable([0, 1]);
    const last = t.rows.at(-1)!;
    expect(last.name).toBe('ẏ');
    expect(last.value as number).toBeCloseTo(dydx2, 14);
    const v3 = t.rows.find((r) => r.name === 'v̇₃')!;
    expect(v3.value as number).toBeCloseTo(Math.cos(5), 14);
  });

  test('a general direction r gives ∇f·r', () => {
    const r = [0.3, -1.7];
    const last = trace().tangentTable(r).rows.at(-1)!;
    expect(last.value as number).toBeCloseTo(dydx1 * r[0]! + dydx2 * r[1]!, 13);
  });

  test('tables are reusable: the trace is not disturbed by a tangent sweep', () => {
    const w = trace();
    w.tangentTable([0, 1]);
    expect(values(w.tangentTable([1, 0])).at(-1)).toBe(5.5);
    expect(values(w.primalTable()).at(-1)).toBeCloseTo(y, 14);
  });
});

describe('reverse adjoint trace (§2.6)', () => {
  test('the notes rows in execution order, x̄₁ = 5.5, x̄₂ = 1.716', () => {
    const t = trace().adjointTable();
    expect(rows(t)).toEqual([
      ['v̄₅', 'ȳ', '1'],
      ['v̄₄', 'v̄₅ × 1', '1 × 1'],
      ['v̄₃', 'v̄₅ × (−1)', '1 × (−1)'],
      ['v̄₁', 'v̄₄ × 1', '1 × 1'],
      ['v̄₂', 'v̄₄ × 1', '1 × 1'],
      ['v̄₀', 'v̄₃ × cos v₀', '−1 × cos 5'],
      ['v̄₋₁', 'v̄₂ × v₀', '1 × 5'],
      ['v̄₀', 'v̄₀ + v̄₂ × v₋₁', '−0.284 + 1 × 2'],
      ['v̄₋₁', 'v̄₋₁ + v̄₁ / v₋₁', '5 + 1 / 2'],
      ['x̄₁', 'v̄₋₁', '5.5'],
      ['x̄₂', 'v̄₀', '1.716'],
    ]);
    const expected = [1, 1, -1, 1, 1, -Math.cos(5), 5, dydx2, dydx1, dydx1, dydx2];
    for (const [i, v] of values(t).entries()) expect(v).toBeCloseTo(expected[i]!, 14);
  });

  test('the notes number −0.284 and 1.716 to three decimals', () => {
    const t = trace().adjointTable();
    const v0 = t.rows.filter((r) => r.name === 'v̄₀').map((r) => (r.value as number).toFixed(3));
    expect(v0).toEqual(['-0.284', '1.716']);
  });

  test('a seed scales every adjoint', () => {
    const t = trace().adjointTable(2);
    expect(t.rows.at(-2)!.value as number).toBeCloseTo(2 * dydx1, 13);
    expect(t.rows.at(-1)!.value as number).toBeCloseTo(2 * dydx2, 13);
  });
});

describe('tables of other programs', () => {
  test('a repeated input: f(x) = x·x + sin x at 1 accumulates both uses of v₀', () => {
    const w = traceOf((x: Value) => add(mul(x, x), sin(x)))(1);
    expect(rows(w.primalTable()).map(([n, d]) => [n, d])).toEqual([
      ['v₀', 'x₁'],
      ['v₁', 'v₀ × v₀'],
      ['v₂', 'sin v₀'],
      ['v₃', 'v₁ + v₂'],
      ['y', 'v₃'],
    ]);
    const t = w.tangentTable();
    expect(t.rows.find((r) => r.name === 'v̇₁')!.definition).toBe('v̇₀ × v₀ + v̇₀ × v₀');
    expect(t.rows.at(-1)!.value as number).toBeCloseTo(2 + Math.cos(1), 14);
    const a = w.adjointTable();
    const v0 = a.rows.filter((r) => r.name === 'v̄₀');
    expect(v0.map((r) => r.definition)).toEqual(['v̄₂ × cos v₀', 'v̄₀ + v̄₁ × v₀', 'v̄₀ + v̄₁ × v₀']);
    expect(v0.map((r) => r.value as number)).toEqual([Math.cos(1), Math.cos(1) + 1, Math.cos(1) + 2]);
    expect(a.rows.at(-1)).toMatchObject({ name: 'x̄₁', definition: 'v̄₀' });
    expect(a.rows.at(-1)!.value as number).toBeCloseTo(2 + Math.cos(1), 14);
  });

  test('two outputs are named y₁, y₂ and constants print as numbers', () => {
    const w = traceOf((a: Value, b: Value) => [mul(a, 2), div(a, b)])(3, 4);
    const p = w.primalTable();
    expect(rows(p).slice(2)).toEqual([
      ['v₁', 'v₋₁ × 2', '3 × 2'],
      ['v₂', 'v₋₁ / v₀', '3 / 4'],
      ['y₁', 'v₁', '6'],
      ['y₂', 'v₂', '0.75'],
    ]);
    const t = w.tangentTable([0, 1]);
    expect(t.rows.find((r) => r.name === 'v̇₂')!.definition).toBe('v̇₋₁ / v₀ + v̇₀ × (−v₋₁ / v₀²)');
    expect(t.rows.slice(-2).map((r) => [r.name, r.value])).toEqual([
      ['ẏ₁', 0],
      ['ẏ₂', -3 / 16],
    ]);
  });

  test('tensor programs keep tensor values in the rows', () => {
    const w = traceOf((x: Value) => sum(exp(x)))(tensor([0, 1]));
    const p = w.primalTable();
    expect(p.rows.map((r) => r.definition)).toEqual(['x₁', 'exp v₀', 'Σ v₁', 'v₂']);
    const y = p.rows.at(-1)!.value;
    expect(typeof y === 'number' ? y : y.item()).toBeCloseTo(1 + Math.E, 14);
    const xbar = w.adjointTable().rows.at(-1)!;
    expect(xbar.name).toBe('x̄₁');
    expect((xbar.value as Tensor).toArray()).toEqual([1, Math.E]);
  });
});

describe('the notes numbers through the transformations', () => {
  test('grad gives (x̄₁, x̄₂) = (5.5, 1.716…)', () => {
    const g = grad(f, { argnums: [0, 1] })(2, 5) as number[];
    expect(g[0]).toBeCloseTo(dydx1, 14);
    expect(g[1]).toBeCloseTo(dydx2, 14);
  });

  test('jvp gives y = 11.652… and ẏ = 5.5', () => {
    const [out, tangent] = jvp(f, [2, 5], [1, 0]);
    expect(out).toBeCloseTo(y, 14);
    expect(tangent).toBeCloseTo(5.5, 14);
  });

  test('vjp pulls back ȳ = 1 to (5.5, 1.716…)', () => {
    const [out, pullback] = vjp(f, 2, 5);
    expect(out).toBeCloseTo(y, 14);
    const [a, b] = pullback(1);
    expect(a).toBeCloseTo(dydx1, 14);
    expect(b).toBeCloseTo(dydx2, 14);
  });
});

describe('dual numbers (§2.2–2.5)', () => {
  test('(a, b)(c, d) = (ac, ad + bc) and (a, b) + (c, d) = (a + c, b + d)', () => {
    const p = new Dual(3, 4).mul(new Dual(5, 7));
    expect([p.a, p.b]).toEqual([15, 3 * 7 + 4 * 5]);
    const s = new Dual(3, 4).add(new Dual(5, 7));
    expect([s.a, s.b]).toEqual([8, 11]);
  });

  test('(0, 1)(0, 1) = (0, 0): ε² = 0', () => {
    const e = new Dual(0, 1).mul(new Dual(0, 1));
    expect([e.a, e.b]).toEqual([0, 0]);
  });

  test('f(a + ε) = f(a) + f′(a)ε for x², sin, exp, log, sqrt', () => {
    const cases: [string, (x: Dual) => Dual, (a: number) => number, (a: number) => number][] = [
      ['x²', (x) => x.mul(x), (a) => a * a, (a) => 2 * a],
      ['x² via pow', (x) => x.pow(2), (a) => a * a, (a) => 2 * a],
      ['sin', (x) => x.sin(), Math.sin, Math.cos],
      ['cos', (x) => x.cos(), Math.cos, (a) => -Math.sin(a)],
      ['exp', (x) => x.exp(), Math.exp, Math.exp],
      ['log', (x) => x.log(), Math.log, (a) => 1 / a],
      ['sqrt', (x) => x.sqrt(), Math.sqrt, (a) => 1 / (2 * Math.sqrt(a))],
    ];
    for (const a of [0.3, 1.5, 4]) {
      for (const [name, fd, value, derivative] of cases) {
        const r = dualDerivative(fd, a);
        expect(r.value, name).toBeCloseTo(value(a), 14);
        expect(r.derivative, name).toBeCloseTo(derivative(a), 13);
      }
    }
  });

  test('f(a + bε) = f(a) + f′(a)bε with b ≠ 1', () => {
    const r = new Dual(0.7, 3).sin();
    expect(r.b).toBeCloseTo(3 * Math.cos(0.7), 14);
  });

  test('division (a, b)/(c, d) = (a/c, (bc − ad)/c²)', () => {
    const q = new Dual(3, 4).div(new Dual(5, 7));
    expect(q.a).toBeCloseTo(3 / 5, 15);
    expect(q.b).toBeCloseTo((4 * 5 - 3 * 7) / 25, 15);
  });

  test('the notes example f = ln x₁ + x₁x₂ − sin x₂ with duals gives ẏ = 5.5 and ∂y/∂x₂', () => {
    const fd = (x1: Dual, x2: Dual) => x1.log().add(x1.mul(x2)).sub(x2.sin());
    const d1 = fd(new Dual(2, 1), new Dual(5, 0));
    expect(d1.a).toBeCloseTo(y, 14);
    expect(d1.b).toBeCloseTo(5.5, 14);
    const d2 = fd(new Dual(2, 0), new Dual(5, 1));
    expect(d2.b).toBeCloseTo(dydx2, 14);
  });

  test('the chain rule: Eps(f(g(a + ε))) = f′(g(a)) g′(a)', () => {
    const r = dualDerivative((x) => x.mul(x).sin().exp(), 0.9);
    const g = 0.81;
    expect(r.derivative).toBeCloseTo(Math.exp(Math.sin(g)) * Math.cos(g) * 2 * 0.9, 13);
  });
});
