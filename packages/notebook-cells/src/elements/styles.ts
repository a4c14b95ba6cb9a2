import { css } from 'lit';

/**
 * The theme every element shares. Public knobs are `--wg-*` custom properties (the same names
 * `@wengert/optim-viz` reads); defaults follow the inherited `color-scheme` through `light-dark()`,
 * so `color-scheme: dark` on any ancestor switches everything to the dark palette.
 */
export const themeStyles = css`
  :host {
    --_fg: var(--wg-fg, light-dark(#1f2328, #e6edf3));
    --_bg: var(--wg-bg, light-dark(#ffffff, #0d1117));
    --_muted: var(--wg-muted, light-dark(#6b7280, #8b949e));
    --_grid: var(--wg-grid, light-dark(#e4e7ec, #2a313c));
    --_accent: var(--wg-accent, light-dark(#2f6fdb, #6ea8fe));
    --_error: var(--wg-error, light-dark(#c62828, #ff7b72));
    --_error-bg: var(--wg-error-bg, light-dark(#fdecea, #3a1d1d));
    --_code-bg: var(--wg-code-bg, light-dark(#f6f8fa, #161b22));
    --_font: var(--wg-font-family, system-ui, -apple-system, 'Segoe UI', sans-serif);
    --_mono: var(--wg-mono-font-family, ui-monospace, 'SFMono-Regular', Menlo, Consolas, monospace);
    --_radius: var(--wg-radius, 6px);
    display: block;
    color: var(--_fg);
    font-family: var(--_font);
    font-size: var(--wg-font-size, 15px);
    line-height: 1.5;
  }
  :host([hidden]) {
    display: none;
  }
`;

/** Layout shared by the cell kinds: a frame, a header, an output area that dims while re-running. */
export const cellStyles = css`
  :host {
    margin: var(--wg-cell-gap, 12px) 0;
  }
  .frame {
    border: 1px solid var(--_grid);
    border-radius: var(--_radius);
    background: var(--_bg);
    overflow: hidden;
  }
  .header {
    display: flex;
    align-items: center;
    gap: 8px;
    padding: 6px 10px;
    border-bottom: 1px solid var(--_grid);
    font-size: 0.85em;
    color: var(--_muted);
  }
  .header .name {
    font-family: var(--_mono);
    color: var(--_fg);
    font-weight: 600;
  }
  .header .kind {
    text-transform: uppercase;
    letter-spacing: 0.05em;
    font-size: 0.8em;
  }
  .header .spacer {
    flex: 1;
  }
  .body {
    padding: 10px;
  }
  [part~='output'] {
    transition: opacity 0.15s;
  }
  :host([running]) [part~='output'] {
    opacity: 0.45;
  }
  .error {
    margin: 8px 0 0;
    padding: 8px 10px;
    border-left: 3px solid var(--_error);
    background: var(--_error-bg);
    color: var(--_error);
    font-family: var(--_mono);
    font-size: 0.85em;
    white-space: pre-wrap;
    border-radius: 0 var(--_radius) var(--_radius) 0;
  }
  button {
    font: inherit;
    font-size: 0.9em;
    color: var(--_fg);
    background: var(--_code-bg);
    border: 1px solid var(--_grid);
    border-radius: var(--_radius);
    padding: 3px 10px;
    cursor: pointer;
  }
  button:hover:not(:disabled) {
    border-color: var(--_accent);
  }
  button:disabled {
    opacity: 0.5;
    cursor: default;
  }
  button.primary {
    background: var(--_accent);
    border-color: var(--_accent);
    color: var(--_bg);
  }
  input,
  select {
    font: inherit;
    font-size: 0.9em;
    color: var(--_fg);
    background: var(--_bg);
    border: 1px solid var(--_grid);
    border-radius: 4px;
    padding: 2px 4px;
  }
  code,
  .mono {
    font-family: var(--_mono);
    font-size: 0.9em;
  }
`;

/** The run colours, with the same defaults as `@wengert/optim-viz`, so a swatch matches its trajectory. */
const SERIES_DEFAULTS = [
  'light-dark(#d62728, #ff6b6b)',
  'light-dark(#ff7f0e, #ffa94d)',
  'light-dark(#2ca02c, #69db7c)',
  'light-dark(#9467bd, #c5a3ff)',
  'light-dark(#e377c2, #f783ac)',
  'light-dark(#8c564b, #e0a872)',
  'light-dark(#17becf, #66d9e8)',
  'light-dark(#bcbd22, #d8f5a2)',
];

/** The CSS colour of run `index` (0-based): `--wg-series-1` … `--wg-series-8`, cycling. */
export function seriesColor(index: number): string {
  const i = index % SERIES_DEFAULTS.length;
  return `var(--wg-series-${i + 1}, ${SERIES_DEFAULTS[i]})`;
}
