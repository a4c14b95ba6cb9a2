// A consumer that bundles with Vite and no configuration gets the engine worker: build a tiny app
// that depends on this package (linked into node_modules like a workspace or npm install would),
// serve the production build, and run it in real Chromium.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright';
import { build, preview } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS } from '../../../vitest.shared.ts';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

const MAIN = `
import { createEngineClient } from '@wengert/worker';
const client = createEngineClient();
const f = await client.define('x => Math.log(x[0]) + x[0] * x[1] - Math.sin(x[1])');
const result = await client.valueAndGrad(f, [2, 5]);
document.getElementById('out').textContent = JSON.stringify({ transport: client.transport, ...result });
document.body.dataset.ready = '1';
`;

describe('a zero-config Vite build of a page that uses @wengert/worker', () => {
  let app: string;

  beforeAll(async () => {
    app = mkdtempSync(join(tmpdir(), 'wengert-vite-consumer-'));
    mkdirSync(join(app, 'src'));
    mkdirSync(join(app, 'node_modules', '@wengert'), { recursive: true });
    symlinkSync(packageDir, join(app, 'node_modules', '@wengert', 'worker'), 'dir');
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
    writeFileSync(
      join(app, 'index.html'),
      '<!doctype html><html><head><link rel="icon" href="data:,"></head><body><pre id="out"></pre><script type="module" src="/src/main.js"></script></body></html>',
    );
    writeFileSync(join(app, 'src', 'main.js'), MAIN);
    await build({ root: app, configFile: false, logLevel: 'silent' });
  });

  afterAll(() => {
    if (app) rmSync(app, { recursive: true, force: true });
  });

  it('emits the engine worker as its own chunk, leaving the engine out of the page', () => {
    const assets = readdirSync(join(app, 'dist', 'assets'));
    const worker = assets.find((name) => /^engine\.worker-.*\.js$/.test(name));
    expect(worker).toBeDefined();
    const page = assets.find((name) => /^index-.*\.js$/.test(name))!;
    const pageCode = readFileSync(join(app, 'dist', 'assets', page), 'utf8');
    expect(pageCode).toContain(worker);
    const workerCode = readFileSync(join(app, 'dist', 'assets', worker!), 'utf8');
    // The compiler (acorn) and the worker API (engine calls) live in the worker or load lazily, never in the page chunk.
    for (const marker of ['ecmaVersion', 'Grid resolution must be whole numbers']) {
      expect(workerCode).toContain(marker);
      expect(pageCode).not.toContain(marker);
    }
  });

  it('runs in Chromium: the worker answers valueAndGrad of the notes’ f', async () => {
    const server = await preview({ root: app, configFile: false, logLevel: 'silent', preview: { host: '127.0.0.1', port: 0 } });
    const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(String(error)));
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(message.text());
      });
      await page.goto(server.resolvedUrls!.local[0]!);
      await page.waitForSelector('body[data-ready="1"]', { timeout: 30_000 });
      const out = JSON.parse((await page.textContent('#out'))!);
      expect(out).toEqual({ transport: 'web', value: Math.log(2) + 10 - Math.sin(5), grad: [5.5, 2 - Math.cos(5)] });
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
      await server.close();
    }
  });
});
