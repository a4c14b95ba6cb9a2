import type { Objective } from './objective.js';

/**
 * Objectives with hand-written derivatives, used as independent truth in tests and benchmarks
 * (the engine's own gradients are tested against them in descend.test.ts).
 */

/** ½ Σ dᵢ xᵢ² */
export function diagonalQuadratic(d: readonly number[]): Objective {
  return {
    valueAndGrad(x, g) {
      let f = 0;
      for (let i = 0; i < x.length; i++) {
        g[i] = d[i]! * x[i]!;
        f += 0.5 * d[i]! * x[i]! * x[i]!;
      }
      return f;
    },
    hvp(_x, v, out) {
      for (let i = 0; i < v.length; i++) out[i] = d[i]! * v[i]!;
    },
  };
}

/** (1 − x)² + 100(y − x²)² */
export const rosenbrock: Objective = {
  valueAndGrad(x, g) {
    const [a, b] = [x[0]!, x[1]!];
    const r = b - a * a;
    g[0] = -2 * (1 - a) - 400 * a * r;
    g[1] = 200 * r;
    return (1 - a) ** 2 + 100 * r * r;
  },
  hvp(x, v, out) {
    const [a, b] = [x[0]!, x[1]!];
    const h00 = 2 - 400 * b + 1200 * a * a;
    const h01 = -400 * a;
    out[0] = h00 * v[0]! + h01 * v[1]!;
    out[1] = h01 * v[0]! + 200 * v[1]!;
  },
};
