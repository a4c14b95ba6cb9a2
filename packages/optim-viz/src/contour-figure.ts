import type { Data, PlotMouseEvent } from 'plotly.js-dist';
import { withAlpha } from './color.js';
import { type Figure, type FigureOptions, mountFigure, runsFigureHandle } from './figure.js';
import { axisLayout, baseLayout } from './layout.js';
import { runTraces2d } from './run-traces.js';
import { escapeLabel, RunStore } from './runs.js';
import type { Theme } from './theme.js';
import type { DataPoint, Grid, Trajectory, TrajectoryChunk, ZScale } from './types.js';
import { gridRows, zTransform } from './z-scale.js';

export interface ContourOptions extends FigureOptions {
  /** The loss on a grid. */
  grid: Grid;
  /** Runs drawn over the contour, one legend entry each. */
  trajectories?: readonly Trajectory[];
  /** Colour mapping of the loss. Default `auto` (log when the range is very wide). */
  zScale?: ZScale;
  /** Number of contour levels. Default 24. */
  levels?: number;
  /** Axis titles. Default `x₁`, `x₂`. */
  xLabel?: string;
  yLabel?: string;
  /** One unit on x as long as one on y, so steepest-descent geometry is not distorted. Default false. */
  equalAspect?: boolean;
}

/** What `update` may change. */
export type ContourUpdate = Partial<Pick<ContourOptions, 'grid' | 'trajectories' | 'zScale' | 'levels' | 'title'>>;

export interface ContourFigure extends Figure {
  /**
   * Replaces the given fields and redraws; the user's zoom is kept. With `{transient: true}`, an update
   * that only replaces trajectories (same runs by name) redraws just their lines, without recomputing the
   * contour, and settles with a full redraw 250 ms after the last one: for dragging a slider.
   */
  update(patch: ContourUpdate, options?: { transient?: boolean }): Promise<void>;
  /** Appends points to the run `name` (created if new) and redraws; the user's zoom is kept. */
  extend(name: string, chunk: TrajectoryChunk): Promise<void>;
  /** Calls `listener` with the data coordinates of every click in the plot area. Returns an unsubscribe. */
  onClick(listener: (point: DataPoint) => void): () => void;
}

/**
 * A filled contour of a 2-D loss with any number of descent runs on top. Each run is a path with a
 * start marker (open circle) and an end marker (cross); hover shows step, point and loss.
 *
 * ```ts
 * const fig = await contourFigure(el, { grid, trajectories: [run] });
 * fig.onClick(({ x, y }) => console.log('start at', x, y));
 * ```
 */
export async function contourFigure(container: HTMLElement, options: ContourOptions): Promise<ContourFigure> {
  const state = { ...options };
  const runs = new RunStore();
  runs.set(options.trajectories ?? []);

  // The grid's rows only change with the grid or the scale; rebuild them lazily, not on every extend.
  let rowsFor: { grid: Grid; zScale: ZScale; rows: number[][]; losses: number[][]; label: string } | null = null;
  const gridTrace = (theme: Theme): Data => {
    const { grid } = state;
    const zScale = state.zScale ?? 'auto';
    if (rowsFor?.grid !== grid || rowsFor.zScale !== zScale) {
      const transform = zTransform(grid.z, zScale);
      const losses = gridRows(grid.z, grid.x.length, grid.y.length, zTransform(grid.z, 'linear'));
      const rows = transform.log ? gridRows(grid.z, grid.x.length, grid.y.length, transform) : losses;
      rowsFor = { grid, zScale, rows, losses, label: transform.label };
    }
    return {
      type: 'contour',
      uid: 'loss',
      name: 'loss',
      showlegend: false,
      x: grid.x,
      y: grid.y,
      z: rowsFor.rows,
      // Hover shows the loss itself even when the colours are on a log scale.
      customdata: rowsFor.losses,
      ncontours: state.levels ?? 24,
      colorscale: [
        [0, theme.scale[0]],
        [0.5, theme.scale[1]],
        [1, theme.scale[2]],
      ],
      contours: { coloring: 'heatmap', showlines: true },
      line: { color: withAlpha(theme.fg, 0.18), width: 0.6, smoothing: 0.8 },
      colorbar: {
        title: { text: rowsFor.label, side: 'right', font: { color: theme.fg, family: theme.fontFamily } },
        tickfont: { color: theme.fg, family: theme.fontFamily },
        outlinewidth: 0,
        thickness: 12,
      },
      hovertemplate: `${escapeLabel(state.xLabel ?? 'x₁')} %{x:.4~g}<br>${escapeLabel(state.yLabel ?? 'x₂')} %{y:.4~g}<br>loss %{customdata:.6~g}<extra></extra>`,
    };
  };

  const mounted = await mountFigure(container, options, (theme) => {
    const layout = baseLayout(theme, state.title);
    return {
      label: state.title ?? `Contour of the loss with ${runs.runs.length} run${runs.runs.length === 1 ? '' : 's'}`,
      data: [gridTrace(theme), ...runs.runs.flatMap((run) => runTraces2d(run, theme))],
      layout: {
        ...layout,
        hovermode: 'closest',
        clickanywhere: true,
        xaxis: { ...axisLayout(theme, state.xLabel ?? 'x₁'), showgrid: false, zeroline: false },
        yaxis: {
          ...axisLayout(theme, state.yLabel ?? 'x₂'),
          showgrid: false,
          zeroline: false,
          ...(state.equalAspect ? { scaleanchor: 'x' as const, scaleratio: 1 } : {}),
        },
      },
    };
  });

  const clickListeners = new Set<(point: DataPoint) => void>();
  const element = mounted.element as typeof mounted.element & {
    on?(event: 'plotly_click', callback: (event: PlotMouseEvent & { xvals?: number[]; yvals?: number[] }) => void): void;
  };
  element.on?.('plotly_click', (event) => {
    // With `clickanywhere`, plotly reports the pointer in data coordinates, not the nearest data point.
    const x = event.xvals?.[0];
    const y = event.yvals?.[0];
    if (typeof x !== 'number' || typeof y !== 'number') return;
    for (const listener of clickListeners) listener({ x, y });
  });

  const handle = runsFigureHandle(mounted, state, runs);
  return Object.assign(handle, {
    dispose() {
      clickListeners.clear();
      mounted.dispose();
    },
    update(patch: ContourUpdate, options?: { transient?: boolean }) {
      const names = () => runs.runs.map((run) => `${run.name}:${run.count > 0}`).join('\u0000');
      const before = names();
      if (patch.trajectories) runs.set(patch.trajectories);
      Object.assign(state, patch);
      const onlyRuns = Object.keys(patch).every((key) => key === 'trajectories');
      if (options?.transient && onlyRuns && before === names()) {
        const data = runs.runs.flatMap((run) => runTraces2d(run, mounted.theme));
        return mounted.transientUpdate(
          data,
          data.map((_, i) => i + 1),
        );
      }
      return mounted.render();
    },
    onClick(listener: (point: DataPoint) => void) {
      clickListeners.add(listener);
      return () => clickListeners.delete(listener);
    },
  });
}
