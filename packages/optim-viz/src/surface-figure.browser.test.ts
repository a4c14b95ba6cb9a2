import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import { type SurfaceFigure, surfaceFigure } from './surface-figure.js';
import { bowl, bowlGrad, chunkOf, descend, gridOf, makeContainer, rosenbrock, rosenbrockGrad } from './test-support.js';

type Graph = HTMLDivElement & {
  data: { type: string; x: ArrayLike<number>; y: ArrayLike<number>; z: ArrayLike<number> }[];
  layout: { scene: { camera?: { eye: { x: number; y: number; z: number } } } };
};

const figures: SurfaceFigure[] = [];
beforeEach(async () => {
  await page.viewport(1000, 800);
});
afterEach(() => {
  for (const figure of figures.splice(0)) figure.dispose();
  document.body.replaceChildren();
});

async function draw(container: HTMLElement, options: Parameters<typeof surfaceFigure>[1]) {
  const figure = await surfaceFigure(container, options);
  figures.push(figure);
  return figure;
}

const bowlGrid = () => gridOf(bowl, [-2, 2], [-1, 1], 61, 31);

describe('surfaceFigure', () => {
  test('draws the surface in WebGL and each run as a path at height f(x_t) above it', async () => {
    const run = descend('gd', bowl, bowlGrad, [1.8, 0.9], 0.09, 40);
    const figure = await draw(makeContainer(), { grid: bowlGrid(), trajectories: [run], title: 'f = x²/2 + 5y²' });
    const graph = figure.element as Graph;
    expect(graph.data.map((trace) => trace.type)).toEqual(['surface', 'scatter3d', 'scatter3d', 'scatter3d']);
    expect(graph.querySelector('.gl-container canvas')).not.toBeNull();
    const path = graph.data[1]!;
    expect(Array.from(path.x)).toEqual(Array.from({ length: 41 }, (_, t) => run.points[2 * t]));
    // Linear scale (the bowl's range is moderate): height = loss + a constant lift of 2% of the range.
    const lift = path.z[0]! - run.losses[0]!;
    expect(lift).toBeCloseTo(0.02 * (bowl([2, 1]) - bowl([0, 0])), 10);
    for (let t = 0; t <= 40; t++) expect(path.z[t]! - run.losses[t]!).toBeCloseTo(lift, 10);
    const end = graph.data[3]!;
    expect([end.x[0], end.y[0]]).toEqual([run.points[80], run.points[81]]);
    await page.screenshot({ element: figure.element, path: '../artifacts/surface-light.png' });
  });

  test('streaming keeps the camera the user rotated to', async () => {
    const run = descend('gd', bowl, bowlGrad, [1.8, 0.9], 0.09, 40);
    const container = makeContainer();
    const figure = await draw(container, { grid: bowlGrid(), trajectories: [{ name: 'gd', ...chunkOf(run, 0, 5) }] });
    const graph = figure.element as Graph;
    // A resize first: plotly alone would then forget the rotation on the next redraw.
    container.style.width = '640px';
    await expect.poll(() => graph.querySelector('.main-svg')?.getAttribute('width')).toBe('640');
    const initial = { ...graph.layout.scene.camera!.eye };
    // A real rotation: drag across the WebGL canvas.
    const canvas = graph.querySelector('.gl-container canvas')!;
    const box = canvas.getBoundingClientRect();
    await userEvent.dragAndDrop(canvas, canvas, {
      sourcePosition: { x: box.width * 0.4, y: box.height * 0.5 },
      targetPosition: { x: box.width * 0.7, y: box.height * 0.35 },
    });
    await expect.poll(() => graph.layout.scene.camera?.eye).not.toEqual(initial);
    const rotated = { ...graph.layout.scene.camera!.eye };
    await figure.extend('gd', chunkOf(run, 5, 41));
    expect(graph.data[1]!.x).toHaveLength(41);
    expect(graph.layout.scene.camera?.eye).toEqual(rotated);
  });

  test('on a log scale the height is log₁₀(loss − min + δ)', async () => {
    const run = descend('gd η=1.5e-3', rosenbrock, rosenbrockGrad, [-1.2, 1], 1.5e-3, 3000);
    const grid = gridOf(rosenbrock, [-2, 2], [-1, 3], 81, 81);
    const figure = await draw(makeContainer(), { grid, trajectories: [run], zScale: 'log' });
    const graph = figure.element as Graph;
    // The grid's minimum is 0 (at the node (1, 1)) and its maximum f(−2, −1) = 2509, so δ = 0.2509.
    const delta = 1e-4 * rosenbrock([-2, -1]);
    const lift = 0.02 * (Math.log10(rosenbrock([-2, -1]) + delta) - Math.log10(delta));
    for (const t of [0, 1000, 3000])
      expect(graph.data[1]!.z[t]).toBeCloseTo(Math.log10(run.losses[t]! + delta) + lift, 10);
  });

  test('dark', async () => {
    const run = descend('gd η=1.5e-3', rosenbrock, rosenbrockGrad, [-1.2, 1], 1.5e-3, 3000);
    const figure = await draw(makeContainer({ dark: true }), {
      grid: gridOf(rosenbrock, [-2, 2], [-1, 3], 81, 81),
      trajectories: [run, descend('gd η=1e-3', rosenbrock, rosenbrockGrad, [1.8, -0.5], 1e-3, 3000)],
      title: 'Rosenbrock surface (dark)',
    });
    expect(figure.element.querySelector<SVGElement>('.main-svg')!.style.background).toBe('rgb(13, 17, 23)');
    await page.screenshot({ element: figure.element, path: '../artifacts/surface-dark.png' });
  });
});
