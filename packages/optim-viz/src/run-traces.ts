import type { Data } from 'plotly.js-dist';
import { escapeLabel, type Run, runColumns } from './runs.js';
import { seriesColor, type Theme } from './theme.js';

/** Above this many points a path is drawn as a line only; per-point markers would hide the contours. */
const MAX_MARKED_POINTS = 150;

/**
 * The three traces of one run on a 2-D plot: the path (the run's single legend entry) and its start
 * and end markers, grouped with it so a legend click hides all three.
 */
export function runTraces2d(run: Run, theme: Theme): Data[] {
  if (run.count === 0) return [];
  const color = seriesColor(theme, run.colorIndex);
  const { x, y, hover } = runColumns(run);
  const name = escapeLabel(run.name);
  const last = run.count - 1;
  const customdata = withEndTags(run, hover);
  const hovertemplate = HOVER_TEMPLATE(name);
  // Plotly puts uids into CSS selectors, so they are built from the run's key, never its name.
  const group = `run-${run.key}`;
  return [
    {
      type: 'scatter',
      uid: `${group}-path`,
      name,
      legendgroup: group,
      mode: run.count <= MAX_MARKED_POINTS ? 'lines+markers' : 'lines',
      x,
      y,
      customdata,
      line: { color, width: 2 },
      marker: { color, size: 5 },
      hovertemplate,
    },
    {
      type: 'scatter',
      uid: `${group}-start`,
      name: `${name} start`,
      legendgroup: group,
      showlegend: false,
      mode: 'markers',
      x: [x[0]!],
      y: [y[0]!],
      customdata: [customdata[0]!],
      marker: { symbol: 'circle', size: 12, color: theme.bg, line: { color, width: 3 } },
      hovertemplate,
    },
    {
      type: 'scatter',
      uid: `${group}-end`,
      name: `${name} end`,
      legendgroup: group,
      showlegend: false,
      mode: 'markers',
      x: [x[last]!],
      y: [y[last]!],
      customdata: [customdata[last]!],
      marker: { symbol: 'x', size: 13, color, line: { color: theme.bg, width: 1.5 } },
      hovertemplate,
    },
  ];
}

/** Hover label of every point of a run; `customdata` is `[step, loss, point, tag]`. */
export const HOVER_TEMPLATE = (name: string) =>
  `<b>${name}</b>%{customdata[3]}<br>step %{customdata[0]}<br>point %{customdata[2]}<br>loss %{customdata[1]:.6~g}<extra></extra>`;

/**
 * Adds the tag " · start" / " · end" (with the stop reason) to the first and last point. The path
 * carries the tags too, since hover may pick its point rather than the marker drawn on top of it.
 */
export function withEndTags(run: Run, hover: readonly [number, number, string][]): [number, number, string, string][] {
  const last = hover.length - 1;
  const end = ` · end${run.stopReason ? `<br>stopped: ${escapeLabel(run.stopReason)}` : ''}`;
  return hover.map(([step, loss, point], t) => [step, loss, point, t === last ? end : t === 0 ? ' · start' : '']);
}
