import { ContextRoot } from '@lit/context';

// Cells that upgrade before their <wg-notebook> ask for its context too early; the root replays their
// requests once the notebook is defined.
if (typeof document !== 'undefined' && !(globalThis as { __wengertContextRoot?: boolean }).__wengertContextRoot) {
  (globalThis as { __wengertContextRoot?: boolean }).__wengertContextRoot = true;
  new ContextRoot().attach(document.documentElement);
}

// The notebook is defined first, so cells already in the page find their provider when they upgrade.
export { WgNotebook } from './elements/wg-notebook.js';
export { WgCell } from './elements/wg-cell.js';
export { WgCodeEditor } from './elements/wg-code-editor.js';
export { WgMarkdownCell } from './elements/wg-markdown-cell.js';
export { WgJsCell } from './elements/wg-js-cell.js';
export { type TraceTableKind, WgLossCell } from './elements/wg-loss-cell.js';
export { WgDescentCell } from './elements/wg-descent-cell.js';
export { type PlotRange, WgPlotCell } from './elements/wg-plot-cell.js';
export { CELL_TAGS, cellElementsFromFile, fileFromCellElements } from './format/cell-elements.js';
export { CELL_TYPES, type NotebookCellSpec, type NotebookFile, nextCellId, parseNotebook, serializeNotebook } from './format/notebook-file.js';
export { inspect, inspectorStyles } from './inspector/inspect.js';
export { numbersTable } from './inspector/numbers-table.js';
export { renderMarkdown } from './markdown/render-markdown.js';
export { analyzeJavaScript, type AnalyzedJavaScript } from './runtime/analyze-javascript.js';
export { CellError, type SourceSpan } from './runtime/cell-error.js';
export { type CellDefinition, CellGraph, type CellRunContext, type CellStatus } from './runtime/cell-graph.js';
export type { DescentResult, DescentRun } from './runtime/descent-run.js';
export { type DescentSettings, type NormName, NORMS, type OptimizerName, OPTIMIZERS, type RunSettings } from './runtime/descent-settings.js';
export type { LossValue } from './runtime/loss-value.js';
export { getPageHost, type NotebookHost, notebookContext } from './runtime/notebook-host.js';
