import { EngineError } from './errors.js';
import { gridPoint } from './grid.js';
import type {
  DefinedFunction,
  DefineOptions,
  DescendSpec,
  FunctionRef,
  Grid,
  JacobianOptions,
  JacobianResult,
  PlainTree,
  ProgressChunk,
  Range2,
  Reply,
  RunMessage,
  TraceTableOptions,
  TraceTables,
  Trajectory,
  ValueAndGradResult,
} from './protocol.js';
import { TrajectoryBuilder } from './trajectory-builder.js';
import { inThreadTransport } from './transports/in-thread.js';
import { nodeTransport } from './transports/node.js';
import type { SpawnedEngine, Transport, TransportKind } from './transports/transport.js';
import { webTransport } from './transports/web.js';
import type { WorkerApi, WorkerMethod } from './worker-api.js';

export interface EngineClientOptions {
  /** Where the engine runs; 'auto' picks a Web Worker in browsers and worker_threads in Node. */
  transport?: 'auto' | TransportKind | Transport;
  /**
   * Longest a call may run, and longest a descent may go without sending progress, before the worker
   * is terminated and respawned (default 10 000 ms). Not enforceable in-thread.
   */
  timeBudgetMs?: number;
  /** After a descent's signal aborts, how long the worker gets to stop by itself before it is killed (default 1000 ms). */
  abortGraceMs?: number;
}

export interface DescendRequest extends DescendSpec {
  /** The loss to minimise (from define). */
  fn: FunctionRef;
}

export interface DescendOptions {
  /** Aborting returns the trajectory computed so far with stopReason 'aborted'. */
  signal?: AbortSignal;
  /** Called on the page with each batch of new points (at most ~60 per second); the worker never waits for it. */
  onProgress?: (chunk: ProgressChunk) => void;
  /** This run's budget for going without progress (default: the client's timeBudgetMs). */
  timeBudgetMs?: number;
}

export interface EngineClient {
  readonly transport: TransportKind;
  /** Compiles loss source in the engine. Rejects with code 'syntax-error' / 'compile-error' and a span. */
  define(source: string, options?: DefineOptions): Promise<DefinedFunction>;
  forget(fn: FunctionRef): Promise<void>;
  evaluate(fn: FunctionRef, x: PlainTree): Promise<PlainTree>;
  valueAndGrad(fn: FunctionRef, x: PlainTree): Promise<ValueAndGradResult>;
  jacobian(fn: FunctionRef, x: PlainTree, options?: JacobianOptions): Promise<JacobianResult>;
  hessian(fn: FunctionRef, x: PlainTree): Promise<number[][]>;
  traceTables(fn: FunctionRef, x: PlainTree, options?: TraceTableOptions): Promise<TraceTables>;
  /** f([x, y]) on a grid for contour plots; `resolution` is points per axis (or [nx, ny]). */
  evaluateGrid(fn: FunctionRef, xRange: Range2, yRange: Range2, resolution: number | readonly [number, number]): Promise<Grid>;
  descend(request: DescendRequest, options?: DescendOptions): Promise<Trajectory>;
  /** Terminates the worker now (pending calls reject with 'worker-restarted'); the next call starts a fresh one. */
  restart(): void;
  /** Calls sent and not yet settled. */
  readonly pendingCalls: number;
  /** How many times the worker was terminated and replaced. */
  readonly restarts: number;
  /** Terminates the worker; every later call rejects with code 'disposed'. */
  dispose(): void;
}

/** Picks the transport for this environment. */
function resolveTransport(choice: EngineClientOptions['transport']): Transport {
  if (typeof choice === 'object') return choice;
  const kind = choice ?? 'auto';
  if (kind === 'web') return webTransport;
  if (kind === 'node') return nodeTransport;
  if (kind === 'in-thread') return inThreadTransport;
  if (typeof Worker !== 'undefined') return webTransport;
  if (typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node === 'string') return nodeTransport;
  return inThreadTransport;
}

const STARTUP_BUDGET_MS = 60_000;
/** Longest wait for a finished run's last chunks; they were posted before the reply, so this is a safety net. */
const DONE_WAIT_MS = 1000;

