/**
 * Teaching and classifying with a head on a loaded sentence encoder, for the model host (the page's
 * worker and the Node client): embed with the engine, then the head's pure functions (`engine/head.ts`).
 */
import type { Engine } from '../engine/engine.js';
import { isBlankText } from '../engine/embed.js';
import { headConfig, headLogits, parseHead, trainHead, validateExamples, type HeadJson } from '../engine/head.js';
import type { EmbeddingConfig } from '../engine/model-config.js';
import { decide, emptyResult, postprocess } from '../engine/postprocess.js';
import { normalizeInput } from '../engine/tokenize.js';
import { KoClassifyError } from '../errors.js';
import type { Classification, ClassifyOptions } from '../types.js';

type Checkpoint = () => void | Promise<void>;

/** The engine's embedding config; INVALID_INPUT naming createClassifier() for a classifier. */
export function encoderOf(engine: Engine, model: string): EmbeddingConfig {
  const e = engine.config.embedding;
  if (!e) throw new KoClassifyError('INVALID_INPUT', `${model} is a classifier, not a sentence encoder: use createClassifier() and classify()`);
  return e;
}

/** Embeds the examples and trains a head on them (`trainHead`); `checkpoint` before each batch. */
export async function teachHead(engine: Engine, model: string, examples: unknown, options: { name?: string }, checkpoint?: Checkpoint): Promise<HeadJson> {
  const e = encoderOf(engine, model);
  const { texts, labels } = validateExamples(examples);
  const rows = await engine.embed(texts, {}, checkpoint);
  await checkpoint?.();
  return trainHead(rows, texts, labels, { model, space: e.space, dim: e.dim }, typeof options?.name === 'string' ? { name: options.name } : {});
}

/**
 * Classifies with a head taught on this encoder's space (HEAD_INVALID / HEAD_MISMATCH before any
 * run): the `Classification` contract, an empty text's documented empty result included.
 */
export async function classifyWithHead(engine: Engine, model: string, inputs: readonly unknown[], head: unknown, options: ClassifyOptions, checkpoint?: Checkpoint): Promise<Classification[]> {
  const e = encoderOf(engine, model);
  const parsed = parseHead(head, { space: e.space, dim: e.dim, model });
  if (options.explain) throw new KoClassifyError('INVALID_INPUT', 'explanations are not available for taught heads: classify without explain');
  if (options.longText !== undefined && options.longText !== 'truncate') {
    throw new KoClassifyError('INVALID_INPUT', `longText ${JSON.stringify(options.longText)} is not available for taught heads: their texts are truncated to maxLength`);
  }
  const config = headConfig(parsed);
  // A bad threshold fails the call before any run.
  decide(Object.fromEntries(config.labels.map((l) => [l, 0])), config, options);
  const texts = inputs.map((v, i) => {
    const n = normalizeInput(v, i);
    if (n.textPair !== null) throw new KoClassifyError('INVALID_INPUT', `input ${i} has a textPair: a taught head classifies single texts`, { index: i });
    return n.text;
  });
  const blank = texts.map(isBlankText);
  const kept = texts.filter((_, i) => !blank[i]);
  const rows = await engine.embed(kept, { batchSize: options.batchSize, maxLength: options.maxLength }, checkpoint);
  const logits = headLogits(parsed, rows, kept);
  let k = 0;
  return texts.map((_, i) => (blank[i] ? emptyResult() : postprocess(logits[k++]!, config, options)));
}
