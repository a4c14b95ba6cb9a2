import * as engine from '@wengert/engine';
import { describe, expect, it } from 'vitest';
import type { ProgressChunk } from './protocol.js';
import { TrajectoryBuilder } from './trajectory-builder.js';

const rosenbrock = ([a, b]: engine.Value[]) => engine.add(engine.pow(engine.sub(1, a!), 2), engine.mul(100, engine.pow(engine.sub(b!, engine.pow(a!, 2)), 2)));

/** The engine's own streamed chunks of a real run, as the worker would post them. */
async function chunksOf(steps: number): Promise<{ chunks: ProgressChunk[]; full: engine.Trajectory }> {
  const run = engine.descendAsync(rosenbrock, [-1.2, 1], { name: 'adam', lr: 0.01 }, { steps, every: 7 });
  const chunks: ProgressChunk[] = [];
  for (;;) {
    const next = await run.next();
    if (next.done) return { chunks, full: next.value };
    chunks.push({ ...next.value, n: 2 });
  }
}

describe('TrajectoryBuilder', () => {
  it('joins streamed chunks into the trajectory they came from', async () => {
    const { chunks, full } = await chunksOf(40);
    const builder = new TrajectoryBuilder([-1.2, 1]);
    for (const c of chunks) builder.push(c);
    // The caller may detach or reuse its chunk arrays: the builder kept copies.
    for (const c of chunks) c.points.fill(Number.NaN);
    const built = builder.build('aborted');
    expect(built.points).toEqual(full.points);
    expect(built.losses).toEqual(full.losses);
    expect(built.gradNorms).toEqual(full.gradNorms);
    expect(built.stepSizes).toEqual(full.stepSizes);
    expect(built.steps).toBe(full.steps);
    expect(built.x).toEqual(full.x);
    expect(built.stopReason).toBe('aborted');
  });

  it('returns x0 and no steps before any chunk arrived', () => {
    const built = new TrajectoryBuilder([3, 4]).build('aborted');
    expect(built).toMatchObject({ n: 2, steps: 0, x: [3, 4], stopReason: 'aborted' });
    expect(built.points.length).toBe(0);
  });
});
