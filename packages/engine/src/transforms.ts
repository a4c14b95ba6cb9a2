// The transformations, JAX semantics in camelCase. Each call creates its own trace (its own tag), so
// any nesting is safe. Reverse mode records a tape once; forward mode carries tangents (batched in vector mode).
import { bind, dtypeOf, enterLevel, exitTrace, rawPrimal, readPrimal, shapeOf, type Trace, Tracer, type Value, withTrace } from './core.js';
import { DomainError, NotDifferentiableError, ShapeError } from './errors.js';
import { JvpTrace, JvpTracer } from './jvp.js';
import { castRaw, type Raw } from './kernels.js';
import { concat, reshape, slice, stack, toValue, transpose, type ValueLike } from './ops.js';
import type { AnyPrimitive } from './primitives.js';
import { type ForwardWithResiduals, RevTrace, RevTracer } from './reverse.js';
import { full, sameShape, shapeSize, Tensor } from './tensor.js';
import { type TreeDef, treeFlatten, treeUnflatten } from './tree.js';

const LEAF_DEF: TreeDef = { kind: 'leaf' };

// biome-ignore lint/suspicious/noExplicitAny: transformations accept user functions of any signature
export type Fn = (...args: any[]) => any;
export type Argnums = number | readonly number[];

export interface GradOptions {
  /** Which positional arguments to differentiate (default 0). An array gives a gradient per listed argument. */
  argnums?: Argnums;
  /** f returns [output, aux]; aux is passed through undifferentiated. */
  hasAux?: boolean;
}

function argnumList(argnums: Argnums, nargs: number, op: string): { list: number[]; single: boolean } {
  const list = typeof argnums === 'number' ? [argnums] : [...argnums];
  for (const a of list)
    if (!Number.isInteger(a) || a < 0 || a >= nargs) throw new DomainError(op, `argnums ${a} is out of range for ${nargs} arguments`);
  return { list, single: typeof argnums === 'number' };
}

function zerosLike(x: Value): Value {
  const raw = rawPrimal(x);
  return typeof raw === 'number' ? 0 : full(raw.shape, 0, { dtype: raw.dtype });
}

/** The user-facing gradient of one input leaf: zeros when nothing flowed back, a number for a number input. */
function finishCotangent(primal: Value, ct: Value | null): Value {
  if (ct === null) return zerosLike(primal);
  if (typeof primal === 'number' && ct instanceof Tensor) return ct.item();
  if (primal instanceof Tensor && typeof ct === 'number') return full(primal.shape, ct, { dtype: primal.dtype });
  // As in JAX and PyTorch, a gradient has its input's dtype even when the program mixed in float64.
  if (primal instanceof Tensor && ct instanceof Tensor && ct.dtype !== primal.dtype) return castRaw(ct, primal.dtype);
  return ct;
}

/** Zeros of shape [k, ...shape of x] in x's dtype: the block of an input or output no derivative reached. */
const zeroBlock = (k: number, x: Value): Tensor => full([k, ...shapeOf(x)], 0, { dtype: dtypeOf(x) });

/**
 * JS has no operator overloading: `x * x` on a traced x multiplies plain numbers and the derivative is
 * lost. When nothing the function returns depends on its inputs through engine ops, yet it read traced
 * values as plain numbers, say so instead of returning a silent zero.
 */
function refuseLostDerivative(op: string, trace: Trace, dependsOnInputs: boolean): void {
  if (dependsOnInputs || trace.coercions === 0) return;
  throw new NotDifferentiableError(
    op,
    'the output does not depend on the inputs through engine ops, but the function used traced values as plain numbers ' +
      '(JS operators and Math.* drop derivatives: write mul(x, y), add(x, y), sin(x)… instead of x * y, x + y, Math.sin(x))',
  );
}

