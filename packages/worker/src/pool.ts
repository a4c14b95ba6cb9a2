import { createEngineClient, type DescendOptions, type DescendRequest, type EngineClient, type EngineClientOptions } from './client.js';
import type { DefinedFunction, DefineOptions, FunctionRef, Trajectory } from './protocol.js';

export interface EnginePool {
  readonly size: number;
  readonly clients: readonly EngineClient[];
  /** Defines the loss in every worker under one id, so any worker can run it. */
  define(source: string, options?: Omit<DefineOptions, 'id'>): Promise<DefinedFunction>;
  forget(fn: FunctionRef): Promise<void>;
  /** Runs on the worker with the fewest calls in flight; k descents run in parallel on k workers. */
  descend(request: DescendRequest, options?: DescendOptions): Promise<Trajectory>;
  /** The least busy client, for any other call. */
  client(): EngineClient;
  dispose(): void;
}

/** One worker per core by default (navigator.hardwareConcurrency, or os.availableParallelism in Node). */
export function defaultPoolSize(): number {
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  if (nav?.hardwareConcurrency) return nav.hardwareConcurrency;
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const os = proc?.getBuiltinModule?.('node:os') as { availableParallelism?: () => number } | undefined;
  return os?.availableParallelism?.() ?? 2;
}

let poolIds = 0;

/** k engine clients side by side, for comparing optimizers in parallel. */
export function createEnginePool(size = defaultPoolSize(), options: EngineClientOptions = {}): EnginePool {
  const clients = Array.from({ length: Math.max(1, size) }, () => createEngineClient(options));
  // Descents counted from the moment they are handed out (a client counts a call only once it is sent),
  // so a burst of k descents lands on k different workers.
  const running = new Map<EngineClient, number>(clients.map((c) => [c, 0]));
  const load = (c: EngineClient) => running.get(c)! + c.pendingCalls;
  const leastBusy = () => clients.reduce((best, c) => (load(c) < load(best) ? c : best));
  const descend = async (request: DescendRequest, descendOptions?: DescendOptions): Promise<Trajectory> => {
    const client = leastBusy();
    running.set(client, running.get(client)! + 1);
    try {
      return await client.descend(request, descendOptions);
    } finally {
      running.set(client, running.get(client)! - 1);
    }
  };
  return {
    size: clients.length,
    clients,
    async define(source, defineOptions = {}) {
      const id = `pool-fn-${poolIds++}-${Math.random().toString(36).slice(2, 8)}`;
      const defined = await Promise.all(clients.map((c) => c.define(source, { ...defineOptions, id })));
      return defined[0]!;
    },
    async forget(fn) {
      await Promise.all(clients.map((c) => c.forget(fn)));
    },
    descend,
    client: leastBusy,
    dispose() {
      for (const c of clients) c.dispose();
    },
  };
}
