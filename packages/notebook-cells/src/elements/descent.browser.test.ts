import { userEvent } from 'vitest/browser';
import { loadPlotly } from '@wengert/optim-viz';
import { createEngineClient } from '@wengert/worker';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DescentResult } from '../runtime/descent-run.js';
import { cleanup, mount, screenshot, shadowText, until } from './test-support.js';
import type { WgDescentCell } from './wg-descent-cell.js';
import type { WgJsCell } from './wg-js-cell.js';
import type { WgLossCell } from './wg-loss-cell.js';
import type { WgNotebook } from './wg-notebook.js';
import type { WgPlotCell } from './wg-plot-cell.js';

// Loading plotly is the slow part of a first figure; do it once, before the tests that draw.
beforeAll(() => loadPlotly());
afterEach(cleanup);

/** The plotly traces drawn in a plot cell's contour figure. */
function contourTraces(plot: WgPlotCell): { name?: string; type?: string; x?: ArrayLike<number>; y?: ArrayLike<number> }[] {
  const graph = plot.contour?.element as (HTMLElement & { data?: never[] }) | undefined;
  return graph?.data ?? [];
}

/** The line trace of a run (the path, not its start/end markers), found by legend name. */
function pathOf(plot: WgPlotCell, name: string) {
  return contourTraces(plot).find((trace) => trace.name === name && trace.x && trace.x.length > 1);
}

const finished = (cell: WgDescentCell): DescentResult | undefined => (cell.result?.done ? cell.result : undefined);
const lastPoint = (result: DescentResult, run = 0) => {
  const { points, n, count } = result.runs[run]!;
  return Array.from(points.subarray((count - 1) * n, count * n));
};

describe('<wg-loss-cell>', () => {
  it('shows value, gradient, trace tables and the Jacobian mode at a point (standalone, page-wide client)', async () => {
    const root = mount(`<wg-loss-cell name="notesF" point="2, 5"><script type="text/plain">
      x => Math.log(x[0]) + x[0] * x[1] - Math.sin(x[1])
    </script></wg-loss-cell>`);
    const cell = root.querySelector('wg-loss-cell') as WgLossCell;
    await until(() => shadowText(cell, '[data-testid=trace-table]').length > 3);
    // Independent truth: f = ln x₁ + x₁x₂ − sin x₂, ∂f/∂x₁ = 1/x₁ + x₂, ∂f/∂x₂ = x₁ − cos x₂.
    const value = Math.log(2) + 10 - Math.sin(5);
    expect(Number(shadowText(cell, '[data-testid=value]'))).toBeCloseTo(value, 4);
    const gradient = shadowText(cell, '[data-testid=gradient]').replace(/[[\]]/g, '').split(',').map(Number);
    expect(gradient[0]).toBeCloseTo(1 / 2 + 5, 4);
    expect(gradient[1]).toBeCloseTo(2 - Math.cos(5), 4);
    // One output, two inputs: one reverse sweep beats two forward ones.
    await until(() => shadowText(cell, '[data-testid=jacobian-mode]'));
    expect(shadowText(cell, '[data-testid=jacobian-mode]')).toMatch(/reverse mode · n = 2, m = 1/);

    const primal = shadowText(cell, '[data-testid=trace-table]');
    expect(primal).toContain('11.65');
    const tabs = [...cell.shadowRoot!.querySelectorAll('[role=tab]')] as HTMLButtonElement[];
    tabs[2]!.click();
    await until(() => shadowText(cell, '[data-testid=trace-table]') !== primal);
    // The adjoint table ends with the gradient: x̄₁ = 5.5.
    expect(shadowText(cell, '[data-testid=trace-table]')).toContain('5.5');
    // The tangent table along e₂ ends with the directional derivative ∂f/∂x₂ = x₁ − cos x₂ = 1.716.
    tabs[1]!.click();
    cell.direction = '0, 1';
    await until(() => /ẏ = v̇₅ = 1\.716/.test(shadowText(cell, '[data-testid=trace-table]').replace(/\s+/g, ' ')));
    await screenshot(cell, 'loss-cell');
  });

  it('points a syntax error at its line and column in the editor', async () => {
    const root = mount('<wg-loss-cell name="broken"><script type="text/plain">x =>\n  x[0] * * 2</script></wg-loss-cell>');
    const cell = root.querySelector('wg-loss-cell') as WgLossCell;
    await until(() => shadowText(cell, '[part=error]'));
    expect(shadowText(cell, '[part=error]')).toMatch(/line 2, column/);
    await until(() => cell.shadowRoot!.querySelector('wg-code-editor')!.shadowRoot!.querySelector('.cm-wg-error-line'));
    expect(cell.shadowRoot!.querySelector('wg-code-editor')!.shadowRoot!.querySelector('.cm-wg-error-line')?.textContent).toContain('x[0] * * 2');
    await screenshot(cell, 'loss-cell-error');
  });
});

