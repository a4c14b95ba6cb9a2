// The measurements behind the benchmark, for any worker transport (Node script and Chromium runner).
import * as engine from '@wengert/engine';
import { compileLoss } from '../src/compile/define.js';
import { createOperatorRuntime } from '../src/compile/runtime.js';
import { lossObjective } from '../src/descent.js';
import { engineBackend } from '../src/engine-backend.js';
import { createEngineClient } from '../src/index.js';

const ROSENBROCK = 'x => (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2';
const X0 = [-1.2, 1];
const OPTIMIZER: engine.OptimizerSpec = { name: 'adam', lr: 0.001 };
const STEPS = 10_000;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const min = (xs: number[]) => Math.min(...xs);
const fmt = (ms: number) => `${ms.toFixed(1)} ms`;
/** Ratios three ways; per-round pairs ran back to back, so they see similar machine load. */
const ratios = (a: number[], b: number[]) =>
  `median of per-round ratios ${median(a.map((x, i) => x / b[i]!)).toFixed(3)}×, of medians ${(median(a) / median(b)).toFixed(3)}×, of bests ${(min(a) / min(b)).toFixed(3)}×`;

/** Process CPU time in ms (Node only). While one thread computes the other waits, so this is the busy thread's CPU. */
const cpuNow = (): number | undefined => {
  const usage = (globalThis as { process?: { cpuUsage?: () => { user: number; system: number } } }).process?.cpuUsage?.();
  return usage ? (usage.user + usage.system) / 1000 : undefined;
};
const cpu: Record<string, number[]> = {};

async function time(run: () => unknown, label?: string): Promise<number> {
  const cpuStart = cpuNow();
  const start = performance.now();
  await run();
  const wall = performance.now() - start;
  const cpuEnd = cpuNow();
  if (label && cpuStart !== undefined && cpuEnd !== undefined) (cpu[label] ??= []).push(cpuEnd - cpuStart);
  return wall;
}

/** 10,000 Rosenbrock steps in a worker vs in this thread, then abort latency; returns report lines. */
export async function measureWorker(transport: 'node' | 'web', rounds = 25): Promise<string[]> {
  const loss = compileLoss(ROSENBROCK, createOperatorRuntime(engineBackend), 'bench');
  const syncRun = () => engine.descend(lossObjective(loss), Float64Array.from(X0), OPTIMIZER, { steps: STEPS, tol: 0 });
  const worker = createEngineClient({ transport });
  const inThread = createEngineClient({ transport: 'in-thread' });
  const fw = await worker.define(ROSENBROCK);
  const ft = await inThread.define(ROSENBROCK);
  let chunks = 0;
  const request = (fn: { id: string }) => ({ fn, x0: X0, optimizer: OPTIMIZER, steps: STEPS, tol: 0 });
  const onProgress = () => {
    chunks++;
  };

  // Warm up JITs on both sides (and start the worker) before timing.
  for (let i = 0; i < 2; i++) {
    syncRun();
    await worker.descend(request(fw), { onProgress });
    await inThread.descend(request(ft), { onProgress });
  }

  const sync: number[] = [];
  const viaWorker: number[] = [];
  const viaInThread: number[] = [];
  const chunkCounts: number[] = [];
  for (let r = 0; r < rounds; r++) {
    sync.push(await time(syncRun, 'sync'));
    chunks = 0;
    viaWorker.push(await time(() => worker.descend(request(fw), { onProgress }), 'worker'));
    chunkCounts.push(chunks);
    viaInThread.push(await time(() => inThread.descend(request(ft), { onProgress }), 'inThread'));
  }

  const latencies: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const controller = new AbortController();
    let firstChunk!: () => void;
    const started = new Promise<void>((resolve) => {
      firstChunk = resolve;
    });
    const run = worker.descend({ ...request(fw), steps: 1e9 }, { signal: controller.signal, onProgress: () => firstChunk() });
    await started;
    await new Promise((resolve) => setTimeout(resolve, 20 + 7 * r)); // abort at varying points within a chunk
    const t0 = performance.now();
    controller.abort();
    const result = await run;
    latencies.push(performance.now() - t0);
    if (result.stopReason !== 'aborted') throw new Error(`expected an aborted run, got ${result.stopReason}`);
  }
  worker.dispose();
  inThread.dispose();

  const row = (name: string, xs: number[]) => `  ${name.padEnd(52)} median ${fmt(median(xs))}, best ${fmt(min(xs))}`;
  return [
    `Rosenbrock, ${STEPS} steps of adam with progress streaming, ${transport} worker (${rounds} rounds, interleaved):`,
    row('engine descend() in this thread (sync, no streaming)', sync),
    row('client, in-thread transport (streaming)', viaInThread),
    row(`client, ${transport} worker (${median(chunkCounts)} chunks)`, viaWorker),
    `  worker / in-thread sync: ${ratios(viaWorker, sync)}  (target ≤ 1.1×)`,
    `  worker / in-thread client: ${ratios(viaWorker, viaInThread)}`,
    `abort() → settled descend(), ${rounds} runs: median ${fmt(median(latencies))}, max ${fmt(Math.max(...latencies))}  (target < 50 ms)`,
    ...(cpu.sync && cpu.worker
      ? [
          `CPU time (process, ms; not affected by other processes): sync median ${fmt(median(cpu.sync))}, worker ${fmt(median(cpu.worker))}`,
          `  worker / in-thread sync by CPU time: ${ratios(cpu.worker, cpu.sync)}`,
        ]
      : []),
  ];
}
