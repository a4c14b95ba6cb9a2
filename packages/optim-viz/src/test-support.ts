/** Fixtures for the browser tests: real losses, real gradient descent, real DOM geometry. Not exported. */
import type { Grid, Trajectory } from './types.js';

export type Vec = [number, number];

export const rosenbrock = ([x, y]: Vec) => (1 - x) ** 2 + 100 * (y - x * x) ** 2;
export const rosenbrockGrad = ([x, y]: Vec): Vec => [-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)];

/** An elongated quadratic, f = x²/2 + 5y², whose minimum is the origin. */
export const bowl = ([x, y]: Vec) => 0.5 * x * x + 5 * y * y;
export const bowlGrad = ([x, y]: Vec): Vec => [x, 10 * y];

export function gridOf(f: (p: Vec) => number, [x0, x1]: Vec, [y0, y1]: Vec, nx: number, ny: number): Grid {
  const x = Float64Array.from({ length: nx }, (_, i) => x0 + ((x1 - x0) * i) / (nx - 1));
  const y = Float64Array.from({ length: ny }, (_, j) => y0 + ((y1 - y0) * j) / (ny - 1));
  const z = new Float64Array(nx * ny);
  for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) z[j * nx + i] = f([x[i]!, y[j]!]);
  return { x, y, z };
}

/** Plain gradient descent x ← x − η∇f(x), recorded as the worker would. */
export function descend(
  name: string,
  f: (p: Vec) => number,
  grad: (p: Vec) => Vec,
  start: Vec,
  learningRate: number,
  steps: number,
): Trajectory {
  const points = new Float64Array(2 * (steps + 1));
  const losses = new Float64Array(steps + 1);
  const gradNorms = new Float64Array(steps + 1);
  let p: Vec = [...start];
  for (let t = 0; t <= steps; t++) {
    const g = grad(p);
    points.set(p, 2 * t);
    losses[t] = f(p);
    gradNorms[t] = Math.hypot(...g);
    p = [p[0] - learningRate * g[0], p[1] - learningRate * g[1]];
  }
  return { name, points, losses, gradNorms, stopReason: 'max steps' };
}

/** Rows t0 … t1−1 of a trajectory as a streaming chunk. */
export function chunkOf(trajectory: Trajectory, t0: number, t1: number) {
  const n = trajectory.points.length / trajectory.losses.length;
  return {
    points: trajectory.points.slice(t0 * n, t1 * n),
    losses: trajectory.losses.slice(t0, t1),
    gradNorms: trajectory.gradNorms?.slice(t0, t1),
  };
}

/** A sized container attached to the page; `dark` sets `color-scheme: dark` only (no custom properties). */
export function makeContainer(options: { dark?: boolean; width?: number; parent?: Node } = {}): HTMLDivElement {
  const container = document.createElement('div');
  container.style.width = `${options.width ?? 720}px`;
  container.style.fontFamily = 'system-ui, sans-serif';
  if (options.dark) container.style.colorScheme = 'dark';
  (options.parent ?? document.body).appendChild(container);
  return container;
}

/** The plot area of the cartesian subplot `xy` (plotly's drag rectangle) in client pixels. */
export function plotArea(graph: HTMLElement, subplot = 'xy'): DOMRect {
  const drag = graph.querySelector(`.nsewdrag[data-subplot="${subplot}"]`);
  if (!drag) throw new Error(`no drag layer for subplot ${subplot}`);
  return drag.getBoundingClientRect();
}

interface AxisState {
  range: [number, number];
  type?: string;
}

/** The current axis ranges plotly drew with (it writes autoranged values back into `layout`). */
export function axisRanges(graph: HTMLElement, x = 'xaxis', y = 'yaxis') {
  const layout = (graph as HTMLElement & { layout: Record<string, AxisState> }).layout;
  return { x: layout[x]!.range, y: layout[y]!.range };
}

/** Client pixel → data coordinates on linear axes, from the drawn plot area. */
export function pixelToData(graph: HTMLElement, clientX: number, clientY: number) {
  const area = plotArea(graph);
  const { x, y } = axisRanges(graph);
  return {
    x: x[0] + ((clientX - area.left) / area.width) * (x[1] - x[0]),
    y: y[1] - ((clientY - area.top) / area.height) * (y[1] - y[0]),
  };
}

/** Data → client pixel on linear axes. */
export function dataToPixel(graph: HTMLElement, px: number, py: number) {
  const area = plotArea(graph);
  const { x, y } = axisRanges(graph);
  return {
    x: area.left + ((px - x[0]) / (x[1] - x[0])) * area.width,
    y: area.top + ((y[1] - py) / (y[1] - y[0])) * area.height,
  };
}

/** Centre of an element's box in client pixels. */
export function centreOf(element: Element) {
  const box = element.getBoundingClientRect();
  return { x: box.left + box.width / 2, y: box.top + box.height / 2 };
}

/** Waits two animation frames, the time plotly needs to paint hover labels after the event. */
export function nextFrames(): Promise<void> {
  return new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve())));
}
