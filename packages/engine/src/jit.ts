// jit: record one call of f as a Wengert list of primitive applications (through any transformations
// inside f, so jit(valueAndGrad(f)) stages the backward sweep too) and compile it into straight-line
// JavaScript: plain arithmetic for scalar steps, kernel calls for tensor steps. A compiled program never
// replays a stale branch: every value the program read as plain data while tracing (control flow,
// `primal`, data-dependent rules) becomes a guard; when a guard fails the call runs eagerly instead, and
// a function whose guards keep failing stays eager.
import { enterLevel, evaluate, exitTrace, Trace, Tracer, type Value } from './core.js';
import type { Raw } from './kernels.js';
import type { AnyPrimitive } from './primitives.js';
import { Tensor } from './tensor.js';
import { type TreeDef, treeFlatten, treeUnflatten } from './tree.js';

class StagedTracer extends Tracer {
  readonly trace: StagingTrace;
  readonly primal: Raw;
  readonly index: number;
  constructor(trace: StagingTrace, primal: Raw, index: number) {
    super();
    this.trace = trace;
    this.primal = primal;
    this.index = index;
  }
}

type Operand = { readonly kind: 'var'; readonly index: number } | { readonly kind: 'const'; readonly index: number };

interface StagedStep {
  prim: AnyPrimitive;
  args: Operand[];
  params: unknown;
  out: number;
  /** All operands and the result were plain numbers: emit the rule's scalar expression inline. */
  scalar: boolean;
}

interface Guard {
  /** Checked right after this many steps. */
  after: number;
  index: number;
  value: Raw;
}

class StagingTrace extends Trace {
  readonly steps: StagedStep[] = [];
  readonly consts: Value[] = [];
  readonly guards: Guard[] = [];
  vars = 0;

  input(value: Raw): StagedTracer {
    return new StagedTracer(this, value, this.vars++);
  }

  operand(a: Value): Operand {
    if (a instanceof StagedTracer && a.trace === this) return { kind: 'var', index: a.index };
    this.consts.push(a);
    return { kind: 'const', index: this.consts.length - 1 };
  }

  process(prim: AnyPrimitive, args: readonly Value[], params: unknown): Value {
    const primals = args.map((a) => (a instanceof StagedTracer && a.trace === this ? a.primal : a));
    const out = evaluate(prim, primals, params) as Raw;
    const scalar = prim.expr !== undefined && typeof out === 'number' && primals.every((p) => typeof p === 'number');
    const index = this.vars++;
    this.steps.push({ prim, args: args.map((a) => this.operand(a)), params, out: index, scalar });
    return new StagedTracer(this, out, index);
  }

  override read(tracer: Tracer, coerced: boolean): void {
    super.read(tracer, coerced);
    if (tracer instanceof StagedTracer && tracer.trace === this)
      this.guards.push({ after: this.steps.length, index: tracer.index, value: tracer.primal });
  }
}

const RETRACE = Symbol('retrace');

type Program = (inputs: readonly Value[], consts: readonly Value[], prims: readonly AnyPrimitive[], params: readonly unknown[], same: typeof sameValue) => unknown;

function sameValue(a: Value, b: Value): boolean {
  if (typeof a === 'number' || typeof b === 'number') return Object.is(a, b);
  if (!(a instanceof Tensor) || !(b instanceof Tensor) || a.size !== b.size) return false;
  const x = a.data;
  const y = b.data;
  for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) return false;
  return true;
}

interface Compiled {
  program: Program | null;
  code: string;
  outDef: TreeDef;
  consts: Value[];
  prims: AnyPrimitive[];
  params: unknown[];
  steps: number;
  guards: number;
  failures: number;
}

/** After this many failed guards for one input signature, the function runs eagerly for good. */
const MAX_RETRACES = 3;

/** The output tree as a JS literal over operand names, so compiled code returns it directly. */
function literal(def: TreeDef, refs: readonly string[]): string {
  let i = 0;
  const build = (d: TreeDef): string => {
    if (d.kind === 'leaf') return refs[i++]!;
    if (d.kind === 'array') return `[${d.children.map(build).join(', ')}]`;
    return `{${d.keys.map((k, j) => `${JSON.stringify(k)}: ${build(d.children[j]!)}`).join(', ')}}`;
  };
  return build(def);
}

function generate(trace: StagingTrace, nInputs: number, outputs: readonly Operand[], outDef: TreeDef): string {
  const ref = (o: Operand) => (o.kind === 'var' ? `v${o.index}` : `c${o.index}`);
  const lines: string[] = [];
  for (let i = 0; i < nInputs; i++) lines.push(`const v${i} = inputs[${i}];`);
  trace.consts.forEach((_, i) => {
    lines.push(`const c${i} = consts[${i}];`);
  });
  let g = 0;
  const guardsUpTo = (n: number) => {
    for (; g < trace.guards.length && trace.guards[g]!.after <= n; g++) {
      const guard = trace.guards[g]!;
      lines.push(`if (!same(v${guard.index}, guards[${g}])) return RETRACE;`);
    }
  };
  guardsUpTo(0);
  trace.steps.forEach((step, k) => {
    const args = step.args.map(ref);
    if (step.scalar) {
      const expr = step.prim.expr!.replace(/\bx\b/g, `(${args[0]})`).replace(/\by\b/g, `(${args[1]})`);
      lines.push(`const v${step.out} = ${expr};`);
    } else lines.push(`const v${step.out} = prims[${k}].eval([${args.join(', ')}], params[${k}]);`);
    guardsUpTo(k + 1);
  });
  lines.push(`return ${literal(outDef, outputs.map(ref))};`);
  return lines.join('\n');
}

