import * as engine from '@wengert/engine';
import { type CompiledLoss, compileLoss, type LossInput, runLoss } from './compile/define.js';
import { createOperatorRuntime } from './compile/runtime.js';
import { forgetStepCosts, runDescent } from './descent.js';
import { engineBackend, toNumber, toPlain } from './engine-backend.js';
import { EngineError, serializeError } from './errors.js';
import { gridPoint } from './grid.js';
import type {
  DescendSpec,
  JacobianOptions,
  JacobianResult,
  PlainTree,
  Range2,
  Reply,
  TraceTable,
  TraceTableOptions,
  TraceTables,
  Trajectory,
  ValueAndGradResult,
} from './protocol.js';

export type WorkerApi = ReturnType<typeof createWorkerApi>;
export type WorkerMethod = keyof WorkerApi;

/**
 * Everything the engine worker does, as plain functions of cloneable arguments that answer with a
 * Reply (value or structured error). The same object serves a Web Worker, a Node worker and
 * in-thread use; it knows nothing of comlink.
 */
export function createWorkerApi(options: { ownThread?: boolean } = {}) {
  // A shared abort flag only helps a run on another thread than the one that raises it.
  const ownThread = options.ownThread ?? true;
  const runtime = createOperatorRuntime(engineBackend);
  const losses = new Map<string, CompiledLoss>();

  const lossOf = (id: string): CompiledLoss => {
    const loss = losses.get(id);
    if (!loss) throw new EngineError('unknown-function', `No function with id '${id}' is defined in the engine.`, { functionId: id });
    return loss;
  };

  /** Runs `body` with the loss, answering errors as data that points into the loss source. */
  const withLoss = <T>(id: string, body: (loss: CompiledLoss) => T): Reply<T> => {
    try {
      const loss = lossOf(id);
      return { ok: true, value: runLoss(loss, () => body(loss)) };
    } catch (error) {
      return { ok: false, error: serializeError(error, id) };
    }
  };

  return {
    /** Answers once the worker has loaded (the client waits for this before timing calls). */
    ready(): Reply<null> {
      return { ok: true, value: null };
    },

    define(id: string, source: string, input: LossInput = 'array'): Reply<null> {
      try {
        losses.set(id, compileLoss(source, runtime, id, input));
        forgetStepCosts(id);
        return { ok: true, value: null };
      } catch (error) {
        return { ok: false, error: serializeError(error, id) };
      }
    },

    forget(id: string): Reply<boolean> {
      forgetStepCosts(id);
      return { ok: true, value: losses.delete(id) };
    },

    evaluate(id: string, x: PlainTree): Reply<PlainTree> {
      return withLoss(id, (loss) => toPlain(loss.fn(argOf(loss, x))));
    },

    valueAndGrad(id: string, x: PlainTree): Reply<ValueAndGradResult> {
      return withLoss(id, (loss) => {
        const [value, grad] = engine.valueAndGrad((v: PlainTree) => loss.fn(v) as engine.Value)(argOf(loss, x)) as [unknown, unknown];
        return { value: toPlain(value), grad: toPlain(grad) };
      });
    },

    jacobian(id: string, x: PlainTree, options: JacobianOptions = {}): Reply<JacobianResult> {
      return withLoss(id, (loss) => {
        const f = (v: PlainTree) => loss.fn(v) as engine.Value;
        const mode = { mode: options.mode ?? 'auto' } as const;
        const jacobian = asMatrix(toPlain(engine.jacobian(f, mode)(argOf(loss, x))));
        // Plain numbers and strings already: it crosses the boundary as it is.
        const explanation = engine.explainJacobian(f, mode)(argOf(loss, x));
        return { jacobian, explanation };
      });
    },

    hessian(id: string, x: PlainTree): Reply<number[][]> {
      return withLoss(id, (loss) => asMatrix(toPlain(engine.hessian((v: PlainTree) => loss.fn(v) as engine.Value)(argOf(loss, x)))));
    },

    traceTables(id: string, x: PlainTree, options: TraceTableOptions = {}): Reply<TraceTables> {
      return withLoss(id, (loss) => {
        const trace = engine.traceOf((v: PlainTree) => loss.fn(v))(argOf(loss, x));
        return {
          primal: tableOf(trace.primalTable()),
          tangent: tableOf(trace.tangentTable(options.direction)),
          adjoint: tableOf(trace.adjointTable(options.seed ?? 1)),
        };
      });
    },

    /** f on an nx × ny grid (x fastest), as one Float64Array that is transferred to the caller. */
    evaluateGrid(id: string, xRange: Range2, yRange: Range2, nx: number, ny: number): Reply<Float64Array> {
      return withLoss(id, (loss) => {
        if (!(nx >= 2 && ny >= 2 && Number.isInteger(nx) && Number.isInteger(ny)))
          throw new EngineError('invalid-argument', `Grid resolution must be whole numbers ≥ 2, got ${nx} × ${ny}.`);
        const z = new Float64Array(nx * ny);
        for (let j = 0; j < ny; j++) {
          const y = gridPoint(yRange, j, ny);
          for (let i = 0; i < nx; i++) z[j * nx + i] = toNumber(loss.fn(argOf(loss, [gridPoint(xRange, i, nx), y])));
        }
        return z;
      });
    },

    async descend(id: string, spec: DescendSpec, port?: MessagePort, abortFlag?: Int32Array): Promise<Reply<Trajectory>> {
      try {
        return { ok: true, value: await runDescent(lossOf(id), spec, port, ownThread ? abortFlag : undefined) };
      } catch (error) {
        port?.postMessage({ type: 'done' });
        port?.close();
        return { ok: false, error: serializeError(error, id) };
      }
    },
  };
}

/** x as the loss expects it: the plain data itself, or a 1-D Tensor of it. */
function argOf(loss: CompiledLoss, x: PlainTree): unknown {
  return loss.input === 'tensor' ? engine.tensor(x as number[]) : x;
}

/** Jacobians and Hessians as m × n arrays, whatever nesting the engine returns for scalars and vectors. */
function asMatrix(value: PlainTree): number[][] {
  if (typeof value === 'number') return [[value]];
  if (Array.isArray(value) && value.every((v) => typeof v === 'number')) return [value as number[]];
  return value as number[][];
}

/** The engine's table objects as structured-clone-safe rows plus the printed table. */
function tableOf(table: engine.Table): TraceTable {
  return {
    title: table.title,
    rows: table.rows.map((row) => ({ name: row.name, definition: row.definition, expression: row.expression, value: toPlain(row.value) })),
    text: table.toString(),
  };
}