/** Replaces this trace's tracers in an output tree by their primals. */
function stripOwn(x: unknown, own: (v: Tracer) => boolean, unwrap: (v: Tracer) => Value): unknown {
  if (x instanceof Tracer) return own(x) ? unwrap(x) : x;
  if (Array.isArray(x)) return x.map((v) => stripOwn(v, own, unwrap));
  if (x !== null && typeof x === 'object' && Object.getPrototypeOf(x) === Object.prototype)
    return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, stripOwn(v, own, unwrap)]));
  return x;
}

interface Recorded {
  trace: RevTrace;
  /** Per differentiated argument: its tree structure, input leaves and their tracers. */
  args: { def: TreeDef; leaves: Value[]; tracers: RevTracer[] }[];
  out: unknown;
  aux: unknown;
  outLeaves: Value[];
  outDef: TreeDef;
}

/** Runs f once under a new reverse trace with the listed arguments replaced by input tracers. */
function record(trace: RevTrace, f: Fn, args: readonly unknown[], list: readonly number[], hasAux: boolean): Recorded {
  const callArgs = [...args];
  const recorded = list.map((i) => {
    const arg = args[i];
    if (typeof arg === 'number') {
      const tracer = trace.input(arg);
      callArgs[i] = tracer;
      return { def: LEAF_DEF, leaves: [arg], tracers: [tracer] };
    }
    const { leaves, def } = treeFlatten(arg);
    const tracers = leaves.map((leaf) => trace.input(toValue(leaf)));
    callArgs[i] = treeUnflatten(def, tracers);
    return { def, leaves, tracers };
  });
  let out = f(...callArgs);
  let aux: unknown;
  if (hasAux) {
    if (!Array.isArray(out) || out.length !== 2) throw new DomainError('hasAux', 'with hasAux the function must return [output, aux]');
    [out, aux] = out;
  }
  return new Recording(trace, recorded, out, aux);
}

class Recording {
  #flat: { leaves: Value[]; def: TreeDef } | null = null;
  constructor(
    readonly trace: RevTrace,
    readonly args: Recorded['args'],
    readonly out: unknown,
    readonly aux: unknown,
  ) {}
  // Flattened lazily: grad never needs the output's tree structure.
  get outLeaves(): Value[] {
    this.#flat ??= treeFlatten(this.out);
    return this.#flat.leaves;
  }
  get outDef(): TreeDef {
    this.#flat ??= treeFlatten(this.out);
    return this.#flat.def;
  }
}

const own = (trace: RevTrace) => (v: Tracer) => v instanceof RevTracer && v.trace === trace;
const primalOf = (v: Tracer) => v.primal;

/** Value and gradient of a scalar-valued f. */
export function valueAndGrad(f: Fn, options: GradOptions = {}) {
  let argnums: { nargs: number; list: number[]; single: boolean } | null = null;
  // biome-ignore lint/suspicious/noExplicitAny: results mirror the argument trees
  return (...args: unknown[]): [any, any] => {
    if (argnums === null || argnums.nargs !== args.length)
      argnums = { nargs: args.length, ...argnumList(options.argnums ?? 0, args.length, 'grad') };
    const { list, single } = argnums;
    const trace = new RevTrace(enterLevel());
    try {
        const rec = record(trace, f, args, list, options.hasAux ?? false);
        const out = rec.out;
        if (!(typeof out === 'number' || out instanceof Tensor || out instanceof Tracer))
          throw new NotDifferentiableError('grad', `grad needs a function returning one scalar, got ${Array.isArray(out) ? 'an array' : typeof out}; use jacobian or vjp for several outputs`);
        const shape = shapeOf(out);
        if (shape.length !== 0)
          throw new NotDifferentiableError('grad', `grad needs a scalar output, got shape [${shape.join(', ')}]; use jacobian, jacrev or vjp for non-scalar outputs`);
        const traced = out instanceof RevTracer && out.trace === trace;
        refuseLostDerivative('grad', trace, traced);
        if (traced) trace.backward([[out, 1]], 0);
        const grads = rec.args.map(({ def, leaves, tracers }) =>
          treeUnflatten(
            def,
            tracers.map((t, k) => finishCotangent(leaves[k]!, t.ct)),
          ),
        );
        const value = out instanceof RevTracer && out.trace === trace ? out.primal : out;
        const g = single ? grads[0] : grads;
        if (options.hasAux) return [[value, stripOwn(rec.aux, own(trace), primalOf)], g];
        return [value, g];
    } finally {
      exitTrace(trace);
    }
  };
}