describe('a loss that fails at the point', () => {
  it('shows the runtime error with its line and column, marked in the editor', async () => {
    const root = mount(`<wg-loss-cell name="throws" point="1, 2" compact><script type="text/plain">x => {
  const helper = null;
  return x[0] + helper.value;
}</script></wg-loss-cell>`);
    const cell = root.querySelector('wg-loss-cell') as WgLossCell;
    await until(() => shadowText(cell, '[part=error]'));
    expect(shadowText(cell, '[part=error]')).toMatch(/TypeError.*\(line 3, column \d+\)/);
    const marked = await until(() => cell.shadowRoot!.querySelector('wg-code-editor')!.shadowRoot!.querySelector('.cm-wg-error-line'));
    expect(marked.textContent).toContain('helper.value');
  });
});

describe('a loss that reads other cells', () => {
  it('gets their values as data, and the loss and the descent re-run when they change', async () => {
    const root = mount(`<wg-notebook>
      <wg-js-cell id="target"><script type="text/plain">const target = [3, -1];</script></wg-js-cell>
      <wg-loss-cell name="fit" point="0, 0" compact><script type="text/plain">x => (x[0] - target[0]) ** 2
  + (x[1] - target[1]) ** 2 + weight.missing.value</script></wg-loss-cell>
      <wg-js-cell><script type="text/plain">const weight = {};</script></wg-js-cell>
      <wg-descent-cell name="toTarget" loss="fit"><script type="application/json">{"start": [0, 0], "steps": 300, "runs": [{"optimizer": "sgd", "lr": 0.1}]}</script></wg-descent-cell>
    </wg-notebook>`);
    const loss = root.querySelector('wg-loss-cell') as WgLossCell;
    const descent = root.querySelector('wg-descent-cell') as WgDescentCell;
    // weight.missing is undefined: the loss throws at the point, on the line the user wrote (2), not the worker's.
    await until(() => shadowText(loss, '[part=error]'));
    expect(shadowText(loss, '[part=error]')).toMatch(/line 2/);

    loss.value = 'x => (x[0] - target[0]) ** 2 + (x[1] - target[1]) ** 2';
    await until(() => shadowText(loss, '[data-testid=value]') === '10');
    const first = await until(() => {
      const result = finished(descent);
      return result?.loss.source === loss.value ? result : undefined;
    });
    expect(lastPoint(first)[0]).toBeCloseTo(3, 4);
    expect(lastPoint(first)[1]).toBeCloseTo(-1, 4);

    (root.querySelector('#target') as WgJsCell).source = 'const target = new Float64Array([-2, 5]);';
    const second = await until(() => {
      const result = finished(descent);
      return result && result !== first && result.loss !== first.loss ? result : undefined;
    });
    expect(lastPoint(second)[0]).toBeCloseTo(-2, 4);
    expect(lastPoint(second)[1]).toBeCloseTo(5, 4);
  });
});

