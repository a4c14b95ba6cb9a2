import { defineConfig } from 'vitest/config';
import { reporters } from '../../vitest.shared.ts';

export default defineConfig({
  test: { ...reporters, environment: 'node', include: ['src/**/*.test.ts'] },
});
