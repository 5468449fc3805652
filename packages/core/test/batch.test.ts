import { describe, expect, it } from 'vitest';
import { makeBatches } from '../src/engine/batch.js';

describe('makeBatches', () => {
  it('sorts by length, pads per batch, and remembers where rows came from', () => {
    const enc = [5, 2, 9, 3].map((n, k) => ({ ids: Array.from({ length: n }, (_, j) => 10 * k + j + 1), typeIds: new Array(n).fill(0) }));
    const batches = makeBatches(enc, 2, 0);
    expect(batches.map((b) => b.origin)).toEqual([[1, 3], [0, 2]]);
    expect(batches.map((b) => b.width)).toEqual([3, 9]);
    const first = batches[0]!;
    expect(Array.from(first.ids)).toEqual([11n, 12n, 0n, 31n, 32n, 33n]);
    expect(Array.from(first.mask)).toEqual([1n, 1n, 0n, 1n, 1n, 1n]);
  });

  const ofLengths = (lengths: number[]) => lengths.map((n) => ({ ids: new Array<number>(n).fill(7), typeIds: new Array<number>(n).fill(0) }));

  it('splits a small call when padding would cost more than another run', () => {
    // One batch would pad 4 short rows to 60 tokens: 10 + 6 × 60 = 370 vs 10 + 4 × 3 + 10 + 2 × 60 = 152.
    const batches = makeBatches(ofLengths([60, 3, 2, 60, 3, 2]), 32, 0);
    expect(batches.map((b) => [b.rows, b.width])).toEqual([[4, 3], [2, 60]]);
    expect(batches.flatMap((b) => b.origin).sort()).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('keeps similar lengths in one run and never exceeds batchSize rows', () => {
    expect(makeBatches(ofLengths([20, 21, 22, 23]), 32, 0).map((b) => b.rows)).toEqual([4]);
    const many = makeBatches(ofLengths(Array.from({ length: 100 }, () => 17)), 32, 0);
    expect(many.every((b) => b.rows <= 32)).toBe(true);
    expect(many.reduce((a, b) => a + b.rows, 0)).toBe(100);
    expect(many).toHaveLength(4);
  });

  it('an empty call makes no batch', () => {
    expect(makeBatches([], 32, 0)).toEqual([]);
  });
});
