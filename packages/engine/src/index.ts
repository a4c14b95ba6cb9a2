/**
 * @wengert/engine: automatic differentiation for TypeScript. Forward and reverse mode from one rule
 * table, any nesting, Jacobians in the cheaper mode, evaluation traces as first-class data.
 */
import './methods.js';

export { shapeOf, Tracer, type Value } from './core.js';
export { DomainError, NotDifferentiableError, ShapeError, TracerError, WengertError } from './errors.js';
export * from './ops.js';
export { type PrimitiveName, primitives } from './primitives.js';
export {
  arange,
  type DType,
  eye,
  full,
  linspace,
  type NestedArray,
  ones,
  type Shape,
  Tensor,
  type TensorOptions,
  type TypedArray,
  tensor,
  zeros,
} from './tensor.js';
export * from './transforms.js';
export { type JitExplanation, type Jitted, jit } from './jit.js';
export { Dual, dualDerivative } from './dual.js';
export { backward, Param, param, zeroGrad } from './param.js';
export { formatValue, type Table, type TableRow, traceOf, WengertList } from './wengert-list.js';
export { type Tree, type TreeDef, treeFlatten, treeMap, treeUnflatten } from './tree.js';
export * from './optim/index.js';
