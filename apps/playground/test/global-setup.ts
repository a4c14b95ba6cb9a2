import { buildApp } from '../scripts/harness.mjs';

// One `vite build` for all end-to-end test files (set SKIP_BUILD=1 to test an existing dist/).
export default async function setup(): Promise<void> {
  await buildApp();
}
