import { css, html, nothing, type PropertyValues } from 'lit';
import { property } from 'lit/decorators.js';
import { formatNumber } from '../inspector/inspect.js';
import { CellError, describeError } from '../runtime/cell-error.js';
import type { CellDefinition } from '../runtime/cell-graph.js';
import { type DescentResult, isDescentResult, runDescent } from '../runtime/descent-run.js';
import {
  type DescentSettings,
  DEFAULT_SETTINGS,
  NORMS,
  type NormName,
  OPTIMIZERS,
  type OptimizerName,
  parseDescentSettings,
  type RunSettings,
  serializeDescentSettings,
} from '../runtime/descent-settings.js';
import { isLossValue } from '../runtime/loss-value.js';
import { cellStyles, seriesColor, themeStyles } from './styles.js';
import { WgCell } from './wg-cell.js';

/** Learning-rate slider range, in log₁₀. */
const LOG_LR_MIN = -5;
const LOG_LR_MAX = 1;
/** Settings changes re-run after this pause, so dragging a slider does not start a run per pixel. */
const SETTINGS_DEBOUNCE_MS = 250;

/**
 * Gradient descent on the loss named by `loss`, defined as `name` for plot cells. Choose the
 * optimizer and (for steepest descent) the norm, the learning rate on a log slider, the number of
 * steps and the start point; compare several optimizers side by side from the same start. The cell
 * re-runs when the loss or a setting changes (settings debounced; the previous run is cancelled).
 * Stop keeps the trajectory computed so far. The value `name` is a `DescentResult` that streams:
 * one snapshot per frame while the runs advance.
 *
 * The settings are the cell's source, as JSON (`{"start": [-1.5, 1.5], "steps": 200, "runs":
 * [{"optimizer": "adam", "lr": 0.05}]}`), and its `.value` as an object (view contract).
 *
 * ```html
 * <wg-descent-cell name="gd" loss="f"></wg-descent-cell>
 * ```
 *
 * @summary A descent cell: optimizer, norm, learning rate, steps, start, run/stop and progress.
 * @fires input - The user changed a setting; `.value` is the new `DescentSettings`.
 * @fires cell-status - The cell's status changed; `detail` is `{state, value?, error?}`.
 * @csspart controls - The settings area.
 * @csspart run - One optimizer's row.
 * @csspart progress - The progress bar.
 * @csspart output - The per-run results (dimmed while re-running).
 * @csspart error - The error message.
 * @cssprop --wg-accent - Run button and progress bar.
 */
export class WgDescentCell extends WgCell {
  static override styles = [
    themeStyles,
    cellStyles,
    css`
      .controls {
        display: flex;
        flex-direction: column;
        gap: 6px;
      }
      .row {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 8px;
      }
      .row label {
        display: inline-flex;
        align-items: center;
        gap: 4px;
        font-size: 0.85em;
        color: var(--_muted);
      }
      .swatch {
        width: 10px;
        height: 10px;
        border-radius: 50%;
        flex: none;
      }
      input[type='range'] {
        width: 10em;
        accent-color: var(--_accent);
      }
      input.start {
        width: 9em;
        font-family: var(--_mono);
      }
      input.steps {
        width: 5em;
      }
      .lr {
        font-family: var(--_mono);
        min-width: 5.5em;
        color: var(--_fg);
      }
      progress {
        flex: 1;
        min-width: 8em;
        height: 8px;
        accent-color: var(--_accent);
      }
      .results {
        margin-top: 8px;
        font-size: 0.85em;
        display: grid;
        grid-template-columns: max-content max-content max-content 1fr;
        gap: 2px 14px;
      }
      .results .muted {
        color: var(--_muted);
      }
      .remove {
        padding: 0 6px;
      }
    `,
  ];

  /** The name the descent result is defined as. */
  @property({ reflect: true }) name = 'descent';

  /** The name of the loss to minimise (a `<wg-loss-cell name>`). */
  @property({ reflect: true }) loss = 'f';

  /** The settings as an object (view contract): setting it does not fire `input`. */
  get value(): DescentSettings {
    return this.shownSettings;
  }
  set value(settings: DescentSettings) {
    this.source = serializeDescentSettings(settings);
  }

  /** The latest result (snapshot) of the runs; while a new run starts, the previous one. */
  get result(): DescentResult | undefined {
    return this.lastResult;
  }

  private lastResult?: DescentResult;

  protected override willUpdate(changed: PropertyValues): void {
    super.willUpdate(changed);
    if (!changed.has('status')) return;
    if (this.status.state === 'fulfilled' && isDescentResult(this.status.value)) this.lastResult = this.status.value;
    else if (this.status.state === 'rejected') this.lastResult = undefined;
  }

