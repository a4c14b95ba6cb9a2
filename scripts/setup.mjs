// Set-up for a fresh machine with only Node and npm: pnpm (exact version), optionally Debian's
// Chromium for browser tests, then the workspace's dependencies. Idempotent and quick when warm.
import { execSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

const root = new URL('..', import.meta.url);
const pnpmVersion = JSON.parse(readFileSync(new URL('package.json', root))).packageManager.split('@')[1];
const run = (cmd) => execSync(cmd, { stdio: 'inherit', cwd: root });
const output = (cmd) => {
  try {
    return execSync(cmd, { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch {
    return '';
  }
};

if (output('pnpm --version') !== pnpmVersion) {
  console.log(`setup: installing pnpm ${pnpmVersion}`);
  run(`npm install -g --allow-scripts=pnpm pnpm@${pnpmVersion}`);
}

if (process.argv.includes('--chromium')) {
  const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(chromium)) {
    console.log('setup: installing Debian chromium for browser tests');
    run('apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium > /dev/null');
  }
}

run(`pnpm install ${process.env.CI ? '--frozen-lockfile' : ''} --reporter=silent`);
