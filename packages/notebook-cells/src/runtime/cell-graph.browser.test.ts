import { afterEach, describe, expect, it } from 'vitest';
import { analyzeJavaScript } from './analyze-javascript.js';
import { type CellDefinition, CellGraph, type CellStatus } from './cell-graph.js';

const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (...args: string[]) => (...args: unknown[]) => Promise<unknown>;

/** A JavaScript cell definition straight from source, as <wg-js-cell> builds it. */
function jsCell(source: string): CellDefinition {
  const analyzed = analyzeJavaScript(source);
  const fn = new AsyncFunction(...analyzed.inputs, 'display', 'view', '__import__', analyzed.body);
  return {
    inputs: analyzed.inputs,
    outputs: analyzed.outputs,
    run: (scope) => fn(...analyzed.inputs.map((name) => scope[name]), () => {}, () => {}, (s: string) => import(/* @vite-ignore */ s)),
  };
}

/** Records every status a cell reports and resolves when one matches. */
class Probe {
  statuses: CellStatus[] = [];
  private waiters: (() => void)[] = [];
  readonly report = (status: CellStatus) => {
    this.statuses.push(status);
    for (const wake of this.waiters.splice(0)) wake();
  };
  get last(): CellStatus | undefined {
    return this.statuses.at(-1);
  }
  async until(predicate: (status: CellStatus) => boolean): Promise<CellStatus> {
    while (!(this.last && predicate(this.last))) await new Promise<void>((resolve) => this.waiters.push(resolve));
    return this.last!;
  }
}

const fulfilled = (s: CellStatus) => s.state === 'fulfilled';
const rejected = (s: CellStatus) => s.state === 'rejected';
const displayOf = (s: CellStatus) => (s.state === 'fulfilled' ? (s.value as { display: unknown }).display : undefined);
const errorOf = (s: CellStatus) => (s.state === 'rejected' ? String((s.error as Error).message) : '');

let graph: CellGraph;
afterEach(() => graph?.dispose());

describe('CellGraph with JavaScript cells', () => {
  it('evaluates cells in dependency order whatever the definition order, and re-runs dependents', async () => {
    graph = new CellGraph();
    const sum = new Probe();
    const a = new Probe();
    graph.define(sum, jsCell('a + b'), sum.report);
    graph.define(a, jsCell('const a = 2;'), a.report);
    graph.define({}, jsCell('const b = a * 10;'), () => {});
    expect(displayOf(await sum.until(fulfilled))).toBe(22);

    graph.define(a, jsCell('const a = 5;'), a.report);
    await sum.until((s) => displayOf(s) === 55);
  });

  it('shows a cycle as an error in every cell involved', async () => {
    graph = new CellGraph();
    const x = new Probe();
    const y = new Probe();
    graph.define(x, jsCell('const x = y + 1;'), x.report);
    graph.define(y, jsCell('const y = x + 1;'), y.report);
    expect(errorOf(await x.until(rejected))).toBe('circular definition: x → y → x');
    expect(errorOf(await y.until(rejected))).toBe('circular definition: y → x → y');
  });

  it('shows a duplicate name as an error in both defining cells, and recovers after a rename', async () => {
    graph = new CellGraph();
    const first = new Probe();
    const second = new Probe();
    const reader = new Probe();
    graph.define(first, jsCell('const n = 1;'), first.report);
    graph.define(second, jsCell('const n = 2;'), second.report);
    graph.define(reader, jsCell('n * 100'), reader.report);
    expect(errorOf(await first.until(rejected))).toMatch(/n is defined more than once/);
    expect(errorOf(await second.until(rejected))).toMatch(/n is defined more than once/);
    expect(errorOf(await reader.until(rejected))).toMatch(/n is defined more than once/);

    graph.define(second, jsCell('const m = 2;'), second.report);
    expect(displayOf(await reader.until(fulfilled))).toBe(100);
    await first.until(fulfilled);
    await second.until(fulfilled);
  });

  it('aborts the signal of a cell that re-runs (its invalidation)', async () => {
    graph = new CellGraph();
    const signals: AbortSignal[] = [];
    const input = new Probe();
    graph.define(input, jsCell('const k = 1;'), input.report);
    const watcher = new Probe();
    const watch: CellDefinition = {
      inputs: ['k'],
      run: (_scope, { signal }) => {
        signals.push(signal);
        return signals.length;
      },
    };
    graph.define(watcher, watch, watcher.report);
    await watcher.until((s) => s.state === 'fulfilled' && s.value === 1);
    graph.define(input, jsCell('const k = 2;'), input.report);
    await watcher.until((s) => s.state === 'fulfilled' && s.value === 2);
    expect(signals[0]!.aborted).toBe(true);
    expect(signals[1]!.aborted).toBe(false);
  });

  it('reports a syntax error with its line and column', () => {
    expect(() => analyzeJavaScript('const a = 1;\nconst = 2;')).toThrow(expect.objectContaining({ code: 'SyntaxError', span: { line: 2, column: 6 } }));
  });

  it('finds top-level declarations and free references', () => {
    const analyzed = analyzeJavaScript('const {p, q: [r]} = obj;\nfunction f(u) { return u + w; }\nclass C {}\nlet s = Math.max(p, r);');
    expect(analyzed.outputs).toEqual(['p', 'r', 'f', 'C', 's']);
    expect(analyzed.inputs.sort()).toEqual(['Math', 'obj', 'w']);
    expect(analyzed.hasDisplay).toBe(false);
  });
});
