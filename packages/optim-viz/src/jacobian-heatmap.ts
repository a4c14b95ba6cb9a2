import { type Figure, type FigureOptions, figureHandle, mountFigure } from './figure.js';
import { axisLayout, baseLayout } from './layout.js';
import { escapeLabel } from './runs.js';
import type { Jacobian } from './types.js';

export interface JacobianOptions extends FigureOptions {
  jacobian: Jacobian;
  /** Print each entry in its cell. Default `auto`: when there are at most 144 cells. */
  showValues?: boolean | 'auto';
}

export type JacobianUpdate = Partial<Pick<JacobianOptions, 'jacobian' | 'showValues' | 'title'>>;

export interface JacobianHeatmap extends Figure {
  /** Replaces the given fields and redraws; the zoom is kept while the shape stays the same. */
  update(patch: JacobianUpdate): Promise<void>;
}

const MAX_LABELLED_CELLS = 144;
const SUBSCRIPTS = '₀₁₂₃₄₅₆₇₈₉';
const subscript = (n: number) => [...String(n)].map((digit) => SUBSCRIPTS[Number(digit)]).join('');

/**
 * J[i][j] = ∂fᵢ/∂xⱼ as a heatmap: outputs down, inputs across, a diverging scale centred on zero.
 * Hover shows the partial derivative's name and value.
 */
export async function jacobianHeatmap(container: HTMLElement, options: JacobianOptions): Promise<JacobianHeatmap> {
  const state = { ...options };
  const mounted = await mountFigure(container, options, (theme) => {
    const { rows, cols, data } = state.jacobian;
    if (data.length !== rows * cols)
      throw new RangeError(`jacobian: ${data.length} entries, expected rows·cols = ${rows}·${cols}`);
    const rowLabels = (state.jacobian.rowLabels ?? Array.from({ length: rows }, (_, i) => `f${subscript(i + 1)}`)).map(
      escapeLabel,
    );
    const colLabels = (state.jacobian.colLabels ?? Array.from({ length: cols }, (_, j) => `x${subscript(j + 1)}`)).map(
      escapeLabel,
    );
    const z = Array.from({ length: rows }, (_, i) => Array.from(data.subarray(i * cols, (i + 1) * cols)));
    const largest = data.reduce((max, value) => (Number.isFinite(value) ? Math.max(max, Math.abs(value)) : max), 0) || 1;
    const showValues = state.showValues === 'auto' || state.showValues === undefined ? rows * cols <= MAX_LABELLED_CELLS : state.showValues;
    const layout = baseLayout(theme, state.title);
    return {
      label: state.title ?? `Jacobian, ${rows} outputs by ${cols} inputs`,
      data: [
        {
          type: 'heatmap',
          uid: 'jacobian',
          x: colLabels,
          y: rowLabels,
          z,
          zmin: -largest,
          zmax: largest,
          zmid: 0,
          colorscale: [
            [0, theme.diverging[0]],
            [0.5, theme.diverging[1]],
            [1, theme.diverging[2]],
          ],
          xgap: 1,
          ygap: 1,
          colorbar: {
            title: { text: '∂fᵢ/∂xⱼ', side: 'right', font: { color: theme.fg, family: theme.fontFamily } },
            tickfont: { color: theme.fg, family: theme.fontFamily },
            outlinewidth: 0,
            thickness: 12,
          },
          ...(showValues ? { texttemplate: '%{z:.3~g}', textfont: { family: theme.fontFamily } } : {}),
          hovertemplate: '∂%{y} / ∂%{x} = %{z:.6~g}<extra></extra>',
        },
      ],
      layout: {
        ...layout,
        // A new shape is a new picture: let the view reset then, and only then.
        uirevision: `${rows}x${cols}`,
        plot_bgcolor: theme.grid,
        // `constrain: 'domain'` shrinks the plot area to the square cells instead of padding the range.
        // No axis titles: with a shrunk domain plotly draws the y title over long row labels, and
        // f₁…/x₁… plus the colour bar's ∂fᵢ/∂xⱼ already say which way is which.
        xaxis: {
          ...axisLayout(theme),
          side: 'top',
          constrain: 'domain',
          showgrid: false,
          zeroline: false,
          showline: false,
          ticks: '',
        },
        yaxis: {
          ...axisLayout(theme),
          autorange: 'reversed',
          scaleanchor: 'x',
          constrain: 'domain',
          showgrid: false,
          zeroline: false,
          showline: false,
          ticks: '',
        },
      },
    };
  });

  return figureHandle(mounted, state);
}
