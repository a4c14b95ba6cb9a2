import * as engine from '@wengert/engine';
import { type CompiledLoss, runLoss } from './compile/define.js';
import { toNumber } from './engine-backend.js';
import { EngineError } from './errors.js';
import type { DescendSpec, ProgressChunk, RunMessage, Trajectory } from './protocol.js';

const IN_NODE = typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node === 'string';

/**
 * Work between event-loop turns. When aborts arrive only as messages, turns must be frequent (16 ms)
 * for a fast abort. When the page can also raise a shared flag that every step reads, the turn is only
 * for progress; in Node, where a turn costs ≥ 1 ms (setTimeout(0) is 1 ms) and no one watches at
 * display rate, it comes every 100 ms.
 */
const chunkWorkMs = (sharedAbort: boolean) => (sharedAbort && IN_NODE ? 100 : 16);

/** Post progress at most this often (~60 per second, the display rate). */
const POST_INTERVAL_MS = 16;

/** A compiled loss as the engine's descent objective: x arrives as a plain array (or a 1-D Tensor). */
export function lossObjective(loss: CompiledLoss): engine.Objective {
  const f = (x: unknown) => loss.fn(x) as engine.Value;
  const valueAndGrad = engine.valueAndGrad(f);
  const input = loss.input === 'tensor' ? (x: Float64Array) => engine.tensor(x.slice()) : (x: Float64Array) => Array.from(x);
  const write = (from: unknown, out: Float64Array) => {
    const flat = (from instanceof engine.Tensor ? from.data : from) as ArrayLike<unknown>;
    for (let i = 0; i < out.length; i++) out[i] = toNumber(flat[i]);
  };
  return {
    valueAndGrad(x, grad) {
      return runLoss(loss, () => {
        const [value, g] = valueAndGrad(input(x)) as [unknown, unknown];
        write(g, grad);
        return toNumber(value);
      });
    },
    value(x) {
      return runLoss(loss, () => toNumber(loss.fn(input(x))));
    },
    // Newton-CG: ∇²f(x)·v forward-over-reverse.
    hvp(x, v, out) {
      runLoss(loss, () => write(engine.hvp(f, [input(x)], [input(v)]), out));
    },
  };
}

/**
 * Runs the engine's streaming descent in this (worker) thread. Progress goes out on `port` as
 * transferred chunks, coalesced to the display rate and never awaited; an `{type: 'abort'}` message
 * on the port aborts the run, which then returns what it computed with stopReason 'aborted'.
 */
export async function runDescent(loss: CompiledLoss, spec: DescendSpec, port?: MessagePort, abortFlag?: Int32Array): Promise<Trajectory> {
  const controller = new AbortController();
  if (abortFlag) readSharedFlag(controller.signal, abortFlag);
  if (port) {
    port.onmessage = (event: MessageEvent<RunMessage>) => {
      if (event.data?.type === 'abort') controller.abort();
    };
  }
  checkSpec(spec);
  const objective = lossObjective(loss);
  const x0 = Float64Array.from(spec.x0);
  const costKey = `${loss.id} ${JSON.stringify(spec.optimizer)}`;
  const stepMs = stepCosts.get(costKey) ?? measureStepMs(objective, x0, spec.optimizer);
  const every = Math.max(1, Math.min(1_000_000, Math.round(chunkWorkMs(abortFlag !== undefined) / stepMs)));
  const options: engine.DescendOptions = { every, signal: controller.signal };
  if (spec.steps !== undefined) options.steps = spec.steps;
  if (spec.tol !== undefined) options.tol = spec.tol;
  if (spec.divergeAbove !== undefined) options.divergeAbove = spec.divergeAbove;
  const coalescer = new ChunkCoalescer(x0.length, (chunk) => port?.postMessage({ type: 'progress', chunk } satisfies RunMessage, transferList(chunk)));
  try {
    const started = performance.now();
    const run = engine.descendAsync(objective, x0, spec.optimizer, options);
    for (;;) {
      // Ask for the next chunk from a fresh task: the engine's setTimeout(0) then stays unnested,
      // so browsers do not clamp it to 4 ms, and an abort message gets its turn here too.
      await freshTask();
      const next = await run.next();
      if (next.done) {
        coalescer.flush();
        const t = next.value;
        // The next run of this loss and optimizer sizes its chunks from this one: no calibration needed.
        const elapsed = performance.now() - started;
        if (t.steps > 0 && elapsed >= 5) stepCosts.set(costKey, elapsed / t.steps);
        return {
          n: t.n,
          steps: t.steps,
          points: t.points,
          losses: t.losses,
          gradNorms: t.gradNorms,
          stepSizes: t.stepSizes,
          stopReason: t.stopReason,
          x: Array.from(t.x as Float64Array),
        };
      }
      coalescer.push(next.value);
    }
  } finally {
    port?.postMessage({ type: 'done' } satisfies RunMessage);
    port?.close();
  }
}

