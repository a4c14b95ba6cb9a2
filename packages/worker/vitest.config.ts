import { defineConfig } from 'vitest/config';
import { chromiumBrowser, reporters } from '../../vitest.shared.ts';

export default defineConfig({
  test: {
    ...reporters,
    // Real workers start slowly on a busy machine; this bounds a hung test, it times nothing.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: { name: 'node', environment: 'node', include: ['src/**/*.test.ts'], exclude: ['src/**/*.browser.test.ts'] },
      },
      { extends: true, test: { name: 'browser', include: ['src/**/*.browser.test.ts'], browser: chromiumBrowser } },
    ],
  },
});
