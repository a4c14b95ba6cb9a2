import { DomainError } from '../errors.js';
/**
 * Schedules are pure functions of the step count (0-based), as in optax. The value in use is also kept
 * in the optimizer state (see `currentLearningRate`), so a notebook can display it.
 */
export type Schedule = (step: number) => number;

export type ScheduleSpec =
  | { name: 'constant'; value: number }
  | { name: 'exponential'; init: number; decayRate: number; transitionSteps?: number; staircase?: boolean; endValue?: number }
  | { name: 'cosine'; init: number; decaySteps: number; alpha?: number; exponent?: number }
  | { name: 'warmupCosine'; init: number; peak: number; warmupSteps: number; decaySteps: number; end?: number }
  | { name: 'linear'; init: number; end: number; transitionSteps: number };

export const constantSchedule = (value: number): Schedule => () => value;

/** init · decayRate^(t / transitionSteps), optionally floored by steps and clipped at endValue. */
export function exponentialDecay(o: Omit<Extract<ScheduleSpec, { name: 'exponential' }>, 'name'>): Schedule {
  const transition = o.transitionSteps ?? 1;
  return (t) => {
    const e = o.staircase ? Math.floor(t / transition) : t / transition;
    let v = o.init * o.decayRate ** e;
    if (o.endValue !== undefined) v = o.decayRate < 1 ? Math.max(v, o.endValue) : Math.min(v, o.endValue);
    return v;
  };
}

/** init · ((1 − α)·(½(1 + cos(π·min(t, T)/T)))^p + α). */
export function cosineDecay(o: Omit<Extract<ScheduleSpec, { name: 'cosine' }>, 'name'>): Schedule {
  const alpha = o.alpha ?? 0;
  const p = o.exponent ?? 1;
  return (t) => {
    const s = Math.min(Math.max(t, 0), o.decaySteps) / o.decaySteps;
    return o.init * ((1 - alpha) * (0.5 * (1 + Math.cos(Math.PI * s))) ** p + alpha);
  };
}

/** Linear warmup init → peak over warmupSteps, then cosine peak → end until decaySteps (which includes the warmup). */
export function warmupCosineDecay(o: Omit<Extract<ScheduleSpec, { name: 'warmupCosine' }>, 'name'>): Schedule {
  const end = o.end ?? 0;
  return (t) => {
    if (t < o.warmupSteps) return o.init + ((o.peak - o.init) * t) / o.warmupSteps;
    const span = o.decaySteps - o.warmupSteps;
    const s = span > 0 ? Math.min(t - o.warmupSteps, span) / span : 1;
    return end + (o.peak - end) * 0.5 * (1 + Math.cos(Math.PI * s));
  };
}

export function linearSchedule(o: Omit<Extract<ScheduleSpec, { name: 'linear' }>, 'name'>): Schedule {
  return (t) => o.init + (o.end - o.init) * Math.min(Math.max(t, 0), o.transitionSteps) / o.transitionSteps;
}

export function scheduleFromSpec(spec: ScheduleSpec): Schedule {
  switch (spec.name) {
    case 'constant':
      return constantSchedule(spec.value);
    case 'exponential':
      return exponentialDecay(spec);
    case 'cosine':
      return cosineDecay(spec);
    case 'warmupCosine':
      return warmupCosineDecay(spec);
    case 'linear':
      return linearSchedule(spec);
    default:
      throw new DomainError('scheduleFromSpec', `unknown schedule '${(spec as { name: string }).name}'`);
  }
}

/** A learning rate: a number, a schedule function, or a schedule spec. */
export type LearningRate = number | Schedule | ScheduleSpec;

export function toSchedule(lr: LearningRate): Schedule {
  if (typeof lr === 'number') {
    if (!Number.isFinite(lr)) throw new DomainError('learningRate', `the learning rate must be a finite number, got ${lr}`);
    return constantSchedule(lr);
  }
  if (lr === undefined || lr === null || (typeof lr === 'object' && typeof lr.name !== 'string'))
    throw new DomainError('learningRate', 'missing learning rate: give `lr` as a number, a schedule function or a schedule spec');
  if (typeof lr === 'function') return lr;
  return scheduleFromSpec(lr);
}
