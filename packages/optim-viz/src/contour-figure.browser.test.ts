import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import { type ContourFigure, contourFigure } from './contour-figure.js';
import { loadPlotly } from './plotly.js';
import {
  axisRanges,
  bowl,
  bowlGrad,
  centreOf,
  chunkOf,
  dataToPixel,
  descend,
  gridOf,
  makeContainer,
  nextFrames,
  pixelToData,
  plotArea,
  rosenbrock,
  rosenbrockGrad,
  type Vec,
} from './test-support.js';
import type { DataPoint, Trajectory } from './types.js';

type Graph = HTMLDivElement & { data: { type: string; x: ArrayLike<number>; y: ArrayLike<number> }[] };

const figures: ContourFigure[] = [];
beforeEach(async () => {
  await page.viewport(1000, 800);
});
afterEach(() => {
  for (const figure of figures.splice(0)) figure.dispose();
  document.body.replaceChildren();
});

const rosenbrockGrid = () => gridOf(rosenbrock, [-2, 2], [-1, 3], 121, 121);
const rosenbrockRuns = () => [
  descend('gd η=1.5e-3', rosenbrock, rosenbrockGrad, [-1.2, 1], 1.5e-3, 3000),
  descend('gd η=1e-3', rosenbrock, rosenbrockGrad, [1.8, -0.5], 1e-3, 3000),
  descend('gd η=8e-4, 120 steps', rosenbrock, rosenbrockGrad, [0.5, 2.5], 8e-4, 120),
];

async function draw(container: HTMLElement, options: Partial<Parameters<typeof contourFigure>[1]> = {}) {
  const figure = await contourFigure(container, { grid: rosenbrockGrid(), trajectories: rosenbrockRuns(), ...options });
  figures.push(figure);
  return figure;
}

const pointOf = (trajectory: Trajectory, t: number): Vec => [trajectory.points[2 * t]!, trajectory.points[2 * t + 1]!];

/** Data units covered by `pixels` screen pixels on each axis: the tolerance of a geometric check. */
function pixelTolerance(graph: HTMLElement, pixels: number) {
  const area = plotArea(graph);
  const { x, y } = axisRanges(graph);
  return { x: (pixels * (x[1] - x[0])) / area.width, y: (pixels * (y[1] - y[0])) / area.height };
}

/** The drawn marker of scatter trace `index` (plotly keeps scatter traces in data order). */
function markerOf(graph: HTMLElement, scatterIndex: number, point = 0): Element {
  const trace = graph.querySelectorAll('.scatterlayer .trace')[scatterIndex];
  const marker = trace?.querySelectorAll('.points path.point')[point];
  if (!marker) throw new Error(`no marker ${point} on scatter trace ${scatterIndex}`);
  return marker;
}

/** Hovers the plot area at a data point and returns the hover label's text. */
async function hoverAt(graph: HTMLElement, [x, y]: Vec): Promise<string> {
  const area = plotArea(graph);
  const pixel = dataToPixel(graph, x, y);
  const drag = graph.querySelector('.nsewdrag[data-subplot="xy"]')!;
  await userEvent.hover(drag, { position: { x: pixel.x - area.left, y: pixel.y - area.top } });
  await nextFrames();
  return [...graph.querySelectorAll('.hoverlayer .hovertext')].map((label) => label.textContent).join(' | ');
}

