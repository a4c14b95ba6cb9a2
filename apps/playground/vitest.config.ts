import { defineConfig } from 'vitest/config';
import { reporters } from '../../vitest.shared.ts';

// Node tests only: the end-to-end tests drive /usr/bin/chromium themselves through playwright-core,
// against the built app served by `vite preview`.
export default defineConfig({
  test: {
    ...reporters,
    environment: 'node',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    fileParallelism: false,
  },
});
