import { javascript } from '@codemirror/lang-javascript';
import { markdown } from '@codemirror/lang-markdown';
import { HighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { Annotation, type Extension, StateEffect, StateField } from '@codemirror/state';
import { oneDark } from '@codemirror/theme-one-dark';
import { Decoration, type DecorationSet, EditorView, keymap } from '@codemirror/view';
import { tags } from '@lezer/highlight';
import { basicSetup } from 'codemirror';
import { css, html, LitElement, type PropertyValues } from 'lit';
import { property } from 'lit/decorators.js';
import type { SourceSpan } from '../runtime/cell-error.js';
import { themeStyles } from './styles.js';

/** Marks a change made through `.value`, so it is not reported as the user's. */
const programmatic = Annotation.define<boolean>();

const setErrorEffect = StateEffect.define<SourceSpan | null>();

const errorField = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update(decorations, transaction) {
    decorations = decorations.map(transaction.changes);
    for (const effect of transaction.effects) {
      if (!effect.is(setErrorEffect)) continue;
      const span = effect.value;
      if (!span || span.line < 1 || span.line > transaction.state.doc.lines) {
        decorations = Decoration.none;
        continue;
      }
      const line = transaction.state.doc.line(span.line);
      const from = Math.min(line.from + span.column, line.to);
      const to = Math.max(Math.min(from + 1, line.to), line.to > from ? from + 1 : from);
      const marks = [Decoration.line({ class: 'cm-wg-error-line' }).range(line.from)];
      if (to > from) marks.push(Decoration.mark({ class: 'cm-wg-error' }).range(from, to));
      decorations = Decoration.set(marks, true);
    }
    return decorations;
  },
  provide: (field) => EditorView.decorations.from(field),
});

// Colours through light-dark(), so the editor follows the page's color-scheme like the other elements.
const highlight = HighlightStyle.define([
  { tag: [tags.keyword, tags.controlKeyword, tags.operatorKeyword, tags.definitionKeyword, tags.moduleKeyword], color: 'light-dark(#cf222e, #ff7b72)' },
  { tag: [tags.number, tags.bool, tags.null, tags.atom], color: 'light-dark(#0550ae, #79c0ff)' },
  { tag: [tags.string, tags.special(tags.string), tags.regexp], color: 'light-dark(#0a3069, #a5d6ff)' },
  { tag: [tags.comment, tags.lineComment, tags.blockComment], color: 'light-dark(#6e7781, #8b949e)', fontStyle: 'italic' },
  { tag: [tags.function(tags.variableName), tags.function(tags.propertyName)], color: 'light-dark(#8250df, #d2a8ff)' },
  { tag: [tags.definition(tags.variableName)], color: 'light-dark(#953800, #ffa657)' },
  { tag: tags.heading, color: 'light-dark(#0550ae, #79c0ff)', fontWeight: 'bold' },
  { tag: tags.emphasis, fontStyle: 'italic' },
  { tag: tags.strong, fontWeight: 'bold' },
  { tag: tags.link, color: 'light-dark(#0969da, #58a6ff)', textDecoration: 'underline' },
  { tag: tags.monospace, color: 'light-dark(#0a3069, #a5d6ff)' },
]);

const editorTheme = EditorView.theme({
  '&': { color: 'var(--_fg)', backgroundColor: 'var(--_code-bg)', fontSize: '0.9em' },
  '&.cm-focused': { outline: '1px solid var(--_accent)' },
  '.cm-content': { fontFamily: 'var(--_mono)', caretColor: 'var(--_fg)' },
  '.cm-cursor, .cm-dropCursor': { borderLeftColor: 'var(--_fg)' },
  '.cm-gutters': { backgroundColor: 'var(--_code-bg)', color: 'var(--_muted)', border: 'none', fontFamily: 'var(--_mono)' },
  '.cm-activeLine, .cm-activeLineGutter': { backgroundColor: 'color-mix(in srgb, var(--_accent) 7%, transparent)' },
  '&.cm-focused .cm-selectionBackground, .cm-selectionBackground, ::selection': {
    backgroundColor: 'color-mix(in srgb, var(--_accent) 25%, transparent) !important',
  },
  '.cm-wg-error': { textDecoration: 'underline wavy var(--_error)', textUnderlineOffset: '3px' },
  '.cm-wg-error-line': { backgroundColor: 'var(--_error-bg)' },
  '.cm-scroller': { fontFamily: 'var(--_mono)' },
});

