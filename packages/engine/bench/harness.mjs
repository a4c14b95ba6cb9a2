// Timing and memory measurement. Every system is timed on the same workload in the same process:
// first call, warm-up, a batch sized to ~sampleMs per sample, then samples of all systems
// interleaved round-robin in a rotating order (so drift in machine load hits everyone alike),
// and the median per call. Memory is measured in a child process per cell (RSS growth).
// Each batch is timed by both wall time and the process's CPU time (getrusage), and counts the
// smaller. Wall time also counts the time other jobs hold the core (4× inflated at load 16 on 2
// cores); CPU time also counts V8's helper threads, which run beside the main thread (with TF.js
// in the process the handwritten W3 read 17 ms by wall time, 62 ms by CPU time). Both are upper
// bounds of the main thread's own time, so the smaller is the tighter.
// (/proc/thread-self/schedstat would give that directly, but it only advances at 4 ms ticks.)

import { spawn } from 'node:child_process';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { fileURLToPath } from 'node:url';
import { maxRelativeError } from './workloads.mjs';

export const FULL = { warmupMs: 300, sampleMs: 10, samples: 15, budgetMs: 1200, minSamples: 3, memoryMs: 1000 };
export const QUICK = { warmupMs: 80, sampleMs: 4, samples: 5, budgetMs: 300, minSamples: 2, memoryMs: 1000 };

function cpuMs() {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}
const stamp = () => ({ wall: performance.now(), cpu: cpuMs() });
export const DEFAULT_CLOCK = 'min';
const clocks = {
  min: (a, b) => Math.min(b.wall - a.wall, b.cpu - a.cpu),
  wall: (a, b) => b.wall - a.wall,
  cpu: (a, b) => b.cpu - a.cpu,
};
let elapsedBetween = clocks.min;

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

const isPromise = (value) => value !== null && typeof value === 'object' && typeof value.then === 'function';

// A young-generation GC closes every timed batch, so each cell pays for the short-lived garbage it
// leaves (~0.1 ms on an empty heap) instead of the next cell in the rotation: without it the
// handwritten W3 (which allocates nothing) ran 16 ms alone and 57 ms interleaved with Wengert.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc');
const collectYoung = () => collectGarbage({ type: 'minor' });

/** Runs `calls` calls plus a young-generation GC and returns the elapsed ms; async runners are awaited. */
async function timeBatch(cell, calls) {
  const { run } = cell;
  const start = stamp();
  if (cell.async) {
    for (let k = 0; k < calls; k++) await run();
  } else {
    for (let k = 0; k < calls; k++) run();
  }
  collectYoung();
  return elapsedBetween(start, stamp());
}

/**
 * Measures cells ({key, run, reference, perRun}) side by side, interleaved. A cell is one system on
 * one workload; W4's three modes of one shape are measured together, so auto and forced modes of the
 * same system are compared within one interleaving.
 * Returns per key: medianMs per call (per step for W6), samples, batch, firstMs, error, or `failure`.
 */
