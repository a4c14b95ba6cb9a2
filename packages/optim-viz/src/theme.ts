import { concreteColor } from './color.js';

/** Concrete colours (rgb/rgba strings) a figure is drawn with. */
export interface Theme {
  /** Text, tick labels, hover text. `--wg-fg` */
  fg: string;
  /** Paper and plot background. `--wg-bg` */
  bg: string;
  /** Grid lines, axis lines, cell gaps. `--wg-grid` */
  grid: string;
  /** Secondary text: modebar icons, contour lines. `--wg-muted` */
  muted: string;
  /** One colour per run, in order. `--wg-series-1` … `--wg-series-8` */
  series: string[];
  /** Sequential scale for loss values, low → high. `--wg-scale-low`, `--wg-scale-mid`, `--wg-scale-high` */
  scale: [string, string, string];
  /** Diverging scale for Jacobians: negative, zero, positive. `--wg-diverging-neg`, `--wg-diverging-zero`, `--wg-diverging-pos` */
  diverging: [string, string, string];
  /** Font family. `--wg-font-family`, else the container's font. */
  fontFamily: string;
}

/**
 * Defaults follow the container's `color-scheme` through `light-dark()`, so a page (or any ancestor)
 * with `color-scheme: dark` gets the dark palette without setting a single custom property.
 */
const DEFAULTS: Record<string, string> = {
  '--wg-fg': 'light-dark(#1f2328, #e6edf3)',
  '--wg-bg': 'light-dark(#ffffff, #0d1117)',
  '--wg-grid': 'light-dark(#e4e7ec, #2a313c)',
  '--wg-muted': 'light-dark(#6b7280, #8b949e)',
  '--wg-scale-low': 'light-dark(#f6f8fc, #101826)',
  '--wg-scale-mid': 'light-dark(#b9cbe6, #27466e)',
  '--wg-scale-high': 'light-dark(#3d5a8c, #7fa8d9)',
  '--wg-diverging-neg': 'light-dark(#2166ac, #5aa2e6)',
  '--wg-diverging-zero': 'light-dark(#f7f7f7, #161b22)',
  '--wg-diverging-pos': 'light-dark(#b2182b, #f0736a)',
  '--wg-series-1': 'light-dark(#d62728, #ff6b6b)',
  '--wg-series-2': 'light-dark(#ff7f0e, #ffa94d)',
  '--wg-series-3': 'light-dark(#2ca02c, #69db7c)',
  '--wg-series-4': 'light-dark(#9467bd, #c5a3ff)',
  '--wg-series-5': 'light-dark(#e377c2, #f783ac)',
  '--wg-series-6': 'light-dark(#8c564b, #e0a872)',
  '--wg-series-7': 'light-dark(#17becf, #66d9e8)',
  '--wg-series-8': 'light-dark(#bcbd22, #d8f5a2)',
};

/**
 * Reads the theme from CSS custom properties on `container`. Plotly ignores CSS variables, so each
 * one is resolved by a hidden probe element inside the container (which follows var() chains,
 * light-dark() and the inherited color-scheme) and then turned into a concrete rgb colour.
 */
export function readTheme(container: Element, overrides: Partial<Theme> = {}): Theme {
  const probe = document.createElement('span');
  probe.setAttribute('aria-hidden', 'true');
  probe.style.cssText = 'position:absolute;width:0;height:0;overflow:hidden;visibility:hidden;pointer-events:none';
  container.append(probe);
  try {
    const color = (name: string) => {
      probe.style.color = '';
      probe.style.setProperty('color', `var(${name}, ${DEFAULTS[name]})`);
      return concreteColor(getComputedStyle(probe).color);
    };
    const style = getComputedStyle(container);
    const fontFamily = style.getPropertyValue('--wg-font-family').trim() || style.fontFamily || 'sans-serif';
    const theme: Theme = {
      fg: color('--wg-fg'),
      bg: color('--wg-bg'),
      grid: color('--wg-grid'),
      muted: color('--wg-muted'),
      series: Array.from({ length: 8 }, (_, i) => color(`--wg-series-${i + 1}`)),
      scale: [color('--wg-scale-low'), color('--wg-scale-mid'), color('--wg-scale-high')],
      diverging: [color('--wg-diverging-neg'), color('--wg-diverging-zero'), color('--wg-diverging-pos')],
      fontFamily,
    };
    return { ...theme, ...overrides };
  } finally {
    probe.remove();
  }
}

/** The colour of run number `index` (0-based), cycling through the series. */
export function seriesColor(theme: Theme, index: number): string {
  return theme.series[index % theme.series.length]!;
}
