import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import { type LossCurves, lossCurves } from './loss-curves.js';
import { loadPlotly } from './plotly.js';
import {
  axisRanges,
  bowl,
  bowlGrad,
  chunkOf,
  descend,
  makeContainer,
  nextFrames,
  plotArea,
  rosenbrock,
  rosenbrockGrad,
} from './test-support.js';

type Graph = HTMLDivElement & {
  data: { type: string; x: ArrayLike<number>; y: ArrayLike<number>; yaxis?: string }[];
  layout: { yaxis: { type: string }; yaxis2?: { type: string } };
};

const figures: LossCurves[] = [];
beforeEach(async () => {
  await page.viewport(1000, 800);
});
afterEach(() => {
  for (const figure of figures.splice(0)) figure.dispose();
  document.body.replaceChildren();
});

const runs = () => [
  descend('gd η=1.5e-3', rosenbrock, rosenbrockGrad, [-1.2, 1], 1.5e-3, 3000),
  descend('gd η=1e-3', rosenbrock, rosenbrockGrad, [1.8, -0.5], 1e-3, 3000),
  descend('gd η=8e-4', rosenbrock, rosenbrockGrad, [0.5, 2.5], 8e-4, 3000),
];

async function draw(container: HTMLElement, options: Parameters<typeof lossCurves>[1]) {
  const figure = await lossCurves(container, options);
  figures.push(figure);
  return figure;
}

describe('lossCurves', () => {
  test('one loss and one gradient-norm curve per run, one legend entry per run, log axes', async () => {
    const figure = await draw(makeContainer(), { trajectories: runs(), title: 'Loss and gradient norm per step' });
    const graph = figure.element as Graph;
    expect(graph.data.map((trace) => trace.yaxis)).toEqual(['y', 'y2', 'y', 'y2', 'y', 'y2']);
    const legend = [...graph.querySelectorAll('.legend .legendtext')].map((text) => text.textContent);
    expect(legend).toEqual(['gd η=1.5e-3', 'gd η=1e-3', 'gd η=8e-4']);
    expect(graph.layout.yaxis.type).toBe('log');
    expect(graph.layout.yaxis2?.type).toBe('log');
    // The rendered y ticks of a log axis are powers of ten.
    expect(graph.querySelector('.yaxislayer-above .ytick text')?.textContent).toMatch(/^10/);
    expect(Array.from(graph.data[0]!.y)).toEqual(Array.from(runs()[0]!.losses));
    expect(Array.from(graph.data[1]!.y)).toEqual(Array.from(runs()[0]!.gradNorms!));
    await page.screenshot({ element: figure.element, path: '../artifacts/loss-curves-light.png' });
  });

  test('without gradient norms there is one panel; negative values switch to a linear axis', async () => {
    const { name, points, losses } = descend('no norms', bowl, bowlGrad, [1, 1], 0.05, 50);
    const shifted = losses.map((loss) => loss - 1);
    const figure = await draw(makeContainer(), { trajectories: [{ name, points, losses: shifted }] });
    const graph = figure.element as Graph;
    expect(graph.data).toHaveLength(1);
    expect(graph.layout.yaxis2).toBeUndefined();
    expect(graph.layout.yaxis.type).toBe('linear');
  });

  test('hover at a step shows every run’s loss at that step', async () => {
    const trajectories = runs();
    const figure = await draw(makeContainer(), { trajectories, gradNorms: false, yScale: 'linear' });
    const graph = figure.element;
    const area = plotArea(graph);
    const { x } = axisRanges(graph);
    const step = 1500;
    const drag = graph.querySelector('.nsewdrag[data-subplot="xy"]')!;
    await userEvent.hover(drag, {
      position: { x: ((step - x[0]) / (x[1] - x[0])) * area.width, y: area.height / 2 },
    });
    await nextFrames();
    const text = graph.querySelector('.hoverlayer')!.textContent!;
    // Unified hover snaps to the nearest step; read it back, then check each run's value there.
    const shown = Number(/^step (\d+)/.exec(text)?.[1]);
    expect(Math.abs(shown - step)).toBeLessThanOrEqual(5);
    for (const run of trajectories) {
      expect(text).toContain(run.name);
      expect(text).toContain(`loss ${Number(run.losses[shown]!.toPrecision(6))}`);
    }
    await page.screenshot({ element: graph, path: '../artifacts/loss-curves-hover-light.png' });
  });

  test('streaming extend grows the curves and keeps a zoom', async () => {
    const full = descend('streamed', bowl, bowlGrad, [1.8, 0.9], 0.09, 90);
    const figure = await draw(makeContainer(), { trajectories: [{ name: 'streamed', ...chunkOf(full, 0, 10) }] });
    const graph = figure.element as Graph;
    const plotly = await loadPlotly();
    const zoom = { 'xaxis.range': [2, 40], 'yaxis.range': [-4, 1] };
    await plotly.relayout(graph, zoom as Parameters<typeof plotly.relayout>[1]);
    for (const [t0, t1] of [
      [10, 50],
      [50, 91],
    ])
      await figure.extend('streamed', chunkOf(full, t0, t1));
    expect(Array.from(graph.data[0]!.y)).toEqual(Array.from(full.losses));
    expect(Array.from(graph.data[1]!.y)).toEqual(Array.from(full.gradNorms!));
    expect(Array.from(graph.data[0]!.x)).toEqual(Array.from({ length: 91 }, (_, t) => t));
    expect(axisRanges(graph)).toEqual({ x: [2, 40], y: [-4, 1] });
  });

  test('dark', async () => {
    const figure = await draw(makeContainer({ dark: true }), {
      trajectories: runs(),
      title: 'Loss and gradient norm (dark)',
    });
    expect(figure.element.querySelector<SVGElement>('.main-svg')!.style.background).toBe('rgb(13, 17, 23)');
    await page.screenshot({ element: figure.element, path: '../artifacts/loss-curves-dark.png' });
  });
});
