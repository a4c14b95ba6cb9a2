import { EngineError, type SourceSpan, serializeError, type SerializedEngineError } from '../errors.js';
import { RUNTIME_PARAM, type RewrittenSource, rewriteSource } from './rewrite.js';
import type { OperatorRuntime } from './runtime.js';

/** What a loss receives as x: a plain array of numbers (default) or one 1-D Tensor. */
export type LossInput = 'array' | 'tensor';

/** A loss compiled from source: call `fn(x)` with plain numbers, tracers or Tensors. */
export interface CompiledLoss {
  id: string;
  source: string;
  input: LossInput;
  fn: (...args: unknown[]) => unknown;
  /** Where a runtime error thrown by this loss points in its source, if the stack says. */
  locate(error: unknown): SourceSpan | undefined;
}

const PROLOGUE = '"use strict";';

/**
 * Compiles loss source into a function: rewrite the operators, build `new Function(Math, runtime)`
 * and run its top level (helper declarations), which returns the loss. Syntax and compile errors
 * throw EngineError with the span; errors while running the top level come back with their span too.
 */
export function compileLoss(source: string, runtime: OperatorRuntime, id: string, input: LossInput = 'array'): CompiledLoss {
  const rewritten = rewriteSource(source);
  const url = `wengert-fn-${id.replace(/[^\w-]/g, '_')}.js`;
  let factory: (math: Math, rt: OperatorRuntime) => unknown;
  try {
    factory = new Function('Math', RUNTIME_PARAM, `${PROLOGUE}${rewritten.body}\n//# sourceURL=${url}`) as typeof factory;
  } catch (error) {
    // acorn accepted it but the engine did not (e.g. a strict-mode-only rule): report without a guessed span.
    throw new EngineError('compile-error', String((error as Error).message ?? error), { functionId: id });
  }
  const locate = (error: unknown) => locateInStack(error, url, source, rewritten);
  let fn: unknown;
  try {
    fn = factory(runtime.Math, runtime);
  } catch (error) {
    throw withSpan(serializeError(error, id), locate(error));
  }
  if (typeof fn !== 'function')
    throw new EngineError('compile-error', `The source must evaluate to a function; it evaluated to ${describe(fn)}.`, { functionId: id });
  return { id, source, input, fn: fn as CompiledLoss['fn'], locate };
}

/** Runs a compiled loss, turning anything it throws into an EngineError that points at the source. */
export function runLoss<T>(loss: CompiledLoss, run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof EngineError && error.span) throw error;
    throw withSpan(serializeError(error, loss.id), loss.locate(error));
  }
}

function withSpan(data: SerializedEngineError, span: SourceSpan | undefined): EngineError {
  return EngineError.fromJSON(span ? { ...data, span } : data);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}

/** V8, SpiderMonkey and JSC all name `//# sourceURL` frames; offset lines by the Function wrapper. */
function locateInStack(error: unknown, url: string, source: string, rewritten: RewrittenSource): SourceSpan | undefined {
  const stack = (error as { stack?: unknown })?.stack;
  if (typeof stack !== 'string') return undefined;
  const escaped = url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = new RegExp(`${escaped}:(\\d+):(\\d+)`).exec(stack);
  if (!match) return undefined;
  const line = Number(match[1]) - wrapperLines();
  let column = Number(match[2]) - 1;
  if (line === 1) column -= PROLOGUE.length;
  const bodyOffset = offsetOf(rewritten.body, line, column);
  if (bodyOffset === undefined) return undefined;
  return positionOf(source, rewritten.originalOffset(bodyOffset));
}

let cachedWrapperLines: number | undefined;

/** How many lines the engine's `new Function` wrapper puts before the body (2 in V8). Measured, not assumed. */
function wrapperLines(): number {
  if (cachedWrapperLines !== undefined) return cachedWrapperLines;
  const url = 'wengert-probe.js';
  try {
    new Function('Math', RUNTIME_PARAM, `${PROLOGUE}throw new Error('probe')\n//# sourceURL=${url}`)();
  } catch (error) {
    const match = /wengert-probe\.js:(\d+):\d+/.exec(String((error as Error).stack));
    cachedWrapperLines = match ? Number(match[1]) - 1 : 2;
  }
  return cachedWrapperLines ?? 2;
}

function offsetOf(text: string, line: number, column: number): number | undefined {
  if (line < 1 || column < 0) return undefined;
  let offset = 0;
  for (let l = 1; l < line; l++) {
    offset = text.indexOf('\n', offset) + 1;
    if (offset === 0) return undefined;
  }
  return offset + column;
}

function positionOf(text: string, offset: number): SourceSpan {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - (before.lastIndexOf('\n') + 1) };
}