/** Gradient of a scalar-valued f (with hasAux: [gradient, aux]). */
export function grad(f: Fn, options: GradOptions = {}) {
  const vg = valueAndGrad(f, options);
  // biome-ignore lint/suspicious/noExplicitAny: results mirror the argument trees
  return (...args: unknown[]): any => {
    if (!options.hasAux) return vg(...args)[1];
    const [[, aux], g] = vg(...args);
    return [g, aux];
  };
}

/** Output and pullback: pullback(cotangent tree) returns one cotangent tree per argument. */
// biome-ignore lint/suspicious/noExplicitAny: results mirror the argument trees
export function vjp(f: Fn, ...primals: unknown[]): [any, (ct: unknown) => any[]] {
  const list = primals.map((_, i) => i);
  return withTrace(
    (level) => new RevTrace(level),
    (trace) => {
      const rec = record(trace, f, primals, list, false);
      const out = stripOwn(rec.out, own(trace), primalOf);
      const pullback = (ct: unknown): unknown[] => {
        const { leaves: cts } = treeFlatten(ct);
        if (cts.length !== rec.outLeaves.length)
          throw new ShapeError('vjp', `the cotangent has ${cts.length} leaves but the output has ${rec.outLeaves.length}`);
        const seeds: [RevTracer, Value][] = [];
        rec.outLeaves.forEach((leaf, i) => {
          const c = cts[i]!;
          if (!sameShape(shapeOf(c), shapeOf(leaf)))
            throw new ShapeError('vjp', `cotangent ${i} does not match the output's shape`, [shapeOf(c), shapeOf(leaf)]);
          if (leaf instanceof RevTracer && leaf.trace === trace) seeds.push([leaf, c]);
        });
        try {
          trace.backward(seeds, 0);
          return rec.args.map(({ def, leaves, tracers }) =>
            treeUnflatten(
              def,
              tracers.map((t, k) => finishCotangent(leaves[k]!, t.ct)),
            ),
          );
        } finally {
          trace.reset();
        }
      };
      return [out, pullback];
    },
  );
}

/** Output and tangent output of f at primals along tangents (one tree per argument). */
// biome-ignore lint/suspicious/noExplicitAny: results mirror the argument trees
export function jvp(f: Fn, primals: readonly unknown[], tangents: readonly unknown[]): [any, any] {
  if (primals.length !== tangents.length) throw new DomainError('jvp', `${primals.length} primals but ${tangents.length} tangents`);
  return withTrace(
    (level) => new JvpTrace(level, 0),
    (trace) => {
      const args = primals.map((p, i) => {
        const { leaves, def } = treeFlatten(p);
        const { leaves: ts } = treeFlatten(tangents[i]);
        if (ts.length !== leaves.length) throw new ShapeError('jvp', `tangent ${i} does not have the structure of its primal`);
        return treeUnflatten(
          def,
          leaves.map((leaf, k) => {
            const t = ts[k]!;
            if (!sameShape(shapeOf(t), shapeOf(leaf)))
              throw new ShapeError('jvp', 'a tangent must have the shape of its primal', [shapeOf(leaf), shapeOf(t)]);
            return new JvpTracer(trace, toValue(leaf), t);
          }),
        );
      });
      const out = f(...args);
      const { leaves, def } = treeFlatten(out);
      const isOwn = (v: Value): v is JvpTracer => v instanceof JvpTracer && v.trace === trace;
      refuseLostDerivative('jvp', trace, leaves.some(isOwn));
      return [
        treeUnflatten(
          def,
          leaves.map((v) => (isOwn(v) ? v.primal : v)),
        ),
        treeUnflatten(
          def,
          leaves.map((v) => (isOwn(v) ? v.tangent : zerosLike(v))),
        ),
      ];
    },
  );
}

