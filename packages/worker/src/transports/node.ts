import type { Worker as NodeWorker } from 'node:worker_threads';
import { connectWorkerApi, fromNodePort } from '../comlink-adapter.js';
import type { SpawnedEngine, Transport } from './transport.js';

type WorkerThreads = typeof import('node:worker_threads');

/** node:worker_threads, fetched without an import statement so browser bundles never see it. */
function workerThreads(): WorkerThreads {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const module = proc?.getBuiltinModule?.('node:worker_threads') as WorkerThreads | undefined;
  if (!module) throw new Error('The node transport needs Node ≥ 20.16 (process.getBuiltinModule).');
  return module;
}

/** A variable, not a literal: bundlers only rewrite `new URL('literal', import.meta.url)`. */
const NODE_WORKER_ENTRY = '../engine.node-worker.mjs';

/**
 * A Node `worker_threads` worker. Its entry is a small .mjs that registers tsx first, because
 * Node 20 cannot load the TypeScript worker source by itself.
 */
export const nodeTransport: Transport = {
  kind: 'node',
  async spawn(): Promise<SpawnedEngine> {
    const { Worker } = workerThreads();
    const entry = new URL(NODE_WORKER_ENTRY, import.meta.url);
    const worker: NodeWorker = new Worker(entry, { name: 'wengert-engine' });
    // An idle worker must not keep the process alive, but one with calls in flight must.
    worker.unref();
    let inFlight = 0;
    const connection = connectWorkerApi(fromNodePort(worker));
    let terminated = false;
    return {
      canTerminate: true,
      call: (method, args) => {
        if (inFlight++ === 0) worker.ref();
        const settled = () => {
          if (--inFlight === 0) worker.unref();
        };
        const reply = connection.call(method, args);
        reply.then(settled, settled);
        return reply;
      },
      terminate: () => {
        terminated = true;
        void worker.terminate();
      },
      onCrash(listener) {
        worker.once('error', (error) => listener(error.message));
        worker.once('exit', (code) => {
          if (!terminated) listener(`the engine worker exited with code ${code}`);
        });
      },
    };
  },
};
