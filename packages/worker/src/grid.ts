import type { Range2 } from './protocol.js';

/** The i-th of n evenly spaced points over [min, max], endpoints exact; page and worker agree on every axis value. */
export function gridPoint([min, max]: Range2, i: number, n: number): number {
  return i === n - 1 ? max : min + ((max - min) * i) / (n - 1);
}
