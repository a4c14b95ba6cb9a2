import { DomainError } from '../errors.js';
import type { Block, Blocks } from './blocks.js';
import { setToZero } from './transforms.js';
import { type Extra, type GradientTransformation, gradientTransformation, type OptState, type Transform } from './transform.js';

/** Assigns each leaf a group label: an array in leaf order, or a function of the leaf's path and shape. */
export type Labels = readonly string[] | ((path: string, shape: readonly number[]) => string);

interface GroupState {
  indices: number[];
  state: OptState;
}

/**
 * Per-parameter groups (optax `multi_transform`/`partition`): leaves are labelled, and each label's
 * transformation sees only its leaves (e.g. Muon for matrices, Adam for the rest; a frozen group uses
 * `freeze()`). The state is `{label: {indices, state}}`.
 */
export function multiTransform(
  transforms: Readonly<Record<string, GradientTransformation | Transform>>,
  labels: Labels,
): GradientTransformation<Record<string, GroupState>> {
  const cores: Record<string, Transform> = {};
  for (const [k, t] of Object.entries(transforms)) cores[k] = 'transform' in t ? t.transform : t;
  const specs = Object.fromEntries(Object.entries(cores).map(([k, t]) => [k, t.spec]));
  const dataOnly = typeof labels !== 'function' && Object.values(specs).every((s) => s !== undefined);
  return gradientTransformation<Record<string, GroupState>>({
    name: `multiTransform(${Object.keys(cores).join(', ')})`,
    spec: dataOnly ? { name: 'multiTransform', transforms: specs, labels } : undefined,
    readsGrad: Object.values(cores).some((t) => t.readsGrad),
    readsParams: Object.values(cores).some((t) => t.readsParams),
    init(params) {
      const groups: Record<string, GroupState> = {};
      for (const label of Object.keys(cores)) groups[label] = { indices: [], state: null };
      params.forEach((b, i) => {
        const label = typeof labels === 'function' ? labels(b.path ?? String(i), b.shape) : labels[i];
        if (label === undefined || !(label in cores))
          throw new DomainError('multiTransform', `leaf '${b.path ?? i}' has label '${label}', which has no transformation`);
        groups[label]!.indices.push(i);
      });
      for (const [label, g] of Object.entries(groups)) g.state = cores[label]!.init(g.indices.map((i) => params[i]!));
      return groups;
    },
    apply(u, state, params, extra) {
      for (const [label, g] of Object.entries(state)) {
        if (g.indices.length === 0) continue;
        const pick = (bs: Blocks): Block[] => g.indices.map((i) => bs[i]!);
        const sub: Extra = extra.grad ? { grad: pick(extra.grad) } : {};
        cores[label]!.apply(pick(u), g.state, pick(params), sub);
      }
    },
  });
}

/** A frozen group: its updates are zero. */
export const freeze = setToZero;
