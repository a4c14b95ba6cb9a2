import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, startPreview } from '../scripts/harness.mjs';
import { ARTIFACTS, descentFinalLosses, openPage, parseNumber, replaceEditorText } from './support.js';

let server: { url: string; stop(): Promise<void> };
let browser: Browser;

beforeAll(async () => {
  server = await startPreview();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const BYO = '09-bring-your-own-loss';

async function lossValue(page: Page): Promise<number> {
  return parseNumber((await page.locator('wg-loss-cell [data-testid=value]').textContent()) ?? '');
}

async function kinds(page: Page): Promise<string[]> {
  return page.locator('wg-notebook > section.cell-shell').evaluateAll((shells) => shells.map((shell) => (shell as HTMLElement).dataset.kind ?? ''));
}

async function descentDone(page: Page): Promise<void> {
  await expect.poll(async () => (await page.locator('wg-descent-cell [data-testid=state]').textContent())?.trim(), { timeout: 60_000 }).toBe('done');
}

describe('authoring', () => {
  it('editing a loss re-runs its dependents, and the edit is autosaved across a reload', async () => {
    const { page, errors } = await openPage(browser, `${server.url}#gallery/${BYO}`);
    await descentDone(page);
    await replaceEditorText(page, 'wg-loss-cell', 'x => (x[0] - 3) ** 2 + (x[1] + 1) ** 2');
    await page.keyboard.press('Shift+Enter');
    // At the point (1, 1): (1 − 3)² + (1 + 1)² = 8.
    await expect.poll(() => lossValue(page), { timeout: 30_000 }).toBeCloseTo(8, 6);
    // The descent depends on the loss: plain gradient descent (η = 0.1) now contracts by 0.8 per step towards (3, −1).
    await expect.poll(async () => (await descentFinalLosses(page, 'wg-descent-cell'))[0] ?? Number.NaN, { timeout: 60_000 }).toBeLessThan(1e-10);
    await page.reload();
    await page.locator('wg-loss-cell .cm-content').waitFor();
    expect(await page.locator('wg-loss-cell .cm-content').textContent()).toContain('(x[0] - 3) ** 2 + (x[1] + 1) ** 2');
    await expect.poll(() => lossValue(page), { timeout: 30_000 }).toBeCloseTo(8, 6);
    // The gallery keeps the original: Reset brings it back.
    await page.locator('[data-action=reset]').click();
    await expect.poll(() => lossValue(page), { timeout: 30_000 }).toBeCloseTo(Math.sin(1) * Math.cos(1) + 0.2, 4);
    expect(errors).toEqual([]);
  });

  it('adds, duplicates, moves and deletes cells, with undo; keyboard insert and run', async () => {
    const { page, errors } = await openPage(browser, `${server.url}#gallery/${BYO}`);
    await descentDone(page);
    expect(await kinds(page)).toEqual(['markdown', 'loss', 'descent', 'plot']);
    const shells = page.locator('wg-notebook > section.cell-shell');

    await shells.nth(0).locator('[data-action=duplicate]').click();
    expect(await kinds(page)).toEqual(['markdown', 'markdown', 'loss', 'descent', 'plot']);
    expect(await shells.nth(1).locator('wg-markdown-cell').textContent()).toBe(await shells.nth(0).locator('wg-markdown-cell').textContent());
    await shells.nth(1).locator('[data-action=down]').click();
    expect(await kinds(page)).toEqual(['markdown', 'loss', 'markdown', 'descent', 'plot']);

    // Deleting the loss breaks the descent; undo brings the same loss back and the chain runs again.
    const lossSource = await shells.nth(1).locator('.cm-content').textContent();
    await shells.nth(1).locator('[data-action=delete]').click();
    expect(await kinds(page)).toEqual(['markdown', 'markdown', 'descent', 'plot']);
    await page.locator('.toast [data-action=toast]').click();
    expect(await kinds(page)).toEqual(['markdown', 'loss', 'markdown', 'descent', 'plot']);
    expect(await shells.nth(1).locator('.cm-content').textContent()).toBe(lossSource);
    await descentDone(page);

    // Insert a JavaScript cell below the loss, write in it, run it with Shift+Enter.
    await shells.nth(1).locator('.insert-row [data-insert=javascript]').click();
    expect(await kinds(page)).toEqual(['markdown', 'loss', 'javascript', 'markdown', 'descent', 'plot']);
    await replaceEditorText(page, 'section[data-kind=javascript] wg-js-cell', 'const answer = 6 * 7;\nanswer');
    await page.keyboard.press('Shift+Enter');
    await expect.poll(async () => (await page.locator('section[data-kind=javascript] wg-js-cell .output').textContent())?.trim(), { timeout: 15_000 }).toBe('42');
    // Ctrl+Enter in an editor inserts a cell below.
    await page.keyboard.press('Control+Enter');
    expect(await kinds(page)).toEqual(['markdown', 'loss', 'javascript', 'javascript', 'markdown', 'descent', 'plot']);

    // Everything is autosaved: a reload shows the same cells.
    await page.reload();
    await shells.first().waitFor();
    await expect.poll(() => kinds(page)).toEqual(['markdown', 'loss', 'javascript', 'javascript', 'markdown', 'descent', 'plot']);
    expect(errors).toEqual([]);
  });

  it('is keyboard accessible: arrows move focus between cells, Alt+arrows reorder them', async () => {
    const { page, errors } = await openPage(browser, `${server.url}#gallery/02-evaluation-trace`);
    const shells = page.locator('wg-notebook > section.cell-shell');
    await shells.first().focus();
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.cellId)).toBe('2');
    await page.keyboard.press('Alt+ArrowUp');
    const order = () => shells.evaluateAll((all) => all.map((s) => (s as HTMLElement).dataset.cellId));
    await expect.poll(order).toEqual(['2', '1', '3', '4']);
    await expect.poll(() => page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.cellId)).toBe('2');
    await page.keyboard.press('Control+z');
    await expect.poll(order).toEqual(['1', '2', '3', '4']);
    // Every toolbar control is a real, labelled button.
    const unlabelled = await page.locator('.toolbar button, .cell-toolbar button').evaluateAll((buttons) => buttons.filter((b) => !(b.textContent ?? '').trim() && !b.getAttribute('aria-label')).length);
    expect(unlabelled).toBe(0);
    // Dark theme, kept across reloads.
    await page.locator('[data-action=theme]').click();
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    await page.reload();
    await page.locator('wg-loss-cell [data-testid=trace-table]').waitFor();
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    await page.waitForTimeout(500);
    await page.screenshot({ path: join(ARTIFACTS, 'dark-theme.png') });
    expect(errors).toEqual([]);
  });

  it('the notebook-wide Stop ends a long descent and keeps its trajectory', async () => {
    const { page, errors } = await openPage(browser, `${server.url}#gallery/${BYO}`);
    await descentDone(page);
    // Without the plot: redrawing a trajectory that grows by thousands of points a frame starves the page (README, known limits).
    await page.locator('section[data-kind=plot] [data-action=delete]').click();
    // The settings as JSON in the playground's own editor: one run of five million steps.
    await page.locator('section[data-kind=descent] [data-action=edit]').click();
    await replaceEditorText(page, 'section[data-kind=descent] wg-code-editor.shell-editor', '{"start": [1, 1], "steps": 5000000, "runs": [{"optimizer": "sgd", "lr": 0.1}]}');
    await page.keyboard.press('Shift+Enter');
    await expect.poll(() => page.locator('wg-descent-cell [part=run]').count()).toBe(1);
    // |x₁ − 0.05| + |x₂ − 0.05|: the gradient never vanishes, so the descent would run all five million steps.
    await replaceEditorText(page, 'wg-loss-cell', 'x => Math.abs(x[0] - 0.05) + Math.abs(x[1] - 0.05)');
    await page.keyboard.press('Shift+Enter');
    await expect.poll(async () => (await page.locator('wg-descent-cell [data-testid=state]').textContent())?.trim(), { timeout: 15_000 }).toBe('running…');
    await page.waitForTimeout(500);
    await page.locator('.toolbar [data-action=stop]').click();
    await expect.poll(async () => (await page.locator('wg-descent-cell [data-testid=stop-reason]').first().textContent())?.trim(), { timeout: 20_000 }).toBe('stopped by user');
    const run = await page.locator('wg-descent-cell').evaluate((cell) => {
      const r = (cell as unknown as { result: { runs: { count: number; losses: Float64Array }[] } }).result.runs[0]!;
      return { count: r.count, losses: r.losses.length, last: r.losses[r.losses.length - 1], finite: Array.from(r.losses).every(Number.isFinite) };
    });
    // The trajectory so far is kept: steps of 0.1 from (1, 1) end up straddling (0.05, 0.05), where the loss is 0.1.
    expect(run.count).toBeGreaterThan(100);
    expect(run.count).toBeLessThan(5_000_001);
    expect(run.losses).toBe(run.count);
    expect(run.finite).toBe(true);
    expect(run.last).toBeCloseTo(0.1, 6);
    expect(await page.evaluate(() => 1 + 1)).toBe(2);
    expect(errors).toEqual([]);
  });

  it('a syntax error and a runaway loop show clear errors and leave the page responsive', async () => {
    const { page } = await openPage(browser, `${server.url}#gallery/${BYO}`);
    await descentDone(page);
    await replaceEditorText(page, 'wg-loss-cell', 'x => x[0] +* 2');
    await page.keyboard.press('Shift+Enter');
    const lossError = page.locator('wg-loss-cell .error').first();
    await expect.poll(async () => (await lossError.textContent()) ?? '', { timeout: 15_000 }).toMatch(/line 1/);

    await replaceEditorText(page, 'wg-loss-cell', 'x => { while (true) {} }');
    await page.keyboard.press('Shift+Enter');
    await page.waitForTimeout(1500);
    // The loop runs in the engine's worker: the page still answers and its buttons still work.
    const started = Date.now();
    expect(await page.evaluate(() => document.title)).toContain('Bring your own loss');
    expect(Date.now() - started).toBeLessThan(5000);
    await page.locator('.toolbar [data-action=stop]').click();
    await expect.poll(async () => (await page.locator('wg-loss-cell .error').first().textContent()) ?? '', { timeout: 20_000 }).toMatch(/restart|timeout|time budget|stopped/i);

    // The engine recovers: a good loss works again. Cells that still held the runaway loss can call it
    // once more after the restart and trip the watchdog again (README, known limits); running the cell
    // again, as a user would, then works.
    await replaceEditorText(page, 'wg-loss-cell', 'x => x[0] ** 2 + x[1] ** 2');
    await page.keyboard.press('Shift+Enter');
    await expect
      .poll(
        async () => {
          const errorText = (await page.locator('wg-loss-cell .error').first().textContent().catch(() => '')) ?? '';
          if (/restarted because another call failed/.test(errorText)) {
            await page.locator('wg-loss-cell .cm-content').click();
            await page.keyboard.press('Shift+Enter');
          }
          return lossValue(page);
        },
        { timeout: 60_000, interval: 2000 },
      )
      .toBeCloseTo(2, 6);
  });
});