/**
 * A CodeMirror 6 editor for cell sources: JavaScript, Markdown or JSON, with line numbers, history,
 * bracket matching and search. `.value` is the text; typing fires `input` (setting `.value` from code
 * does not). Shift+Enter or Mod+Enter fires `run`. Setting `.error` underlines the line and column.
 *
 * @summary The code editor the cells use.
 * @fires input - The user changed the text; read `.value`. Bubbles and is composed.
 * @fires run - The user pressed Shift+Enter or Mod+Enter. `detail.value` is the text.
 * @csspart editor - The element holding the CodeMirror view.
 * @cssprop --wg-code-bg - Editor background.
 * @cssprop --wg-mono-font-family - Code font.
 * @cssprop --wg-accent - Focus ring and selection.
 * @cssprop --wg-error - Underline of the error position.
 */
export class WgCodeEditor extends LitElement {
  static override styles = [
    themeStyles,
    css`
      :host {
        border-radius: var(--_radius);
        overflow: hidden;
      }
      .cm-editor {
        max-height: var(--wg-editor-max-height, 24em);
      }
    `,
  ];

  /** The source text. */
  @property() value = '';

  /** `javascript`, `markdown` or `json`. */
  @property() language: 'javascript' | 'markdown' | 'json' = 'javascript';

  /** `auto` follows the inherited color-scheme; `one-dark` uses CodeMirror's One Dark theme. */
  @property() theme: 'auto' | 'one-dark' = 'auto';

  /** Whether the text can be edited. */
  @property({ type: Boolean, reflect: true }) readonly = false;

  /** A position to mark as erroneous (1-based line, 0-based column), or null. */
  @property({ attribute: false }) error: SourceSpan | null = null;

  private view?: EditorView;

  /** The CodeMirror view, once rendered (for tests and advanced use). */
  get editorView(): EditorView | undefined {
    return this.view;
  }

  override focus(): void {
    this.view?.focus();
  }

  protected override render() {
    return html`<div part="editor"></div>`;
  }

  protected override firstUpdated(): void {
    const parent = this.renderRoot.querySelector('[part=editor]') as HTMLElement;
    this.view = new EditorView({ parent, root: this.shadowRoot!, doc: this.value, extensions: this.extensions() });
    if (this.error) this.view.dispatch({ effects: setErrorEffect.of(this.error) });
  }

  protected override updated(changed: PropertyValues<this>): void {
    const view = this.view;
    if (!view) return;
    if (changed.has('value') && view.state.doc.toString() !== this.value) {
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: this.value }, annotations: programmatic.of(true) });
    }
    if (changed.has('error')) view.dispatch({ effects: setErrorEffect.of(this.error) });
    if (changed.has('language') || changed.has('readonly') || changed.has('theme')) {
      view.dispatch({ effects: StateEffect.reconfigure.of(this.extensions()) });
    }
  }

  private extensions(): Extension[] {
    const language = this.language === 'markdown' ? markdown() : javascript();
    return [
      basicSetup,
      language,
      this.theme === 'one-dark' ? oneDark : [editorTheme, syntaxHighlighting(highlight)],
      errorField,
      EditorView.editable.of(!this.readonly),
      EditorView.lineWrapping,
      keymap.of([
        { key: 'Shift-Enter', run: () => this.fireRun() },
        { key: 'Mod-Enter', run: () => this.fireRun() },
      ]),
      EditorView.updateListener.of((update) => {
        if (!update.docChanged || update.transactions.every((t) => t.annotation(programmatic))) return;
        this.value = update.state.doc.toString();
        this.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
      }),
    ];
  }

  private fireRun(): boolean {
    this.dispatchEvent(new CustomEvent('run', { detail: { value: this.value }, bubbles: true, composed: true }));
    return true;
  }
}

// Guarded: a page that loads the package twice (a CDN copy and a bundled one) must not throw.
if (!customElements.get('wg-code-editor')) customElements.define('wg-code-editor', WgCodeEditor);

declare global {
  interface HTMLElementTagNameMap {
    'wg-code-editor': WgCodeEditor;
  }
}
