import type { Trajectory } from './protocol.js';

/** Where in the loss source an error happened: 1-based line, 0-based column (ESTree convention). */
export interface SourceSpan {
  line: number;
  column: number;
  endLine?: number;
  endColumn?: number;
}

export type EngineErrorCode =
  /** The loss source does not parse. */
  | 'syntax-error'
  /** The source parses but is not a loss we can compile (e.g. it does not end with a function). */
  | 'compile-error'
  /** User code threw while running (TypeError, a throw statement, …). */
  | 'runtime-error'
  /** The engine refused (ShapeError, DomainError, NotDifferentiableError, …); `engineCode` says which. */
  | 'engine-error'
  /** A call ran longer than the time budget; the worker was terminated and respawned. */
  | 'timeout'
  /** Another call's runaway code forced a respawn; this call was pending and is lost. */
  | 'worker-restarted'
  /** The worker died on its own (crash, out of memory). */
  | 'worker-crashed'
  /** A call was cancelled by its AbortSignal before it could return anything. */
  | 'aborted'
  /** A function id that was never defined (or was disposed). */
  | 'unknown-function'
  /** Arguments that cannot work (bad ranges, unknown optimizer name, …). */
  | 'invalid-argument'
  /** The client was disposed. */
  | 'disposed';

/** The plain-data form of an error: what crosses the worker boundary (structured clone keeps all fields). */
export interface SerializedEngineError {
  code: EngineErrorCode;
  message: string;
  span?: SourceSpan;
  /** The function whose source the span points into. */
  functionId?: string;
  /** The engine's own error code or class name when code is 'engine-error'. */
  engineCode?: string;
}

/** Every error the client rejects with. `partial` carries whatever a cancelled or killed run computed. */
export class EngineError extends Error {
  override name = 'EngineError';
  readonly code: EngineErrorCode;
  readonly span?: SourceSpan;
  readonly functionId?: string;
  readonly engineCode?: string;
  /** For descents that were killed or aborted: the trajectory streamed so far. */
  partial?: Trajectory;

  constructor(code: EngineErrorCode, message: string, details: Omit<SerializedEngineError, 'code' | 'message'> = {}) {
    super(message);
    this.code = code;
    if (details.span) this.span = details.span;
    if (details.functionId !== undefined) this.functionId = details.functionId;
    if (details.engineCode !== undefined) this.engineCode = details.engineCode;
  }

  toJSON(): SerializedEngineError {
    const out: SerializedEngineError = { code: this.code, message: this.message };
    if (this.span) out.span = this.span;
    if (this.functionId !== undefined) out.functionId = this.functionId;
    if (this.engineCode !== undefined) out.engineCode = this.engineCode;
    return out;
  }

  static fromJSON(data: SerializedEngineError): EngineError {
    const { code, message, ...details } = data;
    return new EngineError(code, message, details);
  }
}

/** Turns anything thrown in the worker into plain data: engine errors keep their class/code, the rest are runtime errors. */
export function serializeError(error: unknown, functionId?: string): SerializedEngineError {
  if (error instanceof EngineError) {
    const out = error.toJSON();
    if (out.functionId === undefined && functionId !== undefined) out.functionId = functionId;
    return out;
  }
  let out: SerializedEngineError;
  if (error instanceof Error) {
    // The engine's errors (WengertError and subclasses) carry a string `.code`; plain JS errors do not.
    const engineCode = (error as { code?: unknown }).code;
    out =
      typeof engineCode === 'string'
        ? { code: 'engine-error', message: `${error.name}: ${error.message}`, engineCode }
        : { code: 'runtime-error', message: `${error.name}: ${error.message}` };
  } else {
    out = { code: 'runtime-error', message: `Uncaught ${String(error)}` };
  }
  if (functionId !== undefined) out.functionId = functionId;
  return out;
}
