import { type Block, viewBlocks } from './blocks.js';
import { Growable } from './growable.js';
import { type LossFunction, objectiveFromFunction } from './engine-objective.js';
import type { Objective } from './objective.js';
import { type OptimizerSpec, optimizerFromSpec } from './optimizer-spec.js';
import type { Extra, GradientTransformation, OptState, Transform } from './transform.js';
import { Tensor } from '../tensor.js';
import { flattenTree, type Tree, type TreeLayout, unflattenTree } from './tree-io.js';

export type StopReason = 'converged' | 'maxSteps' | 'diverged' | 'nonFinite' | 'aborted';

/** A recorded run: k steps give k+1 points. Everything is in typed arrays, ready to transfer or plot. */
export interface Trajectory {
  /** Dimension of x (total number of entries across the tree's leaves). */
  readonly n: number;
  /** Number of steps taken (k). */
  readonly steps: number;
  /** (k+1)·n values: point i is points.subarray(i·n, (i+1)·n). Empty if `recordPoints` was false. */
  readonly points: Float64Array;
  /** f at each point (k+1). */
  readonly losses: Float64Array;
  /** ‖∇f‖₂ at each point (k+1). */
  readonly gradNorms: Float64Array;
  /** ‖x_{i+1} − x_i‖₂ for each step (k). */
  readonly stepSizes: Float64Array;
  readonly stopReason: StopReason;
  /** The last point in the caller's structure (tree, or Float64Array if x0 was one). */
  readonly x: Tree | Float64Array;
  /** The optimizer state after the last step (e.g. for `currentLearningRate`). */
  readonly state: OptState;
}

/** A slice of a trajectory streamed by `descendAsync`: steps `from`..`from + count − 1`. */
export interface TrajectoryChunk {
  readonly from: number;
  readonly count: number;
  readonly points: Float64Array;
  readonly losses: Float64Array;
  readonly gradNorms: Float64Array;
  readonly stepSizes: Float64Array;
}

export interface Progress {
  readonly step: number;
  readonly loss: number;
  readonly gradNorm: number;
}

export interface DescendOptions {
  /** Maximum number of steps (default 1000). */
  steps?: number;
  /** Converged when ‖∇f‖₂ ≤ tol (default 1e-8). */
  tol?: number;
  /** Diverged when f exceeds this (default 1e10·max(1, |f(x0)|)). */
  divergeAbove?: number;
  signal?: AbortSignal;
  /** onProgress / chunk period in steps (default 1 for onProgress, 100 for chunks). */
  every?: number;
  /**
   * Keep every point (default true). For large n, false keeps memory flat: `points` (and chunks'
   * points) stay empty, while losses, gradient norms, step sizes and the final `x` are still recorded.
   */
  recordPoints?: boolean;
  onProgress?: (p: Progress) => void;
}

export type OptimizerLike = GradientTransformation | OptimizerSpec;

function resolveTransform(o: OptimizerLike): Transform {
  return 'transform' in o ? o.transform : optimizerFromSpec(o as OptimizerSpec).transform;
}

/** One descent in progress: owns x, the gradient buffers and the optimizer state, and records each point. */
class Run {
  readonly n: number;
  readonly x: Float64Array;
  private readonly g: Float64Array;
  private readonly u: Float64Array;
  private readonly scratch: Float64Array;
  private readonly hvpIn: Float64Array;
  private readonly hvpOut: Float64Array;
  private readonly xBlocks: Block[];
  private readonly gBlocks: Block[];
  private readonly uBlocks: Block[];
  private readonly transform: Transform;
  state: OptState;
  readonly points: Growable;
  private readonly recordPoints: boolean;
  readonly losses = new Growable();
  readonly gradNorms = new Growable();
  readonly stepSizes = new Growable();
  steps = 0;
  stopReason: StopReason | undefined;
  private divergeAbove: number;
  private readonly tol: number;
  private readonly maxSteps: number;
  private readonly extra: Extra;

