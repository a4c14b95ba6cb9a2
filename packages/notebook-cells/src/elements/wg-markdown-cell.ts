import { css, html } from 'lit';
import { unsafeHTML } from 'lit/directives/unsafe-html.js';
import { renderMarkdown } from '../markdown/render-markdown.js';
import type { CellDefinition } from '../runtime/cell-graph.js';
import { cellStyles, themeStyles } from './styles.js';
import { WgCell } from './wg-cell.js';

/**
 * Prose: Markdown (GitHub flavour) with KaTeX math, `$…$` inline and `$$…$$` on its own lines.
 * The HTML is sanitised with DOMPurify, so a `<script>` or an `onerror=` in the Markdown never runs.
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
 * @cssprop --wg-fg - Text colour.
 * @cssprop --wg-accent - Link colour.
 * @cssprop --wg-code-bg - Background of code spans and blocks.
 * @cssprop --wg-font-family - Prose font.
 */
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
    return null;
  }

  protected override render() {
    return html`<div class="prose" part="output">${unsafeHTML(renderMarkdown(this.source))}</div>`;
  }
}

// Guarded: a page that loads the package twice (a CDN copy and a bundled one) must not throw.
if (!customElements.get('wg-markdown-cell')) customElements.define('wg-markdown-cell', WgMarkdownCell);

declare global {
  interface HTMLElementTagNameMap {
    'wg-markdown-cell': WgMarkdownCell;
  }
}