export async function measureCells(cells, settings) {
  elapsedBetween = clocks[settings.clock ?? DEFAULT_CLOCK];
  const live = [];
  const results = new Map();

  // First call (tracing/compilation), whose answer is checked against the reference; so is one
  // call after all samples, which catches state leaking between calls (e.g. accumulating gradients).
  for (const cell of cells) {
    try {
      const start = stamp();
      let output = cell.run();
      cell.async = isPromise(output);
      if (cell.async) output = await output;
      const firstMs = elapsedBetween(start, stamp());
      results.set(cell.key, { firstMs, error: maxRelativeError(output, cell.reference), samples: [] });
      live.push(cell);
    } catch (error) {
      results.set(cell.key, { failure: String(error?.message ?? error).split('\n')[0] });
    }
  }

  // A cell that throws later on is reported as failed and leaves the interleaving.
  const fail = (cell, error) => {
    results.set(cell.key, { failure: String(error?.message ?? error).split('\n')[0] });
    live.splice(live.indexOf(cell), 1);
  };

  // Warm-up in doubling batches, which also measures the time per call to size each batch (a
  // batch, not a single call, so the clock's own cost does not count). The first call counts
  // towards the warm-up, so a cell that takes a second per call is not run again just to warm up.
  for (const cell of [...live]) {
    let spent = results.get(cell.key).firstMs;
    let calls = 1;
    let perCall;
    try {
      do {
        const elapsed = await timeBatch(cell, calls);
        spent += elapsed;
        perCall = elapsed / calls;
        if (elapsed < settings.sampleMs / 2) calls *= 2;
      } while (spent < settings.warmupMs);
    } catch (error) {
      fail(cell, error);
      continue;
    }
    cell.batch = Math.max(1, Math.round(settings.sampleMs / perCall));
    cell.spentMs = 0;
  }

  // Interleaved samples, rotating the order every round.
  for (let round = 0; round < settings.samples; round++) {
    let active = 0;
    for (const cell of live.map((_, k) => live[(k + round) % live.length])) {
      const result = results.get(cell.key);
      if (result.samples.length >= settings.minSamples && cell.spentMs >= settings.budgetMs) continue;
      active++;
      try {
        const elapsed = await timeBatch(cell, cell.batch);
        cell.spentMs += elapsed;
        result.samples.push(elapsed / cell.batch);
      } catch (error) {
        fail(cell, error);
      }
    }
    if (active === 0) break;
  }

  for (const cell of live) {
    const result = results.get(cell.key);
    try {
      const last = cell.async ? await cell.run() : cell.run();
      result.error = Math.max(result.error, maxRelativeError(last, cell.reference));
    } catch {
      result.error = Infinity;
    }
    result.batch = cell.batch;
    result.medianMs = median(result.samples) / cell.perRun;
  }
  return results;
}

/**
 * Peak RSS growth of `calls` repeated for `durationMs` in a fresh process, over the RSS measured
 * after import and setup (inputs excluded). Runs `run.mjs --memory-child system workload`.
 */
export function measureMemory(systemId, workloadId, durationMs) {
  const script = fileURLToPath(new URL('./run.mjs', import.meta.url));
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--expose-gc', script, '--memory-child', systemId, workloadId, String(durationMs)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (code) => {
      const line = stdout.split('\n').find((l) => l.startsWith('{'));
      if (code === 0 && line) resolve(JSON.parse(line));
      else resolve({ failure: (stderr.split('\n').find((l) => /Error/.test(l)) || `exit ${code}`).slice(0, 200) });
    });
  });
}

/** The child side of measureMemory: one JSON line {growthMB (RSS), heapMB, externalMB (ArrayBuffers), calls}. */
export async function memoryChild(system, workload, durationMs) {
  await system.load();
  const cell = system.setup(workload);
  if (!cell) {
    console.log(JSON.stringify({ unavailable: true }));
    return;
  }
  globalThis.gc?.();
  const base = process.memoryUsage();
  let peak = base.rss;
  let peakHeap = base.heapUsed;
  let peakBuffers = base.arrayBuffers;
  let calls = 0;
  const start = performance.now();
  while (performance.now() - start < durationMs || calls < 5) {
    const output = cell.run();
    if (isPromise(output)) await output;
    calls++;
    const usage = process.memoryUsage();
    peak = Math.max(peak, usage.rss);
    peakHeap = Math.max(peakHeap, usage.heapUsed);
    peakBuffers = Math.max(peakBuffers, usage.arrayBuffers);
  }
  const mb = (bytes) => bytes / 2 ** 20;
  console.log(
    JSON.stringify({
      growthMB: mb(peak - base.rss),
      heapMB: mb(peakHeap - base.heapUsed),
      externalMB: mb(peakBuffers - base.arrayBuffers),
      baseMB: mb(base.rss),
      calls,
    }),
  );
}
