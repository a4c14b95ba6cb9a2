import { type NotebookFile, renderMarkdown } from '@wengert/notebook-cells';
import { kindOf } from './cell-kinds.js';

/**
 * Safe preview of a notebook that came from a file or a link: prose is rendered (sanitised, no
 * scripts), every other cell shows its source read-only, and nothing runs: no cell element, no
 * runtime, no worker exists until the user chooses Run.
 */
export function renderPreview(file: NotebookFile): HTMLElement {
  const root = document.createElement('div');
  root.className = 'preview';
  for (const cell of file.cells) {
    const kind = kindOf(cell.type);
    const block = document.createElement('section');
    block.className = 'preview-cell';
    block.dataset.kind = kind ?? 'other';
    block.dataset.cellId = String(cell.id);
    const label = document.createElement('div');
    label.className = 'cell-kind';
    const attributes = Object.entries(cell.attributes)
      .map(([name, value]) => (value === '' ? name : `${name}="${value}"`))
      .join(' ');
    label.textContent = `${kind ?? cell.type}${attributes ? ` · ${attributes}` : ''}`;
    block.append(label);
    if (kind === 'markdown') {
      const prose = document.createElement('div');
      prose.className = 'preview-prose';
      // renderMarkdown sanitises with DOMPurify: a <script> or onerror= in the Markdown never runs.
      prose.innerHTML = renderMarkdown(cell.source);
      block.append(prose);
    }
    if (kind !== 'markdown' || cell.source.trim() === '') {
      const editor = document.createElement('wg-code-editor');
      editor.readonly = true;
      editor.language = kind === 'markdown' ? 'markdown' : 'javascript';
      editor.value = cell.source;
      block.append(editor);
    }
    root.append(block);
  }
  return root;
}
