import type { NotebookCellSpec, NotebookFile } from '@wengert/notebook-cells';

/** An id not used by any cell of the notebook (one past the largest). */
export function freshCellId(file: Pick<NotebookFile, 'cells'>): number {
  return file.cells.reduce((max, cell) => Math.max(max, cell.id), 0) + 1;
}

// Every edit returns a new file and leaves the old one untouched, so old files can serve as undo states.

export function insertCell(file: NotebookFile, index: number, cell: NotebookCellSpec): NotebookFile {
  const cells = [...file.cells];
  cells.splice(Math.max(0, Math.min(index, cells.length)), 0, cell);
  return { ...file, cells };
}

export function deleteCell(file: NotebookFile, id: number): NotebookFile {
  return { ...file, cells: file.cells.filter((cell) => cell.id !== id) };
}

/** A copy right below the original, with a new id (and the same source and attributes). */
export function duplicateCell(file: NotebookFile, id: number): NotebookFile {
  const index = file.cells.findIndex((cell) => cell.id === id);
  if (index < 0) return file;
  const original = file.cells[index]!;
  return insertCell(file, index + 1, { ...original, attributes: { ...original.attributes }, id: freshCellId(file) });
}

/** Moves the cell `delta` places (−1 up, +1 down); a move past either end leaves the file as it is. */
export function moveCell(file: NotebookFile, id: number, delta: number): NotebookFile {
  const index = file.cells.findIndex((cell) => cell.id === id);
  const target = index + delta;
  if (index < 0 || target < 0 || target >= file.cells.length) return file;
  const cells = [...file.cells];
  const [cell] = cells.splice(index, 1);
  cells.splice(target, 0, cell!);
  return { ...file, cells };
}

export function setCellSource(file: NotebookFile, id: number, source: string): NotebookFile {
  return { ...file, cells: file.cells.map((cell) => (cell.id === id && cell.source !== source ? { ...cell, source } : cell)) };
}

export function setCellAttribute(file: NotebookFile, id: number, name: string, value: string | null): NotebookFile {
  return {
    ...file,
    cells: file.cells.map((cell) => {
      if (cell.id !== id) return cell;
      const attributes = { ...cell.attributes };
      if (value === null) delete attributes[name];
      else attributes[name] = value;
      return { ...cell, attributes };
    }),
  };
}

/**
 * Undo and redo over whole notebook states. Structural edits (add, delete, move, duplicate) push a
 * state; a run of source edits to one cell is merged into one step, like typing in an editor.
 */
export class History {
  private readonly undoStack: { file: NotebookFile; label: string }[] = [];
  private readonly redoStack: { file: NotebookFile; label: string }[] = [];
  private lastMergeKey: string | undefined;

  constructor(private readonly limit = 200) {}

  /** Records `before` as the state to return to; edits with the same `mergeKey` in a row share one step. */
  record(before: NotebookFile, label: string, mergeKey?: string): void {
    if (mergeKey !== undefined && mergeKey === this.lastMergeKey) return;
    this.lastMergeKey = mergeKey;
    this.undoStack.push({ file: before, label });
    if (this.undoStack.length > this.limit) this.undoStack.shift();
    this.redoStack.length = 0;
  }

  get canUndo(): boolean {
    return this.undoStack.length > 0;
  }
  get canRedo(): boolean {
    return this.redoStack.length > 0;
  }
  /** What the next undo would revert ("delete cell"). */
  get undoLabel(): string | undefined {
    return this.undoStack.at(-1)?.label;
  }

  undo(current: NotebookFile): NotebookFile | undefined {
    const entry = this.undoStack.pop();
    if (!entry) return undefined;
    this.lastMergeKey = undefined;
    this.redoStack.push({ file: current, label: entry.label });
    return entry.file;
  }

  redo(current: NotebookFile): NotebookFile | undefined {
    const entry = this.redoStack.pop();
    if (!entry) return undefined;
    this.lastMergeKey = undefined;
    this.undoStack.push({ file: current, label: entry.label });
    return entry.file;
  }

  clear(): void {
    this.undoStack.length = 0;
    this.redoStack.length = 0;
    this.lastMergeKey = undefined;
  }
}
