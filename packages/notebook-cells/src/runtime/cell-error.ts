/** A position in a cell's source: 1-based line, 0-based column (the ESTree convention the worker uses too). */
export interface SourceSpan {
  line: number;
  column: number;
}

/** An error that belongs to a cell: a code (`SyntaxError`, `CompileError`, …), a message, and where in the source. */
export class CellError extends Error {
  readonly code: string;
  readonly span: SourceSpan | undefined;

  constructor(code: string, message: string, span?: SourceSpan) {
    super(message);
    this.name = code;
    this.code = code;
    this.span = span;
  }
}

/** Reads `{code, message, span}` from anything thrown (an Error, a structured worker error, a string). */
export function describeError(error: unknown): { code: string; message: string; span: SourceSpan | undefined } {
  if (error && typeof error === 'object') {
    const e = error as { code?: unknown; name?: unknown; message?: unknown; span?: Partial<SourceSpan> | null };
    const span = e.span && typeof e.span.line === 'number' && typeof e.span.column === 'number' ? { line: e.span.line, column: e.span.column } : undefined;
    const code = typeof e.code === 'string' ? e.code : typeof e.name === 'string' ? e.name : 'Error';
    return { code, message: typeof e.message === 'string' ? e.message : String(error), span };
  }
  return { code: 'Error', message: String(error), span: undefined };
}
