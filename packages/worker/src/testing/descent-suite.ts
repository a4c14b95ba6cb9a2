// Descent over every transport: bit-for-bit equal to the engine's synchronous descent in this thread,
// streamed progress that adds up to the result, cancellation with a partial trajectory, and pools.
import * as engine from '@wengert/engine';
import { afterAll, describe, expect, it } from 'vitest';
import { createEngineClient, type DescendRequest } from '../client.js';
import { compileLoss } from '../compile/define.js';
import { createOperatorRuntime } from '../compile/runtime.js';
import { lossObjective } from '../descent.js';
import { engineBackend } from '../engine-backend.js';
import { EngineError } from '../errors.js';
import { createEnginePool } from '../pool.js';
import type { ProgressChunk, Trajectory } from '../protocol.js';
import type { TransportKind } from '../transports/transport.js';

export const ROSENBROCK = 'x => (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2';

const OPTIMIZERS: engine.OptimizerSpec[] = [
  { name: 'adam', lr: 0.02 },
  { name: 'steepestDescent', norm: { name: 'linf' }, lr: 0.0005 },
  { name: 'momentum', lr: 0.0005, beta: 0.9 },
  { name: 'lbfgs' },
  { name: 'newtonCg' },
  { name: 'steepestDescent', norm: { name: 'lp', p: 3 }, lr: 0.0005, form: 'fixedLength' },
  { name: 'chain', transforms: [{ name: 'clipByGlobalNorm', maxNorm: 10 }, { name: 'scaleByAdam' }, { name: 'scale', factor: -0.01 }] },
];

/** The same loss compiled in this thread and run by the engine's synchronous descent. */
function inThreadDescent(source: string, x0: number[], optimizer: engine.OptimizerSpec, steps: number, tol?: number) {
  const loss = compileLoss(source, createOperatorRuntime(engineBackend), 'in-thread');
  return engine.descend(lossObjective(loss), Float64Array.from(x0), optimizer, tol === undefined ? { steps } : { steps, tol });
}

function expectSameRun(actual: Trajectory, expected: Omit<Trajectory, 'x'>): void {
  expect(actual.steps).toBe(expected.steps);
  expect(actual.stopReason).toBe(expected.stopReason);
  expect(actual.points).toEqual(expected.points);
  expect(actual.losses).toEqual(expected.losses);
  expect(actual.gradNorms).toEqual(expected.gradNorms);
  expect(actual.stepSizes).toEqual(expected.stepSizes);
}

async function rejection(promise: Promise<unknown>): Promise<EngineError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(EngineError);
    return error as EngineError;
  }
  throw new Error('expected the call to reject');
}

