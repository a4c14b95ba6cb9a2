import type { NotebookFile } from '@wengert/notebook-cells';
import { describe, expect, it } from 'vitest';
import { deleteCell, duplicateCell, freshCellId, History, insertCell, moveCell, setCellAttribute, setCellSource } from './notebook-model.js';

const file: NotebookFile = {
  title: 'Test',
  attributes: {},
  cells: [
    { id: 1, type: 'text/markdown', source: '# A', attributes: {} },
    { id: 4, type: 'module', source: '1 + 1', attributes: { pinned: '' } },
    { id: 2, type: 'application/vnd.wengert.loss+javascript', source: 'x => x[0] ** 2', attributes: { name: 'f' } },
  ],
};
const ids = (f: NotebookFile) => f.cells.map((cell) => cell.id);

describe('notebook edits', () => {
  it('inserts, deletes, duplicates and moves without touching the original', () => {
    const before = structuredClone(file);
    expect(freshCellId(file)).toBe(5);
    expect(ids(insertCell(file, 1, { id: 5, type: 'module', source: '', attributes: {} }))).toEqual([1, 5, 4, 2]);
    expect(ids(deleteCell(file, 4))).toEqual([1, 2]);
    const duplicated = duplicateCell(file, 4);
    expect(ids(duplicated)).toEqual([1, 4, 5, 2]);
    expect(duplicated.cells[2]).toEqual({ ...file.cells[1], id: 5 });
    expect(duplicated.cells[2]!.attributes).not.toBe(file.cells[1]!.attributes);
    expect(ids(moveCell(file, 2, -1))).toEqual([1, 2, 4]);
    expect(ids(moveCell(file, 1, 1))).toEqual([4, 1, 2]);
    expect(moveCell(file, 1, -1)).toBe(file);
    expect(moveCell(file, 2, 1)).toBe(file);
    expect(setCellSource(file, 4, '2 + 2').cells[1]!.source).toBe('2 + 2');
    expect(setCellAttribute(file, 2, 'point', '1, 2').cells[2]!.attributes).toEqual({ name: 'f', point: '1, 2' });
    expect(setCellAttribute(file, 4, 'pinned', null).cells[1]!.attributes).toEqual({});
    expect(file).toEqual(before);
  });

  it('undoes and redoes whole states, merging a run of edits to one cell into one step', () => {
    const history = new History();
    let current = file;
    const apply = (next: NotebookFile, label: string, mergeKey?: string) => {
      history.record(current, label, mergeKey);
      current = next;
    };
    apply(deleteCell(current, 4), 'delete cell');
    apply(setCellSource(current, 2, 'x => x[0]'), 'edit', 'source:2');
    apply(setCellSource(current, 2, 'x => x[0] ** 3'), 'edit', 'source:2');
    expect(history.undoLabel).toBe('edit');
    current = history.undo(current)!;
    expect(current.cells.map((c) => c.source)).toEqual(['# A', 'x => x[0] ** 2']);
    current = history.undo(current)!;
    expect(current).toBe(file);
    expect(history.canUndo).toBe(false);
    current = history.redo(current)!;
    expect(ids(current)).toEqual([1, 2]);
    current = history.redo(current)!;
    expect(current.cells[1]!.source).toBe('x => x[0] ** 3');
    expect(history.redo(current)).toBeUndefined();
  });
});
