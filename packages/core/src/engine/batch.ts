import type { Encoded } from './tokenize.js';

/** A padded batch: row-major ids/mask/types, and where each row came from in the input. */
export interface Batch {
  rows: number;
  width: number;
  ids: BigInt64Array;
  mask: BigInt64Array;
  typeIds: BigInt64Array;
  origin: number[];
}

/**
 * Groups inputs of similar length: sorts by token count, cuts batches of `batchSize`, and pads each
 * batch only to its own longest row. Short reviews then never pay for a long one's padding.
 * `origin` lets the caller put results back in input order.
 */
export function makeBatches(encoded: readonly Encoded[], batchSize: number, padId: number): Batch[] {
  const order = encoded.map((_, i) => i).sort((a, b) => encoded[a]!.ids.length - encoded[b]!.ids.length || a - b);
  const batches: Batch[] = [];
  for (let start = 0; start < order.length; start += batchSize) {
    const origin = order.slice(start, start + batchSize);
    const width = Math.max(...origin.map((i) => encoded[i]!.ids.length));
    const size = origin.length * width;
    const ids = new BigInt64Array(size).fill(BigInt(padId));
    const mask = new BigInt64Array(size);
    const typeIds = new BigInt64Array(size);
    origin.forEach((src, row) => {
      const e = encoded[src]!;
      const base = row * width;
      for (let j = 0; j < e.ids.length; j++) {
        ids[base + j] = BigInt(e.ids[j]!);
        mask[base + j] = 1n;
        typeIds[base + j] = BigInt(e.typeIds[j] ?? 0);
      }
    });
    batches.push({ rows: origin.length, width, ids, mask, typeIds, origin });
  }
  return batches;
}
