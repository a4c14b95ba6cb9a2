import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, startPreview } from '../scripts/harness.mjs';
import { ARTIFACTS, descentFinalLosses, openPage, parseNumber, traceRows, traceTitle } from './support.js';

// Independent truth: the notes' example f(x₁, x₂) = ln x₁ + x₁x₂ − sin x₂ at (2, 5), by hand.
const NOTES_Y = Math.log(2) + 2 * 5 - Math.sin(5); // 11.652
const NOTES_DX1 = 1 / 2 + 5; // 5.5
const NOTES_DX2 = 2 - Math.cos(5); // 1.716

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

async function openNotebook(slug: string) {
  const opened = await openPage(browser, `${server.url}#gallery/${slug}`);
  await opened.page.locator(`.sidebar a[data-slug="${slug}"][aria-current="page"]`).waitFor();
  return opened;
}

/** Every figure in the page has drawn its SVG layers. */
async function expectFigures(page: Page, selectors: string[]): Promise<void> {
  for (const selector of selectors) await page.locator(`${selector} .main-svg`).first().waitFor({ timeout: 60_000 });
}

async function screenshot(page: Page, slug: string): Promise<void> {
  // Let plotly finish its transitions before the picture.
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(ARTIFACTS, `${slug}.png`), fullPage: true });
}