/** Resolves with the promise, or calls onTimeout (which must settle things) and rejects after `ms`. */
function withTimeout<T>(promise: Promise<T>, ms: number, onTimeout: () => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      onTimeout();
      reject(new EngineError('worker-crashed', `The engine worker did not answer within ${ms} ms.`));
    }, ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

let nextId = 0;
const idPrefix = Math.random().toString(36).slice(2, 8);

/** A call in flight; `killed` settles it when its worker is terminated. */
interface Pending {
  killed(error: EngineError): void;
}

/** Creates a client for an engine in a worker (or in-thread). Calls and errors are identical on every transport. */
export function createEngineClient(options: EngineClientOptions = {}): EngineClient {
  return new Client(resolveTransport(options.transport), options);
}

class Client implements EngineClient {
  readonly transport: TransportKind;
  restarts = 0;
  private readonly timeBudgetMs: number;
  private readonly abortGraceMs: number;
  /** Successfully defined sources, in order, so a respawned worker gets them back. */
  private readonly definitions = new Map<string, DefinedFunction>();
  private readonly pending = new Set<Pending>();
  private engine: Promise<SpawnedEngine> | undefined;
  private abandonStartup: ((error: EngineError) => void) | undefined;
  private current: SpawnedEngine | undefined;
  private disposed = false;

  constructor(
    private readonly source: Transport,
    options: EngineClientOptions,
  ) {
    this.transport = source.kind;
    this.timeBudgetMs = options.timeBudgetMs ?? 10_000;
    this.abortGraceMs = options.abortGraceMs ?? 1000;
  }

  get pendingCalls(): number {
    return this.pending.size;
  }

  async define(source: string, options: DefineOptions = {}): Promise<DefinedFunction> {
    const id = options.id ?? `fn-${idPrefix}-${nextId++}`;
    const input = options.input ?? 'array';
    await this.invoke('define', [id, source, input]);
    const defined = { id, source, input };
    this.definitions.set(id, defined);
    return defined;
  }

  async forget(fn: FunctionRef): Promise<void> {
    const id = idOf(fn);
    this.definitions.delete(id);
    await this.invoke('forget', [id]);
  }

  evaluate(fn: FunctionRef, x: PlainTree): Promise<PlainTree> {
    return this.invoke('evaluate', [idOf(fn), x]);
  }

  valueAndGrad(fn: FunctionRef, x: PlainTree): Promise<ValueAndGradResult> {
    return this.invoke('valueAndGrad', [idOf(fn), x]);
  }

  jacobian(fn: FunctionRef, x: PlainTree, options: JacobianOptions = {}): Promise<JacobianResult> {
    return this.invoke('jacobian', [idOf(fn), x, options]);
  }

  hessian(fn: FunctionRef, x: PlainTree): Promise<number[][]> {
    return this.invoke('hessian', [idOf(fn), x]);
  }

  traceTables(fn: FunctionRef, x: PlainTree, options: TraceTableOptions = {}): Promise<TraceTables> {
    return this.invoke('traceTables', [idOf(fn), x, options]);
  }

  async evaluateGrid(fn: FunctionRef, xRange: Range2, yRange: Range2, resolution: number | readonly [number, number]): Promise<Grid> {
    const [nx, ny] = typeof resolution === 'number' ? [resolution, resolution] : resolution;
    const z = await this.invoke('evaluateGrid', [idOf(fn), [xRange[0], xRange[1]], [yRange[0], yRange[1]], nx, ny]);
    const axis = (range: Range2, n: number) => Float64Array.from({ length: n }, (_, i) => gridPoint(range, i, n));
    return { x: axis(xRange, nx), y: axis(yRange, ny), z, nx, ny };
  }

