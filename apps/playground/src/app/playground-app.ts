import { type NotebookFile, parseNotebook, serializeNotebook } from '@wengert/notebook-cells';
import { html, LitElement, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { GALLERY, galleryEntry } from '../gallery/index.js';
import { type CellKind, CELL_KINDS } from './cell-kinds.js';
import { NotebookView } from './notebook-view.js';
import { renderPreview } from './preview-view.js';
import { decodeShareFragment, encodeShareFragment } from './share-link.js';
import { forgetSaved, listSaved, loadSaved, loadTheme, saveNotebook, saveTheme } from './storage.js';

type Origin = 'link' | 'file';

interface Toast {
  message: string;
  action?: { label: string; run: () => void };
}

const BLANK_SLUG = '09-bring-your-own-loss';

/**
 * The playground shell: the gallery and the user's notebooks on the left, the open notebook on the
 * right with its toolbar. Routes live in the URL fragment: `#gallery/<slug>`, `#local/<id>`, and
 * `#share=<packed notebook>` (opened in safe preview).
 */
@customElement('wg-playground')
export class WgPlayground extends LitElement {
  @state() private view?: NotebookView;
  /** The notebook key being edited: `gallery/<slug>` or `local/<id>`. */
  @state() private key = '';
  @state() private preview?: { file: NotebookFile; origin: Origin; element: HTMLElement };
  @state() private theme: 'light' | 'dark' = loadTheme() ?? (matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light');
  @state() private toast?: Toast;
  @state() private shareUrl = '';
  @state() private pending = 0;
  @state() private revision = 0;
  @state() private error = '';

  private toastTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly onHashChange = () => void this.route();
  private readonly onKeyDown = (event: KeyboardEvent) => this.handleGlobalKey(event);

  // Light DOM: the page's stylesheet styles the shell, and tests and tools see one tree.
  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.applyTheme();
    window.addEventListener('hashchange', this.onHashChange);
    window.addEventListener('keydown', this.onKeyDown);
    void this.route();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('hashchange', this.onHashChange);
    window.removeEventListener('keydown', this.onKeyDown);
  }

  /** Opens what the URL fragment names. */
  private async route(): Promise<void> {
    const fragment = location.hash.replace(/^#/, '');
    this.error = '';
    this.shareUrl = '';
    try {
      if (fragment.startsWith('share=')) {
        const text = await decodeShareFragment(fragment);
        this.openPreview(parseNotebook(text ?? ''), 'link');
        return;
      }
      const [kind, id] = fragment.split('/');
      if (kind === 'local' && id) {
        const saved = loadSaved(`local/${id}`);
        if (saved) return this.openTrusted(`local/${id}`, parseNotebook(saved));
        this.error = 'That notebook is not saved in this browser.';
      }
      const slug = kind === 'gallery' && id && galleryEntry(id) ? id : GALLERY[0]!.slug;
      const saved = loadSaved(`gallery/${slug}`);
      this.openTrusted(`gallery/${slug}`, parseNotebook(saved ?? galleryEntry(slug)!.html));
    } catch (error) {
      this.error = `Could not open this notebook: ${(error as Error).message}`;
    }
  }

  /** Opens a notebook to edit and run: the gallery's, or the user's own. */
  private openTrusted(key: string, file: NotebookFile): void {
    this.closeCurrent();
    this.key = key;
    const view = new NotebookView(file, {
      change: (next) => {
        saveNotebook(this.key, next.title ?? 'Untitled', serializeNotebook(next));
        this.revision++;
      },
      announce: (message, action) => this.announce(message, action),
    });
    view.setTheme(this.theme);
    view.notebook.addEventListener('notebook-progress', (event) => {
      this.pending = (event as CustomEvent<{ pending: number }>).detail.pending;
    });
    this.view = view;
    document.title = `${file.title ?? 'Untitled'} · Wengert playground`;
  }

  /** Opens a notebook from elsewhere in safe preview: source visible, nothing runs. */
  private openPreview(file: NotebookFile, origin: Origin): void {
    this.closeCurrent();
    this.key = '';
    this.preview = { file, origin, element: renderPreview(file) };
    document.title = `Preview: ${file.title ?? 'Untitled'} · Wengert playground`;
  }

  private closeCurrent(): void {
    this.view?.dispose();
    this.view = undefined;
    this.preview = undefined;
    this.pending = 0;
  }

  /** Run in safe preview: the notebook becomes the user's own (autosaved) and runs. */
  private runPreview(): void {
    const preview = this.preview;
    if (!preview) return;
    const key = `local/${Date.now()}`;
    saveNotebook(key, preview.file.title ?? 'Untitled', serializeNotebook(preview.file));
    history.replaceState(null, '', `#${key}`);
    this.openTrusted(key, preview.file);
  }

  private newNotebook(): void {
    const blank = parseNotebook(galleryEntry(BLANK_SLUG)?.html ?? '<notebook><title>Untitled</title></notebook>');
    const key = `local/${Date.now()}`;
    const file = { ...blank, title: 'Untitled notebook' };
    saveNotebook(key, file.title, serializeNotebook(file));
    location.hash = `#${key}`;
  }

  private resetGalleryNotebook(): void {
    const slug = this.key.replace(/^gallery\//, '');
    const entry = galleryEntry(slug);
    if (!entry) return;
    forgetSaved(this.key);
    this.openTrusted(this.key, parseNotebook(entry.html));
    this.announce('Restored the original notebook.');
  }

  private currentFile(): NotebookFile | undefined {
    return this.view?.file ?? this.preview?.file;
  }

  private saveFile(): void {
    const file = this.currentFile();
    if (!file) return;
    const blob = new Blob([serializeNotebook(file)], { type: 'text/html' });
    const link = document.createElement('a');
    link.href = URL.createObjectURL(blob);
    link.download = `${slugify(file.title ?? 'notebook')}.html`;
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
  }

  private async openFile(event: Event): Promise<void> {
    const input = event.target as HTMLInputElement;
    const chosen = input.files?.[0];
    input.value = '';
    if (!chosen) return;
    try {
      const file = parseNotebook(await chosen.text());
      history.replaceState(null, '', location.pathname + location.search);
      this.openPreview(file, 'file');
    } catch (error) {
      this.announce(`Could not open ${chosen.name}: ${(error as Error).message}`);
    }
  }

  private async share(): Promise<void> {
    const file = this.currentFile();
    if (!file) return;
    const fragment = await encodeShareFragment(serializeNotebook(file));
    this.shareUrl = `${location.origin}${location.pathname}#${fragment}`;
    try {
      await navigator.clipboard.writeText(this.shareUrl);
      this.announce('Share link copied. Whoever opens it sees the source first; nothing runs until they click Run.');
    } catch {
      this.announce('Share link ready: copy it from the box above the notebook.');
    }
  }

  private toggleTheme(): void {
    this.theme = this.theme === 'dark' ? 'light' : 'dark';
    saveTheme(this.theme);
    this.applyTheme();
    this.view?.setTheme(this.theme);
  }

  private applyTheme(): void {
    document.documentElement.dataset.theme = this.theme;
    document.documentElement.style.colorScheme = this.theme;
  }

  private announce(message: string, action?: Toast['action']): void {
    this.toast = action ? { message, action } : { message };
    clearTimeout(this.toastTimer);
    this.toastTimer = setTimeout(() => (this.toast = undefined), action ? 10_000 : 5000);
  }

  private undo(): void {
    this.view?.undo();
    this.revision++;
  }

  private redo(): void {
    this.view?.redo();
    this.revision++;
  }

  private runToastAction(): void {
    this.toast?.action?.run();
    this.toast = undefined;
    this.revision++;
  }

  private handleGlobalKey(event: KeyboardEvent): void {
    const mod = event.metaKey || event.ctrlKey;
    const typing = event.composedPath().some((node) => node instanceof HTMLElement && (node.localName === 'wg-code-editor' || node.localName === 'input' || node.localName === 'textarea' || node.localName === 'select'));
    if (mod && event.key === '.') {
      event.preventDefault();
      void this.view?.stop();
    } else if (mod && event.key.toLowerCase() === 's') {
      event.preventDefault();
      this.saveFile();
    } else if (mod && !typing && event.key.toLowerCase() === 'z') {
      event.preventDefault();
      if (event.shiftKey) this.redo();
      else this.undo();
    } else if (mod && !typing && event.key.toLowerCase() === 'y') {
      event.preventDefault();
      this.redo();
    }
  }

  protected override render() {
    const view = this.view;
    const isGallery = this.key.startsWith('gallery/');
    const edited = isGallery && loadSaved(this.key) !== undefined;
    const saved = listSaved().filter((info) => info.key.startsWith('local/'));
    void this.revision;
    return html`
      <a class="skip-link" href="#notebook-main">Skip to the notebook</a>
      <header class="app-header">
        <span class="brand">Wengert <small>playground</small></span>
        ${view
          ? html`<input
              class="title-input"
              aria-label="notebook title"
              .value=${view.file.title ?? ''}
              @change=${(e: Event) => view.setTitle((e.target as HTMLInputElement).value)}
            />`
          : html`<span class="title-text">${this.preview?.file.title ?? ''}</span>`}
        <div class="toolbar" role="toolbar" aria-label="notebook actions">
          ${view
            ? html`<button type="button" data-action="run-all" title="Run every cell again" @click=${() => view.runAll()}>▶ Run all</button>
                <button type="button" data-action="stop" class="danger" title="Stop every run (Ctrl+.)" @click=${() => view.stop()}>■ Stop</button>
                <button type="button" data-action="undo" title="Undo (Ctrl+Z)" ?disabled=${!view.canUndo} @click=${this.undo}>↶ Undo</button>
                <button type="button" data-action="redo" title="Redo (Ctrl+Shift+Z)" ?disabled=${!view.canRedo} @click=${this.redo}>↷ Redo</button>
                <label class="add-cell"
                  ><span class="visually-hidden">Add a cell at the end</span
                  ><select
                    aria-label="add a cell at the end"
                    @change=${(e: Event) => {
                      const select = e.target as HTMLSelectElement;
                      if (select.value) view.addCell(select.value as CellKind);
                      select.value = '';
                    }}
                  >
                    <option value="">+ Add cell…</option>
                    ${CELL_KINDS.map((kind) => html`<option value=${kind}>${kind}</option>`)}
                  </select></label
                >`
            : nothing}
          <button type="button" data-action="new" title="A new notebook of your own" @click=${this.newNotebook}>New</button>
          <label class="button" title="Open a .html notebook file (opens in safe preview)"
            >Open…<input class="visually-hidden" type="file" accept=".html,text/html" data-action="open" @change=${this.openFile}
          /></label>
          <button type="button" data-action="save" title="Save as a Notebook Kit .html file (Ctrl+S)" @click=${this.saveFile}>Save .html</button>
          <button type="button" data-action="share" title="Copy a link that contains the whole notebook" @click=${this.share}>Share link</button>
          ${edited ? html`<button type="button" data-action="reset" title="Discard your edits of this gallery notebook" @click=${this.resetGalleryNotebook}>Reset</button>` : nothing}
          <button type="button" data-action="theme" aria-pressed=${this.theme === 'dark'} title="Switch between light and dark" @click=${this.toggleTheme}>
            ${this.theme === 'dark' ? '☀ Light' : '☾ Dark'}
          </button>
        </div>
        <span class="status" role="status" data-pending=${this.pending}>${view ? (this.pending ? `running ${this.pending} cell${this.pending === 1 ? '' : 's'}…` : 'idle') : ''}</span>
      </header>
      <nav class="sidebar" aria-label="notebooks">
        <h2>The notes, live</h2>
        <ol class="gallery">
          ${GALLERY.map(
            (entry) => html`<li>
              <a href="#gallery/${entry.slug}" aria-current=${this.key === `gallery/${entry.slug}` ? 'page' : 'false'} data-slug=${entry.slug}>${entry.title}</a>
            </li>`,
          )}
        </ol>
        ${saved.length
          ? html`<h2>Your notebooks</h2>
              <ul class="saved">
                ${saved.map((info) => html`<li><a href="#${info.key}" aria-current=${this.key === info.key ? 'page' : 'false'}>${info.title}</a></li>`)}
              </ul>`
          : nothing}
      </nav>
      <main id="notebook-main" class="main" data-mode=${this.preview ? 'preview' : view ? 'edit' : 'none'}>
        ${this.error ? html`<p class="app-error" role="alert">${this.error}</p>` : nothing}
        ${this.shareUrl
          ? html`<p class="share-box"><label>Share link <input class="share-url" readonly .value=${this.shareUrl} @focus=${(e: Event) => (e.target as HTMLInputElement).select()} /></label></p>`
          : nothing}
        ${this.preview
          ? html`<div class="preview-banner" role="region" aria-label="safe preview">
                <p>
                  <strong>Safe preview.</strong> This notebook came from ${this.preview.origin === 'link' ? 'a link' : 'a file'}. Its source is shown below and
                  <strong>nothing has run</strong>. Read it first; run it only if you trust it.
                </p>
                <button type="button" class="primary" data-action="run-preview" @click=${this.runPreview}>▶ Run this notebook</button>
              </div>
              <h1 class="preview-title">${this.preview.file.title ?? 'Untitled'}</h1>
              ${this.preview.element}`
          : (view?.notebook ?? nothing)}
      </main>
      <div class="toast ${this.toast ? 'visible' : ''}" role="status" aria-live="polite">
        ${this.toast
          ? html`<span>${this.toast.message}</span>${this.toast.action
                ? html`<button type="button" data-action="toast" @click=${this.runToastAction}>${this.toast.action.label}</button>`
                : nothing}`
          : nothing}
      </div>
    `;
  }
}

function slugify(title: string): string {
  return title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'notebook';
}

declare global {
  interface HTMLElementTagNameMap {
    'wg-playground': WgPlayground;
  }
}
