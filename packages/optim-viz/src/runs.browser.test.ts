import { describe, expect, test } from 'vitest';
import { formatPoint, RunStore, runColumns } from './runs.js';
import { zTransform } from './z-scale.js';

const range = (n: number, from = 0) => Float64Array.from({ length: n }, (_, i) => from + i);

describe('RunStore', () => {
  test('streamed chunks of any sizes add up to the whole run', () => {
    const n = 3;
    const steps = 200;
    const points = Float64Array.from({ length: steps * n }, (_, i) => Math.sin(i));
    const losses = Float64Array.from({ length: steps }, (_, t) => Math.cos(t));
    const store = new RunStore();
    let t = 0;
    for (const size of [1, 0, 7, 16, 17, 50, 1, 108]) {
      store.extend('run', { points: points.slice(t * n, (t + size) * n), losses: losses.slice(t, t + size) });
      t += size;
    }
    expect(t).toBe(steps);
    const [run] = store.runs;
    expect(run!.dimension).toBe(3);
    expect(run!.count).toBe(steps);
    const columns = runColumns(run!);
    expect(Array.from(columns.losses)).toEqual(Array.from(losses));
    expect(Array.from(columns.x)).toEqual(Array.from({ length: steps }, (_, s) => points[s * n]));
    expect(Array.from(columns.y)).toEqual(Array.from({ length: steps }, (_, s) => points[s * n + 1]));
    expect(columns.hover[5]).toEqual([5, losses[5], formatPoint(points.subarray(15, 18))]);
  });

  test('colours follow legend position; keys (trace identity) follow names', () => {
    const store = new RunStore();
    const run = (name: string) => ({ name, points: range(4), losses: range(2) });
    store.set([run('a'), run('b'), run('c')]);
    expect(store.runs.map((r) => [r.name, r.colorIndex, r.key])).toEqual([
      ['a', 0, 0],
      ['b', 1, 1],
      ['c', 2, 2],
    ]);
    store.set([run('c'), run('d')]);
    expect(store.runs.map((r) => [r.name, r.colorIndex, r.key])).toEqual([
      ['c', 0, 2],
      ['d', 1, 3],
    ]);
    store.extend('a', { points: range(2), losses: range(1) });
    expect(store.runs.map((r) => [r.name, r.colorIndex, r.key])).toContainEqual(['a', 2, 0]);
  });

  test('rejects shapes that do not fit', () => {
    const store = new RunStore();
    expect(() => store.set([{ name: 'x', points: range(5), losses: range(2) }])).toThrow(/5 coordinates do not split into 2/);
    expect(() =>
      store.set([
        { name: 'x', points: range(4), losses: range(2) },
        { name: 'x', points: range(4), losses: range(2) },
      ]),
    ).toThrow(/two trajectories are named "x"/);
    store.extend('y', { points: range(4), losses: range(2) });
    expect(() => store.extend('y', { points: range(3), losses: range(1) })).toThrow(/dimension 3, expected 2/);
  });

  test('points print with four significant digits and at most six coordinates', () => {
    expect(formatPoint(Float64Array.of(0.123456, -1e-7, 12345.678))).toBe('(0.1235, -1e-7, 12350)');
    expect(formatPoint(range(9))).toBe('(0, 1, 2, 3, 4, 5, … 3 more)');
    expect(formatPoint(Float64Array.of(Number.NaN, Number.POSITIVE_INFINITY))).toBe('(NaN, Infinity)');
  });
});

describe('zTransform', () => {
  test('auto picks log only when the top of the range dwarfs the median', () => {
    // Median − min = 1, max − min = 100: log. Median − min = 1, max − min = 5: linear.
    const wide = Float64Array.of(0, 1, 1, 1, 100);
    const narrow = Float64Array.of(0, 1, 1, 1, 5);
    expect(zTransform(wide, 'auto').log).toBe(true);
    expect(zTransform(narrow, 'auto').log).toBe(false);
    expect(zTransform(wide, 'linear').log).toBe(false);
    expect(zTransform(narrow, 'log').log).toBe(true);
  });

  test('log is log₁₀(loss − min + δ) with δ = 10⁻⁴ (max − min), clamped below the minimum', () => {
    const log = zTransform(Float64Array.of(2, 3, 102), 'log');
    expect(log.apply(2)).toBeCloseTo(Math.log10(0.01), 12);
    expect(log.apply(12)).toBeCloseTo(Math.log10(10.01), 12);
    expect(log.apply(-5)).toBeCloseTo(Math.log10(0.01), 12);
    expect(zTransform(Float64Array.of(4, 4, 4), 'log').log).toBe(false);
  });
});
