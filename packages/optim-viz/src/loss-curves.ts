import type { Data, LayoutAxis } from 'plotly.js-dist';
import { type Figure, type FigureOptions, mountFigure, runsFigureHandle } from './figure.js';
import { axisLayout, baseLayout } from './layout.js';
import { escapeLabel, type Run, RunStore, runColumns } from './runs.js';
import { seriesColor, type Theme } from './theme.js';
import type { Trajectory, TrajectoryChunk } from './types.js';

/** `auto` uses a log axis unless a value is negative (then log would drop it). */
export type YScale = 'auto' | 'log' | 'linear';

export interface LossCurvesOptions extends FigureOptions {
  trajectories?: readonly Trajectory[];
  /** Scale of both value axes. Default `auto`. */
  yScale?: YScale;
  /** Show a second panel with ‖∇f‖ per step. Default `auto`: when any run carries gradient norms. */
  gradNorms?: boolean | 'auto';
}

export type LossCurvesUpdate = Partial<Pick<LossCurvesOptions, 'trajectories' | 'yScale' | 'gradNorms' | 'title'>>;

export interface LossCurves extends Figure {
  /** Replaces the given fields and redraws; the user's zoom is kept. */
  update(patch: LossCurvesUpdate): Promise<void>;
  /** Appends steps to the run `name` (created if new) and redraws; the user's zoom is kept. */
  extend(name: string, chunk: TrajectoryChunk): Promise<void>;
}

/**
 * Loss per step for each run and, in a panel below sharing the step axis, the gradient norm,
 * both on log axes by default. One legend entry per run toggles both of its curves.
 *
 * ```ts
 * const curves = await lossCurves(el, { trajectories: [run] });
 * await curves.extend('adam', chunk);
 * ```
 */
export async function lossCurves(container: HTMLElement, options: LossCurvesOptions): Promise<LossCurves> {
  const state = { ...options };
  const runs = new RunStore();
  runs.set(options.trajectories ?? []);

  const mounted = await mountFigure(container, options, (theme) => {
    const columns = runs.runs.map((run) => ({ run, columns: runColumns(run) }));
    const withGradients = columns.some(({ columns }) => columns.gradNorms.length > 0);
    const showGradients = state.gradNorms === 'auto' || state.gradNorms === undefined ? withGradients : state.gradNorms;
    const yScale = state.yScale ?? 'auto';
    const data: Data[] = columns.flatMap(({ run, columns }) => {
      const curves: Data[] = [curve(run, theme, columns.steps, columns.losses, 'loss', 'y')];
      if (showGradients) curves.push(curve(run, theme, columns.steps, columns.gradNorms, '‖∇f‖', 'y2'));
      return curves;
    });
    const valueAxis = (title: string, values: Float64Array[]): Partial<LayoutAxis> => ({
      ...axisLayout(theme, title),
      type: axisType(yScale, values),
      exponentformat: 'power',
    });
    const layout = baseLayout(theme, state.title);
    return {
      label: state.title ?? `Loss${showGradients ? ' and gradient norm' : ''} per step for ${runs.runs.length} run${runs.runs.length === 1 ? '' : 's'}`,
      data,
      layout: {
        ...layout,
        hovermode: 'x unified',
        xaxis: {
          ...axisLayout(theme, 'step'),
          anchor: showGradients ? 'y2' : 'y',
          zeroline: false,
          unifiedhovertitle: { text: 'step %{x}' },
        },
        yaxis: {
          ...valueAxis(
            'loss',
            columns.map(({ columns }) => columns.losses),
          ),
          domain: showGradients ? [0.54, 1] : [0, 1],
        },
        ...(showGradients
          ? {
              yaxis2: {
                ...valueAxis(
                  '‖∇f‖',
                  columns.map(({ columns }) => columns.gradNorms),
                ),
                domain: [0, 0.46],
              },
            }
          : {}),
      },
    };
  });

  return runsFigureHandle(mounted, state, runs);
}

function curve(run: Run, theme: Theme, steps: Float64Array, values: Float64Array, what: string, yaxis: 'y' | 'y2'): Data {
  const color = seriesColor(theme, run.colorIndex);
  const panel = yaxis === 'y' ? 'loss' : 'grad';
  return {
    type: 'scatter',
    mode: 'lines',
    uid: `run-${run.key}-${panel}`,
    name: escapeLabel(run.name),
    legendgroup: `run-${run.key}`,
    showlegend: yaxis === 'y',
    xaxis: 'x',
    yaxis,
    x: steps.subarray(0, values.length),
    y: values,
    line: { color, width: 2, ...(yaxis === 'y2' ? { dash: 'dot' as const } : {}) },
    hovertemplate: `${what} %{y:.6~g}`,
  };
}

function axisType(scale: YScale, values: Float64Array[]): 'log' | 'linear' {
  if (scale !== 'auto') return scale;
  let anyPositive = false;
  for (const series of values)
    for (const value of series) {
      if (value < 0) return 'linear';
      if (value > 0) anyPositive = true;
    }
  return anyPositive ? 'log' : 'linear';
}