  private stopController?: AbortController;
  private settingsTimer: ReturnType<typeof setTimeout> | undefined;
  private pendingSource?: string;

  override connectedCallback(): void {
    super.connectedCallback();
    if (!this.source.trim()) this.source = serializeDescentSettings(DEFAULT_SETTINGS);
  }

  protected override definitionChanged(changed: PropertyValues): boolean {
    return changed.has('source') || changed.has('name') || changed.has('loss');
  }

  protected override definition(): CellDefinition {
    const settings = parseDescentSettings(this.source);
    const { name, loss: lossName } = this;
    return {
      inputs: [lossName],
      output: name,
      run: (scope, { signal }) => {
        const loss = scope[lossName];
        if (!isLossValue(loss)) throw new CellError('TypeError', `${lossName} is not a loss; name a <wg-loss-cell> in "loss".`);
        const stop = new AbortController();
        this.stopController = stop;
        return runDescent(name, loss, settings, AbortSignal.any([signal, stop.signal]));
      },
    };
  }

  /** Re-runs with the current settings. */
  override run(): void {
    this.stopController?.abort();
    this.redefine();
  }

  /** Stops the running descent; the trajectories so far are kept. */
  stop(): void {
    this.stopController?.abort();
  }

  /** Sets the start point as the user would (fires `input`), e.g. from a click on a contour plot. */
  setStartFromUser(start: number[]): void {
    this.updateSettings((settings) => ({ ...settings, start }));
  }

  /** Applies a user change to the settings: the source updates at once, the run after a short pause. */
  private updateSettings(change: (settings: DescentSettings) => DescentSettings): void {
    const next = change(this.value);
    this.pendingSource = serializeDescentSettings(next);
    this.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
    this.requestUpdate();
    clearTimeout(this.settingsTimer);
    this.settingsTimer = setTimeout(() => {
      if (this.pendingSource !== undefined) this.source = this.pendingSource;
      this.pendingSource = undefined;
    }, SETTINGS_DEBOUNCE_MS);
  }

  private get shownSettings(): DescentSettings {
    try {
      return parseDescentSettings(this.pendingSource ?? this.source);
    } catch {
      return structuredClone(DEFAULT_SETTINGS);
    }
  }

  protected override render() {
    const settings = this.shownSettings;
    const result = this.result;
    const runningNow = !this.previewing && (this.status.state === 'pending' || (result !== undefined && !result.done));
    const total = settings.steps * settings.runs.length;
    // A run that ended early (converged, diverged, stopped) counts as complete.
    const done = result ? result.runs.reduce((sum, run) => sum + (run.stopReason ? settings.steps : Math.max(0, run.count - 1)), 0) : 0;
    return html`<div class="frame">
      <div class="header">
        <span class="kind">descent</span><span class="name">${this.name}</span><span>of <code>${this.loss}</code></span><span class="spacer"></span>
        <span data-testid="state">${this.previewing ? 'preview: not run' : runningNow ? 'running…' : result ? 'done' : this.status.state === 'rejected' ? 'error' : ''}</span>
      </div>
      <div class="body">
        <div class="controls" part="controls">
          ${settings.runs.map((run, i) => this.renderRun(run, i, settings.runs.length))}
          <div class="row">
            <button @click=${this.addRun} title="Compare another optimizer">+ optimizer</button>
            <label>steps <input class="steps" type="number" min="1" step="1" .value=${String(settings.steps)} @change=${this.onSteps} aria-label="steps" /></label>
            <label>start <input class="start" .value=${settings.start.join(', ')} @change=${this.onStart} aria-label="start point" /></label>
          </div>
          <div class="row">
            <button class="primary" @click=${this.run} ?disabled=${runningNow || this.previewing}>Run</button>
            <button @click=${this.stop} ?disabled=${!runningNow}>Stop</button>
            <progress part="progress" max=${total} .value=${done}></progress>
            <span class="mono">${done}/${total}</span>
          </div>
        </div>
        ${this.renderError()}
        <div part="output">${result ? this.renderResults(result) : nothing}</div>
      </div>
    </div>`;
  }

