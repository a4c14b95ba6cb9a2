// Evaluation traces as first-class data: `traceOf(f)(...x)` records the Wengert list of one call, with
// the notes' numbering (inputs v₋ₙ₊₁…v₀, intermediates v₁…v_l, outputs y), and prints its primal,
// tangent and adjoint tables from the same rule table the transformations use.
import { type Value, withTrace } from './core.js';
import { DomainError } from './errors.js';
import { add } from './ops.js';
import type { Partial } from './primitives.js';
import { RevTrace, RevTracer } from './reverse.js';
import { full, Tensor } from './tensor.js';
import { treeFlatten, treeUnflatten } from './tree.js';

export interface TableRow {
  /** Left-hand side, e.g. `v₁`, `v̇₁`, `v̄₀`, `y`, `x̄₁`. */
  name: string;
  /** Symbolic right-hand side, e.g. `ln v₋₁`, `v̇₋₁ / v₋₁`, `v̄₀ + v̄₂ × v₋₁`. */
  definition: string;
  /** The right-hand side with numbers substituted (rounded to 3 decimals). */
  expression: string;
  /** The exact value. */
  value: number | Tensor;
}

export interface Table {
  title: string;
  rows: TableRow[];
  toString(): string;
}

const SUB: Record<string, string> = { '-': '₋', '0': '₀', '1': '₁', '2': '₂', '3': '₃', '4': '₄', '5': '₅', '6': '₆', '7': '₇', '8': '₈', '9': '₉' };
const subscript = (i: number): string => [...String(i)].map((c) => SUB[c] ?? c).join('');

/** Numbers rounded to 3 decimals with a true minus sign; tensors by shape. */
export function formatValue(v: Value | null): string {
  if (v === null) return '0';
  if (typeof v === 'number') {
    if (Number.isInteger(v)) return v < 0 ? `−${-v}` : String(v);
    const r = Number(v.toFixed(3));
    return r < 0 ? `−${-r}` : String(r);
  }
  if (v instanceof Tensor) return v.size === 1 ? formatValue(v.data[0]!) : `‹${v.shape.join('×')} tensor›`;
  return formatValue(v.primal);
}

/** A number as an operand inside an expression: negatives get parentheses (`10.693 − (−0.959)`). */
const operand = (v: Value | null): string => {
  const s = formatValue(v);
  return s.startsWith('−') ? `(${s})` : s;
};

const asNumber = (v: Value): number | Tensor => {
  while (typeof v !== 'number' && !(v instanceof Tensor)) v = v.primal;
  return v;
};

function render(title: string, rows: readonly TableRow[]): string {
  const lhs = rows.map((r) => `${r.name} = ${r.definition}`);
  const width = Math.max(...lhs.map((s) => s.length));
  const body = rows.map((r, i) => {
    const value = formatValue(r.value);
    const tail = r.expression === value ? `= ${value}` : `= ${r.expression} = ${value}`;
    return `${lhs[i]!.padEnd(width)}  ${tail}`;
  });
  return [title, ...body].join('\n');
}

function table(title: string, rows: TableRow[]): Table {
  return { title, rows, toString: () => render(title, rows) };
}

interface Step {
  node: RevTracer;
  name: string;
}

/** One recorded call of f, numbered as in the notes. */
export class WengertList {
  readonly inputs: readonly RevTracer[];
  readonly steps: readonly Step[];
  readonly outputs: readonly Value[];
  private readonly trace: RevTrace;
  private readonly names = new Map<RevTracer, string>();

  constructor(trace: RevTrace, outputs: readonly Value[]) {
    this.trace = trace;
    this.inputs = trace.inputs;
    this.outputs = outputs;
    const n = this.inputs.length;
    this.inputs.forEach((x, i) => {
      this.names.set(x, `v${subscript(i + 1 - n)}`);
    });
    // Number intermediates level by level (1 + the deepest input), as the notes' tables do.
    const level = new Map<RevTracer, number>(this.inputs.map((x) => [x, 0]));
    for (const node of trace.tape) level.set(node, 1 + Math.max(0, ...node.inputs.map((x) => (x ? level.get(x)! : 0))));
    const order = trace.tape.map((node, i) => ({ node, i })).sort((a, b) => level.get(a.node)! - level.get(b.node)! || a.i - b.i);
    this.steps = order.map(({ node }, k) => {
      const name = `v${subscript(k + 1)}`;
      this.names.set(node, name);
      return { node, name };
    });
  }

  private ref(x: Value | null, v: Value, mark = ''): string {
    if (x instanceof RevTracer && this.names.has(x)) return this.names.get(x)!.replace('v', `v${mark}`);
    return formatValue(v);
  }

  private show(step: Step, names: readonly string[]): string {
    const show = step.node.prim!.show;
    return show ? show.primal(names) : `${step.node.prim!.name}(${names.join(', ')})`;
  }

  private partial(step: Step, j: number, symbolic: boolean): Partial | null {
    const { node } = step;
    const show = node.prim!.show;
    if (!show) return null;
    const args = node.primals.map((p, i) => (symbolic ? this.ref(node.inputs[i]!, p) : operand(p)));
    const out = symbolic ? step.name : formatValue(node.primal);
    return show.partials[j]!(args, out);
  }

  private outputName(i: number): string {
    return this.outputs.length === 1 ? 'y' : `y${subscript(i + 1)}`;
  }

