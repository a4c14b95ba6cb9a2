// Starts the built app under `vite preview` on 127.0.0.1 and opens it in /usr/bin/chromium with
// playwright-core. Shared by the end-to-end tests and the measurement script.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const APP_DIR = fileURLToPath(new URL('..', import.meta.url));
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-dev-shm-usage'];

/** Runs `vite build` unless `dist/` is fresh enough for the caller (SKIP_BUILD=1). */
export async function buildApp() {
  if (process.env.SKIP_BUILD === '1') return;
  // vitest sets NODE_ENV=test, which would make Vite pick the development builds of lit and friends.
  const env = { ...process.env, NODE_ENV: 'production' };
  const child = spawn('pnpm', ['exec', 'vite', 'build', '--logLevel', 'error'], { cwd: APP_DIR, stdio: 'inherit', env });
  const [code] = await once(child, 'exit');
  if (code !== 0) throw new Error(`vite build exited with ${code}`);
}

/** `vite preview` on a free port (a few tries); resolves once it answers, with its URL and a stop function. */
export async function startPreview(port) {
  for (let attempt = 0; ; attempt++) {
    try {
      return await startPreviewOn(port ?? 4300 + Math.floor(Math.random() * 500));
    } catch (error) {
      if (port !== undefined || attempt === 2) throw error;
    }
  }
}

async function startPreviewOn(port) {
  const child = spawn('pnpm', ['exec', 'vite', 'preview', '--host', '127.0.0.1', '--port', String(port), '--strictPort'], {
    cwd: APP_DIR,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const url = `http://127.0.0.1:${port}/`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const response = await fetch(url);
      if (response.ok) break;
    } catch {
      // not up yet
    }
    if (child.exitCode !== null || Date.now() > deadline) {
      if (child.exitCode === null) process.kill(-child.pid, 'SIGTERM');
      throw new Error(`vite preview did not start:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    url,
    async stop() {
      if (child.exitCode !== null) return;
      // The preview runs under pnpm: end the whole process group we started, nothing else.
      process.kill(-child.pid, 'SIGTERM');
      await Promise.race([once(child, 'exit'), new Promise((resolve) => setTimeout(resolve, 3000))]);
    },
  };
}

export function launchChromium() {
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
}
