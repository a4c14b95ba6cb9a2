import { css, html } from 'lit';
import { unsafeHTML } from 'lit/directives/unsafe-html.js';
import { joinInterpolations, splitInterpolations } from '../markdown/interpolation.js';
import { renderMarkdown } from '../markdown/render-markdown.js';
import { analyzeJavaScript } from '../runtime/analyze-javascript.js';
import type { CellDefinition } from '../runtime/cell-graph.js';
import { cellStyles, themeStyles } from './styles.js';
import { importModule } from '../runtime/import-module.js';
import { WgCell } from './wg-cell.js';

/**
 * Prose: Markdown (GitHub flavour) with KaTeX math, `$…$` inline and `$$…$$` on its own lines.
 * The HTML is sanitised with DOMPurify, so a `<script>` or an `onerror=` in the Markdown never runs.
 * As in Observable, `${expression}` interpolates live values: the cell reads the names the
 * expressions use and re-renders when they change (`The minimum is ${gd.runs[0].losses.at(-1)}`).
 *
 * ```html
 * <wg-markdown-cell><script type="text/markdown">
 *   # Steepest descent
 *   The update is $\Delta w = -\eta\,\|g\|^\dagger g^\sharp$.
 * </script></wg-markdown-cell>
 * ```
 *
 * @summary A Markdown + KaTeX prose cell.
 * @csspart output - The rendered prose.
 * @csspart error - The error of an interpolated expression.
 * @cssprop --wg-fg - Text colour.
 * @cssprop --wg-accent - Link colour.
 * @cssprop --wg-code-bg - Background of code spans and blocks.
 * @cssprop --wg-font-family - Prose font.
 */
const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (...args: string[]) => (...args: unknown[]) => Promise<unknown>;

export class WgMarkdownCell extends WgCell {
  static override styles = [
    themeStyles,
    cellStyles,
    css`
      .prose > :first-child {
        margin-top: 0;
      }
      .prose > :last-child {
        margin-bottom: 0;
      }
      .prose a {
        color: var(--_accent);
      }
      .prose code {
        background: var(--_code-bg);
        padding: 0.1em 0.3em;
        border-radius: 4px;
      }
      .prose pre {
        background: var(--_code-bg);
        padding: 8px 10px;
        border-radius: var(--_radius);
        overflow-x: auto;
      }
      .prose pre code {
        background: none;
        padding: 0;
      }
      .prose table {
        border-collapse: collapse;
      }
      .prose th,
      .prose td {
        border: 1px solid var(--_grid);
        padding: 2px 8px;
      }
      .prose .math-display {
        text-align: center;
      }
      .prose math {
        font-size: 1.1em;
      }
    `,
  ];

  protected override definition(): CellDefinition | null {
    const { expressions } = splitInterpolations(this.source);
    if (expressions.length === 0) return null;
    const analyzed = analyzeJavaScript(`[${expressions.map((e) => `(${e})`).join(',\n')}]`);
    const fn = new AsyncFunction(...analyzed.inputs, 'display', 'view', '__import__', analyzed.body);
    return {
      inputs: analyzed.inputs,
      run: async (scope) => {
        const { display } = (await fn(...analyzed.inputs.map((name) => scope[name]), () => {}, () => {}, importModule)) as { display: unknown[] };
        return display;
      },
    };
  }

  protected override render() {
    const parts = splitInterpolations(this.source);
    // Until the values arrive (or if they fail), each expression shows as "…".
    const values = this.status.state === 'fulfilled' && Array.isArray(this.status.value) ? this.status.value : parts.expressions.map(() => '…');
    return html`<div class="prose" part="output">${unsafeHTML(renderMarkdown(joinInterpolations(parts, values)))}</div>${this.renderError()}`;
  }
}

// Guarded: a page that loads the package twice (a CDN copy and a bundled one) must not throw.
if (!customElements.get('wg-markdown-cell')) customElements.define('wg-markdown-cell', WgMarkdownCell);

declare global {
  interface HTMLElementTagNameMap {
    'wg-markdown-cell': WgMarkdownCell;
  }
}
