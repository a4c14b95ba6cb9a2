// The one test suite every transport must pass: Node worker_threads, a browser Web Worker, in-thread.
import * as engine from '@wengert/engine';
import { afterAll, describe, expect, it } from 'vitest';
import { createEngineClient, type EngineClient, type EngineClientOptions } from '../client.js';
import { EngineError } from '../errors.js';
import type { TransportKind } from '../transports/transport.js';

export const NOTES_F = 'x => Math.log(x[0]) + x[0] * x[1] - Math.sin(x[1])';
/** The same f written with engine ops, in the order the rewritten source evaluates it. */
export const notesFWithEngineOps = (x: engine.Value[]) =>
  engine.sub(engine.add(engine.log(x[0]!), engine.mul(x[0]!, x[1]!)), engine.sin(x[1]!));

async function rejection(promise: Promise<unknown>): Promise<EngineError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(EngineError);
    return error as EngineError;
  }
  throw new Error('expected the call to reject');
}

export function engineClientSuite(kind: TransportKind): void {
  describe(`engine client over ${kind}`, () => {
    const clients: EngineClient[] = [];
    const client = (options: EngineClientOptions = {}) => {
      const c = createEngineClient({ transport: kind, ...options });
      clients.push(c);
      return c;
    };
    afterAll(() => {
      for (const c of clients) c.dispose();
    });
    const shared = client();

    it('runs on the requested transport', () => {
      expect(shared.transport).toBe(kind);
    });

    it('valueAndGrad of the notes’ f equals the engine in-thread and the analytic gradient', async () => {
      const f = await shared.define(NOTES_F);
      const result = await shared.valueAndGrad(f, [2, 5]);
      const [value, grad] = engine.valueAndGrad(notesFWithEngineOps)([2, 5]);
      expect(result).toEqual({ value, grad });
      expect(result.value).toBe(Math.log(2) + 2 * 5 - Math.sin(5));
      expect(result.grad).toEqual([1 / 2 + 5, 2 - Math.cos(5)]);
    });

    it('evaluates, and gives the Jacobian with its mode explanation and the Hessian', async () => {
      const f = await shared.define(NOTES_F);
      expect(await shared.evaluate(f, [2, 5])).toBe(Math.log(2) + 10 - Math.sin(5));
      const { jacobian, explanation } = await shared.jacobian(f, [2, 5]);
      expect(jacobian).toEqual([[5.5, 2 - Math.cos(5)]]);
      expect(explanation).toMatchObject({ n: 2, m: 1, mode: 'reverse' });
      const hessian = await shared.hessian(f, [2, 5]);
      expect(hessian[0]![0]).toBeCloseTo(-1 / 4, 14);
      expect(hessian[0]![1]).toBeCloseTo(1, 14);
      expect(hessian[1]![0]).toBeCloseTo(1, 14);
      expect(hessian[1]![1]).toBeCloseTo(Math.sin(5), 14);
    });

    it('gives the notes’ three trace tables for f at (2, 5)', async () => {
      const f = await shared.define(NOTES_F);
      const { primal, tangent, adjoint } = await shared.traceTables(f, [2, 5]);
      expect(primal.rows.map((r) => [r.name, r.definition, r.expression])).toEqual([
        ['v₋₁', 'x₁', '2'],
        ['v₀', 'x₂', '5'],
        ['v₁', 'ln v₋₁', 'ln 2'],
        ['v₂', 'v₋₁ × v₀', '2 × 5'],
        ['v₃', 'sin v₀', 'sin 5'],
        ['v₄', 'v₁ + v₂', '0.693 + 10'],
        ['v₅', 'v₄ − v₃', '10.693 − (−0.959)'],
        ['y', 'v₅', '11.652'],
      ]);
      expect(primal.rows.at(-1)!.value).toBe(Math.log(2) + 10 - Math.sin(5));
      expect(primal.text).toContain('ln v₋₁');
      // Tangent along e₁ ends in ∂f/∂x₁; the adjoint table ends in the gradient.
      expect(tangent.rows.at(-1)!.value).toBe(5.5);
      const bars = adjoint.rows.filter((r) => r.name.startsWith('x̄')).map((r) => r.value);
      expect(bars).toEqual([5.5, 2 - Math.cos(5)]);
      const along = await shared.traceTables(f, [2, 5], { direction: [0, 1] });
      expect(along.tangent.rows.at(-1)!.value).toBe(2 - Math.cos(5));
    });

    it('gives a loss defined with input: tensor one 1-D Tensor as x', async () => {
      const f = await shared.define('x => x.mul(x).sum() + Math.exp(x).sum() * 2', { input: 'tensor' });
      expect(f.input).toBe('tensor');
      const { value, grad } = await shared.valueAndGrad(f, [1, 2, 3]);
      const e = Math.exp;
      expect(value as number).toBeCloseTo(14 + 2 * (e(1) + e(2) + e(3)), 12);
      for (const [i, g] of (grad as number[]).entries()) expect(g).toBeCloseTo(2 * (i + 1) + 2 * e(i + 1), 12);
      expect(await shared.hessian(f, [0, 0])).toEqual([
        [4, 0],
        [0, 4],
      ]);
      // Gradient descent on Σx² (+ 2Σeˣ) from the Tensor loss equals the same loss over a plain array.
      const g = await shared.define('x => x.reduce((s, v) => s + v * v + Math.exp(v) * 2, 0)');
      const steps = { x0: [1, -2], optimizer: { name: 'sgd', lr: 0.1 } as const, steps: 30 };
      const [viaTensor, viaArray] = [await shared.descend({ fn: f, ...steps }), await shared.descend({ fn: g, ...steps })];
      for (const [i, p] of viaTensor.points.entries()) expect(p).toBeCloseTo(viaArray.points[i]!, 12);
    });

    it('differentiates a block with helpers, loops, branches and ** as written', async () => {
      const f = await shared.define(`
        function square(v) { return v ** 2; }
        function loss(x) {
          let s = 0;
          for (let i = 0; i < x.length; i++) {
            if (x[i] > 0) s += square(x[i]);
            else s -= 3 * x[i];
          }
          return s;
        }`);
      const { value, grad } = await shared.valueAndGrad(f, [1.5, -2, 0.25]);
      expect(value).toBe(1.5 ** 2 + 6 + 0.25 ** 2);
      expect(grad).toEqual([3, -3, 0.5]);
    });

    it('evaluates a grid as one Float64Array, x fastest', async () => {
      const f = await shared.define('x => (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2');
      const grid = await shared.evaluateGrid(f, [-2, 2], [-1, 3], [5, 4]);
      expect(grid.z).toBeInstanceOf(Float64Array);
      expect(grid.z.length).toBe(20);
      expect(Array.from(grid.x)).toEqual([-2, -1, 0, 1, 2]);
      expect(grid.y[0]).toBe(-1);
      expect(grid.y[3]).toBe(3);
      for (let j = 0; j < 4; j++)
        for (let i = 0; i < 5; i++) {
          const [x, y] = [grid.x[i]!, grid.y[j]!];
          expect(grid.z[j * 5 + i]).toBe((1 - x) ** 2 + 100 * (y - x ** 2) ** 2);
        }
    });

    it('reports syntax errors with line and column, as structured data', async () => {
      const error = await rejection(shared.define('x => {\n  let s = 0;\n  return s +* x[0];\n}'));
      expect(error.code).toBe('syntax-error');
      expect(error.span).toEqual({ line: 3, column: 12 });
      expect(error.message).toMatch(/Unexpected token/);
    });

    it('reports runtime errors with their source line', async () => {
      const f = await shared.define('x => {\n  const helper = undefined;\n  return x[0] + helper(x[1]);\n}');
      const error = await rejection(shared.evaluate(f, [1, 2]));
      expect(error.code).toBe('runtime-error');
      expect(error.message).toMatch(/TypeError/);
      expect(error.span?.line).toBe(3);
      expect(error.functionId).toBe(f.id);
    });

    it('gives the Jacobian of a vector-valued loss, and engine errors as structured values', async () => {
      const f = await shared.define('x => [x[0] * x[1], Math.sin(x[0]), x[1] ** 3]');
      const { jacobian, explanation } = await shared.jacobian(f, [0.5, 2]);
      expect(jacobian).toEqual([
        [2, 0.5],
        [Math.cos(0.5), 0],
        [0, 12],
      ]);
      expect(explanation).toMatchObject({ n: 2, m: 3, mode: 'forward' });
      expect((await shared.jacobian(f, [0.5, 2], { mode: 'reverse' })).jacobian).toEqual(jacobian);
      const error = await rejection(shared.valueAndGrad(f, [0.5, 2]));
      expect(error).toMatchObject({ code: 'engine-error', engineCode: 'not-differentiable', functionId: f.id });
      expect(error.message).toMatch(/scalar/);
    });

    it('restarts on request and rejects calls after dispose', async () => {
      const c = client();
      const f = await c.define(NOTES_F);
      c.restart();
      expect(await c.evaluate(f, [2, 5])).toBe(Math.log(2) + 10 - Math.sin(5));
      c.dispose();
      expect((await rejection(c.evaluate(f, [2, 5]))).code).toBe('disposed');
    });

    it('releases calls waiting for a worker that is restarted while it starts', async () => {
      const c = client();
      const waiting = c.define(NOTES_F);
      c.restart();
      expect((await rejection(waiting)).code).toBe('worker-restarted');
      const f = await c.define(NOTES_F);
      expect(await c.evaluate(f, [2, 5])).toBe(Math.log(2) + 10 - Math.sin(5));
      const beforeDispose = c.define(NOTES_F);
      c.dispose();
      expect((await rejection(beforeDispose)).code).toBe('disposed');
      expect(c.pendingCalls).toBe(0);
    });

    it('rejects unknown functions with a typed error', async () => {
      expect((await rejection(shared.evaluate('nope', [1]))).code).toBe('unknown-function');
    });

    it('settles every call it made', () => {
      expect(shared.pendingCalls).toBe(0);
    });
  });
}

