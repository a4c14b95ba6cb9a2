import { CELL_TYPES, type NotebookCellSpec, type NotebookFile } from './notebook-file.js';

/** The element for each cell type we know; other types are kept as inert `<script type="text/plain">`. */
export const CELL_TAGS: Record<string, string> = {
  [CELL_TYPES.markdown]: 'wg-markdown-cell',
  [CELL_TYPES.javascript]: 'wg-js-cell',
  [CELL_TYPES.loss]: 'wg-loss-cell',
  [CELL_TYPES.descent]: 'wg-descent-cell',
  [CELL_TYPES.plot]: 'wg-plot-cell',
};

const TYPE_OF_TAG = Object.fromEntries(Object.entries(CELL_TAGS).map(([type, tag]) => [tag, type]));

/** Attributes that are element or page state, not part of the file (a DOM id would clash with the cell id). */
const RUNTIME_ATTRIBUTES = new Set(['id', 'cell-id', 'running', 'class', 'style', 'source', 'data-cell-type']);

interface SourceElement extends Element {
  source?: string;
}

/**
 * Cell elements for a notebook file. Script attributes become element attributes (`name`, `loss`,
 * `of`, `pinned`, …) and the id becomes `cell-id`, so {@link fileFromCellElements} gives the file back.
 */
export function cellElementsFromFile(file: NotebookFile, document: Document): Element[] {
  return file.cells.map((cell) => {
    const tag = CELL_TAGS[cell.type];
    const element: SourceElement = document.createElement(tag ?? 'script');
    if (!tag) {
      element.setAttribute('type', 'text/plain');
      element.setAttribute('data-cell-type', cell.type);
    }
    element.setAttribute('cell-id', String(cell.id));
    for (const [name, value] of Object.entries(cell.attributes)) if (!RUNTIME_ATTRIBUTES.has(name) && name !== 'type') element.setAttribute(name, value);
    if (tag) element.source = cell.source;
    else element.textContent = cell.source;
    return element;
  });
}

/** The notebook file of a list of cell elements, in order; elements that are not cells are skipped. */
export function fileFromCellElements(elements: readonly Element[]): Pick<NotebookFile, 'cells'> {
  const used = new Set<number>();
  const pending: { element: Element; spec: Omit<NotebookCellSpec, 'id'>; id: number }[] = [];
  for (const element of elements) {
    const tag = element.localName;
    const type = TYPE_OF_TAG[tag] ?? (tag === 'script' ? element.getAttribute('data-cell-type') : null);
    if (!type) continue;
    const source = TYPE_OF_TAG[tag] ? ((element as SourceElement).source ?? '') : (element.textContent ?? '');
    const attributes: Record<string, string> = {};
    for (const attribute of element.attributes) {
      if (RUNTIME_ATTRIBUTES.has(attribute.name) || (tag === 'script' && attribute.name === 'type')) continue;
      attributes[attribute.name] = attribute.value;
    }
    let id = Math.floor(Number(element.getAttribute('cell-id')));
    if (!(id > 0) || used.has(id)) id = 0;
    else used.add(id);
    pending.push({ element, spec: { type, source, attributes }, id });
  }
  let next = Math.max(0, ...used);
  return {
    cells: pending.map(({ element, spec, id }) => {
      if (id === 0) {
        id = ++next;
        // The id is stable from now on: saving again gives the same file.
        element.setAttribute('cell-id', String(id));
      }
      return { id, ...spec };
    }),
  };
}