/** Output and a function computing JVPs at that point by replaying the recorded tape (no re-tracing). */
// biome-ignore lint/suspicious/noExplicitAny: results mirror the argument trees
export function linearize(f: Fn, ...primals: unknown[]): [any, (...tangents: unknown[]) => any] {
  const list = primals.map((_, i) => i);
  return withTrace(
    (level) => new RevTrace(level),
    (trace) => {
      const rec = record(trace, f, primals, list, false);
      const out = stripOwn(rec.out, own(trace), primalOf);
      const jvpAt = (...tangents: unknown[]): unknown => {
        rec.args.forEach(({ tracers }, i) => {
          const { leaves } = treeFlatten(tangents[i]);
          tracers.forEach((t, k) => {
            t.tangent = leaves[k] ?? null;
          });
        });
        try {
          trace.forward(0);
          return treeUnflatten(
            rec.outDef,
            rec.outLeaves.map((v) => (v instanceof RevTracer && v.trace === trace ? (v.tangent ?? zerosLike(v)) : zerosLike(v))),
          );
        } finally {
          trace.reset();
        }
      };
      return [out, jvpAt];
    },
  );
}

// ---------- Jacobians ----------

export interface JacobianOptions {
  argnums?: Argnums;
}

/** Standard-basis seeds for leaves flattened in order: seed j has shape [n, ...shape_j]. */
function basisSeeds(leaves: readonly Value[]): { n: number; seeds: Tensor[] } {
  const sizes = leaves.map((l) => shapeSize(shapeOf(l)));
  const n = sizes.reduce((a, b) => a + b, 0);
  let offset = 0;
  const seeds = leaves.map((leaf, j) => {
    const size = sizes[j]!;
    const raw = rawPrimal(leaf);
    const seed = full([n, ...shapeOf(leaf)], 0, { dtype: typeof raw === 'number' ? 'float64' : raw.dtype });
    for (let i = 0; i < size; i++) seed.data[(offset + i) * size + i] = 1;
    offset += size;
    return seed;
  });
  return { n, seeds };
}

/** Joins batched per-leaf derivatives [k, ...shape_j] into one [k, Σ size_j] matrix. */
function joinBatched(parts: readonly Value[], k: number): Value {
  const flat = parts.map((p) => reshape(p, [k, shapeSize(shapeOf(p).slice(1))]));
  return flat.length === 1 ? flat[0]! : concat(flat, 1);
}

function selectedLeaves(args: readonly unknown[], list: readonly number[]): Value[] {
  return list.flatMap((i) => treeFlatten(args[i]).leaves.map(toValue));
}

/** Forward-mode Jacobian [m, n]: all n tangent directions pushed in one vector-mode pass. */
export function jacfwd(f: Fn, options: JacobianOptions = {}) {
  return (...args: unknown[]): Value => {
    const { list } = argnumList(options.argnums ?? 0, args.length, 'jacfwd');
    return withTrace(
      (level) => new JvpTrace(level, 1),
      (trace) => {
        const callArgs = [...args];
        const all = selectedLeaves(args, list);
        const { n, seeds } = basisSeeds(all);
        let k = 0;
        for (const i of list) {
          const { leaves, def } = treeFlatten(args[i]);
          callArgs[i] = treeUnflatten(
            def,
            leaves.map((leaf) => new JvpTracer(trace, toValue(leaf), seeds[k++]!)),
          );
        }
        const { leaves: outs } = treeFlatten(f(...callArgs));
        refuseLostDerivative('jacfwd', trace, outs.some((v) => v instanceof JvpTracer && v.trace === trace));
        const tangents = outs.map((v) => (v instanceof JvpTracer && v.trace === trace ? v.tangent : zeroBlock(n, v)));
        return transpose(joinBatched(tangents, n));
      },
    );
  };
}

