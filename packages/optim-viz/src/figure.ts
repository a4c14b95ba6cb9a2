import type { Config, Data, Layout } from 'plotly.js-dist';
import { loadPlotly, type Plotly } from './plotly.js';
import { adoptPlotlyStyles } from './shadow-styles.js';
import type { RunStore } from './runs.js';
import { readTheme, type Theme } from './theme.js';
import type { Trajectory, TrajectoryChunk } from './types.js';

/** Options every figure accepts. */
export interface FigureOptions {
  /** Height in CSS pixels; the width follows the container. Default 420. */
  height?: number;
  /** Title drawn above the plot. */
  title?: string;
  /** Colours that win over the CSS custom properties. */
  theme?: Partial<Theme>;
  /** Disposes the figure when aborted, e.g. from an Observable cell's `invalidation`. */
  signal?: AbortSignal;
}

/** What every figure handle offers. */
export interface Figure {
  /** The plotly graph div, appended to the container. */
  readonly element: HTMLDivElement;
  /** The colours currently drawn with. */
  readonly theme: Theme;
  /** Re-reads the CSS custom properties (after a light/dark switch) and redraws. */
  refreshTheme(): Promise<void>;
  /** Purges the plot, disconnects the resize observer and removes the element. Safe to call twice. */
  dispose(): void;
}

/** The handle of a figure: the mounted plot's element, theme and disposal, and `update` that patches its state and redraws. */
export function figureHandle<S extends object>(mounted: MountedFigure, state: S) {
  return {
    get element() {
      return mounted.element;
    },
    get theme() {
      return mounted.theme;
    },
    refreshTheme: mounted.refreshTheme,
    dispose: mounted.dispose,
    update(patch: Partial<S>): Promise<void> {
      Object.assign(state, patch);
      return mounted.render();
    },
  };
}

/** The handle of a figure that draws descent runs: `update` also replaces runs, `extend` streams into one. */
export function runsFigureHandle<S extends { trajectories?: readonly Trajectory[] }>(mounted: MountedFigure, state: S, runs: RunStore) {
  const handle = figureHandle(mounted, state);
  return Object.assign(handle, {
    update(patch: Partial<S>): Promise<void> {
      if (patch.trajectories) runs.set(patch.trajectories);
      Object.assign(state, patch);
      return mounted.render();
    },
    extend(name: string, chunk: TrajectoryChunk): Promise<void> {
      runs.extend(name, chunk);
      return mounted.render();
    },
  });
}

/** A figure description built from the current state on every draw. */
export interface FigureSpec {
  data: Data[];
  layout: Partial<Layout>;
  /** What the figure shows, for screen readers (plotly's SVG has no text alternative). */
  label: string;
}

/** Internal: the mounted plot that the figure functions drive. */
export interface MountedFigure extends Figure {
  readonly plotly: Plotly;
  readonly disposed: boolean;
  /** Redraws from the current state; calls made while a draw is queued share that draw. */
  render(): Promise<void>;
  /**
   * Replaces the data of the given traces without recomputing the others (plotly.animate without
   * redraw), then settles with a full redraw once updates pause. For scrubbing: a filled contour takes
   * plotly far longer to recompute than the lines drawn over it.
   */
  transientUpdate(data: Data[], traces: number[]): Promise<void>;
}

/** A full redraw follows the last transient update after this pause (hover data, axis ranges, marker modes). */
const SETTLE_MS = 250;

const CONFIG: Partial<Config> = {
  displaylogo: false,
  showSendToCloud: false,
  // A ResizeObserver on the container does the resizing; plotly's own `responsive` only sees window resizes.
  responsive: false,
  modeBarButtonsToRemove: ['select2d', 'lasso2d'],
};

/**
 * Creates the graph div inside `container`, draws the first spec and wires resize, theme and
 * disposal. `build` is called on every draw with the current theme.
 */
export async function mountFigure(
  container: HTMLElement,
  options: FigureOptions,
  build: (theme: Theme) => FigureSpec,
): Promise<MountedFigure> {
  const plotly = await loadPlotly();
  const element = document.createElement('div');
  element.className = 'wg-figure';
  element.setAttribute('role', 'figure');
  element.style.cssText = `width:100%;height:${options.height ?? 420}px;position:relative`;
  container.append(element);

  let theme = readTheme(container, options.theme);
  let disposed = false;
  let drawn = false;
  let tail: Promise<void> = Promise.resolve();
  let queued: Promise<void> | null = null;

  const draw = async () => {
    if (disposed) return;
    const { data, layout, label } = build(theme);
    element.setAttribute('aria-label', label);
    if (drawn) await plotly.react(element, data, layout, CONFIG);
    else {
      await plotly.newPlot(element, data, layout, CONFIG);
      drawnWidth = element.clientWidth;
      drawnHeight = element.clientHeight;
    }
    drawn = true;
    // Disposed while plotly was drawing: purge what it just drew.
    if (disposed) return plotly.purge(element);
    const root = element.getRootNode();
    if (root instanceof ShadowRoot) adoptPlotlyStyles(root);
  };

  let settle: ReturnType<typeof setTimeout> | undefined;
  const transientUpdate = (data: Data[], traces: number[]): Promise<void> => {
    if (!drawn) return render();
    const next = tail.then(async () => {
      if (disposed) return;
      await plotly.animate(element, { data, traces }, { transition: { duration: 0 }, frame: { duration: 0, redraw: false } });
    });
    tail = next.catch(() => {});
    clearTimeout(settle);
    settle = setTimeout(() => void render(), SETTLE_MS);
    return next;
  };

  const render = () => {
    clearTimeout(settle);
    if (queued) return queued;
    const next = tail.then(() => {
      queued = null;
      return draw();
    });
    queued = next;
    tail = next.catch(() => {});
    return next;
  };

  // The size plotly last laid out at; the observer's first call (and any no-op) must not relayout.
  let drawnWidth = 0;
  let drawnHeight = 0;
  const resizeObserver = new ResizeObserver(() => {
    const width = element.clientWidth;
    const height = element.clientHeight;
    if (!drawn || disposed || width === 0 || (width === drawnWidth && height === drawnHeight)) return;
    drawnWidth = width;
    drawnHeight = height;
    // Typed as void, but it returns a promise that rejects when the div is hidden or purged meanwhile.
    Promise.resolve(plotly.Plots.resize(element) as unknown).catch(() => {});
  });

  const colorScheme = window.matchMedia('(prefers-color-scheme: dark)');
  const refreshTheme = () => {
    theme = readTheme(container, options.theme);
    return render();
  };
  const onSchemeChange = () => void refreshTheme();

  const dispose = () => {
    if (disposed) return;
    disposed = true;
    clearTimeout(settle);
    resizeObserver.disconnect();
    colorScheme.removeEventListener('change', onSchemeChange);
    options.signal?.removeEventListener('abort', dispose);
    plotly.purge(element);
    element.remove();
  };

  const mounted: MountedFigure = {
    plotly,
    element,
    get theme() {
      return theme;
    },
    get disposed() {
      return disposed;
    },
    render,
    transientUpdate,
    refreshTheme,
    dispose,
  };

  if (options.signal?.aborted) {
    dispose();
    return mounted;
  }
  options.signal?.addEventListener('abort', dispose, { once: true });
  colorScheme.addEventListener('change', onSchemeChange);
  try {
    await render();
  } catch (error) {
    dispose();
    throw error;
  }
  resizeObserver.observe(container);
  return mounted;
}