describe('your own notebooks', () => {
  it('New starts an autosaved notebook of your own; Run all runs it again; it is listed in the sidebar', async () => {
    const { page, errors } = await openPage(browser, `${server.url}#gallery/02-evaluation-trace`);
    await page.locator('[data-action=new]').click();
    await page.waitForURL(/#local\/\d+$/);
    await page.locator('.title-input').fill('My descent');
    await page.locator('.title-input').press('Enter');
    await descentDone(page);
    const saved = page.locator('.sidebar .saved a', { hasText: 'My descent' });
    await saved.waitFor();
    await page.locator('.toolbar [data-action=run-all]').click();
    await descentDone(page);
    expect(await lossValue(page)).toBeCloseTo(Math.sin(1) * Math.cos(1) + 0.2, 4);
    // Away to the gallery and back through the sidebar: the same notebook, title included.
    await page.locator('.sidebar a[data-slug="01-derivatives"]').click();
    await page.locator('.sidebar a[data-slug="01-derivatives"][aria-current=page]').waitFor();
    await saved.click();
    await expect.poll(() => page.locator('.title-input').inputValue()).toBe('My descent');
    expect(await kinds(page)).toEqual(['markdown', 'loss', 'descent', 'plot']);
    expect(errors).toEqual([]);
  });
});

describe('files and links', () => {
  it('saves a notebook as .html and opens it again (in safe preview), identical', async () => {
    const { page, errors } = await openPage(browser, `${server.url}#gallery/02-evaluation-trace`);
    await page.locator('wg-loss-cell [data-testid=trace-table]').waitFor();
    const firstDownload = page.waitForEvent('download');
    await page.locator('[data-action=save]').click();
    const saved = await firstDownload;
    const savedPath = join(ARTIFACTS, 'saved-notebook.html');
    await saved.saveAs(savedPath);
    const text = readFileSync(savedPath, 'utf8');
    expect(saved.suggestedFilename()).toBe('2-the-evaluation-trace-wengert-list.html');
    expect(text).toMatch(/^<!doctype html>\n<notebook>/);
    expect(text).toContain('type="application/vnd.wengert.loss+javascript" name="f" point="2, 5" table="primal"');

    await page.locator('input[data-action=open]').setInputFiles(savedPath);
    await page.locator('main[data-mode=preview]').waitFor();
    expect(await page.locator('wg-notebook').count()).toBe(0);
    expect((await page.locator('.preview .cm-content').allTextContents()).join('\n')).toContain('Math.log(x[0]) + x[0] * x[1] - Math.sin(x[1])');
    await page.locator('[data-action=run-preview]').click();
    await page.locator('main[data-mode=edit]').waitFor();
    await expect.poll(async () => parseNumber((await page.locator('wg-loss-cell [data-testid=value]').textContent()) ?? ''), { timeout: 30_000 }).toBeCloseTo(
      Math.log(2) + 10 - Math.sin(5),
      3,
    );
    const secondDownload = page.waitForEvent('download');
    await page.locator('[data-action=save]').click();
    const again = await secondDownload;
    const againPath = join(ARTIFACTS, 'saved-again.html');
    await again.saveAs(againPath);
    expect(readFileSync(againPath, 'utf8')).toBe(text);
    expect(errors).toEqual([]);
  });

  it('a shared link opens in safe preview and runs nothing until Run', async () => {
    const notebook = [
      '<!doctype html>',
      '<notebook>',
      '  <title>Shared with you</title>',
      '  <script id="1" type="text/markdown">',
      '    # Hello <img src="x" onerror="globalThis.injected = true">',
      '  </script>',
      '  <script id="2" type="module" pinned>',
      '    globalThis.sharedRuns = (globalThis.sharedRuns ?? 0) + 1;',
      '    "ran " + globalThis.sharedRuns',
      '  </script>',
      '</notebook>',
      '',
    ].join('\n');
    // Packed independently of the app: raw DEFLATE (zlib) in base64url.
    const packed = deflateRawSync(Buffer.from(notebook)).toString('base64url');
    const { page, errors } = await openPage(browser, `${server.url}#share=${packed}`);
    await page.locator('main[data-mode=preview]').waitFor();
    expect(await page.locator('.preview-title').textContent()).toBe('Shared with you');
    expect((await page.locator('.preview .cm-content').allTextContents()).join('\n')).toContain('globalThis.sharedRuns = (globalThis.sharedRuns ?? 0) + 1;');
    await page.waitForTimeout(1000);
    expect(await page.evaluate(() => (globalThis as { sharedRuns?: number }).sharedRuns)).toBeUndefined();
    expect(await page.evaluate(() => (globalThis as { injected?: boolean }).injected)).toBeUndefined();
    expect(await page.locator('wg-notebook, wg-js-cell').count()).toBe(0);

    await page.locator('[data-action=run-preview]').click();
    await expect.poll(async () => (await page.locator('wg-js-cell .output').textContent())?.trim(), { timeout: 15_000 }).toBe('"ran 1"');
    expect(await page.evaluate(() => (globalThis as { sharedRuns?: number }).sharedRuns)).toBe(1);
    expect(await page.evaluate(() => (globalThis as { injected?: boolean }).injected)).toBeUndefined();
    expect(errors.filter((e) => !e.includes('ERR_FILE_NOT_FOUND') && !e.includes('404'))).toEqual([]);

    // The app's own Share button packs the open notebook the same way.
    await page.locator('[data-action=share]').click();
    const link = await page.locator('.share-url').inputValue();
    expect(link).toContain('#share=');
    const unpacked = Buffer.from(link.split('#share=')[1]!, 'base64url');
    const { inflateRawSync } = await import('node:zlib');
    expect(inflateRawSync(unpacked).toString()).toBe(notebook);
  });
});
