import { css, html, nothing, type PropertyValues } from 'lit';
import { property } from 'lit/decorators.js';
import { inspect, inspectorStyles } from '../inspector/inspect.js';
import { analyzeJavaScript } from '../runtime/analyze-javascript.js';
import { describeError } from '../runtime/cell-error.js';
import type { CellDefinition } from '../runtime/cell-graph.js';
import { importModule } from '../runtime/import-module.js';
import { inputValues } from '../runtime/view.js';
import { cellStyles, themeStyles } from './styles.js';
import { WgCell } from './wg-cell.js';
import './wg-code-editor.js';

const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (...args: string[]) => (...args: unknown[]) => Promise<unknown>;

interface JsCellValue {
  display: unknown;
  exports: Record<string, unknown>;
}

/**
 * JavaScript in the style of Observable's vanilla-JS cells: top-level declarations (`const`, `let`,
 * `function`, `class`, `import`) define names other cells can read, a cell re-runs when a name it
 * reads changes, and a final expression is displayed with an inspector (numbers, arrays, typed arrays,
 * Tensors, DOM nodes, errors). `display(value)` shows more values; `const x = view(element)` shows
 * an input and makes `x` its live value (any element with `.value` and `input` events, ours
 * included), so cells that read `x` re-run as the user changes it; `invalidation` is a promise that
 * resolves when the cell is about to re-run; `client` is the notebook's engine client.
 * `import {grad} from "@wengert/engine"` (also `@wengert/worker`, `@wengert/optim-viz`) works in cells.
 *
 * ```html
 * <wg-js-cell><script type="text/plain">
 *   import {grad} from "@wengert/engine";
 *   const slope = grad((x) => x * x)(3);
 *   slope
 * </script></wg-js-cell>
 * ```
 *
 * @summary A JavaScript cell.
 * @fires input - The user edited the source (when `pinned`); read `.value`.
 * @fires cell-status - The cell's status changed; `detail` is `{state, value?, error?}`.
 * @csspart output - The displayed values.
 * @csspart error - The error message.
 * @csspart editor - The source editor (when `pinned`).
 * @cssprop --wg-inspector-number - Colour of numbers in the output.
 * @cssprop --wg-inspector-string - Colour of strings in the output.
 * @cssprop --wg-error - Colour of errors.
 */
export class WgJsCell extends WgCell {
  static override styles = [
    themeStyles,
    cellStyles,
    inspectorStyles,
    css`
      .output:empty {
        display: none;
      }
      wg-code-editor {
        margin-bottom: 8px;
      }
    `,
  ];

  /** Shows the source in an editor (Notebook Kit's `pinned`); edits re-run the cell (and its dependents) after a short pause. */
  @property({ type: Boolean, reflect: true }) pinned = false;

  /** The source, for the view contract (same as `.source`). */
  get value(): string {
    return this.source;
  }
  set value(source: string) {
    this.source = source;
  }

  /** What is on screen: the values passed to `display` and the last expression of the run that last showed something. */
  private displayed: unknown[] = [];
  private lastValue: unknown;
  private displayedVersion = 0;

  protected override definition(): CellDefinition {
    const analyzed = analyzeJavaScript(this.source);
    const fn = new AsyncFunction(...analyzed.inputs, 'display', 'view', '__import__', analyzed.body);
    return {
      inputs: analyzed.inputs,
      outputs: analyzed.outputs,
      run: async (scope) => {
        // The previous run's output stays until this run displays something or finishes; a late
        // display from an old run is refused.
        const version = ++this.displayedVersion;
        const shown: unknown[] = [];
        const display = (value: unknown) => {
          if (version !== this.displayedVersion) throw new Error('stale display');
          if (shown.length === 0) this.lastValue = undefined;
          shown.push(value);
          this.displayed = shown;
          this.requestUpdate();
          return value;
        };
        // view(element) shows the element and gives its values as the user changes them (Observable's view).
        const view = (element: EventTarget) => inputValues(display(element) as EventTarget);
        const result = (await fn(...analyzed.inputs.map((name) => scope[name]), display, view, importModule)) as JsCellValue;
        if (version === this.displayedVersion) {
          this.displayed = shown;
          this.lastValue = result.display;
        }
        return result;
      },
    };
  }

  protected override render() {
    const editorError = this.status.state === 'rejected' ? (describeError(this.status.error).span ?? null) : null;
    const shown = [...this.displayed, ...(this.lastValue !== undefined ? [this.lastValue] : [])];
    if (this.previewing) {
      return html`<wg-code-editor part="editor" language="javascript" readonly .value=${this.source}></wg-code-editor>`;
    }
    return html`${this.pinned
        ? html`<wg-code-editor part="editor" language="javascript" .value=${this.source} .error=${editorError} @input=${this.onEdit} @run=${this.onRunKey}></wg-code-editor>`
        : nothing}
      <div class="output inspector" part="output">${shown.map((item) => html`<div>${inspect(item)}</div>`)}</div>
      ${this.renderError()}`;
  }

  protected override willUpdate(changed: PropertyValues): void {
    super.willUpdate(changed);
    // A failed run shows the error, not what an earlier run displayed.
    if (changed.has('status') && this.status.state === 'rejected') {
      this.displayed = [];
      this.lastValue = undefined;
    }
  }

}

// Guarded: a page that loads the package twice (a CDN copy and a bundled one) must not throw.
if (!customElements.get('wg-js-cell')) customElements.define('wg-js-cell', WgJsCell);

declare global {
  interface HTMLElementTagNameMap {
    'wg-js-cell': WgJsCell;
  }
}