/** Runaway code can only be stopped where the engine has its own thread. */
export function runawaySuite(kind: Exclude<TransportKind, 'in-thread'>): void {
  describe(`runaway code over ${kind}`, () => {
    const c = createEngineClient({ transport: kind, timeBudgetMs: 3000 });
    afterAll(() => c.dispose());

    it('stops while(true){}, rejects every pending call, restores definitions and stays usable', async () => {
      const f = await c.define(NOTES_F);
      const spin = await c.define('x => { while (true) {} }');
      const runaway = c.evaluate(spin, [1]);
      const queued = c.valueAndGrad(f, [2, 5]);
      const [runawayError, queuedError] = await Promise.all([rejection(runaway), rejection(queued)]);
      expect(runawayError.code).toBe('timeout');
      expect(queuedError.code).toBe('worker-restarted');
      expect(c.pendingCalls).toBe(0);
      expect(c.restarts).toBe(1);
      // The fresh worker knows f again without a new define.
      const { grad } = await c.valueAndGrad(f, [2, 5]);
      expect(grad).toEqual([5.5, 2 - Math.cos(5)]);
      expect(c.pendingCalls).toBe(0);
    });

    it('rejects arguments that cannot be sent to a worker as invalid, without a restart', async () => {
      const f = await c.define('x => x.length');
      const restarts = c.restarts;
      const error = await rejection(c.evaluate(f, [() => 1] as never));
      expect(error.code).toBe('invalid-argument');
      expect(c.restarts).toBe(restarts);
      expect(await c.evaluate(f, [1, 2, 3])).toBe(3);
    });

    it('survives errors that loss code throws later on its own (timers, promises)', async () => {
      const f = await c.define('x => { setTimeout(() => { throw new Error("late"); }); Promise.reject(new Error("later")); return x[0]; }');
      const restarts = c.restarts;
      expect(await c.evaluate(f, [5])).toBe(5);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await c.evaluate(f, [6])).toBe(6);
      expect(c.restarts).toBe(restarts);
    });

    it('stops a runaway top level in define, which then stays undefined', async () => {
      const error = await rejection(c.define('let n = 0;\nwhile (true) { n++; }\nx => x[0]', { id: 'never' }));
      expect(error.code).toBe('timeout');
      expect((await rejection(c.evaluate('never', [1]))).code).toBe('unknown-function');
      const g = await c.define('x => x[0] * 2');
      expect(await c.evaluate(g, [21])).toBe(42);
      expect(c.pendingCalls).toBe(0);
    });
  });
}