/** Input leaves and signature (structure, and per leaf number-or-dtype and shape) in one walk. */
function inspect(args: readonly unknown[]): { leaves: Value[]; key: string; traced: boolean } {
  const leaves: Value[] = [];
  let key = '';
  let traced = false;
  const walk = (x: unknown): void => {
    if (typeof x === 'number') {
      leaves.push(x);
      key += 'n';
    } else if (x instanceof Tensor) {
      leaves.push(x);
      key += `${x.dtype === 'float32' ? 'f' : 'd'}${x.shape.join('x')};`;
    } else if (x instanceof Tracer) {
      traced = true;
      leaves.push(x);
    } else if (Array.isArray(x)) {
      key += '[';
      for (const v of x) walk(v);
      key += ']';
    } else if (x !== null && typeof x === 'object') {
      key += '{';
      for (const [k, v] of Object.entries(x)) {
        key += `${k}:`;
        walk(v);
      }
      key += '}';
    } else {
      // Not differentiable data (strings, booleans…): part of the signature, not an input.
      key += `<${String(x)}>`;
    }
  };
  for (const a of args) walk(a);
  return { leaves, key, traced };
}

export interface JitExplanation {
  compiled: boolean;
  steps: number;
  guards: number;
  failures: number;
  code: string;
  reason: string;
}

// biome-ignore lint/suspicious/noExplicitAny: any signature
export type Jitted<F extends (...args: any[]) => any> = F & { explain(...args: Parameters<F>): JitExplanation };

/** Compiles f (for each input signature) into straight-line JavaScript, guarded against stale branches. */
// biome-ignore lint/suspicious/noExplicitAny: jit wraps user functions of any signature
export function jit<F extends (...args: any[]) => any>(f: F): Jitted<F> {
  const cache = new Map<string, Compiled>();

  const stage = (leaves: Value[], def: TreeDef): { result: unknown; compiled: Compiled } => {
    // The staging trace sits below every transformation created inside f (levels grow with nesting).
    const trace = new StagingTrace(enterLevel());
    const tracers = leaves.map((l) => trace.input(l as Raw));
    let result: unknown;
    try {
      result = f(...treeUnflatten<unknown[]>(def, tracers));
    } finally {
      exitTrace(trace);
    }
    const { leaves: outLeaves, def: outDef } = treeFlatten(result);
    const outputs = outLeaves.map((o) => trace.operand(o));
    const code = generate(trace, leaves.length, outputs, outDef);
    const guardValues = trace.guards.map((g) => g.value);
    const body = new Function('inputs', 'consts', 'prims', 'params', 'same', 'guards', 'RETRACE', code);
    const program: Program = (inputs, consts, prims, params, same) => body(inputs, consts, prims, params, same, guardValues, RETRACE);
    const compiled: Compiled = {
      program,
      code,
      outDef,
      consts: trace.consts,
      prims: trace.steps.map((s) => s.prim),
      params: trace.steps.map((s) => s.params),
      steps: trace.steps.length,
      guards: trace.guards.length,
      failures: 0,
    };
    const concrete = treeUnflatten(
      outDef,
      outLeaves.map((o) => (o instanceof StagedTracer && o.trace === trace ? o.primal : o)),
    );
    return { result: concrete, compiled };
  };

  const call = (...args: unknown[]): unknown => {
    const { leaves, key, traced } = inspect(args);
    // Under an enclosing transformation the inputs are tracers: run f as is and let that trace see it.
    if (traced) return f(...args);
    const entry = cache.get(key);
    if (entry === undefined) {
      const { result, compiled } = stage(leaves, treeFlatten(args).def);
      cache.set(key, compiled);
      return result;
    }
    if (entry.program !== null) {
      const out = entry.program(leaves, entry.consts, entry.prims, entry.params, sameValue);
      if (out !== RETRACE) return out;
      if (++entry.failures >= MAX_RETRACES) entry.program = null;
    }
    return f(...args);
  };

  const explain = (...args: unknown[]): JitExplanation => {
    const { key } = inspect(args);
    if (!cache.has(key)) call(...args);
    const entry = cache.get(key)!;
    const compiled = entry.program !== null;
    const reason = compiled
      ? entry.guards === 0
        ? 'compiled: the program never read a traced value as data'
        : `compiled with ${entry.guards} guard${entry.guards === 1 ? '' : 's'} on values read as data (a failing guard runs eagerly)`
      : `runs eagerly: its guards failed ${entry.failures} times (data-dependent control flow)`;
    return { compiled, steps: entry.steps, guards: entry.guards, failures: entry.failures, code: entry.code, reason };
  };

  return Object.assign(call, { explain }) as unknown as Jitted<F>;
}

