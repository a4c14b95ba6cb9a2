// Responsiveness of the built playground, measured in /usr/bin/chromium (reported, never asserted):
//   1. time to first render of gallery notebook 2 (the notes' primal trace table on screen);
//   2. learning-rate slider → updated plot, for the 500-step side-by-side descents of notebook 7
//      (recomputed on every `input` event), and for the descent cell → plot cell chain.
// Usage: pnpm --filter @wengert/playground measure   (SKIP_BUILD=1 to reuse dist/)
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { APP_DIR, buildApp, launchChromium, startPreview } from './harness.mjs';

const FIRST_RENDER_RUNS = 7;
const SLIDER_VALUES = 40;

function stats(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { n: sorted.length, median: at(0.5), p90: at(0.9), min: sorted[0], max: sorted.at(-1) };
}

const round = (value) => Math.round(value * 10) / 10;

async function timeToFirstRender(browser, url) {
  const firstProse = [];
  const traceTable = [];
  for (let run = 0; run < FIRST_RENDER_RUNS; run++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${url}#gallery/02-evaluation-trace`, { waitUntil: 'commit' });
    // Both predicates run on every animation frame and return performance.now(): ms since navigation started.
    const prose = page.waitForFunction(() => {
      const cell = document.querySelector('wg-markdown-cell');
      return cell?.shadowRoot?.querySelector('h1') ? performance.now() : false;
    }, undefined, { polling: 'raf', timeout: 60_000 });
    const table = page.waitForFunction(() => {
      const text = document.querySelector('wg-loss-cell')?.shadowRoot?.querySelector('[data-testid=trace-table]')?.textContent ?? '';
      return /y\s*=\s*v₅\s*=\s*11\.652/.test(text) ? performance.now() : false;
    }, undefined, { polling: 'raf', timeout: 60_000 });
    firstProse.push(await (await prose).jsonValue());
    traceTable.push(await (await table).jsonValue());
    await context.close();
  }
  return { firstProseMs: stats(firstProse.map(round)), primalTableMs: stats(traceTable.map(round)) };
}

async function sideBySideSlider(page) {
  await page.locator('[data-figure=norms-side-by-side][data-drawn-lr]').waitFor({ timeout: 60_000 });
  return page.evaluate(async (count) => {
    const inCells = (selector) => [...document.querySelectorAll('wg-js-cell')].map((cell) => cell.shadowRoot?.querySelector(selector)).find(Boolean);
    const figure = inCells('[data-figure=norms-side-by-side]');
    const slider = inCells('[data-testid=lr-slider]');
    const latencies = [];
    for (let i = 0; i < count; i++) {
      // Sweep η over [0.003, 0.15]: what a drag across the slider produces, one input event at a time.
      const logLr = -2.5 + (1.68 * i) / (count - 1);
      const expected = String(Number((10 ** Number(logLr.toFixed(2))).toPrecision(3)));
      const drawn = new Promise((resolve) => {
        const observer = new MutationObserver(() => {
          if (figure.dataset.drawnLr === expected) {
            observer.disconnect();
            resolve(performance.now());
          }
        });
        observer.observe(figure, { attributes: true, attributeFilter: ['data-drawn-lr'] });
      });
      const start = performance.now();
      slider.value = logLr.toFixed(2);
      slider.dispatchEvent(new Event('input', { bubbles: true }));
      latencies.push((await drawn) - start);
    }
    return latencies;
  }, SLIDER_VALUES);
}

async function descentCellSlider(page) {
  return page.evaluate(async (count) => {
    const descent = document.querySelector('wg-descent-cell[name=bowlRuns]');
    const latencies = [];
    for (let i = 0; i < count; i++) {
      // The range input snaps to its step of 0.01, and the cell rounds η to 3 digits.
      const logLr = Number((-2.5 + (1.2 * i) / (count - 1)).toFixed(2));
      const expected = Number((10 ** logLr).toPrecision(3));
      const slider = descent.shadowRoot.querySelector('input[type=range]');
      const plotted = new Promise((resolve) => {
        const onStatus = (event) => {
          const value = event.detail?.value;
          const origin = event.composedPath()[0];
          if (origin?.localName !== 'wg-plot-cell' || !Array.isArray(value)) return;
          if (value[0]?.settings?.runs?.[0]?.lr === expected && value[0].done) {
            clearTimeout(timer);
            document.removeEventListener('cell-status', onStatus);
            resolve(performance.now());
          }
        };
        document.addEventListener('cell-status', onStatus);
        const timer = setTimeout(() => resolve(Number.NaN), 20_000);
      });
      const start = performance.now();
      slider.value = String(logLr);
      slider.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
      latencies.push((await plotted) - start);
    }
    return latencies;
  }, 8);
}

await buildApp();
const server = await startPreview();
const browser = await launchChromium();
try {
  const firstRender = await timeToFirstRender(browser, server.url);
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${server.url}#gallery/07-steepest-descent`);
  const sideBySide = stats((await sideBySideSlider(page)).map(round));
  console.log('slider → plot (side by side):', sideBySide);
  console.log('time to first render:', firstRender);
  await page.locator('wg-plot-cell[of=bowlRuns] .main-svg').first().waitFor({ timeout: 60_000 });
  const cellChain = stats((await descentCellSlider(page)).filter(Number.isFinite).map(round));
  await context.close();
  const report = {
    measuredAt: new Date().toISOString(),
    machine: `${process.platform} ${process.arch}, node ${process.version}, chromium headless`,
    timeToFirstRender_notebook2: firstRender,
    sliderToPlot_sideBySide_4x500steps: sideBySide,
    sliderToPlot_descentCell_to_plotCell_3x200steps: cellChain,
  };
  mkdirSync(join(APP_DIR, 'artifacts'), { recursive: true });
  writeFileSync(join(APP_DIR, 'artifacts', 'measurements.json'), `${JSON.stringify(report, null, 2)}\n`);
  console.log(JSON.stringify(report, null, 2));
} finally {
  await browser.close();
  await server.stop();
}
