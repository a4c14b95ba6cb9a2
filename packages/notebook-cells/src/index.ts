export { CELL_TYPES, type NotebookCellSpec, type NotebookFile, nextCellId, parseNotebook, serializeNotebook } from './format/notebook-file.js';