/**
 * Makes `signal.aborted` also true once the page stores 1 in the shared flag, so the engine's per-step
 * check sees an abort in the middle of a chunk, without waiting for an event-loop turn.
 */
function readSharedFlag(signal: AbortSignal, flag: Int32Array): void {
  // Read once per step: a closure flag and Atomics.load, no call into the native getter.
  let aborted = false;
  signal.addEventListener('abort', () => (aborted = true), { once: true });
  Object.defineProperty(signal, 'aborted', { get: () => aborted || Atomics.load(flag, 0) === 1 });
}

/** Bad starting points and optimizer specs are the caller's mistake, not the loss's: say so before running. */
function checkSpec(spec: DescendSpec): void {
  if (!Array.isArray(spec.x0) || spec.x0.length === 0 || !spec.x0.every((v) => typeof v === 'number' && Number.isFinite(v)))
    throw new EngineError('invalid-argument', 'x0 must be a non-empty array of finite numbers.');
  try {
    engine.optimizerFromSpec(spec.optimizer);
  } catch (error) {
    throw new EngineError('invalid-argument', `Invalid optimizer spec: ${(error as Error).message}`);
  }
}

/** Resolves in a new macrotask (a MessageChannel message: no timer clamping). */
function freshTask(): Promise<void> {
  return new Promise((resolve) => {
    const { port1, port2 } = new MessageChannel();
    port1.onmessage = () => {
      port1.close();
      resolve();
    };
    port2.postMessage(null);
  });
}

/** Milliseconds per step by loss id and optimizer, from the last finished run. */
const stepCosts = new Map<string, number>();

/** Drops what was learned about a loss (it was redefined). */
export function forgetStepCosts(id: string): void {
  for (const key of stepCosts.keys()) if (key.startsWith(`${id} `)) stepCosts.delete(key);
}

/**
 * Milliseconds per step, from timing a short throwaway run of the same loss and optimizer
 * (gradient and update both count; the loss may be cheap next to an L-BFGS update).
 */
function measureStepMs(objective: engine.Objective, x0: Float64Array, optimizer: engine.OptimizerSpec): number {
  let steps = 1;
  for (;;) {
    const start = performance.now();
    engine.descend(objective, x0, optimizer, { steps, tol: -1 });
    const elapsed = performance.now() - start;
    if (elapsed >= 1 || steps >= 4096) return Math.max(elapsed, 1e-3) / steps;
    steps *= 4;
  }
}

function transferList(chunk: ProgressChunk): Transferable[] {
  return [chunk.points.buffer, chunk.losses.buffer, chunk.gradNorms.buffer, chunk.stepSizes.buffer] as Transferable[];
}

/** Merges consecutive engine chunks and posts at most one per POST_INTERVAL_MS. */
class ChunkCoalescer {
  private pending: engine.TrajectoryChunk[] = [];
  private lastPost = -Infinity;

  constructor(
    private readonly n: number,
    private readonly post: (chunk: ProgressChunk) => void,
  ) {}

  push(chunk: engine.TrajectoryChunk): void {
    this.pending.push(chunk);
    if (performance.now() - this.lastPost >= POST_INTERVAL_MS) this.flush();
  }

  flush(): void {
    if (this.pending.length === 0) return;
    const parts = this.pending;
    this.pending = [];
    this.lastPost = performance.now();
    this.post({
      from: parts[0]!.from,
      count: parts.reduce((s, p) => s + p.count, 0),
      n: this.n,
      points: concat(parts.map((p) => p.points)),
      losses: concat(parts.map((p) => p.losses)),
      gradNorms: concat(parts.map((p) => p.gradNorms)),
      stepSizes: concat(parts.map((p) => p.stepSizes)),
    });
  }
}

function concat(arrays: Float64Array[]): Float64Array {
  if (arrays.length === 1) return arrays[0]!;
  const out = new Float64Array(arrays.reduce((s, a) => s + a.length, 0));
  let k = 0;
  for (const a of arrays) {
    out.set(a, k);
    k += a.length;
  }
  return out;
}