/** Reverse-mode Jacobian [m, n]: all m cotangent directions pulled back in one batched sweep. */
export function jacrev(f: Fn, options: JacobianOptions = {}) {
  return (...args: unknown[]): Value => {
    const { list } = argnumList(options.argnums ?? 0, args.length, 'jacrev');
    return withTrace(
      (level) => new RevTrace(level),
      (trace) => reverseJacobian(record(trace, f, args, list, false)),
    );
  };
}

function ownsAnyOutput(rec: Recorded): boolean {
  return rec.outLeaves.some((v) => v instanceof RevTracer && v.trace === rec.trace);
}

function reverseJacobian(rec: Recorded): Value {
  const { trace } = rec;
  refuseLostDerivative('jacobian', trace, ownsAnyOutput(rec));
  const { n: m, seeds } = basisSeeds(rec.outLeaves);
  const pairs: [RevTracer, Value][] = [];
  rec.outLeaves.forEach((leaf, i) => {
    if (leaf instanceof RevTracer && leaf.trace === trace) pairs.push([leaf, seeds[i]!]);
  });
  trace.backward(pairs, 1);
  const parts = rec.args.flatMap(({ tracers, leaves }) => tracers.map((t, k) => t.ct ?? zeroBlock(m, leaves[k]!)));
  trace.reset();
  return joinBatched(parts, m);
}

function forwardJacobian(rec: Recorded): Value {
  const { trace } = rec;
  refuseLostDerivative('jacobian', trace, ownsAnyOutput(rec));
  const inputs = rec.args.flatMap(({ tracers }) => tracers);
  const { n, seeds } = basisSeeds(inputs.map((t) => t.primal));
  inputs.forEach((t, j) => {
    t.tangent = seeds[j]!;
  });
  trace.forward(1);
  const tangents = rec.outLeaves.map((v) => (v instanceof RevTracer && v.trace === trace && v.tangent !== null ? v.tangent : zeroBlock(n, v)));
  trace.reset();
  return transpose(joinBatched(tangents, n));
}

export type JacobianMode = 'auto' | 'forward' | 'reverse';

export interface JacobianExplanation {
  /** Number of inputs (columns) and outputs (rows). */
  n: number;
  m: number;
  mode: 'forward' | 'reverse';
  /** Directional derivatives each plan needs; both are batched into one sweep over the recorded tape. */
  directions: { forward: number; reverse: number };
  /** Estimated multiply-adds of each plan, from the recorded program. */
  cost: { forward: number; reverse: number };
  /** Primitive applications recorded. */
  ops: number;
  reason: string;
}

/** Reverse sweeps cost about this much more than forward ones per direction (ADOL-C, lineax use 1.5–2). */
const REVERSE_OVERHEAD = 1.5;

/** Work of one primitive application per direction: its output size, or m·k·n for a matrix product. */
function nodeCost(node: RevTracer): number {
  const out = shapeSize(shapeOf(node.primal));
  if (node.prim?.name === 'matmul') {
    const k = shapeOf(node.primals[0]!).at(-1) ?? 1;
    return out * k;
  }
  return out;
}

