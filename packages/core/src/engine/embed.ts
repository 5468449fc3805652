/**
 * Sentence embeddings of an encoder graph (config.json `sentence_embedding`): the classify path's
 * tokenizer and length batching, one unit-length Float32Array per text.
 */
import type { EmbedOptions } from '../encoder-types.js';
import { KoClassifyError } from '../errors.js';
import { makeBatches, type Batch } from './batch.js';
import type { EmbeddingConfig } from './model-config.js';
import { normalizeInput, type Tokenizer } from './tokenize.js';

/** What embedding needs of an engine (`Engine.embed` passes itself). */
export interface EmbedRunner {
  tokenizer: Tokenizer;
  padId: number;
  embedding: EmbeddingConfig;
  maxLength: number;
  /** One run of a padded batch: `rows × dim` floats. */
  run(batch: Batch): Promise<Float32Array>;
}

/** No text: only whitespace and zero-width spaces / joiners (the classify path's empty text). */
export function isBlankText(s: string): boolean {
  return /^[\s\u200b-\u200d\u2060\ufeff]*$/u.test(s);
}

/**
 * Embeds strings in input order. A non-string or an empty text is INVALID_INPUT (an empty text has
 * no embedding), before any run. `checkpoint` runs before every batch (cancellation). Each row is
 * re-normalised to unit length in float64, then stored as float32: the graph normalises too, and
 * int8 graphs leave rows a little off unit length.
 */
export async function embedTexts(texts: readonly unknown[], options: EmbedOptions, r: EmbedRunner, checkpoint?: () => void | Promise<void>): Promise<Float32Array[]> {
  const batchSize = options.batchSize ?? 32;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new KoClassifyError('INVALID_INPUT', `batchSize must be a positive integer, got ${String(batchSize)}`);
  }
  const encoded = texts.map((v, i) => {
    if (typeof v !== 'string') throw new KoClassifyError('INVALID_INPUT', `text ${i} is ${v === null ? 'null' : Array.isArray(v) ? 'an array' : `a ${typeof v}`}: embed() takes strings`, { index: i });
    const input = normalizeInput(v, i);
    if (isBlankText(input.text)) throw new KoClassifyError('INVALID_INPUT', `text ${i} is empty: an empty text has no embedding (leave it out, or give it your own zero vector)`, { index: i });
    return r.tokenizer.encode(input, r.maxLength);
  });
  const dim = r.embedding.dim;
  const rows = new Array<Float32Array>(encoded.length);
  if (encoded.length === 0) await checkpoint?.();
  for (const batch of makeBatches(encoded, batchSize, r.padId)) {
    await checkpoint?.();
    const out = await r.run(batch);
    if (out.length !== batch.rows * dim) {
      throw new KoClassifyError('MODEL_INVALID', `the graph output "${r.embedding.output}" has ${out.length / batch.rows} values per text, but config.json sentence_embedding.dim is ${dim}`);
    }
    batch.origin.forEach((src, row) => (rows[src] = unitRow(out.subarray(row * dim, (row + 1) * dim), src)));
  }
  return rows;
}

/** The row divided by its L2 norm (summed in float64). */
function unitRow(v: Float32Array, index: number): Float32Array {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += v[i]! * v[i]!;
  const norm = Math.sqrt(sum);
  if (!(norm > 0 && Number.isFinite(norm))) throw new KoClassifyError('MODEL_INVALID', `the model's embedding of text ${index} has norm ${norm}: the ONNX graph is broken (re-export it)`);
  const out = new Float32Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = v[i]! / norm;
  return out;
}

/** The graph output an encoder's config names; MODEL_INVALID when the graph lacks it. */
export function embeddingOutput(embedding: EmbeddingConfig, outputNames: readonly string[]): string {
  if (outputNames.includes(embedding.output)) return embedding.output;
  throw new KoClassifyError('MODEL_INVALID', `config.json sentence_embedding.output is "${embedding.output}", but the ONNX graph's outputs are ${outputNames.join(', ')}`);
}
