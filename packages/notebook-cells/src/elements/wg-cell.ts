import { consume } from '@lit/context';
import { html, LitElement, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { describeError } from '../runtime/cell-error.js';
import type { CellDefinition, CellStatus } from '../runtime/cell-graph.js';
import { getPageHost, type NotebookHost, notebookContext } from '../runtime/notebook-host.js';

/**
 * What every cell kind shares: where its source comes from, which graph it joins (the enclosing
 * `<wg-notebook>`'s, else the page-wide one), its status, and how it shows errors.
 */
export abstract class WgCell extends LitElement {
  /**
   * The cell's source. Initially read from a child `<script>` of a type the browser does not run
   * (e.g. `type="text/plain"` or the cell's Notebook Kit type), else from the element's text.
   */
  @property() source = '';

  /** The notebook this cell belongs to, if any (from `<wg-notebook>` through `@lit/context`). */
  @consume({ context: notebookContext, subscribe: true })
  @state()
  protected notebook?: NotebookHost;

  /** Status of the cell's last evaluation: pending, fulfilled with a value, or rejected with an error. */
  @state() protected status: CellStatus = { state: 'pending' };

  /** Set while the cell re-runs after it already showed a value; the old output stays, dimmed. */
  @property({ type: Boolean, reflect: true }) running = false;

  /** Whether the last output dims while the cell re-runs. */
  protected dimWhileRunning = true;

  private joined: NotebookHost | undefined;
  private hasShownResult = false;
  private sourceRead = false;

  /** The host this cell lives in. */
  protected get host(): NotebookHost {
    return this.joined ?? this.notebook ?? getPageHost();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (!this.sourceRead) {
      this.sourceRead = true;
      if (!this.source) this.source = readInitialSource(this);
    }
    this.requestUpdate();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    // A cell moved within the page (reordered) is back before the microtask: it keeps running as is.
    queueMicrotask(() => {
      if (!this.isConnected) this.leave();
    });
  }

  protected override updated(changed: PropertyValues): void {
    super.updated(changed);
    let target = this.notebook ?? (this.closest('wg-notebook') ? undefined : getPageHost());
    if (target?.paused) target = undefined;
    if (!this.isConnected) return;
    if (target !== this.joined) {
      this.leave();
      if (target) {
        this.joined = target;
        this.redefine();
      }
    } else if (this.joined && this.definitionChanged(changed)) {
      this.redefine();
    }
  }

  private editTimer: ReturnType<typeof setTimeout> | undefined;

  /** Shift+Enter in the editor: run the edit now instead of after the pause. */
  protected onRunKey(event: CustomEvent<{ value: string }>): void {
    event.stopPropagation();
    clearTimeout(this.editTimer);
    if (event.detail.value !== this.source) {
      this.source = event.detail.value;
      this.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
    } else this.redefine();
  }

  /** An edit in the cell's code editor: applied (and announced as user input) after a short pause. */
  protected onEdit(event: Event): void {
    event.stopPropagation();
    const source = (event.target as HTMLElement & { value: string }).value;
    clearTimeout(this.editTimer);
    this.editTimer = setTimeout(() => {
      this.source = source;
      this.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
    }, 300);
  }

  /** Whether the cell's notebook is in safe preview: the source is shown, nothing runs. */
  protected get previewing(): boolean {
    return !!this.notebook?.paused;
  }

  /** Whether a property change means the cell must be redefined in the graph. */
  protected definitionChanged(changed: PropertyValues): boolean {
    return changed.has('source');
  }

  /** The cell's definition for the graph, or null when it defines nothing and reads nothing. */
  protected abstract definition(): CellDefinition | null;

  /** Puts the cell's current definition into the graph (after an edit, or a settings change). */
  /** Runs the cell again from its current source, and through the graph its dependents. */
  run(): void {
    this.redefine();
  }

  protected redefine(): void {
    const host = this.joined;
    if (!host) return;
    let definition: CellDefinition | null;
    try {
      definition = this.definition();
    } catch (error) {
      definition = { inputs: [], run: () => Promise.reject(error) };
    }
    if (!definition) {
      host.graph.delete(this);
      this.status = { state: 'pending' };
      return;
    }
    host.graph.define(this, definition, (status) => this.onStatus(status));
  }

  private leave(): void {
    if (!this.joined) return;
    this.joined.graph.delete(this);
    this.joined = undefined;
    this.status = { state: 'pending' };
    this.running = false;
    this.hasShownResult = false;
  }

  private onStatus(status: CellStatus): void {
    this.status = status;
    if (status.state !== 'pending') this.hasShownResult = true;
    this.running = this.dimWhileRunning && status.state === 'pending' && this.hasShownResult;
    this.dispatchEvent(new CustomEvent('cell-status', { detail: status, bubbles: true, composed: true }));
  }

  /** The error box shown under a failed cell, naming the code, the message and the line and column. */
  protected renderError(): TemplateResult | typeof nothing {
    if (this.status.state !== 'rejected') return nothing;
    const { code, message, span } = describeError(this.status.error);
    const where = span ? ` (line ${span.line}, column ${span.column + 1})` : '';
    return html`<div class="error" part="error" role="alert">${errorLabel(code, message)}${message}${where}</div>`;
  }
}

/** "SyntaxError: ", "Syntax error: " for the worker's kebab-case codes, nothing when the message already says. */
function errorLabel(code: string, message: string): string {
  if (code === 'Error' || message.startsWith(code)) return '';
  const label = code.includes('-') ? code.replace(/-/g, ' ').replace(/^./, (c) => c.toUpperCase()) : code;
  return `${label}: `;
}

function readInitialSource(element: HTMLElement): string {
  const script = element.querySelector(':scope > script');
  const text = script ? (script.textContent ?? '') : (element.textContent ?? '');
  return dedentText(text);
}

/** Strips the common indentation and the blank first and last lines of source written inline in HTML. */
export function dedentText(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  while (lines.length && lines[0]!.trim() === '') lines.shift();
  while (lines.length && lines.at(-1)!.trim() === '') lines.pop();
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => /^[ \t]*/.exec(l)![0].length));
  return lines.map((l) => l.slice(Number.isFinite(indent) ? indent : 0)).join('\n');
}
