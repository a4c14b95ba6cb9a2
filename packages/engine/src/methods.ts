// Op methods on Tensor and on tracers, so `x.mul(y).sum()` reads like NumPy and works under any transformation.
import { Tracer, type Value } from './core.js';
import * as ops from './ops.js';
import type { Axis, ValueLike } from './ops.js';
import { Tensor } from './tensor.js';

export interface OpMethods {
  add(b: ValueLike): Value;
  sub(b: ValueLike): Value;
  mul(b: ValueLike): Value;
  div(b: ValueLike): Value;
  pow(b: ValueLike): Value;
  maximum(b: ValueLike): Value;
  minimum(b: ValueLike): Value;
  matmul(b: ValueLike): Value;
  dot(b: ValueLike): Value;
  lt(b: ValueLike): Value;
  le(b: ValueLike): Value;
  gt(b: ValueLike): Value;
  ge(b: ValueLike): Value;
  eq(b: ValueLike): Value;
  ne(b: ValueLike): Value;
  neg(): Value;
  square(): Value;
  exp(): Value;
  log(): Value;
  log1p(): Value;
  expm1(): Value;
  sin(): Value;
  cos(): Value;
  tan(): Value;
  tanh(): Value;
  sinh(): Value;
  cosh(): Value;
  atan(): Value;
  asinh(): Value;
  sqrt(): Value;
  abs(): Value;
  sign(): Value;
  sigmoid(): Value;
  softplus(): Value;
  relu(): Value;
  sum(axis?: Axis, keepdims?: boolean): Value;
  mean(axis?: Axis, keepdims?: boolean): Value;
  max(axis?: Axis, keepdims?: boolean): Value;
  min(axis?: Axis, keepdims?: boolean): Value;
  prod(axis?: Axis, keepdims?: boolean): Value;
  logsumexp(axis?: Axis, keepdims?: boolean): Value;
  softmax(axis?: number): Value;
  reshape(shape: readonly number[]): Value;
  transpose(perm?: readonly number[]): Value;
  broadcastTo(shape: readonly number[]): Value;
  slice(begin: readonly number[], size?: readonly number[]): Value;
}

declare module './tensor.js' {
  interface Tensor extends OpMethods {}
}
declare module './core.js' {
  interface Tracer extends OpMethods {}
}

const binaryNames = ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'matmul', 'dot', 'lt', 'le', 'gt', 'ge', 'eq', 'ne'] as const;
const unaryNames = [
  'neg',
  'square',
  'exp',
  'log',
  'log1p',
  'expm1',
  'sin',
  'cos',
  'tan',
  'tanh',
  'sinh',
  'cosh',
  'atan',
  'asinh',
  'sqrt',
  'abs',
  'sign',
  'sigmoid',
  'softplus',
  'relu',
] as const;
const withArgs = ['sum', 'mean', 'max', 'min', 'prod', 'logsumexp', 'softmax', 'reshape', 'transpose', 'broadcastTo', 'slice'] as const;

// A plain object of the ops (not the module namespace) to look methods up by name.
const table = { ...ops } as unknown as Record<string, (x: Value, ...a: unknown[]) => Value>;

for (const proto of [Tensor.prototype, Tracer.prototype] as unknown as Record<string, unknown>[]) {
  for (const name of binaryNames)
    proto[name] = function (this: Value, b: ValueLike) {
      return table[name]!(this, b);
    };
  for (const name of unaryNames)
    proto[name] = function (this: Value) {
      return table[name]!(this);
    };
  for (const name of withArgs)
    proto[name] = function (this: Value, ...args: unknown[]) {
      return table[name]!(this, ...args);
    };
}
