import { connectWorkerApi } from '../comlink-adapter.js';
import type { SpawnedEngine, Transport } from './transport.js';

/**
 * A browser (or Deno) module Web Worker. The `new Worker(new URL(…), {type: 'module'})` expression is
 * kept literal so Vite (and other bundlers) find and bundle the worker with no configuration.
 */
export const webTransport: Transport = {
  kind: 'web',
  async spawn(): Promise<SpawnedEngine> {
    const worker = new Worker(new URL('../engine.worker.ts', import.meta.url), { type: 'module', name: 'wengert-engine' });
    const connection = connectWorkerApi(worker);
    return {
      canTerminate: true,
      call: connection.call,
      terminate: () => worker.terminate(),
      onCrash(listener) {
        worker.addEventListener('error', (event) => listener(event.message || 'the engine worker failed to start'), { once: true });
      },
    };
  },
};
