import type { Data, Scene } from 'plotly.js-dist';
import { type Figure, type FigureOptions, mountFigure, runsFigureHandle } from './figure.js';
import { baseLayout } from './layout.js';
import { HOVER_TEMPLATE, withEndTags } from './run-traces.js';
import { escapeLabel, type Run, RunStore, runColumns } from './runs.js';
import { seriesColor, type Theme } from './theme.js';
import type { Grid, Trajectory, TrajectoryChunk, ZScale } from './types.js';
import { gridRows, type ZTransform, zTransform } from './z-scale.js';

export interface SurfaceOptions extends FigureOptions {
  /** The loss on a grid. */
  grid: Grid;
  /** Runs drawn on the surface at height f(x_t). */
  trajectories?: readonly Trajectory[];
  /** Height mapping of the loss. Default `linear`: a log surface turns narrow valleys into gorges that hide the path. */
  zScale?: ZScale;
  /** Axis titles. Default `x₁`, `x₂`. */
  xLabel?: string;
  yLabel?: string;
}

export type SurfaceUpdate = Partial<Pick<SurfaceOptions, 'grid' | 'trajectories' | 'zScale' | 'title'>>;

export interface SurfaceFigure extends Figure {
  /** Replaces the given fields and redraws; the user's camera is kept. */
  update(patch: SurfaceUpdate): Promise<void>;
  /** Appends points to the run `name` (created if new) and redraws; the user's camera is kept. */
  extend(name: string, chunk: TrajectoryChunk): Promise<void>;
}

/** Paths float this fraction of the height range above the surface so the surface never hides them. */
const LIFT = 0.02;

/** From the (−x, −y) corner and high enough to see the valley floor where the runs end. */
const DEFAULT_CAMERA = { eye: { x: -1.05, y: -1.15, z: 1.3 } };

/**
 * The loss as a 3-D surface with each run drawn as a path at height f(x_t), with start and end
 * markers. Drag rotates; the camera survives updates.
 */
export async function surfaceFigure(container: HTMLElement, options: SurfaceOptions): Promise<SurfaceFigure> {
  const state = { ...options };
  const runs = new RunStore();
  runs.set(options.trajectories ?? []);

  let cached: { grid: Grid; zScale: ZScale; transform: ZTransform; rows: number[][]; losses: number[][]; lift: number } | null =
    null;
  const surface = () => {
    const { grid } = state;
    const zScale = state.zScale ?? 'linear';
    if (cached?.grid !== grid || cached.zScale !== zScale) {
      const transform = zTransform(grid.z, zScale);
      const losses = gridRows(grid.z, grid.x.length, grid.y.length, zTransform(grid.z, 'linear'));
      const rows = transform.log ? gridRows(grid.z, grid.x.length, grid.y.length, transform) : losses;
      const heights = rows.flat().filter(Number.isFinite);
      const lift = LIFT * (Math.max(...heights) - Math.min(...heights) || 1);
      cached = { grid, zScale, transform, rows, losses, lift };
    }
    return cached;
  };

  // The camera the user rotated to. Kept here and passed back on every draw, because plotly's own
  // uirevision bookkeeping loses a 3-D rotation made after any relayout (e.g. a resize).
  let camera: object | undefined;

  const mounted = await mountFigure(container, options, (theme) => {
    const { transform, rows, losses, lift } = surface();
    const xLabel = escapeLabel(state.xLabel ?? 'x₁');
    const yLabel = escapeLabel(state.yLabel ?? 'x₂');
    const data: Data[] = [
      {
        type: 'surface',
        uid: 'loss',
        name: 'loss',
        showlegend: false,
        x: state.grid.x,
        y: state.grid.y,
        z: rows,
        customdata: losses,
        colorscale: [
          [0, theme.scale[0]],
          [0.5, theme.scale[1]],
          [1, theme.scale[2]],
        ],
        showscale: false,
        opacity: 0.85,
        contours: { z: { show: true, usecolormap: true, project: { z: true } } },
        hovertemplate: `${xLabel} %{x:.4~g}<br>${yLabel} %{y:.4~g}<br>loss %{customdata:.6~g}<extra></extra>`,
      },
      ...runs.runs.flatMap((run) => pathTraces(run, theme, transform, lift)),
    ];
    const axis = (title: string) => ({
      title: { text: title, font: { color: theme.fg, family: theme.fontFamily } },
      color: theme.fg,
      gridcolor: theme.grid,
      zerolinecolor: theme.grid,
      linecolor: theme.grid,
      showbackground: false,
      backgroundcolor: theme.bg,
      showspikes: false,
      nticks: 6,
      tickfont: { size: 10, color: theme.fg, family: theme.fontFamily },
    });
    const scene: Partial<Scene> = {
      bgcolor: theme.bg,
      xaxis: axis(xLabel),
      yaxis: axis(yLabel),
      zaxis: axis(escapeLabel(transform.label)),
      aspectmode: 'manual',
      aspectratio: { x: 1, y: 1, z: 0.6 },
      camera: camera ?? DEFAULT_CAMERA,
    };
    return {
      label: state.title ?? `Surface of the loss with ${runs.runs.length} run${runs.runs.length === 1 ? '' : 's'}`,
      data,
      layout: { ...baseLayout(theme, state.title), margin: { l: 0, r: 0, t: state.title ? 64 : 40, b: 0 }, scene },
    };
  });

  const graph = mounted.element as typeof mounted.element & {
    layout?: { scene?: { camera?: object } };
    on?(event: 'plotly_relayout', callback: (update: Record<string, unknown>) => void): void;
  };
  graph.on?.('plotly_relayout', (update) => {
    // A drag reports the whole camera; `Plotly.relayout` calls may set parts of it in the layout.
    const dragged = update['scene.camera'];
    if (dragged && typeof dragged === 'object') camera = dragged;
    else if (Object.keys(update).some((key) => key.startsWith('scene.camera'))) camera = graph.layout?.scene?.camera;
  });

  return runsFigureHandle(mounted, state, runs);
}

function pathTraces(run: Run, theme: Theme, transform: ZTransform, lift: number): Data[] {
  if (run.count === 0) return [];
  const color = seriesColor(theme, run.colorIndex);
  const { x, y, losses, hover } = runColumns(run);
  const z = losses.map((loss) => transform.apply(loss) + lift);
  const name = escapeLabel(run.name);
  const group = `run-${run.key}`;
  const last = run.count - 1;
  const customdata = withEndTags(run, hover);
  const hovertemplate = HOVER_TEMPLATE(name);
  const marker = (t: number, symbol: 'circle-open' | 'diamond', uid: string): Data => ({
    type: 'scatter3d',
    uid: `${group}-${uid}`,
    name: `${name} ${uid}`,
    legendgroup: group,
    showlegend: false,
    mode: 'markers',
    x: [x[t]!],
    y: [y[t]!],
    z: [z[t]!],
    customdata: [customdata[t]!],
    marker: { symbol, size: 7, color, line: { color, width: 3 } },
    hovertemplate,
  });
  return [
    {
      type: 'scatter3d',
      uid: `${group}-path`,
      name,
      legendgroup: group,
      mode: 'lines',
      x,
      y,
      z,
      customdata,
      line: { color, width: 5 },
      // Its shadow on the floor stays visible where a steep valley wall hides the path itself.
      projection: { z: { show: true, opacity: 0.7 } },
      hovertemplate,
    },
    marker(0, 'circle-open', 'start'),
    marker(last, 'diamond', 'end'),
  ];
}