  /** The forward primal trace. */
  primalTable(): Table {
    const rows: TableRow[] = this.inputs.map((x, i) => ({
      name: this.names.get(x)!,
      definition: `x${subscript(i + 1)}`,
      expression: formatValue(x.primal),
      value: asNumber(x.primal),
    }));
    for (const step of this.steps) {
      const { node } = step;
      rows.push({
        name: step.name,
        definition: this.show(
          step,
          node.primals.map((p, i) => this.ref(node.inputs[i]!, p)),
        ),
        expression: this.show(step, node.primals.map(operand)),
        value: asNumber(node.primal),
      });
    }
    this.outputs.forEach((y, i) => {
      rows.push({ name: this.outputName(i), definition: this.ref(y, y), expression: formatValue(y), value: asNumber(y) });
    });
    return table('Forward primal trace', rows);
  }

  /** The forward tangent trace along `direction` (default: the first input's unit vector). */
  tangentTable(direction?: readonly number[]): Table {
    const n = this.inputs.length;
    const dir = direction ?? Array.from({ length: n }, (_, i) => (i === 0 ? 1 : 0));
    if (dir.length !== n) throw new DomainError('tangentTable', `the direction has ${dir.length} entries for ${n} inputs`);
    this.inputs.forEach((x, i) => {
      const d = dir[i]!;
      const p = x.primal;
      x.tangent = p instanceof Tensor && typeof d === 'number' ? full(p.shape, d, { dtype: p.dtype }) : d;
    });
    try {
      this.trace.forward(0);
      const rows: TableRow[] = this.inputs.map((x, i) => ({
        name: this.names.get(x)!.replace('v', 'v̇'),
        definition: `ẋ${subscript(i + 1)}`,
        expression: formatValue(dir[i]!),
        value: dir[i]!,
      }));
      for (const step of this.steps) {
        const { node } = step;
        const terms = (symbolic: boolean) =>
          node.inputs
            .map((x, j) => {
              if (x === null) return null;
              const t = symbolic ? this.ref(x, x, '̇') : operand(x.tangent);
              const form = this.partial(step, j, true);
              const p = this.partial(step, j, symbolic);
              if (!form || !p) return `${t} ∂${j}`;
              if (form.op === '×' && form.expr === '1') return `+ ${t}`;
              if (form.op === '×' && form.expr === '(−1)') return `− ${t}`;
              return `+ ${t} ${p.op} ${p.expr}`;
            })
            .filter((s): s is string => s !== null)
            .join(' ')
            .replace(/^\+ /, '')
            .replace(/^− /, '−');
        rows.push({
          name: step.name.replace('v', 'v̇'),
          definition: terms(true),
          expression: terms(false),
          value: asNumber(node.tangent ?? 0),
        });
      }
      this.outputs.forEach((y, i) => {
        const t = y instanceof RevTracer ? (y.tangent ?? 0) : 0;
        rows.push({ name: this.outputName(i).replace('y', 'ẏ'), definition: this.ref(y, y, '̇'), expression: formatValue(t), value: asNumber(t) });
      });
      return table('Forward tangent trace', rows);
    } finally {
      this.trace.reset();
    }
  }

  /** The reverse adjoint trace from `seed` (default 1) on the output, in execution order. */
  adjointTable(seed: number = 1): Table {
    if (this.outputs.length !== 1) throw new DomainError('adjointTable', 'the adjoint table needs a single output');
    const y = this.outputs[0]!;
    const rows: TableRow[] = [];
    const adjoint = new Map<RevTracer, Value>();
    if (y instanceof RevTracer && this.names.has(y)) {
      adjoint.set(y, seed);
      rows.push({ name: this.ref(y, y, '̄'), definition: 'ȳ', expression: formatValue(seed), value: seed });
    }
    for (let k = this.steps.length - 1; k >= 0; k--) {
      const step = this.steps[k]!;
      const { node } = step;
      const ct = adjoint.get(node);
      if (ct === undefined) continue;
      const cts = node.pullback(ct, 0);
      node.inputs.forEach((x, j) => {
        const c = cts[j];
        if (x === null || c === null || c === undefined) return;
        const name = this.ref(x, x, '̄');
        const p = this.partial(step, j, true);
        const pn = this.partial(step, j, false);
        const contribution = p ? `${this.ref(node, node, '̄')} ${p.op} ${p.expr}` : `∂${j}`;
        const numeric = pn ? `${formatValue(ct)} ${pn.op} ${pn.expr}` : formatValue(c);
        const previous = adjoint.get(x);
        const total = previous === undefined ? c : add(previous, c);
        adjoint.set(x, total);
        rows.push({
          name,
          definition: previous === undefined ? contribution : `${name} + ${contribution}`,
          expression: previous === undefined ? numeric : `${formatValue(previous)} + ${numeric}`,
          value: asNumber(total),
        });
      });
    }
    this.inputs.forEach((x, i) => {
      const v = adjoint.get(x) ?? 0;
      rows.push({ name: `x̄${subscript(i + 1)}`, definition: this.ref(x, x, '̄'), expression: formatValue(v), value: asNumber(v) });
    });
    return table('Reverse adjoint trace', rows);
  }
}

/** Records the Wengert list of one call of f. Every numeric leaf of the arguments is an input. */
export function traceOf(f: (...args: never[]) => unknown) {
  return (...args: unknown[]): WengertList =>
    withTrace(
      (level) => new RevTrace(level),
      (trace) => {
        const { leaves, def } = treeFlatten(args);
        const tracers = leaves.map((leaf) => trace.input(leaf));
        const out = (f as (...a: unknown[]) => unknown)(...treeUnflatten<unknown[]>(def, tracers));
        return new WengertList(trace, treeFlatten(out).leaves);
      },
    );
}