function explain(rec: Recorded, requested: JacobianMode): JacobianExplanation {
  const sizeOf = (leaves: readonly Value[]): number => leaves.reduce((s: number, l) => s + shapeSize(shapeOf(l)), 0);
  const n = rec.args.reduce((s: number, a) => s + sizeOf(a.leaves), 0);
  const m = sizeOf(rec.outLeaves);
  const work = rec.trace.tape.reduce((s: number, node) => s + nodeCost(node), 0);
  const cost = { forward: n * work, reverse: REVERSE_OVERHEAD * m * work };
  const auto = cost.forward <= cost.reverse ? 'forward' : 'reverse';
  const mode = requested === 'auto' ? auto : requested;
  const reason =
    requested === 'auto'
      ? `${auto} mode: ${n} input direction${n === 1 ? '' : 's'} × ${work} work vs ${m} output direction${m === 1 ? '' : 's'} × ${work} work × ${REVERSE_OVERHEAD} reverse overhead`
      : `${mode} mode was requested`;
  return { n, m, mode, directions: { forward: n, reverse: m }, cost, ops: rec.trace.tape.length, reason };
}

export interface JacobianModeOptions extends JacobianOptions {
  mode?: JacobianMode;
}

/** Jacobian [m, n] that records the program once, then picks forward or reverse mode by estimated cost. */
export function jacobian(f: Fn, options: JacobianModeOptions = {}) {
  return (...args: unknown[]): Value => {
    const { list } = argnumList(options.argnums ?? 0, args.length, 'jacobian');
    return withTrace(
      (level) => new RevTrace(level),
      (trace) => {
        const rec = record(trace, f, args, list, false);
        const { mode } = explain(rec, options.mode ?? 'auto');
        return mode === 'forward' ? forwardJacobian(rec) : reverseJacobian(rec);
      },
    );
  };
}

/** What `jacobian` would do for these arguments, and why. */
export function explainJacobian(f: Fn, options: JacobianModeOptions = {}) {
  return (...args: unknown[]): JacobianExplanation => {
    const { list } = argnumList(options.argnums ?? 0, args.length, 'explainJacobian');
    return withTrace(
      (level) => new RevTrace(level),
      (trace) => explain(record(trace, f, args, list, false), options.mode ?? 'auto'),
    );
  };
}

/** Hessian [n, n] of a scalar f, forward-over-reverse. */
export function hessian(f: Fn, options: JacobianOptions = {}) {
  return jacfwd(jacrev(f, options), options);
}

/** Hessian-vector product ∇²f(x)·v, forward-over-reverse (one gradient's cost, a few times over). */
// biome-ignore lint/suspicious/noExplicitAny: results mirror the argument trees
export function hvp(f: Fn, primals: readonly unknown[], tangents: readonly unknown[]): any {
  const argnums = primals.map((_, i) => i);
  const g = grad(f, { argnums: primals.length === 1 ? 0 : argnums });
  return jvp(g, primals, tangents)[1];
}

// ---------- custom rules ----------

function unbatch(x: Value, k: number): Value {
  const s = shapeOf(x);
  return reshape(slice(x, [k, ...s.slice(1).map(() => 0)], [1, ...s.slice(1)]), s.slice(1));
}

/** Runs a per-direction function over each entry of the batch axis and stacks the results. */
function perDirection(nb: number, batch: number, fn: (k: number) => Value | null): Value | null {
  if (nb === 0) return fn(-1);
  const parts: Value[] = [];
  for (let k = 0; k < batch; k++) {
    const r = fn(k);
    if (r === null) return null;
    parts.push(r);
  }
  return stack(parts, 0);
}

const batchSize = (values: readonly (Value | null)[], nb: number): number => {
  const v = values.find((x) => x !== null);
  return nb > 0 && v ? shapeOf(v)[0]! : 1;
};

function customPrimitive(name: string, f: Fn, rules: Pick<AnyPrimitive, 'jvp' | 'vjp'>, extra: Partial<ForwardWithResiduals> = {}): (...args: ValueLike[]) => Value {
  const prim: AnyPrimitive = {
    name,
    eval: (args) => toValue(f(...args)) as Raw,
    ...rules,
    ...extra,
  };
  return (...args: ValueLike[]): Value => {
    const vs = args.map(toValue);
    return vs.some((v) => v instanceof Tracer) ? bind(prim, vs, undefined) : toValue(f(...vs));
  };
}

