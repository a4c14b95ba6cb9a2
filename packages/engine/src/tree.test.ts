// Pytrees: arrays and plain objects of numbers and tensors flatten to leaves in a fixed order and rebuild exactly.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { add, DomainError, Tensor, tensor, treeFlatten, treeMap, treeUnflatten, type Value } from './index.js';

const leaf = fc.oneof(
  fc.double({ noNaN: true, min: -10, max: 10 }),
  fc.array(fc.double({ noNaN: true, min: -10, max: 10 }), { minLength: 1, maxLength: 4 }).map((v) => tensor(v)),
);
const treeArb = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, tie('array'), tie('object')),
  array: fc.array(tie('node'), { maxLength: 3 }),
  object: fc.dictionary(fc.constantFrom('a', 'b', 'c', 'w', 'bias'), tie('node'), { maxKeys: 3 }),
})).node;

/** Leaves in depth-first order, arrays by index and objects by key insertion order (the reference walk). */
function referenceLeaves(t: unknown): unknown[] {
  if (typeof t === 'number' || t instanceof Tensor) return [t];
  if (Array.isArray(t)) return t.flatMap(referenceLeaves);
  return Object.values(t as object).flatMap(referenceLeaves);
}

describe('trees', () => {
  test('flatten gives the depth-first leaves and unflatten rebuilds the same tree', () => {
    fc.assert(
      fc.property(treeArb, (t) => {
        const { leaves, def } = treeFlatten(t);
        expect(leaves).toEqual(referenceLeaves(t));
        leaves.forEach((l, i) => {
          expect(l).toBe(referenceLeaves(t)[i]);
        });
        expect(treeUnflatten(def, leaves)).toEqual(t);
      }),
      { numRuns: 150 },
    );
  });

  test('treeMap applies a function leafwise over trees of the same structure', () => {
    fc.assert(
      fc.property(treeArb, (t) => {
        const doubled = treeMap((a: Value, b: Value) => add(a, b), t, t);
        const { leaves } = treeFlatten(doubled);
        const original = referenceLeaves(t);
        leaves.forEach((l, i) => {
          const o = original[i]!;
          if (typeof o === 'number') expect(l).toBe(2 * o);
          else expect((l as Tensor).toArray()).toEqual(((o as Tensor).toArray() as number[]).map((v) => 2 * v));
        });
      }),
      { numRuns: 100 },
    );
  });

  test('object keys keep insertion order; booleans become 0/1; other values are rejected', () => {
    const { leaves, def } = treeFlatten({ b: 1, a: [2, { c: 3 }] });
    expect(leaves).toEqual([1, 2, 3]);
    expect(treeUnflatten(def, [10, 20, 30])).toEqual({ b: 10, a: [20, { c: 30 }] });
    expect(treeFlatten([true, false]).leaves).toEqual([1, 0]);
    for (const bad of ['x', null, undefined, new Map(), () => 1]) expect(() => treeFlatten({ a: bad }), String(bad)).toThrow(DomainError);
  });
});
