// A reply may overtake the run's progress messages (they travel on different ports). This transport
// forces that order: the real worker API in this thread, with every progress message held back 50 ms.
import { describe, expect, it } from 'vitest';
import { createEngineClient } from './client.js';
import type { RunMessage } from './protocol.js';
import type { SpawnedEngine, Transport } from './transports/transport.js';
import type { WorkerMethod } from './worker-api.js';

const lateProgress: Transport = {
  kind: 'in-thread',
  async spawn(): Promise<SpawnedEngine> {
    const { createWorkerApi } = await import('./worker-api.js');
    const api = createWorkerApi();
    return {
      canTerminate: true,
      terminate: () => {},
      onCrash: () => {},
      call: (async (method: WorkerMethod, args: unknown[]) => {
        if (method !== 'descend') return (api[method] as (...a: unknown[]) => unknown)(...args);
        const [id, spec, port] = args as Parameters<typeof api.descend>;
        const relay = new MessageChannel();
        relay.port1.onmessage = (event: MessageEvent<RunMessage>) => {
          setTimeout(() => {
            port!.postMessage(event.data);
            if (event.data.type === 'done') relay.port1.close();
          }, 50);
        };
        return api.descend(id, spec, relay.port2);
      }) as SpawnedEngine['call'],
    };
  },
};

describe('progress that arrives after the reply', () => {
  it('still reaches onProgress before descend resolves, and never re-arms the watchdog', async () => {
    const client = createEngineClient({ transport: lateProgress, timeBudgetMs: 2500 });
    try {
      const f = await client.define('x => (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2');
      let received = 0;
      const run = await client.descend(
        { fn: f, x0: [-1.2, 1], optimizer: { name: 'adam', lr: 0.01 }, steps: 2000 },
        { onProgress: (chunk) => (received += chunk.count) },
      );
      expect(received).toBe(run.steps + 1);
      await new Promise((resolve) => setTimeout(resolve, 3000));
      expect(client.restarts).toBe(0);
    } finally {
      client.dispose();
    }
  });
});
