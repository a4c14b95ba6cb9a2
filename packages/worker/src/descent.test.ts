import { describe, expect, it } from 'vitest';
import { compileLoss } from './compile/define.js';
import { createOperatorRuntime } from './compile/runtime.js';
import { runDescent } from './descent.js';
import { engineBackend } from './engine-backend.js';

const loss = compileLoss('x => (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2', createOperatorRuntime(engineBackend), 'descent-test');
const spec = { x0: [-1.2, 1], optimizer: { name: 'sgd', lr: 1e-4 } as const, steps: 1000 };

describe('the shared abort flag', () => {
  it('stops a run at the next step without any message or event-loop turn', async () => {
    const flag = new Int32Array(new SharedArrayBuffer(4));
    Atomics.store(flag, 0, 1);
    const run = await runDescent(loss, spec, undefined, flag);
    expect(run.stopReason).toBe('aborted');
    expect(run.steps).toBe(0);
    expect(Array.from(run.points)).toEqual([-1.2, 1]);
  });

  it('lets the run finish while it stays 0', async () => {
    const run = await runDescent(loss, spec, undefined, new Int32Array(new SharedArrayBuffer(4)));
    expect(run.stopReason).toBe('maxSteps');
    expect(run.steps).toBe(1000);
  });
});
