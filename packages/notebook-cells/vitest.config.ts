import { defineConfig } from 'vitest/config';
import { chromiumBrowser, reporters } from '../../vitest.shared.ts';

export default defineConfig({
  test: {
    ...reporters,
    projects: [
      {
        extends: true,
        test: { name: 'node', environment: 'node', include: ['src/**/*.test.ts'], exclude: ['src/**/*.browser.test.ts'] },
      },
      {
        extends: true,
        test: { name: 'browser', include: ['src/**/*.browser.test.ts'], browser: { ...chromiumBrowser, viewport: { width: 1100, height: 900 } }, testTimeout: 60_000 },
      },
    ],
  },
});
