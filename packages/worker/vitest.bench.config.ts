import { defineConfig } from 'vitest/config';
import { chromiumBrowser } from '../../vitest.shared.ts';

/** The Chromium half of the benchmark; not part of `test`. */
export default defineConfig({
  test: { include: ['bench/*.browser-bench.ts'], browser: chromiumBrowser },
});
