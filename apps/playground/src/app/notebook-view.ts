import { cellElementsFromFile, type NotebookCellSpec, type NotebookFile, type WgCodeEditor, type WgNotebook } from '@wengert/notebook-cells';
import type { EngineClient } from '@wengert/worker';
import { createEngineClient } from '@wengert/worker';
import { blankCell, type CellKind, CELL_KINDS, kindOf } from './cell-kinds.js';
import { deleteCell, duplicateCell, History, insertCell, moveCell, setCellAttribute, setCellSource } from './notebook-model.js';

/** Attributes the cells change themselves (the user picked a table, a point, showed the source); they are saved. */
const SAVED_ATTRIBUTES = ['point', 'table', 'pinned', 'name', 'loss', 'of', 'range', 'compact'];

/** A loss that loops forever is stopped by the worker's watchdog after this long (and Stop kills it at once). */
const ENGINE_TIME_BUDGET_MS = 8000;

/** Kinds whose source the playground edits in its own editor (loss and JavaScript cells bring theirs). */
const OWN_EDITOR_LANGUAGE: Partial<Record<CellKind, 'markdown' | 'json'>> = { markdown: 'markdown', descent: 'json' };

interface Shell {
  id: number;
  element: HTMLElement;
  cell: HTMLElement & { source: string; run?(): void };
  editor?: WgCodeEditor;
}

export interface NotebookViewEvents {
  /** The notebook changed (an edit, an undo); `file` is the new state, to autosave. */
  change(file: NotebookFile): void;
  /** Something worth announcing ("Cell deleted"), with an optional action. */
  announce(message: string, action?: { label: string; run: () => void }): void;
}

/**
 * The editable notebook: a `<wg-notebook>` whose cells are wrapped in shells with a toolbar
 * (run, edit, move, duplicate, delete) and an insert row. The NotebookFile is the source of truth;
 * cell elements are created, updated and reordered from it, and user edits inside cells flow back.
 */
export class NotebookView {
  readonly notebook: WgNotebook;
  private model: NotebookFile;
  private readonly shells = new Map<number, Shell>();
  private readonly history = new History();
  private readonly observer: MutationObserver;
  private readonly statuses = new Map<HTMLElement, string>();
  private client?: EngineClient;

  constructor(
    file: NotebookFile,
    private readonly events: NotebookViewEvents,
  ) {
    this.model = file;
    this.notebook = document.createElement('wg-notebook');
    this.notebook.clientFactory = () => {
      this.client = createEngineClient({ timeBudgetMs: ENGINE_TIME_BUDGET_MS });
      return this.client;
    };
    if (file.title) this.notebook.title = file.title;
    this.notebook.addEventListener('cell-status', (event) => this.onCellStatus(event as CustomEvent));
    this.observer = new MutationObserver((records) => this.onAttributes(records));
    this.reconcile();
  }

  get file(): NotebookFile {
    return this.model;
  }

  get canUndo(): boolean {
    return this.history.canUndo;
  }
  get canRedo(): boolean {
    return this.history.canRedo;
  }

  /** How many cells are computing right now. */
  get pendingCells(): number {
    let pending = 0;
    for (const state of this.statuses.values()) if (state === 'pending') pending++;
    return pending;
  }

  setTitle(title: string): void {
    this.commit({ ...this.model, title }, 'rename', 'title');
    this.notebook.title = title;
  }

  setTheme(theme: 'light' | 'dark'): void {
    this.notebook.theme = theme;
  }

  addCell(kind: CellKind, index = this.model.cells.length): NotebookCellSpec {
    const cell = blankCell(this.model, kind);
    this.commit(insertCell(this.model, index, cell), `add ${kind} cell`);
    this.focusCell(cell.id, true);
    return cell;
  }

  deleteCell(id: number): void {
    const index = this.model.cells.findIndex((cell) => cell.id === id);
    if (index < 0) return;
    this.commit(deleteCell(this.model, id), 'delete cell');
    this.events.announce('Cell deleted.', { label: 'Undo', run: () => this.undo() });
    const next = this.model.cells[Math.min(index, this.model.cells.length - 1)];
    if (next) this.focusCell(next.id);
  }

  duplicateCell(id: number): void {
    this.commit(duplicateCell(this.model, id), 'duplicate cell');
    const index = this.model.cells.findIndex((cell) => cell.id === id);
    const copy = this.model.cells[index + 1];
    if (copy) this.focusCell(copy.id);
  }

