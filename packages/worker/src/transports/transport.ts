import type { WorkerConnection } from '../comlink-adapter.js';

/** Where the engine runs. */
export type TransportKind = 'web' | 'node' | 'in-thread';

/** One running engine: calls go in, and it can be killed (except in-thread, which shares our thread). */
export interface SpawnedEngine extends WorkerConnection {
  /** False in-thread: a runaway loop there blocks the caller and no watchdog can stop it. */
  readonly canTerminate: boolean;
  terminate(): void;
  /** Called once if the worker dies by itself (uncaught error, exit). */
  onCrash(listener: (message: string) => void): void;
}

/** Starts engines; the client asks for a fresh one after terminating a runaway. */
export interface Transport {
  readonly kind: TransportKind;
  spawn(): Promise<SpawnedEngine>;
}
