import { CELL_TYPES, type NotebookCellSpec, type NotebookFile } from '@wengert/notebook-cells';
import { freshCellId } from './notebook-model.js';

/** The cell kinds the "add cell" menu offers. */
export type CellKind = keyof typeof CELL_TYPES;

export const CELL_KINDS: readonly CellKind[] = ['markdown', 'javascript', 'loss', 'descent', 'plot'];

/** What a freshly added cell of each kind contains; the names make a loss → descent → plot chain work at once. */
const BLANK_SOURCES: Record<CellKind, { source: string; attributes: Record<string, string> }> = {
  markdown: { source: 'Write *Markdown* here, with math: $f(x) = x^2$.', attributes: {} },
  javascript: { source: '// Top-level declarations are visible to other cells; the last expression is shown.\n1 + 1', attributes: { pinned: '' } },
  loss: { source: 'x => (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2', attributes: { name: 'f', point: '-1, 1' } },
  descent: {
    source: JSON.stringify({ start: [-1.5, 1.5], steps: 500, runs: [{ optimizer: 'adam', lr: 0.05 }] }, null, 2),
    attributes: { name: 'descent', loss: 'f' },
  },
  plot: { source: '', attributes: { of: 'descent' } },
};

/** A new cell of `kind` with an id not used in `file`. */
export function blankCell(file: Pick<NotebookFile, 'cells'>, kind: CellKind): NotebookCellSpec {
  const blank = BLANK_SOURCES[kind];
  return { id: freshCellId(file), type: CELL_TYPES[kind], source: blank.source, attributes: { ...blank.attributes } };
}

/** The kind of a cell type, or undefined for types we keep but do not edit. */
export function kindOf(type: string): CellKind | undefined {
  return CELL_KINDS.find((kind) => CELL_TYPES[kind] === type);
}
