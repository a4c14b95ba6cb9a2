// Node worker_threads entry (loaded through engine.node-worker.mjs, which registers tsx first).
import { parentPort } from 'node:worker_threads';
import { exposeWorkerApi, fromNodePort } from './comlink-adapter.js';
import { createWorkerApi } from './worker-api.js';

if (!parentPort) throw new Error('engine.node-worker must run in a worker_threads Worker');
exposeWorkerApi(createWorkerApi(), fromNodePort(parentPort));