  moveCell(id: number, delta: number): void {
    this.commit(moveCell(this.model, id, delta), 'move cell');
    this.focusCell(id);
  }

  undo(): void {
    const previous = this.history.undo(this.model);
    if (!previous) return;
    this.model = previous;
    this.reconcile();
    this.events.change(this.model);
  }

  redo(): void {
    const next = this.history.redo(this.model);
    if (!next) return;
    this.model = next;
    this.reconcile();
    this.events.change(this.model);
  }

  /** Runs one cell again with the source in its editor (Shift+Enter). */
  runCell(id: number): void {
    const shell = this.shells.get(id);
    if (!shell) return;
    const spec = this.model.cells.find((cell) => cell.id === id);
    const live = this.liveSource(shell) ?? spec?.source ?? shell.cell.source;
    if (spec && live !== spec.source) this.commit(setCellSource(this.model, id, live), 'edit cell', `source:${id}`, false);
    if (shell.cell.source !== live) {
      shell.cell.source = live;
      return;
    }
    // Same source: run the cell again, which re-runs its dependents (a descent cell starts its descent).
    shell.cell.run?.(); // cells of a kind we do not know (kept as source) have nothing to run
  }

  /** Runs the whole notebook again from scratch. */
  runAll(): void {
    for (const shell of this.shells.values()) shell.element.remove();
    this.shells.clear();
    this.statuses.clear();
    this.reconcile();
  }

  /**
   * The panic button: stops every descent (their trajectories so far are kept) and, if engine calls
   * are still running a moment later (a loss that never returns), restarts the worker.
   */
  async stop(): Promise<void> {
    for (const shell of this.shells.values()) (shell.cell as HTMLElement & { stop?: () => void }).stop?.();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const client = this.client;
    if (client && client.pendingCalls > 0) {
      await client.restart();
      this.events.announce('Stopped: the engine worker was restarted.');
    } else {
      this.events.announce('Stopped.');
    }
  }

  dispose(): void {
    this.observer.disconnect();
    this.notebook.remove();
  }

  /** Applies an edit: the old state goes on the undo stack, cells follow, the change is reported. */
  private commit(next: NotebookFile, label: string, mergeKey?: string, reconcile = true): void {
    if (next === this.model) return;
    this.history.record(this.model, label, mergeKey);
    this.model = next;
    if (reconcile) this.reconcile();
    this.events.change(this.model);
  }

  /** Makes the cell elements match the model: create, update, remove and reorder. */
  private reconcile(): void {
    const wanted = new Set(this.model.cells.map((cell) => cell.id));
    for (const [id, shell] of this.shells) {
      if (wanted.has(id)) continue;
      shell.element.remove();
      this.statuses.delete(shell.cell);
      this.shells.delete(id);
    }
    let previous: Element | null = null;
    for (const spec of this.model.cells) {
      let shell = this.shells.get(spec.id);
      if (!shell) {
        shell = this.createShell(spec);
        this.shells.set(spec.id, shell);
      } else {
        this.updateShell(shell, spec);
      }
      const expectedPosition: Element | null = previous ? previous.nextElementSibling : this.notebook.firstElementChild;
      if (expectedPosition !== shell.element) this.notebook.insertBefore(shell.element, expectedPosition);
      previous = shell.element;
    }
  }

