import type { Layout, LayoutAxis } from 'plotly.js-dist';
import { escapeLabel } from './runs.js';
import type { Theme } from './theme.js';

/**
 * A constant `uirevision` makes every `Plotly.react` keep what the user did: zoom, pan, 3-D camera,
 * legend toggles. Redraws while a run streams therefore never reset the view.
 */
export const UI_REVISION = 'wengert';

export function baseLayout(theme: Theme, title: string | undefined): Partial<Layout> {
  const font = { family: theme.fontFamily, color: theme.fg, size: 12 };
  return {
    uirevision: UI_REVISION,
    autosize: true,
    paper_bgcolor: theme.bg,
    plot_bgcolor: theme.bg,
    font,
    colorway: theme.series,
    ...(title ? { title: { text: escapeLabel(title), x: 0.01, xanchor: 'left', font: { ...font, size: 14 } } } : {}),
    margin: { l: 64, r: 24, t: title ? 64 : 40, b: 52 },
    hoverlabel: { bgcolor: theme.bg, bordercolor: theme.muted, font: { ...font }, align: 'left' },
    legend: {
      bgcolor: 'rgba(0,0,0,0)',
      font: { ...font },
      orientation: 'h',
      x: 0,
      xanchor: 'left',
      y: 1.01,
      yanchor: 'bottom',
    },
    modebar: { bgcolor: 'rgba(0,0,0,0)', color: theme.muted, activecolor: theme.fg },
  };
}

export function axisLayout(theme: Theme, title?: string): Partial<LayoutAxis> {
  return {
    ...(title ? { title: { text: escapeLabel(title), font: { family: theme.fontFamily, color: theme.fg, size: 12 } } } : {}),
    color: theme.fg,
    gridcolor: theme.grid,
    zerolinecolor: theme.grid,
    linecolor: theme.grid,
    tickcolor: theme.grid,
    showline: true,
    automargin: true,
  };
}
