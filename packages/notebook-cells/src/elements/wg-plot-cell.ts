import { type ContourFigure, contourFigure, type Grid, type LossCurves, lossCurves, type SurfaceFigure, surfaceFigure, type Trajectory } from '@wengert/optim-viz';
import { css, html, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { CellError } from '../runtime/cell-error.js';
import type { CellDefinition } from '../runtime/cell-graph.js';
import { type DescentResult, isDescentResult } from '../runtime/descent-run.js';
import type { LossValue } from '../runtime/loss-value.js';
import { cellStyles, themeStyles } from './styles.js';
import { WgCell } from './wg-cell.js';

/** A plotting box: [xMin, xMax, yMin, yMax]. */
export type PlotRange = [number, number, number, number];

/** The figures a plot cell can show. */
export type PlotView = 'contour' | 'curves' | 'surface';

const GRID_RESOLUTION = 80;

/**
 * Figures of descent cells: the contour of their loss with every run's trajectory on top (one
 * legend entry per run; hover shows step, point and loss), the loss and gradient-norm curves per
 * step (log axes), and on request a 3-D surface with the paths. Clicking the contour moves the start
 * point of the plotted descent cells, which then re-run. The figures update as the runs stream,
 * keeping the user's zoom.
 *
 * ```html
 * <wg-plot-cell of="gd adam" views="contour curves surface"></wg-plot-cell>
 * ```
 *
 * @summary A plot cell: contour + trajectories of descent cells.
 * @fires input - The user clicked the contour; `.value` is the point `{x, y}`.
 * @fires cell-status - The cell's status changed; `detail` is `{state, value?, error?}`.
 * @csspart figure - Each figure's container (also `contour`, `curves`, `surface`).
 * @csspart error - The error message.
 * @cssprop --wg-series-1 - Colour of the first run (up to `--wg-series-8`).
 * @cssprop --wg-scale-low - Contour colour at the lowest loss (with `--wg-scale-mid`, `--wg-scale-high`).
 * @cssprop --wg-plot-height - Height of the contour and surface (default 420px).
 */
export class WgPlotCell extends WgCell {
  static override styles = [
    themeStyles,
    cellStyles,
    css`
      .figure.contour,
      .figure.surface {
        min-height: var(--wg-plot-height, 420px);
      }
      .hint {
        font-size: 0.8em;
        color: var(--_muted);
      }
    `,
  ];

  /** Names of the descent cells to plot, separated by spaces or commas. */
  @property({ reflect: true }) of = '';

  /** The figures shown, separated by spaces: `contour`, `curves`, `surface`. */
  @property() views = 'contour curves';

  /** Fixed plotting box "xMin xMax yMin yMax"; by default it fits the start points and trajectories. */
  @property() range = '';

  /** The last point the user clicked on the contour (view contract). */
  @property({ attribute: false }) value: { x: number; y: number } | null = null;

  // Streaming re-runs this cell every frame; dimming would flicker.
  protected override dimWhileRunning = false;
  private figure?: ContourFigure;
  private curves?: LossCurves;
  private surface?: SurfaceFigure;
  private figureLoss?: LossValue;
  private figureRange?: PlotRange;
  /** Why a figure is not drawn (a contour needs a 2-D loss). */
  @state() private notice = '';
  private drawing?: Promise<void>;
  private latest?: DescentResult[];

  /** The contour figure once drawn (for tests and tools). */
  get contour(): ContourFigure | undefined {
    return this.figure;
  }

  protected override willUpdate(changed: PropertyValues): void {
    super.willUpdate(changed);
    // Different views mean different containers: start the figures afresh.
    if (changed.has('views') && changed.get('views') !== undefined) this.disposeFigures();
  }

  protected override definitionChanged(changed: PropertyValues): boolean {
    return changed.has('of') || changed.has('range') || changed.has('views');
  }

  protected override definition(): CellDefinition {
    const names = this.of.split(/[\s,]+/).filter(Boolean);
    return {
      inputs: names,
      run: async (scope) => {
        const results = names.map((name) => {
          const value = scope[name];
          if (!isDescentResult(value)) throw new CellError('TypeError', `${name} is not a descent; name a <wg-descent-cell> in "of".`);
          return value;
        });
        await this.drawLatest(results);
        return results;
      },
    };
  }

  protected override render() {
    return html`<div class="frame">
      <div class="header"><span class="kind">plot</span><span class="name">${this.of}</span><span class="spacer"></span><span class="hint">click the contour to move the start</span></div>
      <div class="body">
        ${this.renderError()}
        ${this.notice ? html`<div class="hint" data-testid="notice">${this.notice}</div>` : ''}
        ${this.shownViews().map((view) => html`<div class="figure ${view}" part="figure ${view} output" ?hidden=${this.notice !== '' && view !== 'curves'}></div>`)}
      </div>
    </div>`;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    queueMicrotask(() => {
      if (!this.isConnected) this.disposeFigures();
    });
  }

  private disposeFigures(): void {
    this.figure?.dispose();
    this.curves?.dispose();
    this.surface?.dispose();
    this.figure = this.curves = this.surface = undefined;
    this.figureLoss = undefined;
  }

  private shownViews(): PlotView[] {
    const views = this.views.split(/[\s,]+/).filter((v): v is PlotView => v === 'contour' || v === 'curves' || v === 'surface');
    return views.length ? views : ['contour'];
  }

  private container(view: PlotView): HTMLElement | null {
    return this.renderRoot.querySelector(`.figure.${view}`);
  }

  /** Draws are serialised and coalesced: snapshots that arrive mid-draw are skipped for the newest. */
  private drawLatest(results: DescentResult[]): Promise<void> {
    this.latest = results;
    this.drawing ??= (async () => {
      try {
        while (this.latest) {
          const next = this.latest;
          this.latest = undefined;
          await this.draw(next);
        }
      } finally {
        this.drawing = undefined;
      }
    })();
    return this.drawing;
  }

  private async draw(results: DescentResult[]): Promise<void> {
    if (results.length === 0) return;
    await this.updateComplete;
    const loss = results[0]!.loss;
    const trajectories = results.flatMap((result) => result.runs.filter((run) => run.count > 0).map((run) => toTrajectory(result, run)));
    const range = this.fixedRange() ?? this.fittedRange(results, results.every((result) => result.done));
    // A diverged run would stretch the axes far beyond the loss's grid: draw it until it leaves the view.
    const planar = trajectories.filter((t) => t.points.length >= 2 * t.losses.length).map((t) => clipToBox(t, range));
    const dimension = results[0]!.settings.start.length;
    // Contour and surface are pictures of a 2-D loss; in other dimensions only the curves are drawn.
    const views = dimension === 2 ? this.shownViews() : this.shownViews().filter((view) => view === 'curves');
    this.notice = dimension === 2 ? '' : `The loss takes ${dimension} inputs: contour and surface need 2, so only the loss curves are drawn.`;
    const needsGrid = views.includes('contour') || views.includes('surface');
    const newGrid = needsGrid && (this.figureLoss !== loss || !sameRange(range, this.figureRange));
    const grid = newGrid ? await gridOf(loss, range) : undefined;
    this.figureLoss = loss;
    this.figureRange = range;

    const contourBox = views.includes('contour') ? this.container('contour') : null;
    if (contourBox) {
      if (!this.figure) {
        this.figure = await contourFigure(contourBox, { grid: grid ?? (await gridOf(loss, range)), trajectories: planar });
        this.figure.onClick((point) => this.onContourClick(point));
      } else await this.figure.update(grid ? { grid, trajectories: planar } : { trajectories: planar });
    }
    const curvesBox = views.includes('curves') ? this.container('curves') : null;
    if (curvesBox) {
      if (!this.curves) this.curves = await lossCurves(curvesBox, { trajectories, height: 260 });
      else await this.curves.update({ trajectories });
    }
    const surfaceBox = views.includes('surface') ? this.container('surface') : null;
    if (surfaceBox) {
      if (!this.surface) this.surface = await surfaceFigure(surfaceBox, { grid: grid ?? (await gridOf(loss, range)), trajectories: planar });
      else await this.surface.update(grid ? { grid, trajectories: planar } : { trajectories: planar });
    }
    this.lastResults = results;
  }

  private lastResults: DescentResult[] = [];

  private fixedRange(): PlotRange | undefined {
    const parts = this.range.split(/[\s,]+/).filter(Boolean).map(Number);
    return parts.length === 4 && parts.every(Number.isFinite) && parts[0]! < parts[1]! && parts[2]! < parts[3]! ? (parts as PlotRange) : undefined;
  }

  /** The box around the starts and, once the runs are done, their trajectories; kept while runs stream. */
  private fittedRange(results: DescentResult[], allDone: boolean): PlotRange {
    const xs: number[] = [];
    const ys: number[] = [];
    for (const result of results) {
      xs.push(result.settings.start[0] ?? 0);
      ys.push(result.settings.start[1] ?? 0);
      if (!allDone) continue;
      for (const run of result.runs) {
        if (run.stopReason === 'diverged' || run.stopReason === 'nonFinite') continue;
        for (let t = 0; t < run.count; t++) {
          const x = run.points[t * run.n]!;
          const y = run.points[t * run.n + 1]!;
          if (Math.abs(x) < 1e3 && Math.abs(y) < 1e3) {
            xs.push(x);
            ys.push(y);
          }
        }
      }
    }
    const fitted = padBox(Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys));
    // While streaming, and when the new box is inside the old one, keep the old box: no grid flicker.
    const old = this.figureRange;
    if (old && (!allDone || (fitted[0] >= old[0] && fitted[1] <= old[1] && fitted[2] >= old[2] && fitted[3] <= old[3]))) return old;
    return fitted;
  }

  private onContourClick(point: { x: number; y: number }): void {
    this.value = point;
    this.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
    for (const result of this.lastResults) {
      const cell = this.host.graph.definerOf(result.name) as { setStartFromUser?: (start: number[]) => void } | undefined;
      const start = [...result.settings.start];
      start[0] = point.x;
      start[1] = point.y;
      cell?.setStartFromUser?.(start);
    }
  }
}