  async descend(request: DescendRequest, options: DescendOptions = {}): Promise<Trajectory> {
    const { fn, ...spec } = request;
    const { signal, onProgress } = options;
    if (signal?.aborted) throw new EngineError('aborted', 'The descent was aborted before it started.');
    const channel = new MessageChannel();
    const partial = new TrajectoryBuilder(spec.x0);
    let graceTimer: ReturnType<typeof setTimeout> | undefined;
    let doneTimer: ReturnType<typeof setTimeout> | undefined;
    let abortedByCaller = false;
    const control: CallControl<Trajectory> = {
      budgetMs: options.timeBudgetMs,
      onKilled: (error) => {
        // Killed while stopping after our own abort: that is still a normal, aborted result.
        if (abortedByCaller && error.code === 'timeout') return { value: partial.build('aborted') };
        error.partial = partial.build('aborted');
        return { error };
      },
    };
    // Where memory can be shared (Node; cross-origin-isolated pages) the worker also reads a flag every step.
    const abortFlag = typeof SharedArrayBuffer === 'function' ? new Int32Array(new SharedArrayBuffer(4)) : undefined;
    const onAbort = () => {
      abortedByCaller = true;
      if (abortFlag) Atomics.store(abortFlag, 0, 1);
      channel.port1.postMessage({ type: 'abort' } satisfies RunMessage);
      // A loss stuck inside one step never reads the message: kill it after the grace period.
      graceTimer = setTimeout(() => control.kill?.(new EngineError('timeout', 'The descent did not stop after abort.')), this.abortGraceMs);
    };
    let allChunksArrived!: () => void;
    const done = new Promise<void>((resolve) => {
      allChunksArrived = resolve;
    });
    channel.port1.onmessage = (event: MessageEvent<RunMessage>) => {
      if (event.data.type === 'done') allChunksArrived();
      if (event.data.type !== 'progress') return;
      control.heartbeat?.();
      partial.push(event.data.chunk);
      try {
        onProgress?.(event.data.chunk);
      } catch (error) {
        // Like an event listener: the caller's bug is reported, the run goes on.
        const report = (globalThis as { reportError?: (e: unknown) => void }).reportError;
        if (report) report(error);
        else console.error('onProgress threw:', error);
      }
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const trajectory = await this.invoke('descend', [idOf(fn), spec, channel.port2, abortFlag], control);
      // The reply can overtake the last chunks (different ports); every onProgress runs before we resolve.
      await Promise.race([done, new Promise((resolve) => (doneTimer = setTimeout(resolve, DONE_WAIT_MS)))]);
      return trajectory;
    } finally {
      signal?.removeEventListener('abort', onAbort);
      clearTimeout(graceTimer);
      clearTimeout(doneTimer);
      channel.port1.close();
    }
  }

  restart(): void {
    this.kill(undefined, new EngineError('worker-restarted', 'The engine worker was restarted on request.'));
  }

  dispose(): void {
    if (this.disposed) return;
    this.kill(undefined, new EngineError('disposed', 'The engine client was disposed.'));
    this.disposed = true;
  }

  /** The live engine, spawning one (and re-defining every function) if there is none. */
  private ensureEngine(): Promise<SpawnedEngine> {
    if (this.engine) return this.engine;
    // A kill during startup (restart, dispose, another call's timeout) must release the callers waiting here.
    let abandonedWith: EngineError | undefined;
    let abandon!: (error: EngineError) => void;
    const abandoned = new Promise<never>((_, reject) => {
      abandon = (error) => {
        abandonedWith = error;
        reject(error);
      };
    });
    abandoned.catch(() => {});
    this.abandonStartup = abandon;
    const engine = (async () => {
      const spawned = await this.source.spawn();
      if (abandonedWith) {
        spawned.terminate();
        throw abandonedWith;
      }
      this.current = spawned;
      const crashed = new Promise<never>((_, reject) =>
        spawned.onCrash((message) => {
          const error = new EngineError('worker-crashed', `The engine worker crashed: ${message}`);
          if (this.current === spawned) this.kill(undefined, error);
          reject(error);
        }),
      );
      crashed.catch(() => {});
      // Loading a worker can take a while on a busy machine; call budgets start once it answers.
      const started = withTimeout(spawned.call('ready', []), STARTUP_BUDGET_MS, () => {
        if (this.current === spawned) this.kill(undefined, new EngineError('worker-crashed', `The engine worker did not start within ${STARTUP_BUDGET_MS} ms.`));
      });
      await Promise.race([started, crashed, abandoned]);
      for (const [id, { source, input }] of this.definitions) {
        const reply = await Promise.race([spawned.call('define', [id, source, input]), crashed, abandoned]);
        if (!reply.ok) this.definitions.delete(id);
      }
      if (this.abandonStartup === abandon) this.abandonStartup = undefined;
      return spawned;
    })();
    this.engine = engine;
    return engine;
  }

