// The same measurements in real Chromium with a module Web Worker (run: pnpm bench:browser).
// Run by vitest's browser mode only as a harness; it asserts nothing about time.
import { expect, it } from 'vitest';
import { measureWorker } from './measure.js';

it('measures a Web Worker against in-thread descent in Chromium', async () => {
  const lines = await measureWorker('web');
  for (const line of lines) console.log(line);
  expect(lines.length).toBeGreaterThan(0);
}, 600_000);
