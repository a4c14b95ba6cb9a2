import type { EngineClient } from '@wengert/worker';

/** What a `<wg-loss-cell name="f">` defines as `f`: the loss compiled in the worker of `client`. */
export interface LossValue {
  readonly kind: 'wengert-loss';
  /** The name the loss cell defines. */
  readonly name: string;
  /** The loss's JavaScript source. */
  readonly source: string;
  /** The function id in the worker. */
  readonly id: string;
  /** The client the loss lives in; descent and plot cells call it. */
  readonly client: EngineClient;
  /** Lines the worker's copy has before `source` (constants from other cells); error lines are shifted back by it. */
  readonly lineOffset: number;
}

export function isLossValue(value: unknown): value is LossValue {
  return !!value && typeof value === 'object' && (value as { kind?: unknown }).kind === 'wengert-loss';
}