describe('contourFigure', () => {
  test('draws one contour, three traces per run and one legend entry per run', async () => {
    const figure = await draw(makeContainer(), { title: 'Rosenbrock, three gradient-descent runs' });
    const graph = figure.element as Graph;
    expect(graph.data.map((trace) => trace.type)).toEqual(['contour', ...Array(9).fill('scatter')]);
    const legend = [...graph.querySelectorAll('.legend .traces .legendtext')].map((text) => text.textContent);
    expect(legend).toEqual(['gd η=1.5e-3', 'gd η=1e-3', 'gd η=8e-4, 120 steps']);
    expect(graph.querySelectorAll('.contourlayer .contour').length).toBe(1);
    expect(graph.getAttribute('role')).toBe('figure');
    expect(graph.getAttribute('aria-label')).toBe('Rosenbrock, three gradient-descent runs');
    await figure.update({ title: undefined });
    expect(graph.getAttribute('aria-label')).toBe('Contour of the loss with 3 runs');
    await figure.update({ title: 'Rosenbrock, three gradient-descent runs' });
    // Rosenbrock's range dwarfs its median, so `auto` colours it on a log scale.
    expect(graph.querySelector('.cbtitle')?.textContent).toBe('log₁₀(loss − min)');
    await page.screenshot({ element: figure.element, path: '../artifacts/contour-light.png' });
  });

  test("draws each run's start and end markers at its first and last point", async () => {
    const runs = rosenbrockRuns();
    const figure = await draw(makeContainer(), { trajectories: runs });
    const graph = figure.element;
    const tolerance = pixelTolerance(graph, 1.5);
    runs.forEach((run, r) => {
      const last = run.losses.length - 1;
      for (const [scatterIndex, t] of [
        [3 * r + 1, 0],
        [3 * r + 2, last],
      ] as const) {
        const centre = centreOf(markerOf(graph, scatterIndex));
        const drawn = pixelToData(graph, centre.x, centre.y);
        const [x, y] = pointOf(run, t);
        expect(Math.abs(drawn.x - x)).toBeLessThan(tolerance.x);
        expect(Math.abs(drawn.y - y)).toBeLessThan(tolerance.y);
      }
    });
  });

  test('hover over a point shows its run, step, point and loss', async () => {
    const run = descend('short run', rosenbrock, rosenbrockGrad, [0.5, 2.5], 8e-4, 120);
    const figure = await draw(makeContainer(), { trajectories: [run] });
    const [x, y] = pointOf(run, 1);
    const text = await hoverAt(figure.element, [x, y]);
    expect(text).toContain('short run');
    expect(text).toContain('step 1');
    expect(text).toContain(`point (${Number(x.toPrecision(4))}, ${Number(y.toPrecision(4))})`);
    expect(text).toContain(`loss ${Number(rosenbrock([x, y]).toPrecision(6))}`);
    await page.screenshot({ element: figure.element, path: '../artifacts/contour-hover-light.png' });
  });

  test('hover away from the runs shows the loss surface value', async () => {
    const figure = await draw(makeContainer({ width: 600 }), { trajectories: [] });
    const text = await hoverAt(figure.element, [-1.5, 0]);
    // The contour reports its nearest grid node; the grid spacing is 1/30.
    const loss = Number(/loss ([\d.e+-]+)/.exec(text)?.[1]);
    const x = Number(/x₁ ([\d.e+-]+)/.exec(text)?.[1]);
    const y = Number(/x₂ ([\d.e+-]+)/.exec(text)?.[1]);
    expect(Math.abs(x + 1.5)).toBeLessThanOrEqual(1 / 30);
    expect(Math.abs(y)).toBeLessThanOrEqual(1 / 30);
    expect(loss).toBeCloseTo(rosenbrock([x, y]), 1);
  });

  test('a click reports the pointer in data coordinates, anywhere in the plot area', async () => {
    const figure = await draw(makeContainer());
    const graph = figure.element;
    const clicks: DataPoint[] = [];
    const stop = figure.onClick((point) => clicks.push(point));
    const area = plotArea(graph);
    const drag = graph.querySelector('.nsewdrag[data-subplot="xy"]')!;
    for (const target of [
      [0.25, 1.75],
      [-1.9, -0.9],
    ] as Vec[]) {
      const pixel = dataToPixel(graph, ...target);
      await userEvent.click(drag, { position: { x: pixel.x - area.left, y: pixel.y - area.top } });
    }
    expect(clicks).toHaveLength(2);
    const tolerance = pixelTolerance(graph, 1.5);
    expect(Math.abs(clicks[0]!.x - 0.25)).toBeLessThan(tolerance.x);
    expect(Math.abs(clicks[0]!.y - 1.75)).toBeLessThan(tolerance.y);
    expect(Math.abs(clicks[1]!.x + 1.9)).toBeLessThan(tolerance.x);
    expect(Math.abs(clicks[1]!.y + 0.9)).toBeLessThan(tolerance.y);
    stop();
    await userEvent.click(drag, { position: { x: area.width / 2, y: area.height / 2 } });
    expect(clicks).toHaveLength(2);
  });

  test('streaming extend adds points and keeps the zoom the user dragged', async () => {
    const full = descend('streamed', bowl, bowlGrad, [1.8, 0.9], 0.09, 60);
    const figure = await draw(makeContainer(), {
      grid: gridOf(bowl, [-2, 2], [-1, 1], 81, 41),
      trajectories: [{ name: 'streamed', ...chunkOf(full, 0, 5) }],
    });
    const graph = figure.element as Graph;
    // A real box zoom: press, drag and release on the plot area.
    const area = plotArea(graph);
    const drag = graph.querySelector('.nsewdrag[data-subplot="xy"]')!;
    await userEvent.dragAndDrop(drag, drag, {
      sourcePosition: { x: area.width * 0.3, y: area.height * 0.2 },
      targetPosition: { x: area.width * 0.8, y: area.height * 0.7 },
    });
    const zoomed = axisRanges(graph);
    expect(zoomed.x[1] - zoomed.x[0]).toBeCloseTo(2, 1);
    expect(zoomed.y[1] - zoomed.y[0]).toBeCloseTo(1, 1);

    for (const [t0, t1] of [
      [5, 20],
      [20, 40],
      [40, 61],
    ]) {
      await figure.extend('streamed', chunkOf(full, t0, t1));
      expect(graph.data[1]!.x).toHaveLength(t1);
    }
    await figure.extend('second run', chunkOf(descend('second run', bowl, bowlGrad, [-1.5, -0.8], 0.05, 20), 0, 21));

    expect(axisRanges(graph)).toEqual(zoomed);
    expect(Array.from(graph.data[1]!.x)).toEqual(Array.from({ length: 61 }, (_, t) => pointOf(full, t)[0]));
    expect([graph.data[3]!.x[0], graph.data[3]!.y[0]]).toEqual(pointOf(full, 60));
    const legend = [...graph.querySelectorAll('.legend .legendtext')].map((text) => text.textContent);
    expect(legend).toEqual(['streamed', 'second run']);
  });

  test('a zoom set through Plotly.relayout also survives streaming', async () => {
    const full = descend('streamed', bowl, bowlGrad, [1.8, 0.9], 0.09, 30);
    const figure = await draw(makeContainer(), {
      grid: gridOf(bowl, [-2, 2], [-1, 1], 81, 41),
      trajectories: [{ name: 'streamed', ...chunkOf(full, 0, 5) }],
    });
    const plotly = await loadPlotly();
    const zoom = { 'xaxis.range': [-0.5, 1.5], 'yaxis.range': [-0.25, 0.75] };
    await plotly.relayout(figure.element, zoom as Parameters<typeof plotly.relayout>[1]);
    await figure.extend('streamed', chunkOf(full, 5, 31));
    expect(axisRanges(figure.element)).toEqual({ x: [-0.5, 1.5], y: [-0.25, 0.75] });
    expect((figure.element as Graph).data[1]!.x).toHaveLength(31);
  });

  test('equalAspect draws one unit of x as long as one unit of y', async () => {
    const figure = await draw(makeContainer(), { grid: gridOf(bowl, [-2, 2], [-1, 1], 41, 21), trajectories: [], equalAspect: true });
    const graph = figure.element;
    const area = plotArea(graph);
    const { x, y } = axisRanges(graph);
    expect(area.width / (x[1] - x[0])).toBeCloseTo(area.height / (y[1] - y[0]), 0);
  });

  test('update replaces the runs and the grid', async () => {
    const figure = await draw(makeContainer());
    const graph = figure.element as Graph;
    const grid = gridOf(bowl, [-2, 2], [-1, 1], 41, 21);
    await figure.update({ grid, trajectories: [descend('only', bowl, bowlGrad, [1, 1], 0.05, 10)] });
    expect(graph.data).toHaveLength(4);
    expect(graph.querySelectorAll('.legend .legendtext')).toHaveLength(1);
    expect(graph.querySelector('.cbtitle')?.textContent).toBe('loss');
  });

  test('inside a shadow root the plotly styles are adopted: absolute modebar, working hover', async () => {
    const host = makeContainer();
    const root = host.attachShadow({ mode: 'open' });
    const container = makeContainer({ parent: root });
    const run = descend('in shadow', rosenbrock, rosenbrockGrad, [0.5, 2.5], 8e-4, 120);
    const figure = await draw(container, { trajectories: [run] });
    const modebar = root.querySelector('.modebar');
    expect(modebar).not.toBeNull();
    expect(getComputedStyle(modebar!).position).toBe('absolute');
    // Without the adopted sheet the modebar is `static`, as in light DOM before plotly's CSS loads.
    expect(root.adoptedStyleSheets.length).toBeGreaterThan(0);
    const text = await hoverAt(figure.element, pointOf(run, 1));
    expect(text).toContain('step 1');
  });

  test('dispose purges the plot and removes it; an aborted signal disposes too', async () => {
    const container = makeContainer();
    const figure = await draw(container);
    const graph = figure.element as Graph & { _fullLayout?: object };
    expect(container.querySelector('.main-svg')).not.toBeNull();
    figure.dispose();
    expect(graph._fullLayout).toBeUndefined();
    expect(graph.data).toBeUndefined();
    expect(container.querySelector('.wg-figure')).toBeNull();
    figure.dispose();

    const controller = new AbortController();
    const second = await draw(container, { signal: controller.signal });
    expect(container.querySelector('.wg-figure')).not.toBeNull();
    controller.abort();
    expect(container.querySelector('.wg-figure')).toBeNull();
    expect((second.element as Graph).data).toBeUndefined();

    // Aborted while the first draw is in flight: nothing is left behind once it settles.
    const early = new AbortController();
    const pending = contourFigure(container, { grid: rosenbrockGrid(), signal: early.signal });
    await Promise.resolve();
    early.abort();
    const third = await pending;
    expect((third.element as Graph & { _fullLayout?: object })._fullLayout).toBeUndefined();
    expect(container.querySelector('.wg-figure')).toBeNull();
  });

  test('follows its container when it is resized', async () => {
    const container = makeContainer({ width: 700 });
    const figure = await draw(container);
    const svg = figure.element.querySelector('.main-svg')!;
    expect(svg.getAttribute('width')).toBe('700');
    container.style.width = '520px';
    await expect.poll(() => svg.getAttribute('width')).toBe('520');
  });

  test('dark colour scheme and custom properties become concrete plotly colours', async () => {
    const dark = makeContainer({ dark: true });
    const figure = await draw(dark, { title: 'Rosenbrock (color-scheme: dark)' });
    const paper = figure.element.querySelector<SVGElement>('.main-svg')!;
    expect(paper.style.background).toBe('rgb(13, 17, 23)');
    expect(figure.element.querySelector<SVGElement>('.xtick text')!.style.fill).toBe('rgb(230, 237, 243)');
    await page.screenshot({ element: figure.element, path: '../artifacts/contour-dark.png' });
    const run = rosenbrockRuns()[2]!;
    expect(await hoverAt(figure.element, pointOf(run, run.losses.length - 1))).toContain('end');
    await page.screenshot({ element: figure.element, path: '../artifacts/contour-hover-dark.png' });

    const themed = makeContainer();
    themed.style.setProperty('--brand-ink', 'oklch(0.9 0.02 250)');
    themed.style.setProperty('--wg-fg', 'var(--brand-ink)');
    themed.style.setProperty('--wg-bg', '#101010');
    themed.style.setProperty('--wg-series-1', 'hotpink');
    const custom = await draw(themed, { trajectories: rosenbrockRuns().slice(0, 1) });
    expect(custom.element.querySelector<SVGElement>('.main-svg')!.style.background).toBe('rgb(16, 16, 16)');
    expect(custom.theme.fg).toMatch(/^rgb\(\d+, \d+, \d+\)$/);
    expect(custom.element.querySelector<SVGElement>('.xtick text')!.style.fill).toBe(custom.theme.fg);
    const path = custom.element.querySelector<SVGElement>('.scatterlayer .trace .js-line')!;
    expect(path.style.stroke).toBe('rgb(255, 105, 180)');
  });

  test('refreshTheme picks up a switch to dark', async () => {
    const container = makeContainer();
    const figure = await draw(container);
    const paper = () => figure.element.querySelector<SVGElement>('.main-svg')!.style.background;
    expect(paper()).toBe('rgb(255, 255, 255)');
    container.style.colorScheme = 'dark';
    await figure.refreshTheme();
    expect(paper()).toBe('rgb(13, 17, 23)');
  });
});

