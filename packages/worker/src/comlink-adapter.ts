// The only file that knows comlink: swap it out here and nothing else changes.
import { type Endpoint, expose, transfer, wrap } from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import type { WorkerApi, WorkerMethod } from './worker-api.js';

/** Anything comlink can talk over: a Web Worker, the worker's global scope, or (via fromNodePort) a Node port. */
export type MessageEndpoint = Endpoint;

/** The methods of the worker API as seen from the page: every call is async and takes cloneable arguments. */
export interface WorkerConnection {
  call<M extends WorkerMethod>(method: M, args: Parameters<WorkerApi[M]>): Promise<Awaited<ReturnType<WorkerApi[M]>>>;
}

/** A Node `worker_threads` Worker or `parentPort` (anything with postMessage/on/off) as a comlink endpoint. */
export function fromNodePort(port: import('node:worker_threads').Worker | import('node:worker_threads').MessagePort): MessageEndpoint {
  return nodeEndpoint(port as unknown as Parameters<typeof nodeEndpoint>[0]);
}

/** Worker side: serve the API; typed arrays in replies are transferred, not copied. */
export function exposeWorkerApi(api: WorkerApi, endpoint: MessageEndpoint): void {
  const served: Record<string, (...args: unknown[]) => Promise<unknown>> = {};
  for (const method of Object.keys(api) as WorkerMethod[]) {
    const fn = api[method] as (...args: unknown[]) => unknown;
    served[method] = async (...args) => {
      const reply = await fn(...args);
      return transfer(reply, transferablesOf(reply));
    };
  }
  expose(served, endpoint);
}

/** Page side: call the API; MessagePorts and typed arrays in arguments are transferred. */
export function connectWorkerApi(endpoint: MessageEndpoint): WorkerConnection {
  const remote = wrap<Record<string, (...args: unknown[]) => Promise<unknown>>>(endpoint);
  return {
    call: (method, args) => {
      const sent = (args as unknown[]).map((arg) => {
        const transferables = transferablesOf(arg);
        return transferables.length > 0 ? transfer(arg, transferables) : arg;
      });
      return remote[method]!(...sent) as never;
    },
  };
}

/** MessagePorts and the buffers of typed arrays inside a value (two levels deep: replies and chunks). */
function transferablesOf(value: unknown, depth = 3, found = new Set<Transferable>()): Transferable[] {
  if (typeof MessagePort !== 'undefined' && value instanceof MessagePort) found.add(value);
  else if (ArrayBuffer.isView(value) && value.buffer instanceof ArrayBuffer && value.byteLength === value.buffer.byteLength)
    found.add(value.buffer);
  else if (depth > 0 && value !== null && typeof value === 'object')
    for (const item of Object.values(value)) transferablesOf(item, depth - 1, found);
  return [...found];
}
