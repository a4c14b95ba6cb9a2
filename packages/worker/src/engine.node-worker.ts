// Node worker_threads entry (loaded through engine.node-worker.mjs, which registers tsx first).
import { parentPort } from 'node:worker_threads';
import { exposeWorkerApi, fromNodePort } from './comlink-adapter.js';
import { createWorkerApi } from './worker-api.js';

if (!parentPort) throw new Error('engine.node-worker must run in a worker_threads Worker');

// Loss code may throw later on its own (a timer, a promise): report it and keep the engine alive,
// as the browser entry does, instead of letting Node end the worker.
process.on('uncaughtException', (error) => console.error('wengert engine worker: uncaught error in loss code:', error));
process.on('unhandledRejection', (reason) => console.error('wengert engine worker: unhandled rejection in loss code:', reason));

exposeWorkerApi(createWorkerApi(), fromNodePort(parentPort));
