import { defineConfig } from 'vitest/config';
import { chromiumBrowser, reporters } from '../../vitest.shared.ts';

export default defineConfig({
  // plotly is only reached through a dynamic import(); pre-bundle it up front so the first test
  // run does not reload the page halfway through when Vite discovers it.
  optimizeDeps: { include: ['plotly.js-dist'] },
  test: {
    ...reporters,
    include: ['src/**/*.browser.test.ts'],
    // The first figure of a run waits for plotly (4.7 MB) to load, 10–50 s on a busy two-core machine.
    testTimeout: 120_000,
    browser: chromiumBrowser,
  },
});