  private createShell(spec: NotebookCellSpec): Shell {
    const cell = cellElementsFromFile({ attributes: {}, cells: [spec] }, document)[0] as Shell['cell'];
    const kind = kindOf(spec.type);
    const element = document.createElement('section');
    element.className = 'cell-shell';
    element.dataset.cellId = String(spec.id);
    element.dataset.kind = kind ?? 'other';
    element.tabIndex = 0;
    element.setAttribute('aria-label', `${kind ?? 'unknown'} cell${spec.attributes.name ? ` ${spec.attributes.name}` : ''}`);
    const shell: Shell = { id: spec.id, element, cell };

    const toolbar = document.createElement('div');
    toolbar.className = 'cell-toolbar';
    toolbar.setAttribute('role', 'toolbar');
    toolbar.setAttribute('aria-label', 'cell actions');
    const label = document.createElement('span');
    label.className = 'cell-kind';
    label.textContent = kind ?? spec.type;
    toolbar.append(label);
    const buttons: [string, string, string, () => void][] = [
      ['run', '▶ Run', 'Run this cell (Shift+Enter)', () => this.runCell(shell.id)],
    ];
    if (kind === 'javascript' || (kind && OWN_EDITOR_LANGUAGE[kind])) buttons.push(['edit', 'Edit', 'Show or hide the source', () => this.toggleEditor(shell)]);
    buttons.push(
      ['up', '↑', 'Move up (Alt+↑)', () => this.moveCell(shell.id, -1)],
      ['down', '↓', 'Move down (Alt+↓)', () => this.moveCell(shell.id, 1)],
      ['duplicate', 'Duplicate', 'Duplicate this cell', () => this.duplicateCell(shell.id)],
      ['delete', 'Delete', 'Delete this cell (undo with Ctrl+Z)', () => this.deleteCell(shell.id)],
    );
    for (const [action, text, title, run] of buttons) {
      const button = document.createElement('button');
      button.type = 'button';
      button.dataset.action = action;
      button.textContent = text;
      button.title = title;
      button.setAttribute('aria-label', `${title.replace(/ \(.*\)$/, '')}`);
      button.addEventListener('click', run);
      toolbar.append(button);
    }
    if (kind === 'javascript') toolbar.querySelector('[data-action=edit]')?.setAttribute('aria-pressed', String(spec.attributes.pinned !== undefined));

    element.append(toolbar, cell, this.insertRow(shell));
    element.addEventListener('input', (event) => this.onCellInput(shell, event), true);
    element.addEventListener('run', (event) => this.onRunKey(shell, event));
    element.addEventListener('keydown', (event) => this.onKeyDown(shell, event), true);
    this.observer.observe(cell, { attributes: true, attributeOldValue: true, attributeFilter: SAVED_ATTRIBUTES });
    return shell;
  }

  private insertRow(shell: Shell): HTMLElement {
    const row = document.createElement('div');
    row.className = 'insert-row';
    row.setAttribute('role', 'group');
    row.setAttribute('aria-label', 'insert a cell below');
    for (const kind of CELL_KINDS) {
      const button = document.createElement('button');
      button.type = 'button';
      button.dataset.insert = kind;
      button.textContent = `+ ${kind}`;
      button.title = `Insert a ${kind} cell below`;
      button.addEventListener('click', () => this.addCell(kind, this.indexOf(shell.id) + 1));
      row.append(button);
    }
    return row;
  }

  private updateShell(shell: Shell, spec: NotebookCellSpec): void {
    if (this.liveSource(shell) !== spec.source && shell.cell.source !== spec.source) {
      shell.cell.source = spec.source;
      if (shell.editor) shell.editor.value = spec.source;
    }
    for (const name of SAVED_ATTRIBUTES) {
      const value = spec.attributes[name];
      if (value === undefined && shell.cell.hasAttribute(name)) shell.cell.removeAttribute(name);
      else if (value !== undefined && shell.cell.getAttribute(name) !== value) shell.cell.setAttribute(name, value);
    }
  }

  /** The source in the cell's editor right now, which may be ahead of the cell (editors debounce). */
  private liveSource(shell: Shell): string | undefined {
    if (shell.editor) return shell.editor.value;
    const inner = shell.cell.shadowRoot?.querySelector('wg-code-editor') as WgCodeEditor | null | undefined;
    return inner?.value;
  }

  private toggleEditor(shell: Shell): void {
    const kind = kindOf(this.model.cells.find((cell) => cell.id === shell.id)?.type ?? '');
    const button = shell.element.querySelector('[data-action=edit]');
    if (kind === 'javascript') {
      const pinned = !shell.cell.hasAttribute('pinned');
      shell.cell.toggleAttribute('pinned', pinned);
      this.commit(setCellAttribute(this.model, shell.id, 'pinned', pinned ? '' : null), pinned ? 'show source' : 'hide source', undefined, false);
      button?.setAttribute('aria-pressed', String(pinned));
      return;
    }
    if (shell.editor) {
      shell.editor.remove();
      shell.editor = undefined;
      button?.setAttribute('aria-pressed', 'false');
      return;
    }
    const editor = document.createElement('wg-code-editor');
    editor.language = (kind && OWN_EDITOR_LANGUAGE[kind]) ?? 'markdown';
    editor.value = shell.cell.source;
    editor.className = 'shell-editor';
    shell.editor = editor;
    shell.cell.before(editor);
    button?.setAttribute('aria-pressed', 'true');
    requestAnimationFrame(() => editor.focus());
  }

