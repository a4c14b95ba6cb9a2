import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import { type JacobianHeatmap, jacobianHeatmap } from './jacobian-heatmap.js';
import { makeContainer, nextFrames, plotArea } from './test-support.js';
import type { Jacobian } from './types.js';

type Graph = HTMLDivElement & { data: { z: number[][]; x: string[]; y: string[]; zmid: number }[] };

const figures: JacobianHeatmap[] = [];
beforeEach(async () => {
  await page.viewport(1000, 800);
});
afterEach(() => {
  for (const figure of figures.splice(0)) figure.dispose();
  document.body.replaceChildren();
});

/** f(x, y, z) = (x·y, sin x, y² + z, e^{−z}) at (1, 2, 0.5): its Jacobian, written out by hand. */
function analyticJacobian(): Jacobian {
  const [x, y, z] = [1, 2, 0.5];
  const rows = [
    [y, x, 0],
    [Math.cos(x), 0, 0],
    [0, 2 * y, 1],
    [0, 0, -Math.exp(-z)],
  ];
  return { rows: 4, cols: 3, data: Float64Array.from(rows.flat()) };
}

async function draw(container: HTMLElement, options: Parameters<typeof jacobianHeatmap>[1]) {
  const figure = await jacobianHeatmap(container, options);
  figures.push(figure);
  return figure;
}

describe('jacobianHeatmap', () => {
  test('lays J out with outputs down and inputs across, values printed, centred on zero', async () => {
    const jacobian = analyticJacobian();
    const figure = await draw(makeContainer({ width: 560 }), { jacobian, title: 'J of (xy, sin x, y² + z, e⁻ᶻ)' });
    const graph = figure.element as Graph;
    const trace = graph.data[0]!;
    expect(trace.x).toEqual(['x₁', 'x₂', 'x₃']);
    expect(trace.y).toEqual(['f₁', 'f₂', 'f₃', 'f₄']);
    expect(trace.z[2]![1]).toBe(4);
    expect(trace.zmid).toBe(0);
    const printed = [...graph.querySelectorAll('.heatmaplayer text')].map((text) => text.textContent);
    expect(printed).toHaveLength(12);
    expect(printed).toContain(String(Number(Math.cos(1).toPrecision(3))));
    expect(printed).toContain(String(Number((-Math.exp(-0.5)).toPrecision(3))));
    // Outputs read top to bottom: f₁ is the top row.
    const ticks = [...graph.querySelectorAll('.ytick text')].map((t) => [t.textContent, t.getBoundingClientRect().top]);
    const top = ticks.reduce((a, b) => (a[1]! < b[1]! ? a : b));
    expect(top[0]).toBe('f₁');
    await page.screenshot({ element: figure.element, path: '../artifacts/jacobian-light.png' });
  });

  test('hover names the partial derivative and its value', async () => {
    const figure = await draw(makeContainer({ width: 560 }), { jacobian: analyticJacobian() });
    const graph = figure.element;
    const area = plotArea(graph);
    const drag = graph.querySelector('.nsewdrag[data-subplot="xy"]')!;
    // Row 3 (f₃), column 2 (x₂) of a 4×3 grid of square cells.
    await userEvent.hover(drag, { position: { x: (area.width * 1.5) / 3, y: (area.height * 2.5) / 4 } });
    await nextFrames();
    expect(graph.querySelector('.hoverlayer')?.textContent).toBe('∂f₃ / ∂x₂ = 4');
  });

  test('labels from the data, update with a new shape, and dark', async () => {
    const container = makeContainer({ width: 560, dark: true });
    const jacobian: Jacobian = {
      ...analyticJacobian(),
      rowLabels: ['xy', 'sin x', 'y² + z', 'e^(−z)'],
      colLabels: ['x', 'y', 'z'],
    };
    const figure = await draw(container, { jacobian, title: 'Jacobian (dark)' });
    const graph = figure.element as Graph;
    expect(graph.data[0]!.y).toEqual(['xy', 'sin x', 'y² + z', 'e^(−z)']);
    expect(graph.querySelector<SVGElement>('.main-svg')!.style.background).toBe('rgb(13, 17, 23)');
    await page.screenshot({ element: figure.element, path: '../artifacts/jacobian-dark.png' });
    await figure.update({ jacobian: { rows: 1, cols: 2, data: Float64Array.of(3, -1) } });
    expect(graph.data[0]!.z).toEqual([[3, -1]]);
    expect(graph.data[0]!.x).toEqual(['x₁', 'x₂']);
  });

  test('rejects data that does not match its shape, leaving the container empty', async () => {
    const container = makeContainer();
    await expect(draw(container, { jacobian: { rows: 2, cols: 2, data: new Float64Array(3) } })).rejects.toThrow(
      /3 entries, expected rows·cols = 2·2/,
    );
    expect(container.childNodes).toHaveLength(0);
  });
});