function toTrajectory(result: DescentResult, run: DescentResult['runs'][number]): Trajectory {
  const trajectory: Trajectory = { name: `${result.name} · ${run.label}`, points: run.points, losses: run.losses, gradNorms: run.gradNorms };
  if (run.stopReason !== undefined) trajectory.stopReason = run.stopReason;
  return trajectory;
}

async function gridOf(loss: LossValue, [x0, x1, y0, y1]: PlotRange): Promise<Grid> {
  const grid = await loss.client.evaluateGrid(loss.id, [x0, x1], [y0, y1], GRID_RESOLUTION);
  return { x: grid.x, y: grid.y, z: grid.z };
}

/** The trajectory up to and including its first point outside `range` widened by half on each side. */
function clipToBox(trajectory: Trajectory, [x0, x1, y0, y1]: PlotRange): Trajectory {
  const n = trajectory.points.length / trajectory.losses.length;
  const [mx, my] = [(x1 - x0) / 2, (y1 - y0) / 2];
  for (let t = 0; t < trajectory.losses.length; t++) {
    const x = trajectory.points[t * n]!;
    const y = trajectory.points[t * n + 1]!;
    if (x >= x0 - mx && x <= x1 + mx && y >= y0 - my && y <= y1 + my) continue;
    const kept = t + 1;
    return {
      ...trajectory,
      points: trajectory.points.subarray(0, kept * n),
      losses: trajectory.losses.subarray(0, kept),
      ...(trajectory.gradNorms ? { gradNorms: trajectory.gradNorms.subarray(0, kept) } : {}),
    };
  }
  return trajectory;
}

function padBox(x0: number, x1: number, y0: number, y1: number): PlotRange {
  const cx = (x0 + x1) / 2;
  const cy = (y0 + y1) / 2;
  const hx = Math.max((x1 - x0) * 0.6, 1);
  const hy = Math.max((y1 - y0) * 0.6, 1);
  return [cx - hx, cx + hx, cy - hy, cy + hy];
}

function sameRange(a: PlotRange | undefined, b: PlotRange | undefined): boolean {
  return !!a && !!b && a.every((v, i) => v === b[i]);
}

// Guarded: a page that loads the package twice (a CDN copy and a bundled one) must not throw.
if (!customElements.get('wg-plot-cell')) customElements.define('wg-plot-cell', WgPlotCell);

declare global {
  interface HTMLElementTagNameMap {
    'wg-plot-cell': WgPlotCell;
  }
}
