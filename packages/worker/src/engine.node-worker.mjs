// Node 20 cannot start a worker from a .ts file; register tsx's loader, then load the real entry.
import { register } from 'tsx/esm/api';

register();
await import('./engine.node-worker.ts');