describe('the gallery reproduces the notes live', () => {
  it('1 · derivatives: AD matches the derivative by hand, the Jacobian heatmap and the JVP render', async () => {
    const { page, errors } = await openNotebook('01-derivatives');
    const byHand = 3 * 1.5 ** 2 * Math.sin(1.5) + 1.5 ** 3 * Math.cos(1.5);
    const firstTable = page.locator('wg-js-cell table.numbers').first();
    await firstTable.waitFor({ timeout: 30_000 });
    const firstRow = (await firstTable.locator('tbody tr').first().locator('td').allTextContents()).map(parseNumber);
    expect(firstRow[0]).toBeCloseTo(byHand, 5);
    expect(firstRow[1]).toBeCloseTo(byHand, 5);
    // The gradient of g(x) = x₁²x₂ + x₁ sin x₂ at (1, 2): (2x₁x₂ + sin x₂, x₁² + x₁ cos x₂).
    const gradient = page.locator('wg-loss-cell[name=g] [data-testid=gradient]');
    await expect.poll(async () => (await gradient.textContent())?.includes('['), { timeout: 30_000 }).toBe(true);
    const [g1, g2] = ((await gradient.textContent()) ?? '').replace(/[[\]]/g, '').split(',').map(parseNumber);
    expect(g1).toBeCloseTo(4 + Math.sin(2), 4);
    expect(g2).toBeCloseTo(1 + Math.cos(2), 4);
    await expectFigures(page, ['[data-figure=jacobian]']);
    // JVP of f(x) = (x₁x₂, sin x₁ + x₃, e^{x₂}x₃, x₁² − x₃) at (1, 2, 0.5) along r = (0.3, −1, 2), by hand.
    const r = [0.3, -1, 2];
    const expected = [2 * r[0]! + 1 * r[1]!, Math.cos(1) * r[0]! + r[2]!, Math.exp(2) * 0.5 * r[1]! + Math.exp(2) * r[2]!, 2 * r[0]! - r[2]!];
    const jvpRows = page.locator('wg-js-cell table.numbers').last().locator('tbody tr');
    await expect.poll(() => jvpRows.count(), { timeout: 30_000 }).toBe(4);
    for (let i = 0; i < 4; i++) {
      const cells = (await jvpRows.nth(i).locator('td').allTextContents()).map(parseNumber);
      expect(cells[1]).toBeCloseTo(expected[i]!, 5);
      expect(cells[2]).toBeCloseTo(expected[i]!, 5);
    }
    await screenshot(page, '01-derivatives');
    expect(errors).toEqual([]);
  });

  it('2 · evaluation trace: the primal table ends in y = 11.652 and the point is editable', async () => {
    const { page, errors } = await openNotebook('02-evaluation-trace');
    const value = page.locator('wg-loss-cell [data-testid=value]');
    await expect.poll(async () => parseNumber((await value.textContent()) ?? ''), { timeout: 30_000 }).toBeCloseTo(NOTES_Y, 3);
    expect(await traceTitle(page)).toBe('Forward primal trace');
    const rows = await traceRows(page);
    const row = (lhs: string) => rows.find((r) => r.lhs === lhs)!;
    expect(rows.map((r) => r.lhs)).toEqual(['v₋₁', 'v₀', 'v₁', 'v₂', 'v₃', 'v₄', 'v₅', 'y']);
    expect(row('v₁').definition).toBe('ln v₋₁');
    expect(row('v₁').value).toBeCloseTo(Math.log(2), 5);
    expect(row('v₂').value).toBe(10);
    expect(row('v₃').value).toBeCloseTo(Math.sin(5), 5);
    expect(row('y').value).toBeCloseTo(NOTES_Y, 4);
    await screenshot(page, '02-evaluation-trace');
    // Editable point: at (1, 1), f = ln 1 + 1 − sin 1.
    await page.locator('wg-loss-cell input[part=point]').fill('1, 1');
    await page.locator('wg-loss-cell input[part=point]').press('Enter');
    await expect.poll(async () => parseNumber((await value.textContent()) ?? ''), { timeout: 30_000 }).toBeCloseTo(1 - Math.sin(1), 4);
    expect(errors).toEqual([]);
  });

  it('3 · dual numbers: pair arithmetic and f(a + ε) = f(a) + f′(a)ε for x², sin, exp, log, sqrt', async () => {
    const { page, errors } = await openNotebook('03-dual-numbers');
    const tables = page.locator('wg-js-cell table.numbers');
    await expect.poll(() => tables.count(), { timeout: 30_000 }).toBe(3);
    const pairs = (await tables.nth(0).textContent()) ?? '';
    expect(pairs).toContain('(5, 5)'); // (3, 1) + (2, 4)
    expect(pairs).toContain('(6, 14)'); // (3, 1)(2, 4) = (6, 3·4 + 1·2)
    expect(pairs).toContain('(0, 0)'); // ε² = 0
    const rows = tables.nth(1).locator('tbody tr');
    expect(await rows.count()).toBe(5);
    const derivatives = [2 * 2, Math.cos(2), Math.exp(2), 1 / 2, 1 / (2 * Math.sqrt(2))];
    for (let i = 0; i < 5; i++) {
      const cells = await rows.nth(i).locator('td').allTextContents();
      expect(parseNumber(cells[2]!)).toBeCloseTo(derivatives[i]!, 5);
    }
    // Two seeds of x₁x₂ + sin x₁ at (2, 5): ∂/∂x₁ = x₂ + cos x₁, ∂/∂x₂ = x₁.
    const partials = tables.nth(2).locator('tbody tr');
    expect(parseNumber((await partials.nth(0).locator('td').nth(2).textContent()) ?? '')).toBeCloseTo(5 + Math.cos(2), 5);
    expect(parseNumber((await partials.nth(1).locator('td').nth(2).textContent()) ?? '')).toBeCloseTo(2, 5);
    await screenshot(page, '03-dual-numbers');
    expect(errors).toEqual([]);
  });

  it('4 · forward mode: the tangent table gives ẏ = 5.5 and the Jacobian column by column', async () => {
    const { page, errors } = await openNotebook('04-forward-mode');
    await expect.poll(() => traceTitle(page), { timeout: 30_000 }).toBe('Forward tangent trace');
    const tangents = await traceRows(page);
    const tangent = (lhs: string) => tangents.find((r) => r.lhs === lhs)!;
    expect(tangent('v̇₋₁').value).toBe(1); // the seed ẋ = (1, 0)
    expect(tangent('v̇₀').value).toBe(0);
    expect(tangent('v̇₁').value).toBeCloseTo(1 / 2, 12);
    expect(tangent('v̇₄').value).toBeCloseTo(5.5, 12);
    expect(tangent('ẏ').value).toBeCloseTo(NOTES_DX1, 12);
    const rows = page.locator('wg-js-cell table.numbers tbody tr');
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBe(3);
    const first = (await rows.nth(0).locator('td').allTextContents()).slice(1, 3).map(parseNumber);
    expect(first[0]).toBeCloseTo(NOTES_DX1, 6);
    expect(first[1]).toBeCloseTo(NOTES_DX2, 6);
    // Second output x₁²x₂: (2x₁x₂, x₁²) = (20, 4).
    const second = (await rows.nth(1).locator('td').allTextContents()).slice(1, 3).map(parseNumber);
    expect(second).toEqual([20, 4]);
    await screenshot(page, '04-forward-mode');
    expect(errors).toEqual([]);
  });

  it('5 · reverse mode: the adjoint table gives x̄₁ = 5.5 and x̄₂ = 1.716', async () => {
    const { page, errors } = await openNotebook('05-reverse-mode');
    await expect.poll(() => traceTitle(page), { timeout: 30_000 }).toBe('Reverse adjoint trace');
    const adjoints = await traceRows(page);
    const adjoint = (lhs: string) => adjoints.find((r) => r.lhs === lhs)!;
    expect(adjoints[0]).toMatchObject({ lhs: 'v̄₅', definition: 'ȳ', value: 1 });
    expect(adjoint('x̄₁').value).toBeCloseTo(NOTES_DX1, 12);
    expect(adjoint('x̄₂').value).toBeCloseTo(NOTES_DX2, 5);
    // v̄₀ is computed in two steps, as in the notes: first from v₃, then accumulated from v₂.
    const v0 = adjoints.filter((r) => r.lhs === 'v̄₀');
    expect(v0.map((r) => r.definition)).toEqual(['v̄₃ × cos v₀', 'v̄₀ + v̄₂ × v₋₁']);
    expect(v0[0]!.value).toBeCloseTo(-Math.cos(5), 5);
    expect(v0[1]!.value).toBeCloseTo(NOTES_DX2, 5);
    const lastTable = page.locator('wg-js-cell table.numbers').last();
    await lastTable.waitFor({ timeout: 30_000 });
    const gradient = (await lastTable.locator('tbody td').allTextContents()).map(parseNumber);
    expect(gradient[0]).toBeCloseTo(NOTES_DX1, 6);
    expect(gradient[1]).toBeCloseTo(NOTES_DX2, 6);
    await screenshot(page, '05-reverse-mode');
    expect(errors).toEqual([]);
  });

  it('6 · forward or reverse: measured Jacobian costs, the mode picked for each shape, plotted', async () => {
    const { page, errors } = await openNotebook('06-forward-or-reverse');
    const rows = page.locator('wg-js-cell table.numbers').first().locator('tbody tr');
    await expect.poll(() => rows.count(), { timeout: 60_000 }).toBe(6);
    for (let i = 1; i < 6; i++) {
      const cells = await rows.nth(i).locator('td').allTextContents();
      // Many inputs, one output: reverse; one input, many outputs: forward (the notes' §2.7).
      expect(cells[3]).toBe('reverse');
      expect(cells[6]).toBe('forward');
    }
    const picks = page.locator('wg-js-cell table.numbers').nth(1).locator('tbody tr');
    expect(await picks.nth(0).locator('td').nth(1).textContent()).toBe('reverse');
    expect(await picks.nth(1).locator('td').nth(1).textContent()).toBe('forward');
    await expectFigures(page, ['[data-figure=modes]']);
    await screenshot(page, '06-forward-or-reverse');
    expect(errors).toEqual([]);
  });

  it('7 · steepest descent under norms: ℓ2, ℓ∞, ℓ1 and quadratic trajectories, side by side', async () => {
    const { page, errors } = await openNotebook('07-steepest-descent');
    const bowl = 'wg-descent-cell[name=bowlRuns]';
    await expect.poll(async () => (await page.locator(`${bowl} [data-testid=state]`).textContent())?.trim(), { timeout: 60_000 }).toBe('done');
    const losses = await descentFinalLosses(page, bowl);
    expect(losses).toHaveLength(3);
    // ℓ2 steepest descent is gradient descent: on ½(x² + 10y²) with η = 0.05, x shrinks by 0.95 and y by 0.5 per step.
    expect(losses[0]! / (0.5 * 1.5 ** 2 * 0.95 ** 400 + 0.5 * 10 * 0.5 ** 400)).toBeCloseTo(1, 2);
    await expect.poll(async () => (await page.locator('wg-descent-cell[name=rosenbrockRuns] [data-testid=state]').textContent())?.trim(), { timeout: 60_000 }).toBe('done');
    await expectFigures(page, ['wg-plot-cell[of=bowlRuns]', 'wg-plot-cell[of=rosenbrockRuns]', '[data-figure=norms-side-by-side]']);
    const sideBySide = page.locator('[data-figure=norms-side-by-side]');
    await expect.poll(() => sideBySide.getAttribute('data-drawn-lr'), { timeout: 30_000 }).toBe('0.0501');
    // The quadratic norm with P = Hessian steps by −η x: its loss after 500 steps is f₀ (1 − η)^1000 or less (if it stopped converged).
    const finals = ((await sideBySide.getAttribute('data-final-losses')) ?? '').split(' ').map(Number);
    expect(finals).toHaveLength(4);
    expect(finals[3]).toBeLessThanOrEqual(6.125 * (1 - 0.0501) ** 1000 * 1.01 + 1e-12);
    await screenshot(page, '07-steepest-descent');
    expect(errors).toEqual([]);
  });

  it('8 · how ML libraries work: logistic regression with param/backward/.grad/step, boundary and loss curve', async () => {
    const { page, errors } = await openNotebook('08-ml-library');
    const summary = page.locator('wg-js-cell').nth(1).locator('.output');
    await expect.poll(async () => (await summary.textContent())?.includes('accuracy'), { timeout: 60_000 }).toBe(true);
    const text = (await summary.textContent()) ?? '';
    // With w = 0 every prediction is a coin flip: the first loss is ln 2.
    expect(parseNumber(/first loss: ([\d.e+-]+)/.exec(text)![1]!)).toBeCloseTo(Math.log(2), 5);
    const finalLoss = parseNumber(/final loss: ([\d.e+-]+)/.exec(text)![1]!);
    expect(finalLoss).toBeLessThan(Math.log(2));
    expect(parseNumber(/accuracy: ([\d.]+)/.exec(text)![1]!)).toBeGreaterThan(0.75);
    await expectFigures(page, ['[data-figure=decision-boundary]', '[data-figure=loss-curve]']);
    await screenshot(page, '08-ml-library');
    expect(errors).toEqual([]);
  });

  it('9 · bring your own loss: a blank loss → descent → plot chain that runs', async () => {
    const { page, errors } = await openNotebook('09-bring-your-own-loss');
    await expect.poll(async () => (await page.locator('wg-descent-cell [data-testid=state]').textContent())?.trim(), { timeout: 60_000 }).toBe('done');
    const value = parseNumber((await page.locator('wg-loss-cell [data-testid=value]').textContent()) ?? '');
    expect(value).toBeCloseTo(Math.sin(1) * Math.cos(1) + 0.2, 4);
    await expectFigures(page, ['wg-plot-cell']);
    await screenshot(page, '09-bring-your-own-loss');
    expect(errors).toEqual([]);
  });
});
