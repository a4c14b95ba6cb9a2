import { provide } from '@lit/context';
import { createEngineClient, type EngineClient } from '@wengert/worker';
import { css, html, LitElement, type PropertyValues } from 'lit';
import { property } from 'lit/decorators.js';
import { cellElementsFromFile, fileFromCellElements } from '../format/cell-elements.js';
import type { NotebookFile } from '../format/notebook-file.js';
import { createNotebookHost, type NotebookHost, notebookContext } from '../runtime/notebook-host.js';
import { themeStyles } from './styles.js';

/**
 * A notebook: its child cells run on `@observablehq/runtime` with Observable's semantics. Cells
 * define names and read others' names in any order; a change re-runs its dependents in topological
 * order; a cycle or a name defined twice is an error shown in every cell involved; a re-running cell
 * keeps its last output, dimmed; a cell's `invalidation` aborts its engine calls. All cells share one
 * engine client (one worker), provided through `@lit/context`.
 *
 * ```html
 * <wg-notebook>
 *   <wg-loss-cell name="f"><script type="text/plain">x => x[0] ** 2 + 10 * x[1] ** 2</script></wg-loss-cell>
 *   <wg-descent-cell name="gd" loss="f"></wg-descent-cell>
 *   <wg-plot-cell of="gd"></wg-plot-cell>
 * </wg-notebook>
 * ```
 *
 * @summary The notebook that hosts cells.
 * @slot - The cells, in visual order.
 * @cssprop --wg-fg - Text colour for every cell (and figure).
 * @cssprop --wg-bg - Background of cells and figures.
 * @cssprop --wg-grid - Borders and grid lines.
 * @cssprop --wg-muted - Secondary text.
 * @cssprop --wg-accent - Buttons, links, focus.
 * @cssprop --wg-error - Error text and marks.
 * @cssprop --wg-code-bg - Background of code.
 * @cssprop --wg-font-family - Text font.
 * @cssprop --wg-mono-font-family - Code font.
 * @cssprop --wg-cell-gap - Vertical space between cells.
 */
export class WgNotebook extends LitElement {
  static override styles = [
    themeStyles,
    css`
      :host {
        max-width: var(--wg-notebook-max-width, 960px);
      }
      :host([theme='dark']) {
        color-scheme: dark;
      }
      :host([theme='light']) {
        color-scheme: light;
      }
    `,
  ];

  /** `light`, `dark`, or `auto` (follow the page's color-scheme). Sets `color-scheme` for every cell. */
  @property({ reflect: true }) theme: 'light' | 'dark' | 'auto' = 'auto';

  /**
   * Safe preview: cells show their source (Markdown is rendered, sanitised) but nothing runs — no
   * JavaScript on the page, no loss in the worker — until `run()` is called or the attribute removed.
   * Use it for notebooks that came from elsewhere.
   */
  @property({ type: Boolean, reflect: true }) preview = false;

  /** The notebook's title, kept in files (not `title`, which would be a tooltip over the whole notebook). */
  @property({ attribute: 'notebook-title' }) notebookTitle = '';

  /** Attributes of the loaded file's `<notebook>` (Observable's `theme="air"`, `readonly`, …), written back on save. */
  private fileAttributes: Record<string, string> = {};

  /** Creates the shared engine client; defaults to `createEngineClient()` from `@wengert/worker`. */
  @property({ attribute: false }) clientFactory?: () => EngineClient;

  private readonly ownHost = createNotebookHost(() => this.clientFactory?.() ?? createEngineClient());

  /** The graph and client shared with the cells (a new object when `preview` changes, so cells hear of it). */
  @provide({ context: notebookContext })
  host: NotebookHost = this.ownHost;

  /** The shared engine client (created on first use). */
  get client(): EngineClient {
    return this.host.client;
  }

  /** Leaves safe preview: every cell runs. */
  run(): void {
    this.preview = false;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    if (changed.has('preview')) {
      const own = this.ownHost;
      this.host = this.preview
        ? {
            graph: own.graph,
            get client() {
              return own.client;
            },
            paused: true,
          }
        : own;
    }
  }

  /** The value of a name defined by one of the cells, once computed. */
  value(name: string): Promise<unknown> {
    return this.host.graph.value(name);
  }

  /** Replaces the cells with those of a Notebook Kit file (see `parseNotebook`). */
  load(file: NotebookFile): void {
    this.replaceChildren(...cellElementsFromFile(file, this.ownerDocument));
    this.notebookTitle = file.title ?? '';
    this.fileAttributes = { ...file.attributes };
    if (file.attributes.theme === 'dark' || file.attributes.theme === 'light') this.theme = file.attributes.theme;
  }

  /** The cells as a Notebook Kit file (see `serializeNotebook`): source only, visual order, stable ids. */
  toFile(): NotebookFile {
    const file = fileFromCellElements([...this.children]);
    const attributes = { ...this.fileAttributes };
    if (this.theme !== 'auto') attributes.theme = this.theme;
    else if (attributes.theme === 'dark' || attributes.theme === 'light') delete attributes.theme;
    return { ...(this.notebookTitle ? { title: this.notebookTitle } : {}), attributes, cells: file.cells };
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    // The worker goes with the notebook (unless it was only moved); a notebook put back later makes a new one.
    queueMicrotask(() => {
      if (!this.isConnected) this.ownHost.releaseClient();
    });
  }

  protected override render() {
    return html`<slot></slot>`;
  }
}

// Guarded: a page that loads the package twice (a CDN copy and a bundled one) must not throw.
if (!customElements.get('wg-notebook')) customElements.define('wg-notebook', WgNotebook);

declare global {
  interface HTMLElementTagNameMap {
    'wg-notebook': WgNotebook;
  }
}