  constructor(
    private readonly objective: Objective,
    x0: Float64Array,
    private readonly shapes: readonly (readonly number[])[],
    optimizer: OptimizerLike,
    options: DescendOptions,
    paths?: readonly string[],
  ) {
    this.n = x0.length;
    this.x = x0.slice();
    this.transform = resolveTransform(optimizer);
    this.g = new Float64Array(this.n);
    // The updates overwrite the gradient in place unless a transformation reads the raw gradient.
    this.u = this.transform.readsGrad ? new Float64Array(this.n) : this.g;
    this.scratch = new Float64Array(this.n);
    this.hvpIn = new Float64Array(this.n);
    this.hvpOut = new Float64Array(this.n);
    this.xBlocks = viewBlocks(this.x, shapes, paths);
    this.gBlocks = viewBlocks(this.g, shapes);
    this.uBlocks = viewBlocks(this.u, shapes);
    this.state = this.transform.init(this.xBlocks);
    this.recordPoints = options.recordPoints ?? true;
    this.points = new Growable(this.recordPoints ? this.n * Math.min(64, (options.steps ?? 1000) + 1) : 1);
    this.tol = options.tol ?? 1e-8;
    this.maxSteps = options.steps ?? 1000;
    this.divergeAbove = options.divergeAbove ?? Number.NaN;
    const gather = (blocks: readonly Block[], into: Float64Array): Float64Array => {
      if (blocks.length === 1) return blocks[0]!.data;
      let k = 0;
      for (const b of blocks) {
        into.set(b.data, k);
        k += b.data.length;
      }
      return into;
    };
    const value = objective.value ? (x: Float64Array) => objective.value!(x) : (x: Float64Array) => objective.valueAndGrad(x, new Float64Array(this.n));
    this.extra = {
      grad: this.gBlocks,
      valueFn: (p) => value(gather(p, this.scratch)),
    };
    if (objective.hvp) {
      const hvp = objective.hvp.bind(objective);
      this.extra.hvp = (v, out) => {
        hvp(this.x, gather(v, this.hvpIn), this.hvpOut);
        let k = 0;
        for (const b of out) {
          b.data.set(this.hvpOut.subarray(k, k + b.data.length));
          k += b.data.length;
        }
      };
    }
  }

  /** Evaluates at the current x, records it, and either stops or takes one step. Returns false once stopped. */
  advance(signal: AbortSignal | undefined): boolean {
    const f = this.objective.valueAndGrad(this.x, this.g);
    let gg = 0;
    let finite = Number.isFinite(f);
    for (let i = 0; i < this.n; i++) {
      const v = this.g[i]!;
      gg += v * v;
      if (!Number.isFinite(v)) finite = false;
    }
    const gradNorm = Math.sqrt(gg);
    if (this.recordPoints) this.points.pushAll(this.x);
    this.losses.push(f);
    this.gradNorms.push(gradNorm);
    if (Number.isNaN(this.divergeAbove)) this.divergeAbove = 1e10 * Math.max(1, Math.abs(f));
    if (!finite) return this.stop('nonFinite');
    if (gradNorm <= this.tol) return this.stop('converged');
    if (f > this.divergeAbove) return this.stop('diverged');
    if (this.steps >= this.maxSteps) return this.stop('maxSteps');
    if (signal?.aborted) return this.stop('aborted');
    if (this.u !== this.g) this.u.set(this.g);
    this.extra.value = f;
    this.transform.apply(this.uBlocks, this.state, this.xBlocks, this.extra);
    let ss = 0;
    for (let i = 0; i < this.n; i++) {
      const d = this.u[i]!;
      this.x[i]! += d;
      ss += d * d;
    }
    this.stepSizes.push(Math.sqrt(ss));
    this.steps++;
    return true;
  }

  stop(reason: StopReason): false {
    this.stopReason = reason;
    return false;
  }

  /** Points recorded from index `from` on, and step sizes from step `fromStep` on. */
  chunk(from: number, fromStep: number): TrajectoryChunk {
    const n = this.n;
    const to = this.losses.length;
    return {
      from,
      count: to - from,
      points: this.recordPoints ? this.points.view(from * n, to * n).slice() : new Float64Array(0),
      losses: this.losses.view(from, to).slice(),
      gradNorms: this.gradNorms.view(from, to).slice(),
      stepSizes: this.stepSizes.view(fromStep).slice(),
    };
  }

  result(layout: TreeLayout | undefined): Trajectory {
    const x = layout ? unflattenTree(layout, viewBlocks(this.x, this.shapes)) : this.x.slice();
    return {
      n: this.n,
      steps: this.steps,
      points: this.points.toArray(),
      losses: this.losses.toArray(),
      gradNorms: this.gradNorms.toArray(),
      stepSizes: this.stepSizes.toArray(),
      stopReason: this.stopReason ?? 'aborted',
      x,
      state: this.state,
    };
  }
}

