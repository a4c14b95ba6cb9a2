/** The plotly.js API object (the bundle's default export). */
export type Plotly = (typeof import('plotly.js-dist'))['default'];

let loading: Promise<Plotly> | null = null;

/**
 * Loads plotly.js-dist once, on first use. It is 4.7 MB and touches `document` when evaluated, so it
 * must never be a static import: importing this package costs nothing until a figure is drawn.
 * Call it early (without awaiting) to warm the cache.
 */
export function loadPlotly(): Promise<Plotly> {
  // The bundle is CommonJS: bundlers expose it as the default export, some only as the namespace.
  loading ??= import('plotly.js-dist').then((module) => module.default ?? (module as unknown as Plotly));
  return loading;
}
