import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { APP_DIR } from '../scripts/harness.mjs';

export const ARTIFACTS = join(APP_DIR, 'artifacts');
mkdirSync(ARTIFACTS, { recursive: true });

/** A page in a fresh context (empty localStorage), recording every console error and page error. */
export async function openPage(browser: Browser, url: string): Promise<{ page: Page; context: BrowserContext; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(url);
  await page.locator('wg-playground .app-header').waitFor();
  return { page, context, errors };
}

/** Parses the numbers the cells print, which use the Unicode minus sign. */
export function parseNumber(text: string): number {
  return Number(text.trim().replace(/\u2212/g, '-'));
}

/** The `f = …` of each run row of a descent cell. */
export async function descentFinalLosses(page: Page, cell: string): Promise<number[]> {
  const text = (await page.locator(`${cell} .results`).textContent()) ?? '';
  return [...text.matchAll(/f = ([\u2212-]?(?:[\d.]+(?:e[+\u2212-]?\d+)?|NaN|Infinity))/g)].map((match) => parseNumber(match[1]!));
}

/** Replaces the text of the CodeMirror editor inside `editorHost` (typed as one insertion, no auto-closing brackets). */
export async function replaceEditorText(page: Page, editorHost: string, text: string): Promise<void> {
  await page.locator(`${editorHost} .cm-content`).first().click();
  await page.keyboard.press('Control+A');
  await page.keyboard.insertText(text);
}

/** The rows of the trace table a loss cell shows: left-hand side, definition, expression, value. */
export async function traceRows(page: Page, cell = 'wg-loss-cell'): Promise<{ lhs: string; definition: string; expression: string; value: number }[]> {
  const rows = await page.locator(`${cell} [data-testid=trace-table] tr`).evaluateAll((trs) =>
    trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => (td.textContent ?? '').trim())),
  );
  return rows.map(([lhs = '', definition = '', expression = '', value = '']) => ({
    lhs,
    definition: definition.replace(/^=\s*/, ''),
    expression: expression.replace(/^=\s*/, '').replace(/\u2212/g, '-'),
    value: parseNumber(value.replace(/^=\s*/, '')),
  }));
}

/** The title line of a loss cell's trace table ("Forward primal trace"). */
export async function traceTitle(page: Page, cell = 'wg-loss-cell'): Promise<string> {
  return ((await page.locator(`${cell} [data-testid=trace-table] .title`).textContent()) ?? '').trim();
}
