// Dual numbers a + bε with ε² = 0, written (a, b) as in the notes (§2.2–2.5): the arithmetic behind
// forward mode, kept as a small teaching object. f(a + 1ε) = f(a) + f′(a)ε.
export class Dual {
  /** Real part a (the value) and dual part b (the derivative coefficient). */
  constructor(
    readonly a: number,
    readonly b: number = 0,
  ) {}

  static of(x: Dual | number): Dual {
    return x instanceof Dual ? x : new Dual(x, 0);
  }

  /** (a, b) + (c, d) = (a + c, b + d) */
  add(y: Dual | number): Dual {
    const { a: c, b: d } = Dual.of(y);
    return new Dual(this.a + c, this.b + d);
  }
  sub(y: Dual | number): Dual {
    const { a: c, b: d } = Dual.of(y);
    return new Dual(this.a - c, this.b - d);
  }
  /** (a, b)(c, d) = (ac, ad + bc) */
  mul(y: Dual | number): Dual {
    const { a: c, b: d } = Dual.of(y);
    return new Dual(this.a * c, this.a * d + this.b * c);
  }
  /** (a, b)/(c, d) = (a/c, (bc − ad)/c²) */
  div(y: Dual | number): Dual {
    const { a: c, b: d } = Dual.of(y);
    return new Dual(this.a / c, (this.b * c - this.a * d) / (c * c));
  }
  neg(): Dual {
    return new Dual(-this.a, -this.b);
  }
  /** (a, b)^n = (aⁿ, n aⁿ⁻¹ b) for a constant exponent. */
  pow(n: number): Dual {
    return new Dual(this.a ** n, n * this.a ** (n - 1) * this.b);
  }
  sin(): Dual {
    return new Dual(Math.sin(this.a), Math.cos(this.a) * this.b);
  }
  cos(): Dual {
    return new Dual(Math.cos(this.a), -Math.sin(this.a) * this.b);
  }
  exp(): Dual {
    const e = Math.exp(this.a);
    return new Dual(e, e * this.b);
  }
  /** log(a + bε) = log a + (b/a)ε, a ≠ 0 */
  log(): Dual {
    return new Dual(Math.log(this.a), this.b / this.a);
  }
  /** √(a + bε) = √a + b/(2√a) ε, a ≠ 0 */
  sqrt(): Dual {
    const r = Math.sqrt(this.a);
    return new Dual(r, this.b / (2 * r));
  }
  toString(): string {
    return `(${this.a}, ${this.b})`;
  }
}

/** Eps(f(a + 1ε)): the derivative of f at a, computed with dual numbers. */
export function dualDerivative(f: (x: Dual) => Dual, a: number): { value: number; derivative: number } {
  const y = f(new Dual(a, 1));
  return { value: y.a, derivative: y.b };
}