describe('a runaway loss', () => {
  it('shows the timeout in the cell, and the cell works again once the loss is fixed', async () => {
    const root = mount(`<wg-notebook><wg-loss-cell name="spin" point="3, 4" compact><script type="text/plain">
      x => { let s = 0; while (true) s += x[0]; return s; }
    </script></wg-loss-cell></wg-notebook>`);
    const notebook = root.querySelector('wg-notebook') as WgNotebook;
    notebook.clientFactory = () => createEngineClient({ timeBudgetMs: 4000 });
    const cell = root.querySelector('wg-loss-cell') as WgLossCell;
    // The loop never returns: the worker is terminated and respawned, and the call fails with a message.
    await until(() => shadowText(cell, '[part=error]'));
    expect(notebook.client.restarts).toBeGreaterThanOrEqual(1);
    cell.value = 'x => Math.hypot(x[0], x[1])';
    await until(() => shadowText(cell, '[data-testid=value]') === '5');
    expect(shadowText(cell, '[part=error]')).toBe('');
  });
});

describe('a loss → descent → plot notebook', () => {
  const notebookHtml = (steps: number, lr: number) => `<wg-notebook>
    <wg-loss-cell name="bowl" compact><script type="text/plain">x => (x[0] - 1) ** 2 + 4 * (x[1] + 0.5) ** 2</script></wg-loss-cell>
    <wg-descent-cell name="gd" loss="bowl"><script type="application/json">
      {"start": [-1.5, 1.5], "steps": ${steps}, "runs": [{"optimizer": "sgd", "lr": ${lr}}, {"optimizer": "adam", "lr": 0.05}]}
    </script></wg-descent-cell>
    <wg-plot-cell of="gd"></wg-plot-cell>
  </wg-notebook>`;

  it('runs end to end in the real worker and draws the trajectories on the contour', async () => {
    const root = mount(notebookHtml(400, 0.05));
    const descent = root.querySelector('wg-descent-cell') as WgDescentCell;
    const plot = root.querySelector('wg-plot-cell') as WgPlotCell;
    const result = await until(() => finished(descent));
    // Gradient descent on a convex quadratic converges to its minimiser (1, −0.5).
    const [x, y] = lastPoint(result, 0);
    expect(x).toBeCloseTo(1, 3);
    expect(y).toBeCloseTo(-0.5, 3);
    expect(result.runs[0]!.stopReason).toMatch(/converged|maxSteps/);
    // Every recorded loss is the loss at its point.
    const run = result.runs[0]!;
    for (let t = 0; t < run.count; t += 37) {
      const [px, py] = [run.points[2 * t]!, run.points[2 * t + 1]!];
      expect(run.losses[t]).toBeCloseTo((px - 1) ** 2 + 4 * (py + 0.5) ** 2, 10);
    }

    const path = await until(() => {
      const trace = pathOf(plot, 'gd · sgd η=0.05');
      return trace?.x?.length === run.count ? trace : undefined;
    });
    expect(path.x![0]).toBeCloseTo(-1.5, 12);
    expect(path.x![path.x!.length - 1]).toBeCloseTo(1, 3);
    expect(pathOf(plot, 'gd · adam η=0.05')).toBeDefined();
    expect(contourTraces(plot).some((trace) => trace.type === 'contour')).toBe(true);
    expect(plot.shadowRoot!.querySelector('.figure.contour .main-svg')).not.toBeNull();
    expect(plot.shadowRoot!.querySelector('.figure.curves .main-svg')).not.toBeNull();
    await screenshot(root.querySelector('wg-notebook')!, 'descent-notebook');
  });

  it('re-runs the descent and the plot when the loss is edited', async () => {
    const root = mount(notebookHtml(400, 0.05));
    const loss = root.querySelector('wg-loss-cell') as WgLossCell;
    const descent = root.querySelector('wg-descent-cell') as WgDescentCell;
    const plot = root.querySelector('wg-plot-cell') as WgPlotCell;
    await until(() => finished(descent));
    loss.value = 'x => (x[0] + 1) ** 2 + 4 * (x[1] - 2) ** 2';
    const rerun = await until(() => {
      const result = finished(descent);
      return result?.loss.source.includes('+ 1') ? result : undefined;
    });
    const [x, y] = lastPoint(rerun, 0);
    expect(x).toBeCloseTo(-1, 3);
    expect(y).toBeCloseTo(2, 3);
    await until(() => {
      const trace = pathOf(plot, 'gd · sgd η=0.05');
      return trace && Math.abs(trace.x![trace.x!.length - 1]! + 1) < 1e-3;
    });
  });

  it('moving a cell within the notebook does not re-run it', async () => {
    const root = mount(notebookHtml(100, 0.05));
    const notebook = root.querySelector('wg-notebook') as WgNotebook;
    const descent = root.querySelector('wg-descent-cell') as WgDescentCell;
    const result = await until(() => finished(descent));
    const statuses: string[] = [];
    descent.addEventListener('cell-status', (event) => statuses.push((event as CustomEvent<{ state: string }>).detail.state));
    notebook.append(descent);
    notebook.prepend(descent);
    await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
    expect(notebook.firstElementChild).toBe(descent);
    expect(statuses).toEqual([]);
    expect(descent.result).toBe(result);
  });

  it('stops on request and keeps the partial trajectory, in the cell and in the plot', async () => {
    // A tiny learning rate and many steps: the run cannot finish before Stop.
    const root = mount(notebookHtml(2_000_000, 1e-7).replace(', {"optimizer": "adam", "lr": 0.05}', ''));
    const descent = root.querySelector('wg-descent-cell') as WgDescentCell;
    const plot = root.querySelector('wg-plot-cell') as WgPlotCell;
    await until(() => (descent.result?.runs[0]?.count ?? 0) > 50);
    const stop = [...descent.shadowRoot!.querySelectorAll('button')].find((b) => b.textContent === 'Stop')!;
    stop.click();
    const result = await until(() => finished(descent));
    const run = result.runs[0]!;
    expect(run.stopReason).toBe('aborted');
    expect(run.count).toBeGreaterThan(50);
    expect(run.count).toBeLessThan(2_000_001);
    expect(shadowText(descent, '[data-testid=stop-reason]')).toBe('stopped by user');
    // The kept points are real descent steps: each one lowers the loss of this convex quadratic.
    for (let t = 1; t < run.count; t++) expect(run.losses[t]).toBeLessThanOrEqual(run.losses[t - 1]!);
    await until(() => pathOf(plot, 'gd · sgd η=1e-7')?.x?.length === run.count);
  });

  it('follows the view contract: input only on user change, bubbling and composed', async () => {
    const root = mount(notebookHtml(50, 0.05));
    const descent = root.querySelector('wg-descent-cell') as WgDescentCell;
    await until(() => finished(descent));
    const events: Event[] = [];
    root.addEventListener('input', (event) => events.push(event));
    descent.value = { ...descent.value, steps: 60 };
    await descent.updateComplete;
    expect(events).toHaveLength(0);

    const slider = descent.shadowRoot!.querySelector('input[type=range]') as HTMLInputElement;
    slider.focus();
    await userEvent.keyboard('{ArrowRight}');
    await until(() => events.length > 0);
    expect(events[0]!.bubbles && events[0]!.composed).toBe(true);
    expect(events[0]!.target).toBe(descent);
    expect(descent.value.runs[0]!.lr).toBeCloseTo(10 ** (Math.log10(0.05) + 0.01), 3);
    // The new learning rate re-runs the descent.
    await until(() => {
      const result = finished(descent);
      return result && result.settings.runs[0]!.lr !== 0.05 ? result : undefined;
    });
  });
});