  /** Terminates the current worker; every pending call settles (rejects, or returns a partial result). */
  private kill(culprit: Pending | undefined, error: EngineError): void {
    const victims = [...this.pending];
    this.pending.clear();
    const abandonStartup = this.abandonStartup;
    this.abandonStartup = undefined;
    abandonStartup?.(
      culprit === undefined ? error : new EngineError('worker-restarted', `The engine worker was restarted because another call failed: ${error.message}`),
    );
    const engine = this.current;
    this.current = undefined;
    this.engine = undefined;
    if (engine) {
      engine.terminate();
      this.restarts++;
    }
    for (const call of victims) {
      call.killed(
        call === culprit || culprit === undefined
          ? error
          : new EngineError('worker-restarted', `The engine worker was restarted because another call failed: ${error.message}`),
      );
    }
  }

  /** Sends one call with a watchdog; settles exactly once, whatever happens to the worker. */
  private async invoke<M extends WorkerMethod>(
    method: M,
    args: Parameters<WorkerApi[M]>,
    control: CallControl<ReplyValue<M>> = {},
  ): Promise<ReplyValue<M>> {
    if (this.disposed) throw new EngineError('disposed', 'The engine client was disposed.');
    const engine = await this.ensureEngine();
    if (this.disposed) throw new EngineError('disposed', 'The engine client was disposed.');
    return new Promise<ReplyValue<M>>((resolve, reject) => {
      let settled = false;
      let watchdog: ReturnType<typeof setTimeout> | undefined;
      const settle = (outcome: { value: ReplyValue<M> } | { error: EngineError }) => {
        if (settled) return;
        settled = true;
        clearTimeout(watchdog);
        this.pending.delete(call);
        if ('error' in outcome) reject(outcome.error);
        else resolve(outcome.value);
      };
      const call: Pending = {
        killed: (error) => settle(control.onKilled ? control.onKilled(error) : { error }),
      };
      const arm = () => {
        // Progress can still arrive after the reply (it travels on another port): never re-arm a settled call.
        if (settled || !engine.canTerminate) return;
        clearTimeout(watchdog);
        const budget = control.budgetMs ?? this.timeBudgetMs;
        watchdog = setTimeout(
          () => this.kill(call, new EngineError('timeout', `${method} ran longer than the time budget of ${budget} ms; the engine worker was restarted.`)),
          budget,
        );
      };
      control.heartbeat = arm;
      control.kill = (error) => {
        if (!settled) this.kill(call, error);
      };
      this.pending.add(call);
      arm();
      engine.call(method, args).then(
        (reply) => {
          const r = reply as Reply<ReplyValue<M>>;
          settle(r.ok ? { value: r.value } : { error: EngineError.fromJSON(r.error) });
        },
        (error: unknown) =>
          settle({
            error:
              (error as { name?: string })?.name === 'DataCloneError'
                ? new EngineError('invalid-argument', `Arguments must be plain data (numbers, arrays, objects): ${(error as Error).message}`)
                : new EngineError('worker-crashed', `The engine worker failed: ${String(error)}`),
          }),
      );
    });
  }
}

type ReplyValue<M extends WorkerMethod> = Awaited<ReturnType<WorkerApi[M]>> extends Reply<infer T> ? T : never;

/** Hooks a long call (descend) uses: the client fills heartbeat/kill, the call says how a kill settles it. */
interface CallControl<T> {
  /** Overrides the client's time budget for this call. */
  budgetMs?: number | undefined;
  onKilled?: (error: EngineError) => { value: T } | { error: EngineError };
  heartbeat?: () => void;
  kill?: (error: EngineError) => void;
}

function idOf(fn: FunctionRef): string {
  return typeof fn === 'string' ? fn : fn.id;
}
