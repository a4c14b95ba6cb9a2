import type { JacobianResult, TraceTable, TraceTables, ValueAndGradResult } from '@wengert/worker';
import { css, html, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { formatNumber, inspect, inspectorStyles } from '../inspector/inspect.js';
import { analyzeJavaScript } from '../runtime/analyze-javascript.js';
import { CellError, describeError } from '../runtime/cell-error.js';
import type { CellDefinition } from '../runtime/cell-graph.js';
import { isLossValue, type LossValue } from '../runtime/loss-value.js';
import { cellStyles, themeStyles } from './styles.js';
import { WgCell } from './wg-cell.js';
import './wg-code-editor.js';

/** Which trace table is shown: the notes' primal (forward evaluation), tangent (forward mode) or adjoint (reverse mode). */
export type TraceTableKind = 'primal' | 'tangent' | 'adjoint';

interface Inspection {
  point: number[];
  valueAndGrad?: ValueAndGradResult;
  traces?: TraceTables;
  jacobian?: JacobianResult;
  error?: unknown;
}

let lossIds = 0;

/**
 * A loss written in plain JavaScript (`x => Math.log(x[0]) + x[0] * x[1] - Math.sin(x[1])`),
 * compiled in the engine's worker, and defined as `name` for other cells. Below the editor it shows
 * the value and gradient at `point`, the three trace tables of the notes (primal, tangent, adjoint;
 * switchable), and the Jacobian mode the engine chose with its explanation. Errors point at line and
 * column in the editor. A loss may read names other cells define (data, constants): they reach the
 * worker as plain data, and the loss is recompiled when they change.
 *
 * ```html
 * <wg-loss-cell name="f" point="2, 5"><script type="text/plain">
 *   x => Math.log(x[0]) + x[0] * x[1] - Math.sin(x[1])
 * </script></wg-loss-cell>
 * ```
 *
 * @summary A loss cell: editor, value, gradient, trace tables and Jacobian mode.
 * @fires input - The user edited the loss; `.value` is the source.
 * @fires cell-status - The cell's status changed; `detail` is `{state, value?, error?}`.
 * @csspart editor - The code editor.
 * @csspart output - Value, gradient, tables (dimmed while re-running).
 * @csspart point - The point input.
 * @csspart tables - The trace table area.
 * @csspart error - The error message.
 * @cssprop --wg-code-bg - Background of the editor and the tables.
 * @cssprop --wg-accent - The selected table tab.
 */
export class WgLossCell extends WgCell {
  static override styles = [
    themeStyles,
    cellStyles,
    inspectorStyles,
    css`
      .facts {
        display: grid;
        grid-template-columns: max-content 1fr;
        gap: 4px 12px;
        align-items: baseline;
        margin-top: 10px;
      }
      .facts > .label {
        color: var(--_muted);
        font-size: 0.85em;
      }
      .point input {
        width: 12em;
        font-family: var(--_mono);
      }
      .tabs {
        display: flex;
        gap: 4px;
        margin-top: 12px;
      }
      .tabs button[aria-selected='true'] {
        border-color: var(--_accent);
        color: var(--_accent);
      }
      .trace {
        margin: 6px 0 0;
        padding: 8px 10px;
        background: var(--_code-bg);
        border-radius: var(--_radius);
        font-size: 0.85em;
        overflow-x: auto;
      }
      .trace .title {
        color: var(--_muted);
        margin-bottom: 4px;
      }
      .trace table {
        border-collapse: collapse;
        font-variant-numeric: tabular-nums;
      }
      .trace td {
        padding: 1px 10px 1px 0;
        white-space: nowrap;
      }
      .trace td.lhs {
        font-style: italic;
      }
      .trace td.value {
        color: var(--wg-inspector-number, light-dark(#1a56c7, #79c0ff));
      }
      .trace tr.output td {
        border-top: 1px solid var(--_grid);
      }
      .reason {
        color: var(--_muted);
        font-size: 0.85em;
      }
    `,
  ];

  /** The name the loss is defined as, for descent and plot cells. */
  @property({ reflect: true }) name = 'f';

  /** Where value, gradient and tables are evaluated: numbers separated by commas. */
  @property() point = '1, 1';

  /** The tangent direction ẋ of the tangent table, numbers separated by commas; default e₁ = (1, 0, …). */
  @property() direction = '';

  /** The trace table shown. */
  @property() table: TraceTableKind = 'primal';

  /** Hides the trace tables and the Jacobian explanation, showing only editor, value and gradient. */
  @property({ type: Boolean }) compact = false;

  /** The loss source, for the view contract (same as `.source`). */
  get value(): string {
    return this.source;
  }
  set value(source: string) {
    this.source = source;
  }

  /** The loss as defined in the worker, once compiled. */
  get loss(): LossValue | undefined {
    return this.status.state === 'fulfilled' && isLossValue(this.status.value) ? this.status.value : undefined;
  }

  @state() private inspection?: Inspection;
  private inspectController?: AbortController;
  protected override definitionChanged(changed: PropertyValues): boolean {
    return changed.has('source') || changed.has('name');
  }

  protected override definition(): CellDefinition {
    const source = this.source;
    const name = this.name;
    const id = `${name}-${++lossIds}`;
    const inputs = notebookInputs(source);
    return {
      inputs,
      output: name,
      run: async (scope, { signal, invalidation }) => {
        const client = this.host.client;
        // Names from other cells reach the worker as constants declared before the loss.
        const prelude = inputs.map((input) => `const ${input} = ${JSON.stringify(plainData(input, scope[input]))};\n`).join('');
        try {
          await client.define(prelude + source, { id });
        } catch (error) {
          throw shiftSpan(error, inputs.length);
        }
        signal.throwIfAborted();
        // A redefined loss replaces this one in the worker.
        invalidation.then(() => client.forget(id).catch(() => {}));
        return { kind: 'wengert-loss', name, source, id, client, lineOffset: inputs.length } satisfies LossValue;
      },
    };
  }

  protected override updated(changed: PropertyValues): void {
    super.updated(changed);
    if (changed.has('status') || changed.has('point') || changed.has('direction')) void this.inspect();
  }

  /** Value, gradient, trace tables and Jacobian at the current point; the previous inspection is cancelled. */
  private async inspect(): Promise<void> {
    const loss = this.loss;
    this.inspectController?.abort();
    if (!loss) return;
    const controller = new AbortController();
    this.inspectController = controller;
    const signal = controller.signal;
    let point: number[];
    let direction: number[] | undefined;
    try {
      point = parsePoint(this.point);
      direction = this.direction.trim() ? parsePoint(this.direction) : undefined;
    } catch (error) {
      this.inspection = { point: [], error };
      return;
    }
    try {
      const valueAndGrad = await loss.client.valueAndGrad(loss.id, point);
      if (signal.aborted) return;
      this.inspection = { ...this.inspection, point, valueAndGrad, error: undefined };
      if (this.compact) return;
      const [traces, jacobian] = await Promise.all([
        loss.client.traceTables(loss.id, point, direction ? { direction } : {}),
        loss.client.jacobian(loss.id, point),
      ]);
      if (!signal.aborted) this.inspection = { point, valueAndGrad, traces, jacobian };
    } catch (error) {
      if (!signal.aborted) this.inspection = { point, error: shiftSpan(error, loss.lineOffset) };
    }
  }

  protected override render() {
    // A compile error, else an error while evaluating at the point (a runtime error in the loss).
    const failure = this.status.state === 'rejected' ? this.status.error : this.inspection?.error;
    const error = failure === undefined ? undefined : describeError(failure);
    return html`<div class="frame">
      <div class="header"><span class="kind">loss</span><span class="name">${this.name}</span><span class="spacer"></span>${this.renderState()}</div>
      <div class="body">
        <wg-code-editor part="editor" language="javascript" .value=${this.source} .error=${error?.span ?? null} @input=${this.onEdit} @run=${this.onRunKey}></wg-code-editor>
        ${this.renderError()}
        <div part="output">${this.renderInspection()}</div>
      </div>
    </div>`;
  }

  private renderState() {
    if (this.previewing) return html`<span>preview: not run</span>`;
    if (this.status.state === 'pending') return html`<span>compiling…</span>`;
    if (this.status.state === 'rejected') return html`<span style="color: var(--_error)">error</span>`;
    return html`<span>compiled</span>`;
  }

  private renderInspection() {
    const inspection = this.inspection;
    if (!this.loss && !inspection) return nothing;
    const vg = inspection?.valueAndGrad;
    return html`<div class="facts">
        <span class="label">point x</span>
        <label class="point"><input part="point" aria-label="point" .value=${this.point} @change=${this.onPoint} /></label>
        <span class="label">f(x)</span><span class="inspector" data-testid="value">${vg ? inspect(vg.value) : '…'}</span>
        <span class="label">∇f(x)</span><span class="inspector" data-testid="gradient">${vg ? formatTree(vg.grad) : '…'}</span>
        ${this.compact || !inspection?.jacobian ? nothing : this.renderJacobian(inspection.jacobian)}
      </div>
      ${inspection?.error ? html`<div class="error" part="error">${describeErrorAt(inspection.error)}</div>` : nothing}
      ${this.compact ? nothing : this.renderTables(inspection?.traces)}`;
  }

  private renderJacobian(result: JacobianResult) {
    const explanation = result.explanation as { mode?: string; n?: number; m?: number; reason?: string; cost?: { forward?: number; reverse?: number } };
    return html`<span class="label">Jacobian</span>
      <span data-testid="jacobian-mode"
        ><b>${explanation.mode ?? '?'} mode</b> · n = ${explanation.n}, m = ${explanation.m}${explanation.cost
          ? html` · cost forward ${formatNumber(explanation.cost.forward ?? Number.NaN)}, reverse ${formatNumber(explanation.cost.reverse ?? Number.NaN)}`
          : nothing}
        <div class="reason">${explanation.reason ?? ''}</div></span
      >`;
  }

  private renderTables(traces: TraceTables | undefined) {
    const kinds: TraceTableKind[] = ['primal', 'tangent', 'adjoint'];
    return html`<div class="tabs" role="tablist">
        ${kinds.map(
          (kind) => html`<button role="tab" aria-selected=${this.table === kind} @click=${() => this.selectTable(kind)}>${kind}</button>`,
        )}
      </div>
      <div class="trace" part="tables" data-testid="trace-table">${traces ? renderTraceTable(traces[this.table]) : '…'}</div>`;
  }

  private selectTable(kind: TraceTableKind): void {
    this.table = kind;
  }


  private onPoint(event: Event): void {
    event.stopPropagation();
    this.point = (event.target as HTMLInputElement).value;
  }
}

/**
 * A trace table as the notes print it, one row per line of the Wengert list: `v₁ = ln v₋₁`, the same
 * with numbers in, and the value. An HTML table keeps the columns aligned whatever the subscripts and
 * combining dots do to a monospace layout. Output rows (y, ẏ, x̄ᵢ) are set off by a rule.
 */
function renderTraceTable(table: TraceTable) {
  const rows = table.rows as { name: string; definition: string; expression: string; value: unknown }[];
  let firstOutput = rows.findIndex((row) => /^(y|ẏ|x̄)/.test(row.name));
  if (firstOutput <= 0) firstOutput = -1;
  return html`<div class="title">${table.text.split('\n')[0]}</div>
    <table>
      ${rows.map((row, i) => {
        // A true minus sign, as in the engine's expressions and the notes.
        const value = formatTree(row.value).replace(/-/g, '−');
        const withNumbers = row.expression && row.expression !== row.definition && row.expression !== formatTree(Number(row.expression)) ? `= ${row.expression}` : '';
        return html`<tr class=${i === firstOutput ? 'output' : ''}>
          <td class="lhs">${row.name}</td>
          <td>= ${row.definition}</td>
          <td>${withNumbers}</td>
          <td class="value">= ${value}</td>
        </tr>`;
      })}
    </table>`;
}

/** JavaScript's own globals, which the loss finds in the worker (page globals such as element ids do not count). */
const WORKER_GLOBALS = new Set([
  'Math', 'Number', 'Array', 'Object', 'JSON', 'Infinity', 'NaN', 'undefined', 'isFinite', 'isNaN', 'parseFloat', 'parseInt',
  'Boolean', 'String', 'Symbol', 'BigInt', 'Date', 'RegExp', 'Map', 'Set', 'WeakMap', 'WeakSet', 'Promise', 'Error', 'TypeError',
  'RangeError', 'Float64Array', 'Float32Array', 'Int8Array', 'Int16Array', 'Int32Array', 'Uint8Array', 'Uint8ClampedArray',
  'Uint16Array', 'Uint32Array', 'ArrayBuffer', 'DataView', 'Reflect', 'Proxy', 'console', 'globalThis', 'structuredClone',
]);

/**
 * Names the loss reads from other cells: its free names that are not JavaScript globals. Source that does not parse reads nothing; the worker reports the error.
 */
function notebookInputs(source: string): string[] {
  try {
    return analyzeJavaScript(source).inputs.filter((input) => !WORKER_GLOBALS.has(input));
  } catch {
    return [];
  }
}

/** A value another cell defined, as JSON-able data for the worker: numbers, arrays, typed arrays, plain objects. */
function plainData(name: string, value: unknown): unknown {
  const convert = (v: unknown): unknown => {
    if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string' || v === null) return v;
    if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<number>);
    if (Array.isArray(v)) return v.map(convert);
    if (v && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, convert(x)]));
    throw new CellError('TypeError', `${name} is not plain data (numbers, arrays, objects), so the loss cannot use it in the worker.`);
  };
  return convert(value);
}