describe('the plot cell', () => {
  it('moves the start point of its descent cells to where the user clicks the contour', async () => {
    const root = mount(`<wg-notebook>
      <wg-loss-cell name="bowl" compact><script type="text/plain">x => (x[0] - 1) ** 2 + 4 * (x[1] + 0.5) ** 2</script></wg-loss-cell>
      <wg-descent-cell name="gd" loss="bowl"><script type="application/json">{"start": [-1.5, 1.5], "steps": 100, "runs": [{"optimizer": "sgd", "lr": 0.05}]}</script></wg-descent-cell>
      <wg-plot-cell of="gd" views="contour"></wg-plot-cell>
    </wg-notebook>`);
    const descent = root.querySelector('wg-descent-cell') as WgDescentCell;
    const plot = root.querySelector('wg-plot-cell') as WgPlotCell;
    const done = await until(() => finished(descent));
    // Wait for the figure of the finished run: its axes are final then.
    await until(() => pathOf(plot, 'gd · sgd η=0.05')?.x?.length === done.runs[0]!.count);
    await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
    const events: Event[] = [];
    root.addEventListener('input', (event) => events.push(event));

    const graph = plot.contour!.element as unknown as HTMLElement & { _fullLayout: { xaxis: { range: number[] }; yaxis: { range: number[] } } };
    const drag = graph.querySelector('.nsewdrag') as SVGRectElement;
    const box = drag.getBoundingClientRect();
    const [x0, x1] = graph._fullLayout.xaxis.range as [number, number];
    const [y0, y1] = graph._fullLayout.yaxis.range as [number, number];
    await userEvent.click(drag, { position: { x: box.width * 0.75, y: box.height * 0.5 } });
    const expected = [x0 + 0.75 * (x1 - x0), y1 - 0.5 * (y1 - y0)];

    await until(() => events.some((event) => event.target === plot) && events.some((event) => event.target === descent));
    expect(plot.value!.x).toBeCloseTo(expected[0]!, 1);
    expect(plot.value!.y).toBeCloseTo(expected[1]!, 1);
    const moved = await until(() => {
      const result = finished(descent);
      return result && result.settings.start[0] !== -1.5 ? result : undefined;
    });
    expect(moved.settings.start[0]).toBeCloseTo(expected[0]!, 1);
    expect(moved.settings.start[1]).toBeCloseTo(expected[1]!, 1);
    expect(moved.runs[0]!.points[0]).toBe(moved.settings.start[0]);
  });

  it('works on a page without a notebook: loss, descent and plot cells find each other by name', async () => {
    const root = mount(`
      <wg-loss-cell name="pageLoss" compact><script type="text/plain">x => (x[0] - 2) ** 2 + (x[1] - 1) ** 2</script></wg-loss-cell>
      <p>Prose of the host page.</p>
      <wg-descent-cell name="pageRun" loss="pageLoss"><script type="application/json">{"start": [0, 0], "steps": 200, "runs": [{"optimizer": "sgd", "lr": 0.1}]}</script></wg-descent-cell>
      <wg-plot-cell of="pageRun" views="contour surface"></wg-plot-cell>`);
    const descent = root.querySelector('wg-descent-cell') as WgDescentCell;
    const plot = root.querySelector('wg-plot-cell') as WgPlotCell;
    const result = await until(() => finished(descent));
    const [x, y] = lastPoint(result);
    expect(x).toBeCloseTo(2, 4);
    expect(y).toBeCloseTo(1, 4);
    await until(() => pathOf(plot, 'pageRun · sgd η=0.1')?.x?.length === result.runs[0]!.count);
    await until(() => plot.shadowRoot!.querySelector('.figure.surface .main-svg'));
    await screenshot(plot, 'plot-cell-standalone-surface');
  });
});

