/**
 * Taught heads (issue #28): a classifier over a sentence encoder's embeddings, taught from a few
 * examples. Pure and synchronous, for the worker and Node: the host embeds, these functions do the rest.
 */
import { headRows } from './head-features.js';
import { rowLogits } from './head-fit.js';
import { bad, type ParsedHead } from './head-json.js';
import type { ModelConfig } from './model-config.js';

export { HEAD_FORMAT, HEAD_VERSION, MAX_EXAMPLES, MAX_LABELS, parseHead, validateExamples, type HeadJson, type ParsedHead, type TrainOptions } from './head-json.js';
export type { NgramSpec } from './head-features.js';
export { trainHead } from './head-train.js';

/**
 * The head's logits of each text (`embeddings[i]` of `texts[i]`), before temperature: feed each row to
 * `postprocess(row, headConfig(head))` for a Classification.
 */
export function headLogits(head: ParsedHead, embeddings: readonly Float32Array[], texts: readonly string[]): Float32Array[] {
  const { json, weights, featureDim } = head;
  const rows = headRows(embeddings, texts, json.features.ngrams, 1);
  return rows.map((r, i) => {
    if (r.dense.length !== json.encoder.dim) throw bad(`embedding ${i} has ${r.dense.length} values, the head's encoder dim is ${json.encoder.dim}`);
    return Float32Array.from(rowLogits(weights, json.bias, featureDim, r));
  });
}

/** The model config a head classifies with: its labels, softmax, its temperature and min_score. */
export function headConfig(head: ParsedHead): ModelConfig {
  const { json } = head;
  return {
    labels: [...json.labels],
    problemType: 'single_label_classification',
    modelType: 'ko-classify-head',
    maxPositions: null,
    thresholds: Object.fromEntries(json.labels.map((l) => [l, 0.5])),
    displayNames: {},
    defaultLocale: null,
    calibration: { method: 'temperature', temperature: json.temperature },
    uncertainty: { minScore: json.uncertainty.min_score },
    explainAxis: null,
    embedding: null,
  };
}
