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
  const reason = run.stopReason ? `<br>stopped: ${escapeLabel(run.stopReason)}` : '';
  const hovertemplate = (what: string) =>
    `<b>${name}</b>${what}<br>step %{customdata[0]}<br>point %{customdata[2]}<br>loss %{customdata[1]:.6~g}<extra></extra>`;
  // Plotly puts uids into CSS selectors, so they are built from the run's index, never its name.
  const group = `run-${run.colorIndex}`;
  return [
    {
      type: 'scatter',
      uid: `${group}-path`,
      name,
      legendgroup: group,
      mode: run.count <= MAX_MARKED_POINTS ? 'lines+markers' : 'lines',
      x,
      y,
      customdata: hover,
      line: { color, width: 2 },
      marker: { color, size: 5 },
      hovertemplate: hovertemplate(''),
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
      customdata: [hover[0]!],
      marker: { symbol: 'circle', size: 12, color: theme.bg, line: { color, width: 3 } },
      hovertemplate: hovertemplate(' · start'),
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
      customdata: [hover[last]!],
      marker: { symbol: 'x', size: 13, color, line: { color: theme.bg, width: 1.5 } },
      hovertemplate: hovertemplate(` · end${reason}`),
    },
  ];
}