  private renderRun(run: RunSettings, index: number, count: number) {
    const logLr = Math.log10(run.lr);
    return html`<div class="row" part="run">
      <span class="swatch" style="background: ${seriesColor(index)}"></span>
      <select aria-label="optimizer" .value=${run.optimizer} @change=${(e: Event) => this.onOptimizer(index, e)}>
        ${OPTIMIZERS.map((name) => html`<option value=${name} ?selected=${name === run.optimizer}>${name}</option>`)}
      </select>
      ${run.optimizer === 'steepestDescent'
        ? html`<label
            >norm
            <select aria-label="norm" .value=${run.norm ?? 'l2'} @change=${(e: Event) => this.onNorm(index, e)}>
              ${NORMS.map((norm) => html`<option value=${norm} ?selected=${norm === (run.norm ?? 'l2')}>${norm}</option>`)}
            </select></label
          >`
        : nothing}
      ${run.optimizer === 'lbfgs'
        ? html`<label>line search, no learning rate</label>`
        : html`<label
            >η
            <input
              type="range"
              aria-label="learning rate"
              min=${LOG_LR_MIN}
              max=${LOG_LR_MAX}
              step="0.01"
              .value=${String(logLr)}
              @input=${(e: Event) => this.onLearningRate(index, e)}
            /><span class="lr">${formatNumber(Number(run.lr.toPrecision(3)))}</span></label
          >`}
      ${count > 1 ? html`<button class="remove" title="Remove" aria-label="remove optimizer" @click=${() => this.removeRun(index)}>×</button>` : nothing}
    </div>`;
  }

  private renderResults(result: DescentResult) {
    return html`<div class="results">
      ${result.runs.map((run) => {
        const last = run.count > 0 ? run.losses[run.count - 1]! : Number.NaN;
        return html`<span>${run.label}</span><span class="muted">${Math.max(0, run.count - 1)} steps</span><span>f = ${formatNumber(last)}</span
          ><span class="muted" data-testid="stop-reason">${run.stopReason ? this.describeStop(run.stopReason, run.error) : ''}</span>`;
      })}
    </div>`;
  }

  private describeStop(reason: string, error: unknown): string {
    const text: Record<string, string> = {
      converged: 'converged (gradient ≈ 0)',
      maxSteps: 'stopped: step limit',
      diverged: 'diverged',
      nonFinite: 'stopped: non-finite loss',
      aborted: 'stopped by user',
    };
    return reason === 'error' ? `error: ${describeError(error).message}` : (text[reason] ?? reason);
  }

  private onOptimizer(index: number, event: Event): void {
    event.stopPropagation();
    const optimizer = (event.target as HTMLSelectElement).value as OptimizerName;
    this.updateSettings((s) => ({ ...s, runs: s.runs.map((run, i) => (i === index ? { ...run, optimizer } : run)) }));
  }

  private onNorm(index: number, event: Event): void {
    event.stopPropagation();
    const norm = (event.target as HTMLSelectElement).value as NormName;
    this.updateSettings((s) => ({ ...s, runs: s.runs.map((run, i) => (i === index ? { ...run, norm } : run)) }));
  }

  private onLearningRate(index: number, event: Event): void {
    event.stopPropagation();
    const lr = Number((10 ** Number((event.target as HTMLInputElement).value)).toPrecision(3));
    this.updateSettings((s) => ({ ...s, runs: s.runs.map((run, i) => (i === index ? { ...run, lr } : run)) }));
  }

  private onSteps(event: Event): void {
    event.stopPropagation();
    const steps = Math.max(1, Math.round(Number((event.target as HTMLInputElement).value)) || 1);
    this.updateSettings((s) => ({ ...s, steps }));
  }

  private onStart(event: Event): void {
    event.stopPropagation();
    const start = (event.target as HTMLInputElement).value
      .replace(/[[\]]/g, '')
      .split(/[\s,;]+/)
      .filter(Boolean)
      .map(Number);
    if (start.length === 0 || !start.every(Number.isFinite)) return;
    this.updateSettings((s) => ({ ...s, start }));
  }

  private addRun(): void {
    const choices: RunSettings[] = [
      { optimizer: 'adam', lr: 0.05 },
      { optimizer: 'momentum', lr: 0.01 },
      { optimizer: 'steepestDescent', norm: 'linf', lr: 0.01 },
      { optimizer: 'lbfgs', lr: 1 },
    ];
    this.updateSettings((s) => ({ ...s, runs: [...s.runs, choices[(s.runs.length - 1) % choices.length]!] }));
  }

  private removeRun(index: number): void {
    this.updateSettings((s) => ({ ...s, runs: s.runs.filter((_, i) => i !== index) }));
  }
}

// Guarded: a page that loads the package twice (a CDN copy and a bundled one) must not throw.
if (!customElements.get('wg-descent-cell')) customElements.define('wg-descent-cell', WgDescentCell);

declare global {
  interface HTMLElementTagNameMap {
    'wg-descent-cell': WgDescentCell;
  }
}