describe('a 3-D loss', () => {
  it('plots only the loss curves, and says why', async () => {
    const root = mount(`<wg-notebook>
      <wg-loss-cell name="cube3" compact point="1, 1, 1"><script type="text/plain">x => x[0] ** 2 + x[1] ** 2 + x[2] ** 2</script></wg-loss-cell>
      <wg-descent-cell name="d3" loss="cube3"><script type="application/json">{"start": [1, -2, 3], "steps": 100, "runs": [{"optimizer": "sgd", "lr": 0.1}]}</script></wg-descent-cell>
      <wg-plot-cell of="d3" views="contour curves"></wg-plot-cell>
    </wg-notebook>`);
    const descent = root.querySelector('wg-descent-cell') as WgDescentCell;
    const plot = root.querySelector('wg-plot-cell') as WgPlotCell;
    const result = await until(() => finished(descent));
    expect(lastPoint(result).every((v) => Math.abs(v) < 1e-4)).toBe(true);
    await until(() => plot.shadowRoot!.querySelector('.figure.curves .main-svg'));
    expect(shadowText(plot, '[data-testid=notice]')).toMatch(/3 inputs/);
    expect(plot.contour).toBeUndefined();
  });
});

describe('themes', () => {
  it('draws the whole notebook in the dark palette when the notebook says theme="dark"', async () => {
    const root = mount(`<wg-notebook theme="dark">
      <wg-markdown-cell><script type="text/markdown">## Dark $\\nabla f$</script></wg-markdown-cell>
      <wg-loss-cell name="ring" point="0.5, 0.5"><script type="text/plain">x => (x[0] ** 2 + x[1] ** 2 - 1) ** 2</script></wg-loss-cell>
      <wg-descent-cell name="run" loss="ring"><script type="application/json">{"start": [1.6, 1.2], "steps": 100, "runs": [{"optimizer": "momentum", "lr": 0.01}]}</script></wg-descent-cell>
      <wg-plot-cell of="run"></wg-plot-cell>
    </wg-notebook>`);
    root.style.background = '#0d1117';
    const descent = root.querySelector('wg-descent-cell') as WgDescentCell;
    const plot = root.querySelector('wg-plot-cell') as WgPlotCell;
    const result = await until(() => finished(descent));
    await until(() => pathOf(plot, 'run · momentum η=0.01')?.x?.length === result.runs[0]!.count);
    // light-dark() resolves against the notebook's color-scheme: text is light on a dark background.
    const text = getComputedStyle(descent.shadowRoot!.querySelector('.frame')!);
    const [r, g, b] = text.color.match(/\d+/g)!.map(Number);
    expect(r! + g! + b!).toBeGreaterThan(600);
    const plotBackground = (plot.contour!.element.querySelector('.main-svg') as SVGElement).style.background;
    expect(plotBackground.match(/\d+/g)!.slice(0, 3).map(Number).reduce((sum, v) => sum + v, 0)).toBeLessThan(150);
    await screenshot(root, 'notebook-dark');
  });
});

describe('notebook files', () => {
  it('loads a Notebook Kit file into cells, runs it, and saves the same file back', async () => {
    const { parseNotebook, serializeNotebook } = await import('../format/notebook-file.js');
    const html = serializeNotebook({
      title: 'Round trip',
      attributes: { theme: 'air', readonly: '' },
      cells: [
        { id: 1, type: 'text/markdown', source: '# Title with $x^2$', attributes: {} },
        { id: 4, type: 'module', source: 'const tag = "</script>";\ntag.length', attributes: { pinned: '' } },
        { id: 2, type: 'application/vnd.wengert.loss+javascript', source: 'x => x[0] ** 2 + x[1] ** 2', attributes: { name: 'q' } },
        { id: 3, type: 'application/x-tex', source: 'E = mc^2', attributes: {} },
      ],
    });
    const root = mount('<wg-notebook></wg-notebook>');
    const notebook = root.querySelector('wg-notebook') as WgNotebook;
    notebook.load(parseNotebook(html));
    const js = notebook.querySelector('wg-js-cell')!;
    await until(() => shadowText(js, '[part~=output]') === '9');
    expect(serializeNotebook(notebook.toFile())).toBe(html);
  });
});
