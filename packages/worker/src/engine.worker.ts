// Browser Web Worker entry: `new Worker(new URL('./engine.worker.ts', import.meta.url), {type: 'module'})`.
import { exposeWorkerApi } from './comlink-adapter.js';
import { createWorkerApi } from './worker-api.js';

exposeWorkerApi(createWorkerApi(), self as unknown as Parameters<typeof exposeWorkerApi>[1]);
