import { Runtime, type Variable } from '@observablehq/runtime';

/** What a cell puts into the graph. */
export interface CellDefinition {
  /** Names the cell reads (other cells' outputs, builtins, globals). */
  inputs: readonly string[];
  /** A single name bound to the whole value the cell computes (generators stream new values). */
  output?: string;
  /** Several names, read from the `exports` record of the value the cell computes. */
  outputs?: readonly string[];
  /** Computes the cell's value; `signal` aborts when the cell re-runs or is removed (its `invalidation`). */
  run(inputs: Record<string, unknown>, context: CellRunContext): unknown;
}

export interface CellRunContext {
  signal: AbortSignal;
  invalidation: Promise<void>;
}

export type CellStatus = { state: 'pending' } | { state: 'fulfilled'; value: unknown } | { state: 'rejected'; error: unknown };

interface DefinedCell {
  main: Variable;
  inputs: readonly string[];
  outputs: Variable[];
  names: string[];
  mainStatus: CellStatus;
  outputErrors: Map<string, unknown>;
  report: (status: CellStatus) => void;
  version: number;
}

let cellCounter = 0;

/**
 * Cells on `@observablehq/runtime`: each cell is one observed variable, plus one variable per name it
 * defines. The runtime orders evaluation topologically and reports cycles ("circular definition") and
 * duplicates ("x is defined more than once"); errors of a cell's names are shown in that cell.
 */
export class CellGraph {
  readonly runtime: Runtime;
  private readonly module;
  private readonly cells = new Map<object, DefinedCell>();

  /** `builtins` are definitions, computed only when a cell reads them (so a lazy engine client stays unborn). */
  constructor(builtins: Record<string, () => unknown> = {}) {
    this.runtime = new Runtime(builtins);
    this.module = this.runtime.module();
  }

  /** Defines or redefines the cell `key`; `report` receives its status after every change. */
  define(key: object, definition: CellDefinition, report: (status: CellStatus) => void): void {
    let cell = this.cells.get(key);
    if (!cell) {
      const fresh: DefinedCell = {
        main: undefined as unknown as Variable,
        inputs: [],
        outputs: [],
        names: [],
        mainStatus: { state: 'pending' },
        outputErrors: new Map(),
        report,
        version: 0,
      };
      fresh.main = this.module.variable({
        pending: () => this.update(fresh, { state: 'pending' }),
        fulfilled: (value) => this.update(fresh, { state: 'fulfilled', value }),
        rejected: (error) => this.update(fresh, { state: 'rejected', error }),
      });
      this.cells.set(key, fresh);
      cell = fresh;
    }
    cell.report = report;
    for (const variable of cell.outputs) variable.delete();
    cell.outputs = [];
    cell.outputErrors.clear();
    const version = ++cell.version;

    const inputs = [...definition.inputs, 'invalidation'];
    const body = (...values: unknown[]) => {
      const invalidation = values.pop() as Promise<void>;
      const controller = new AbortController();
      invalidation.then(() => controller.abort(new DOMException('The cell was invalidated.', 'AbortError')));
      const scope = Object.fromEntries(definition.inputs.map((name, i) => [name, values[i]]));
      return definition.run(scope, { signal: controller.signal, invalidation });
    };
    const outputs = definition.output === undefined ? [...(definition.outputs ?? [])] : [];
    const mainName = definition.output ?? (outputs.length ? `cell ${++cellCounter}` : null);
    cell.names = definition.output === undefined ? outputs : [definition.output];
    cell.inputs = definition.inputs;
    cell.main.define(mainName, inputs, body);
    for (const name of outputs) {
      const owner = cell;
      const variable = this.module.variable({
        fulfilled: () => {
          if (owner.version === version && owner.outputErrors.delete(name)) this.publish(owner);
        },
        rejected: (error) => {
          if (owner.version !== version) return;
          owner.outputErrors.set(name, error);
          this.publish(owner);
        },
      });
      variable.define(name, [mainName!], (value: { exports?: Record<string, unknown> } | undefined) => value?.exports?.[name]);
      cell.outputs.push(variable);
    }
  }

  /** Removes the cell and its names; dependents see "x is not defined". */
  delete(key: object): void {
    const cell = this.cells.get(key);
    if (!cell) return;
    this.cells.delete(key);
    cell.version++;
    for (const variable of cell.outputs) variable.delete();
    cell.main.delete();
  }

  /** The cell that defines `name`, if exactly one does. */
  definerOf(name: string): object | undefined {
    const definers = [...this.cells].filter(([, cell]) => cell.names.includes(name));
    return definers.length === 1 ? definers[0]![0] : undefined;
  }

  /** The value of a name once computed (for tests and tools). */
  value(name: string): Promise<unknown> {
    return this.module.value(name);
  }

  dispose(): void {
    this.cells.clear();
    this.runtime.dispose();
  }

  private update(cell: DefinedCell, status: CellStatus): void {
    // A deleted cell's variable may still settle (to undefined); its element has moved on.
    if (![...this.cells.values()].includes(cell)) return;
    cell.mainStatus = status;
    this.publish(cell);
  }

  private publish(cell: DefinedCell): void {
    const [outputError] = cell.outputErrors.values();
    const status: CellStatus = cell.outputErrors.size ? { state: 'rejected', error: outputError } : cell.mainStatus;
    cell.report(status.state === 'rejected' ? { state: 'rejected', error: this.explain(cell, status.error) } : status);
  }

  /** "circular definition" becomes "circular definition: a → b → a", naming the cycle through this cell. */
  private explain(cell: DefinedCell, error: unknown): unknown {
    if (!(error instanceof Error) || error.message !== 'circular definition') return error;
    const cycle = this.cycleThrough(cell);
    if (!cycle) return error;
    const explained = new Error(`circular definition: ${cycle.join(' → ')}`);
    explained.name = error.name;
    return explained;
  }

  /** The names of a dependency cycle that starts and ends at one of `cell`'s names, if any. */
  private cycleThrough(cell: DefinedCell): string[] | undefined {
    const definer = new Map<string, DefinedCell>();
    for (const other of this.cells.values()) for (const name of other.names) definer.set(name, other);
    for (const start of cell.names) {
      // Depth-first over "name → the names its defining cell reads".
      const path: string[] = [start];
      const visited = new Set<string>();
      const search = (name: string): boolean => {
        for (const input of definer.get(name)?.inputs ?? []) {
          if (input === start) return path.push(input) > 0;
          if (visited.has(input) || !definer.has(input)) continue;
          visited.add(input);
          path.push(input);
          if (search(input)) return true;
          path.pop();
        }
        return false;
      };
      if (search(start)) return path;
    }
    return undefined;
  }
}
