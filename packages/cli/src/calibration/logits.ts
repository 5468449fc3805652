/**
 * Raw logits of texts through the real engine, and the results core's post-processing makes of them:
 * one model run per text serves both the calibrated and the plain scores (eval, card, calibrate).
 */
import { makeBatches, postprocess, type Engine } from '@ko-classify/core/engine';
import type { Classification } from '@ko-classify/core';

const blank = (s: string) => /^[\s\u200b-\u200d\u2060\ufeff]*$/u.test(s);

/**
 * Each text's logits (null for an empty or whitespace-only text, which the engine never runs), in
 * input order. Batches as the engine does (`makeBatches`), padded with `padId` (config.json
 * `pad_token_id`); the int8 files give a text the same logits in any batch.
 */
export async function logitsOf(engine: Engine, texts: readonly string[], padId: number, batchSize = 32, onProgress?: (done: number, total: number) => void): Promise<(Float32Array | null)[]> {
  const out: (Float32Array | null)[] = texts.map(() => null);
  const keep = texts.map((t, i) => (blank(t) ? -1 : i)).filter((i) => i >= 0);
  const chunk = 512;
  for (let s = 0; s < keep.length; s += chunk) {
    const part = keep.slice(s, s + chunk);
    const encoded = engine.encode(part.map((i) => texts[i]!));
    for (const b of makeBatches(encoded, batchSize, padId)) {
      const logits = await engine.run(b.ids, b.mask, b.typeIds, b.rows, b.width);
      const k = logits.length / b.rows;
      b.origin.forEach((src, row) => (out[part[src]!] = logits.slice(row * k, (row + 1) * k)));
    }
    onProgress?.(Math.min(s + chunk, keep.length), keep.length);
  }
  return out;
}

/** What `engine.classify` returns for these logits (calibrated unless told), through core's `postprocess`. */
export function resultsOf(engine: Engine, logits: readonly (Float32Array | null)[], calibrated = true): (Classification | null)[] {
  return logits.map((z) => (z ? postprocess(z, engine.config, { calibrated }) : null));
}

/** config.json `pad_token_id`, as the engine reads it (0 when absent). */
export function padIdOf(config: unknown): number {
  const p = (config as { pad_token_id?: unknown } | null)?.pad_token_id;
  return typeof p === 'number' ? p : 0;
}