describe('contourFigure transient updates (slider scrubbing)', () => {
  test('show the new runs at once, then settle with a full redraw', async () => {
    const figure = await draw(makeContainer());
    const graph = figure.element as Graph;
    const moved = [
      descend('gd η=1.5e-3', rosenbrock, rosenbrockGrad, [-1.5, 2], 1.5e-3, 2000),
      descend('gd η=1e-3', rosenbrock, rosenbrockGrad, [1.5, 0], 1e-3, 2000),
      descend('gd η=8e-4, 120 steps', rosenbrock, rosenbrockGrad, [0, 2], 8e-4, 120),
    ];
    await figure.update({ trajectories: moved }, { transient: true });
    expect(Array.from(graph.data[1]!.x).slice(0, 3)).toEqual(Array.from(moved[0]!.points.filter((_, i) => i % 2 === 0)).slice(0, 3));
    expect(graph.data[1]!.x.length).toBe(moved[0]!.points.length / 2);
    // Once updates pause, a full redraw settles everything (hover data, marker modes, ranges).
    await new Promise((resolve) => setTimeout(resolve, 600));
    await nextFrames();
    expect(graph.data.length).toBe(1 + 3 * moved.length);
    expect(Array.from(graph.data[4]!.x)[0]).toBeCloseTo(1.5, 12);
    expect(markerOf(graph, 3 * 1 + 1)).toBeTruthy();
  });

  test('a transient update that changes which runs exist falls back to a full redraw', async () => {
    const figure = await draw(makeContainer());
    const graph = figure.element as Graph;
    await figure.update({ trajectories: rosenbrockRuns().slice(0, 1) }, { transient: true });
    expect(graph.data.length).toBe(1 + 3);
    expect(graph.querySelectorAll('.scatterlayer .trace').length).toBe(3);
  });
});