/** Moves an error's line back over the `lines` of prelude, so it points into the source the user wrote. */
function shiftSpan(error: unknown, lines: number): unknown {
  const span = (error as { span?: { line: number } } | null)?.span;
  if (lines === 0 || !span) return error;
  return Object.assign(error as object, { span: { ...span, line: span.line - lines } });
}

/** The message, with the line and column in the loss when the worker knows them. */
function describeErrorAt(error: unknown): string {
  const { message, span } = describeError(error);
  return span ? `${message} (line ${span.line}, column ${span.column + 1})` : message;
}

/** "2, 5" or "[2, 5]" to [2, 5]. */
export function parsePoint(text: string): number[] {
  const parts = text.replace(/^\s*\[|\]\s*$/g, '').split(/[\s,;]+/).filter(Boolean);
  const point = parts.map(Number);
  if (point.length === 0 || point.some((v) => !Number.isFinite(v))) throw new CellError('invalid-point', `Not a point: "${text}". Write numbers separated by commas.`);
  return point;
}

function formatTree(value: unknown): string {
  if (typeof value === 'number') return formatNumber(value);
  if (Array.isArray(value)) return `[${value.map(formatTree).join(', ')}]`;
  if (value && typeof value === 'object') return `{${Object.entries(value).map(([k, v]) => `${k}: ${formatTree(v)}`).join(', ')}}`;
  return String(value);
}

// Guarded: a page that loads the package twice (a CDN copy and a bundled one) must not throw.
if (!customElements.get('wg-loss-cell')) customElements.define('wg-loss-cell', WgLossCell);

declare global {
  interface HTMLElementTagNameMap {
    'wg-loss-cell': WgLossCell;
  }
}
