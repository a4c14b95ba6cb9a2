import type { WorkerApi, WorkerMethod } from '../worker-api.js';
import type { SpawnedEngine, Transport } from './transport.js';

/**
 * The engine in the caller's thread: same API, same code path, no isolation. For tests and tiny
 * embeds; a runaway loop here blocks the page and cannot be stopped.
 */
export const inThreadTransport: Transport = {
  kind: 'in-thread',
  async spawn(): Promise<SpawnedEngine> {
    // Loaded on demand, so pages that use a worker do not bundle the engine and the compiler.
    const { createWorkerApi } = await import('../worker-api.js');
    const api: WorkerApi = createWorkerApi({ ownThread: false });
    return {
      canTerminate: false,
      call: async (method: WorkerMethod, args: unknown[]) => {
        // A macrotask first, like a message to a worker: the caller's code after the call runs before the work.
        await new Promise((resolve) => setTimeout(resolve, 0));
        return (api[method] as (...a: unknown[]) => unknown)(...args);
      },
      terminate: () => {},
      onCrash: () => {},
    } as SpawnedEngine;
  },
};
