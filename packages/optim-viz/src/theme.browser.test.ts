import { afterEach, describe, expect, test } from 'vitest';
import { concreteColor, withAlpha } from './color.js';
import { readTheme } from './theme.js';

afterEach(() => document.body.replaceChildren());

function container(style: Record<string, string> = {}, parent: HTMLElement = document.body) {
  const element = document.createElement('div');
  for (const [name, value] of Object.entries(style)) element.style.setProperty(name, value);
  parent.append(element);
  return element;
}

describe('readTheme', () => {
  test('light defaults, and dark ones under color-scheme: dark', () => {
    const light = readTheme(container());
    expect([light.fg, light.bg]).toEqual(['rgb(31, 35, 40)', 'rgb(255, 255, 255)']);
    expect(light.series).toHaveLength(8);
    expect(light.series[0]).toBe('rgb(214, 39, 40)');
    const dark = readTheme(container({ 'color-scheme': 'dark' }));
    expect([dark.fg, dark.bg]).toEqual(['rgb(230, 237, 243)', 'rgb(13, 17, 23)']);
    expect(dark.series[0]).toBe('rgb(255, 107, 107)');
  });

  test('custom properties are inherited, follow var() chains and become concrete rgb', () => {
    const page = container({ '--brand': '#336699', '--wg-series-2': 'var(--brand)', '--wg-bg': 'oklch(1 0 0)' });
    const theme = readTheme(container({}, page));
    expect(theme.series[1]).toBe('rgb(51, 102, 153)');
    expect(theme.bg).toBe('rgb(255, 255, 255)');
    expect(readTheme(page, { fg: 'rgb(1, 2, 3)' }).fg).toBe('rgb(1, 2, 3)');
  });

  test('the probe element leaves nothing behind', () => {
    const element = container();
    readTheme(element);
    expect(element.childNodes).toHaveLength(0);
  });
});

describe('colours', () => {
  test('concreteColor paints what plotly cannot parse; withAlpha scales alpha', () => {
    expect(concreteColor('rgb(1, 2, 3)')).toBe('rgb(1, 2, 3)');
    expect(concreteColor('color-mix(in srgb, #ff0000 50%, #0000ff)')).toBe('rgb(128, 0, 128)');
    expect(withAlpha('rgb(10, 20, 30)', 0.5)).toBe('rgba(10, 20, 30, 0.5)');
    expect(withAlpha('rgba(10, 20, 30, 0.5)', 0.5)).toBe('rgba(10, 20, 30, 0.25)');
    expect(withAlpha('#0a141e', 1)).toBe('rgba(10, 20, 30, 1)');
  });
});
