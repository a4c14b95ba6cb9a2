// Every check CI runs: lint, then typecheck, build and test in every package (turbo, --continue),
// then one line "N passed, N failed" summed over every package's vitest JSON report.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const packageDirs = ['packages', 'apps']
  .filter((d) => existsSync(join(root, d)))
  .flatMap((d) => readdirSync(join(root, d)).map((p) => join(root, d, p)))
  .filter((p) => existsSync(join(p, 'package.json')));

for (const dir of packageDirs) rmSync(join(dir, 'test-results.json'), { force: true });

const step = (args) => spawnSync('pnpm', args, { stdio: 'inherit', cwd: root }).status ?? 1;
let status = 0;
if (step(['exec', 'biome', 'check', '.']) !== 0) {
  console.error('lint failed');
  status = 1;
}
if (step(['exec', 'turbo', 'run', 'typecheck', 'build', '--continue', '--output-logs=new-only']) !== 0) status = 1;
// One package's tests at a time: several real-Chromium suites at once on a two-core machine starve each
// other (plotly alone takes tens of seconds to load), which turns into timeouts, not findings.
if (step(['exec', 'turbo', 'run', 'test', '--continue', '--concurrency=1', '--output-logs=new-only']) !== 0) status = 1;

let passed = 0;
let failed = 0;
for (const dir of packageDirs) {
  const report = join(dir, 'test-results.json');
  if (!existsSync(report)) continue;
  const { numPassedTests, numFailedTests, numFailedTestSuites } = JSON.parse(readFileSync(report, 'utf8'));
  passed += numPassedTests;
  // A test file that fails to load fails no single test: count the file, or its failure would vanish.
  failed += numFailedTests + (numFailedTests === 0 ? numFailedTestSuites : 0);
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(status !== 0 || failed > 0 || passed === 0 ? 1 : 0);