/** Tangent of f at primals along tangents, by tracing f itself (nb = batch axes of the tangents). */
function traceJvp(f: Fn, primals: readonly Value[], tangents: readonly (Value | null)[], nb: number): Value | null {
  return withTrace(
    (level) => new JvpTrace(level, nb),
    (trace) => {
      const batch = batchSize(tangents, nb);
      const args = primals.map((p, i) => new JvpTracer(trace, p, tangents[i] ?? full([...(nb ? [batch] : []), ...shapeOf(p)], 0, { dtype: dtypeOf(p) })));
      const out = toValue(f(...args));
      return out instanceof JvpTracer && out.trace === trace ? out.tangent : null;
    },
  );
}

/**
 * f with a user JVP rule: `rule(primals, tangents)` returns `[output, tangentOutput]`, linear in the tangents.
 * Reverse mode transposes the rule by differentiating it with respect to the tangents.
 */
export function customJvp(f: Fn, rule: (primals: Value[], tangents: Value[]) => [ValueLike, ValueLike]) {
  const tangentOut = (primals: readonly Value[], tangents: readonly Value[]): Value => toValue(rule([...primals], [...tangents])[1]);
  return customPrimitive('customJvp', f, {
    jvp: (primals, tangents, _out, _p, nb) => {
      const batch = batchSize(tangents, nb);
      return perDirection(nb, batch, (k) =>
        tangentOut(
          primals,
          tangents.map((t, i) => (t === null ? zerosLike(primals[i]!) : k < 0 ? t : unbatch(t, k))),
        ),
      );
    },
    vjp: (ct, primals, _out, _p, nb, need) => {
      const pull = (c: Value): Value[] =>
        withTrace(
          (level) => new RevTrace(level),
          (trace) => {
            const ts = primals.map((p) => trace.input(zerosLike(p)));
            const out = tangentOut(primals, ts);
            if (out instanceof RevTracer && out.trace === trace) trace.backward([[out, c]], 0);
            return ts.map((t, i) => finishCotangent(primals[i]!, t.ct));
          },
        );
      if (nb === 0) return pull(ct).map((c, i) => (need[i] ? c : null));
      const batch = shapeOf(ct)[0]!;
      const rows = Array.from({ length: batch }, (_, k) => pull(unbatch(ct, k)));
      return primals.map((_, i) => (need[i] ? stack(rows.map((r) => r[i]!)) : null));
    },
  });
}

/**
 * f with a user VJP rule: `forward(...primals)` returns `[output, residuals]` and `backward(residuals, ct)`
 * returns one cotangent per argument. Forward mode differentiates f itself.
 */
export function customVjp(f: Fn, forward: (...primals: Value[]) => [ValueLike, unknown], backward: (residuals: unknown, ct: Value) => readonly (ValueLike | null)[]) {
  return customPrimitive(
    'customVjp',
    f,
    {
      jvp: (primals, tangents, _out, _p, nb) => traceJvp(f, primals, tangents, nb),
      vjp: (ct, primals, _out, p, nb, need) => {
        const { residuals } = p as { residuals: unknown };
        const pull = (c: Value) => backward(residuals, c).map((x) => (x === null ? null : toValue(x)));
        if (nb === 0) return pull(ct).map((c, i) => (need[i] ? c : null));
        const batch = shapeOf(ct)[0]!;
        const rows = Array.from({ length: batch }, (_, k) => pull(unbatch(ct, k)));
        return primals.map((x, i) => (need[i] ? stack(rows.map((r) => r[i] ?? zerosLike(x))) : null));
      },
    },
    {
      forward: (primals) => {
        const [out, residuals] = forward(...primals);
        return { out: toValue(out), residuals };
      },
    },
  );
}

/** The plain number or Tensor inside a possibly traced value (for display and control flow). */
export function primal(x: ValueLike): Raw {
  return readPrimal(toValue(x));
}