function start(target: Objective | LossFunction, x0: Tree | Float64Array, optimizer: OptimizerLike, options: DescendOptions) {
  if (x0 instanceof Float64Array) {
    const layout = flattenTree(new Tensor(x0.slice(), [x0.length])).layout;
    const objective = typeof target === 'function' ? objectiveFromFunction(target, layout) : target;
    return { run: new Run(objective, x0, [[x0.length]], optimizer, options), layout: undefined };
  }
  const { blocks, layout } = flattenTree(x0);
  const n = blocks.reduce((a, b) => a + b.data.length, 0);
  const flat = new Float64Array(n);
  let k = 0;
  for (const b of blocks) {
    flat.set(b.data, k);
    k += b.data.length;
  }
  const objective = typeof target === 'function' ? objectiveFromFunction(target, layout) : target;
  return { run: new Run(objective, flat, layout.shapes, optimizer, options, layout.paths), layout };
}

/**
 * Minimises `f` (an engine function of the params tree, differentiated with valueAndGrad/hvp, or an
 * `Objective` with its own derivatives) from x0 with `optimizer` (a transformation or a spec), recording the
 * trajectory. Stops on ‖∇f‖ ≤ tol ('converged'), after `steps` steps ('maxSteps'), when f grows
 * past `divergeAbove` ('diverged'), on NaN/±∞ ('nonFinite'), or when `signal` aborts ('aborted').
 */
export function descend(objective: Objective | LossFunction, x0: Tree | Float64Array, optimizer: OptimizerLike, options: DescendOptions = {}): Trajectory {
  const { run, layout } = start(objective, x0, optimizer, options);
  const every = Math.max(1, options.every ?? 1);
  while (run.advance(options.signal)) {
    if (options.onProgress && run.steps % every === 0) {
      const i = run.losses.length - 1;
      options.onProgress({ step: run.steps, loss: run.losses.view()[i]!, gradNorm: run.gradNorms.view()[i]! });
    }
  }
  return run.result(layout);
}

/**
 * One turn of the event loop without timer clamping (browsers clamp nested setTimeout to ≥ 4 ms, which
 * would dominate a run of many short chunks): scheduler.yield() where it exists, setImmediate in
 * Node, a MessageChannel elsewhere, setTimeout as the last resort.
 */
function makeYield(): () => Promise<void> {
  const g = globalThis as {
    scheduler?: { yield?: () => Promise<void> };
    setImmediate?: (cb: () => void) => unknown;
    MessageChannel?: typeof MessageChannel;
  };
  if (typeof g.scheduler?.yield === 'function') return () => g.scheduler!.yield!();
  if (typeof g.setImmediate === 'function') return () => new Promise<void>((resolve) => g.setImmediate!(resolve));
  if (typeof g.MessageChannel === 'function') {
    const channel = new g.MessageChannel();
    const waiting: (() => void)[] = [];
    channel.port1.onmessage = () => waiting.shift()?.();
    return () =>
      new Promise<void>((resolve) => {
        waiting.push(resolve);
        channel.port2.postMessage(null);
      });
  }
  return () => new Promise<void>((resolve) => setTimeout(resolve, 0));
}

const yieldToEventLoop = makeYield();

/**
 * The streaming variant: yields a chunk of new points every `every` steps (default 100), giving the
 * event loop a turn between chunks, and returns the full Trajectory when done. Aborting the signal
 * stops it at the next step with stopReason 'aborted' and everything computed so far.
 */
export async function* descendAsync(
  objective: Objective | LossFunction,
  x0: Tree | Float64Array,
  optimizer: OptimizerLike,
  options: DescendOptions = {},
): AsyncGenerator<TrajectoryChunk, Trajectory, void> {
  const { run, layout } = start(objective, x0, optimizer, options);
  const every = Math.max(1, options.every ?? 100);
  let sent = 0;
  let sentSteps = 0;
  let going = true;
  while (going) {
    for (let i = 0; i < every && going; i++) going = run.advance(options.signal);
    if (going) await yieldToEventLoop();
    // An abort that arrived during the pause: record the current point and stop there.
    if (going && options.signal?.aborted) going = run.advance(options.signal);
    const chunk = run.chunk(sent, sentSteps);
    sent = run.losses.length;
    sentSteps = run.stepSizes.length;
    if (chunk.count > 0 || chunk.stepSizes.length > 0) yield chunk;
  }
  return run.result(layout);
}