  /** Edits inside a cell flow into the model at once (captured before the cell's own debounce). */
  private onCellInput(shell: Shell, event: Event): void {
    const origin = event.composedPath()[0];
    if (origin instanceof HTMLElement && origin.localName === 'wg-code-editor') {
      const source = (origin as WgCodeEditor).value;
      // Prose re-renders as you type; descent settings apply on Shift+Enter (half-typed JSON is not an error).
      if (origin === shell.editor && shell.cell.localName === 'wg-markdown-cell') shell.cell.source = source;
      this.commit(setCellSource(this.model, shell.id, source), 'edit cell', `source:${shell.id}`, false);
      return;
    }
    // Controls of descent and plot cells change the cell's source a moment later (they debounce).
    setTimeout(() => {
      const spec = this.model.cells.find((cell) => cell.id === shell.id);
      if (spec && shell.cell.source !== spec.source) this.commit(setCellSource(this.model, shell.id, shell.cell.source), 'change settings', `source:${shell.id}`, false);
    }, 400);
  }

  private onRunKey(shell: Shell, event: Event): void {
    event.stopPropagation();
    this.runCell(shell.id);
  }

  private onKeyDown(shell: Shell, event: KeyboardEvent): void {
    const inEditor = event.composedPath().some((node) => node instanceof HTMLElement && node.localName === 'wg-code-editor');
    if (event.key === 'Enter' && (event.metaKey || event.ctrlKey) && !event.shiftKey) {
      // Cmd/Ctrl+Enter inserts below (the editor never sees it, so it does not also run).
      event.preventDefault();
      event.stopPropagation();
      this.addCell(kindOf(this.model.cells.find((cell) => cell.id === shell.id)?.type ?? '') === 'markdown' ? 'markdown' : 'javascript', this.indexOf(shell.id) + 1);
      return;
    }
    if (event.key === 'Enter' && event.shiftKey && !event.altKey && !event.metaKey && !event.ctrlKey) {
      // Shift+Enter runs, in an editor too (CodeMirror's default keymap would insert a line break first).
      event.preventDefault();
      event.stopPropagation();
      this.runCell(shell.id);
      return;
    }
    if (inEditor) return;
    if (event.target !== shell.element) return;
    if (event.altKey && (event.key === 'ArrowUp' || event.key === 'ArrowDown')) {
      event.preventDefault();
      this.moveCell(shell.id, event.key === 'ArrowUp' ? -1 : 1);
    } else if (event.key === 'ArrowUp' || event.key === 'ArrowDown') {
      event.preventDefault();
      const index = this.indexOf(shell.id) + (event.key === 'ArrowUp' ? -1 : 1);
      const target = this.model.cells[index];
      if (target) this.focusCell(target.id);
    } else if (event.key === 'Enter') {
      event.preventDefault();
      const editor = shell.editor ?? (shell.cell.shadowRoot?.querySelector('wg-code-editor') as WgCodeEditor | null);
      if (editor) editor.focus();
      else this.toggleEditor(shell);
    }
  }

  private onAttributes(records: MutationRecord[]): void {
    let next = this.model;
    for (const record of records) {
      const cell = record.target as HTMLElement;
      const shell = [...this.shells.values()].find((s) => s.cell === cell);
      const name = record.attributeName;
      // A cell reflecting its default on first render (table="primal") is not an edit.
      if (!shell || !name || record.oldValue === null) continue;
      const value = cell.getAttribute(name);
      const spec = next.cells.find((c) => c.id === shell.id);
      if (!spec || (spec.attributes[name] ?? null) === value) continue;
      next = setCellAttribute(next, shell.id, name, value);
    }
    if (next !== this.model) this.commit(next, 'change cell', undefined, false);
  }

  private onCellStatus(event: CustomEvent): void {
    const target = event.composedPath()[0];
    if (!(target instanceof HTMLElement)) return;
    this.statuses.set(target, (event.detail as { state: string }).state);
    this.notebook.dispatchEvent(new CustomEvent('notebook-progress', { detail: { pending: this.pendingCells } }));
  }

  private indexOf(id: number): number {
    return this.model.cells.findIndex((cell) => cell.id === id);
  }

  private focusCell(id: number, intoEditor = false): void {
    requestAnimationFrame(() => {
      const shell = this.shells.get(id);
      if (!shell) return;
      shell.element.focus();
      if (intoEditor) {
        const inner = shell.cell.shadowRoot?.querySelector('wg-code-editor') as WgCodeEditor | null;
        if (inner) inner.focus();
      }
    });
  }
}
