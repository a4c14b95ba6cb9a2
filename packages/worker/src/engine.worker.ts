// Browser Web Worker entry: `new Worker(new URL('./engine.worker.ts', import.meta.url), {type: 'module'})`.
import { exposeWorkerApi } from './comlink-adapter.js';
import { createWorkerApi } from './worker-api.js';

// Loss code may throw later on its own (a timer, a promise): report it here and keep the engine alive.
// A cancelled error event is not forwarded to the page, where it would look like a crash.
self.addEventListener('error', (event) => {
  event.preventDefault();
  console.error('wengert engine worker: uncaught error in loss code:', event.message);
});
self.addEventListener('unhandledrejection', (event) => {
  event.preventDefault();
  console.error('wengert engine worker: unhandled rejection in loss code:', event.reason);
});

exposeWorkerApi(createWorkerApi(), self as unknown as Parameters<typeof exposeWorkerApi>[1]);
