import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';
import { CHROMIUM_ARGS, chromiumBrowser, reporters } from '../../vitest.shared.ts';

// The shared Chromium, in a page large enough that the tested page is not scaled down to fit the
// runner's UI: element screenshots then come out at their real size.
const browser = {
  ...chromiumBrowser,
  provider: playwright({
    launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS },
    contextOptions: { viewport: { width: 1400, height: 2300 } },
  }),
  viewport: { width: 1100, height: 2000 },
};

export default defineConfig({
  // plotly (through optim-viz) and CodeMirror are reached lazily; pre-bundle them up front so Vite does
  // not discover them mid-run and reload the page.
  optimizeDeps: { include: ['@wengert/optim-viz > plotly.js-dist'] },
  test: {
    ...reporters,
    projects: [
      {
        extends: true,
        test: { name: 'node', environment: 'node', include: ['src/**/*.test.ts'], exclude: ['src/**/*.browser.test.ts'] },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['src/**/*.browser.test.ts'],
          browser,
          // Real workers and plotly (4.7 MB, 10–50 s to load on a busy two-core machine) take their time.
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
