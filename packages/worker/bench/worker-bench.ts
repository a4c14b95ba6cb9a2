// Side-by-side timings in one process (run: pnpm --filter @wengert/worker bench):
// a 10,000-step Rosenbrock descent with progress streaming in a worker_threads worker vs in this
// thread, and the latency from abort() to the settled descend() call. Chromium: pnpm bench:browser.
import { measureWorker } from './measure.js';

for (const line of await measureWorker('node')) console.log(line);