export function descentSuite(kind: TransportKind): void {
  describe(`descent over ${kind}`, () => {
    const client = createEngineClient({ transport: kind });
    afterAll(() => client.dispose());

    it.each(OPTIMIZERS)('equals the engine in-thread bit for bit with $name', async (optimizer) => {
      const f = await client.define(ROSENBROCK);
      const run = await client.descend({ fn: f, x0: [-1.2, 1], optimizer, steps: 300 });
      expectSameRun(run, inThreadDescent(ROSENBROCK, [-1.2, 1], optimizer, 300));
      expect(run.x).toEqual(Array.from(run.points.subarray(run.steps * 2)));
    });

    it('finds the Rosenbrock minimum (1, 1) with Newton-CG (Hessian-vector products of the rewritten loss)', async () => {
      const f = await client.define(ROSENBROCK);
      const run = await client.descend({ fn: f, x0: [-1.2, 1], optimizer: { name: 'newtonCg' }, steps: 200 });
      expect(run.stopReason).toBe('converged');
      expect(run.x[0]).toBeCloseTo(1, 8);
      expect(run.x[1]).toBeCloseTo(1, 8);
    });

    it('equals engine.descend of the same loss written with engine ops', async () => {
      const f = await client.define(ROSENBROCK);
      const optimizer: engine.OptimizerSpec = { name: 'nesterov', lr: 0.0002, beta: 0.9 };
      const run = await client.descend({ fn: f, x0: [-1.2, 1], optimizer, steps: 400 });
      const { sub, add, mul, pow } = engine;
      const rosenbrock = ([a, b]: engine.Value[]) => add(pow(sub(1, a!), 2), mul(100, pow(sub(b!, pow(a!, 2)), 2)));
      expectSameRun(run, engine.descend(rosenbrock, [-1.2, 1], optimizer, { steps: 400 }));
    });

    it('streams progress chunks that add up to the trajectory', async () => {
      const f = await client.define(ROSENBROCK);
      const chunks: ProgressChunk[] = [];
      const run = await client.descend({ fn: f, x0: [-1.2, 1], optimizer: { name: 'adam', lr: 0.01 }, steps: 20_000 }, { onProgress: (c) => chunks.push(c) });
      expect(chunks.length).toBeGreaterThan(0);
      let next = 0;
      for (const c of chunks) {
        expect(c.from).toBe(next);
        expect(c.points).toBeInstanceOf(Float64Array);
        expect(c.points).toEqual(run.points.slice(c.from * 2, (c.from + c.count) * 2));
        expect(c.losses).toEqual(run.losses.slice(c.from, c.from + c.count));
        next += c.count;
      }
      expect(next).toBe(run.steps + 1);
    });

    it('returns the trajectory so far when aborted mid-run', async () => {
      const f = await client.define(ROSENBROCK);
      const controller = new AbortController();
      const optimizer: engine.OptimizerSpec = { name: 'adam', lr: 0.001 };
      const run = await client.descend(
        // tol 0: it cannot converge before the first chunk, however large the chunks are.
        { fn: f, x0: [-1.2, 1], optimizer, steps: 50_000_000, tol: 0 },
        { signal: controller.signal, onProgress: () => controller.abort() },
      );
      expect(run.stopReason).toBe('aborted');
      expect(run.steps).toBeGreaterThan(0);
      expect(run.steps).toBeLessThan(50_000_000);
      expect(run.losses.length).toBe(run.steps + 1);
      // The partial run is exactly the start of the full one.
      const prefix = inThreadDescent(ROSENBROCK, [-1.2, 1], optimizer, run.steps, 0);
      expect(run.points).toEqual(prefix.points);
      expect(run.losses).toEqual(prefix.losses);
      expect(client.pendingCalls).toBe(0);
    });

    it('rejects a descent aborted before it starts', async () => {
      const f = await client.define(ROSENBROCK);
      const error = await rejection(client.descend({ fn: f, x0: [0, 0], optimizer: { name: 'sgd', lr: 0.001 } }, { signal: AbortSignal.abort() }));
      expect(error.code).toBe('aborted');
    });

    it('rejects unknown optimizers and bad starting points as invalid arguments', async () => {
      const f = await client.define(ROSENBROCK);
      const unknown = await rejection(client.descend({ fn: f, x0: [0, 0], optimizer: { name: 'nope' } as never }));
      expect(unknown.code).toBe('invalid-argument');
      expect(unknown.message).toMatch(/nope/);
      expect((await rejection(client.descend({ fn: f, x0: [0, Number.NaN], optimizer: { name: 'sgd', lr: 0.1 } }))).code).toBe('invalid-argument');
    });

    it('reports a loss error inside a descent with its source line', async () => {
      const f = await client.define('x => {\n  if (x[0] > 1) throw new RangeError("left the domain");\n  return (x[0] - 3) ** 2;\n}');
      const error = await rejection(client.descend({ fn: f, x0: [0], optimizer: { name: 'sgd', lr: 0.1 }, steps: 100 }));
      expect(error.code).toBe('runtime-error');
      expect(error.message).toMatch(/RangeError: left the domain/);
      expect(error.span?.line).toBe(2);
    });

    it('runs 4 descents on a pool of 4 with the results of sequential runs', async () => {
      const pool = createEnginePool(4, { transport: kind });
      try {
        const f = await pool.define(ROSENBROCK);
        const requests: DescendRequest[] = OPTIMIZERS.slice(0, 4).map((optimizer) => ({ fn: f, x0: [-1.2, 1], optimizer, steps: 500 }));
        const parallel = await Promise.all(requests.map((r) => pool.descend(r)));
        // A burst of 4 endless runs occupies all 4 workers, one each, while they all make progress.
        const controller = new AbortController();
        const progressed: (() => void)[] = [];
        const started = requests.map((_, i) => new Promise<void>((resolve) => (progressed[i] = resolve)));
        const endless = requests.map((r, i) =>
          pool.descend({ ...r, optimizer: { name: 'sgd', lr: 1e-6 }, steps: 1e9, tol: 0 }, { signal: controller.signal, onProgress: () => progressed[i]!() }),
        );
        await Promise.all(started);
        expect(pool.clients.map((c) => c.pendingCalls)).toEqual([1, 1, 1, 1]);
        controller.abort();
        for (const run of await Promise.all(endless)) expect(run.stopReason).toBe('aborted');
        const g = await client.define(ROSENBROCK);
        for (const [i, r] of requests.entries()) expectSameRun(parallel[i]!, await client.descend({ ...r, fn: g }));
      } finally {
        pool.dispose();
      }
    });
  });
}

/** A descent whose loss never returns: the watchdog and the abort grace period both end it. */
export function runawayDescentSuite(kind: Exclude<TransportKind, 'in-thread'>): void {
  describe(`runaway descent over ${kind}`, () => {
    const client = createEngineClient({ transport: kind, timeBudgetMs: 3000, abortGraceMs: 300 });
    afterAll(() => client.dispose());
    const STUCK = 'x => { if (x[0] > 1.5) { while (true) {} } return (x[0] - 3) ** 2; }';

    it('rejects with a timeout carrying the partial trajectory, then works again', async () => {
      const f = await client.define(STUCK);
      const error = await rejection(client.descend({ fn: f, x0: [0], optimizer: { name: 'sgd', lr: 0.1 }, steps: 100 }));
      expect(error.code).toBe('timeout');
      expect(error.partial?.stopReason).toBe('aborted');
      expect(await client.evaluate(f, [1])).toBe(4);
      expect(client.pendingCalls).toBe(0);
    });

    it('honours a per-run time budget', async () => {
      const patient = createEngineClient({ transport: kind });
      try {
        const f = await patient.define(STUCK);
        const run = patient.descend({ fn: f, x0: [0], optimizer: { name: 'sgd', lr: 0.1 }, steps: 100 }, { timeBudgetMs: 2000 });
        const error = await rejection(run);
        expect(error.code).toBe('timeout');
        expect(error.message).toMatch(/2000 ms/);
        expect(await patient.evaluate(f, [1])).toBe(4);
      } finally {
        patient.dispose();
      }
    });

    it('resolves an abort of a stuck step with the partial trajectory after the grace period', async () => {
      const f = await client.define(STUCK);
      const controller = new AbortController();
      const run = client.descend({ fn: f, x0: [0], optimizer: { name: 'sgd', lr: 0.1 }, steps: 100 }, { signal: controller.signal });
      setTimeout(() => controller.abort(), 100);
      const result = await run;
      expect(result.stopReason).toBe('aborted');
      expect(result.x).toHaveLength(1);
      expect(await client.evaluate(f, [0.5])).toBe(6.25);
      expect(client.pendingCalls).toBe(0);
    });
  });
}
