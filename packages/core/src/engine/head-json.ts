/** The head's JSON format: its types, the teach() examples it accepts, and the checks that read one back. */
import { KoClassifyError } from '../errors.js';
import { decodeFloat32, type NgramSpec } from './head-features.js';

export const HEAD_FORMAT = 'ko-classify-head';
export const HEAD_VERSION = 1;

/**
 * A classifier taught from a few examples on top of a sentence encoder: the JSON `teach()` returns,
 * `saveHead()` stores and `Encoder.classifier()` loads back.
 */
export interface HeadJson {
  format: 'ko-classify-head';
  version: 1;
  name: string | null;
  encoder: { model: string; space: string; dim: number };
  labels: string[];
  /** What the head reads: the embedding, and hashed character n-grams of the text (or not). */
  features: { embedding: true; ngrams: null | NgramSpec };
  /** Base64 of little-endian float32 [labels.length × featureDim], row-major. */
  weights: string;
  bias: number[];
  /** Fitted on out-of-fold scores (1 when there were too few examples to fold). */
  temperature: number;
  uncertainty: { min_score: number };
  trained: { examples: number; perLabel: Record<string, number>; cvAccuracy: number | null; ms: number; at: string };
}

/** A validated head with its weights decoded. */
export interface ParsedHead {
  json: HeadJson;
  weights: Float32Array;
  featureDim: number;
}

export const MAX_LABELS = 256;
export const MAX_EXAMPLES = 10_000;

export const blank = (s: string) => /^[\s\u200b-\u200d\u2060\ufeff]*$/u.test(s);
export const bad = (message: string) => new KoClassifyError('INVALID_INPUT', message);

/**
 * Checks teach() examples: an array of `{ text, label }` with non-blank string texts and labels,
 * at least two labels, at most 256 labels and 10,000 examples. Each error names the fix.
 *
 * @example
 * const { texts, labels } = validateExamples([{ text: '최고예요', label: '긍정' }, { text: '별로예요', label: '부정' }]);
 */
export function validateExamples(examples: unknown): { texts: string[]; labels: string[] } {
  if (!Array.isArray(examples)) throw bad('examples must be an array of { text, label }');
  if (examples.length > MAX_EXAMPLES) throw bad(`at most ${MAX_EXAMPLES} examples can be taught, got ${examples.length}: use fewer examples`);
  const texts: string[] = [];
  const labels: string[] = [];
  examples.forEach((e: unknown, i) => {
    if (e === null || typeof e !== 'object') throw bad(`example ${i} must be an object { text, label }, got ${JSON.stringify(e)}`);
    const { text, label } = e as { text?: unknown; label?: unknown };
    if (typeof text !== 'string') throw bad(`text ${i} must be a string, got ${JSON.stringify(text) ?? 'undefined'}`);
    if (blank(text)) throw bad(`text ${i} is empty: remove that example or give it a text`);
    if (typeof label !== 'string') throw bad(`label ${i} must be a string, got ${JSON.stringify(label) ?? 'undefined'}`);
    if (blank(label)) throw bad(`label ${i} is empty: give example ${i} a label`);
    texts.push(text);
    labels.push(label);
  });
  const distinct = new Set(labels);
  if (distinct.size < 2) throw bad(distinct.size === 0 ? 'no examples: add examples of at least two labels' : `every example has the label "${labels[0]}": add examples of a second label`);
  if (distinct.size > MAX_LABELS) throw bad(`at most ${MAX_LABELS} labels can be taught, got ${distinct.size}: merge some labels`);
  return { texts, labels };
}

export interface TrainOptions {
  name?: string;
  /** The head's features beside the embedding (default: the measured choice). For measurements. */
  ngrams?: NgramSpec | null;
  /** L2 strength (default: the measured choice). For measurements. */
  lambda?: number;
  /** Weight of the n-gram block against the unit embedding, or candidates that cross-validation chooses among. For measurements. */
  ngramWeight?: number | number[];
}

const invalidHead = (why: string) => new KoClassifyError('HEAD_INVALID', `not a ko-classify head: ${why}: re-export it with teach()`);

/**
 * Validates a head (the JSON or its text) and decodes its weights. With `expect`, a head trained on
 * another embedding space or dim is refused with HEAD_MISMATCH.
 *
 * @example
 * const head = parseHead(JSON.parse(text), { space: info.embedding.space, dim: info.embedding.dim });
 */
export function parseHead(json: unknown, expect?: { space: string; dim: number; model?: string }): ParsedHead {
  if (typeof json === 'string') {
    try {
      json = JSON.parse(json);
    } catch {
      throw invalidHead('the text is not JSON');
    }
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw invalidHead('not a JSON object');
  const h = json as Record<string, unknown>;
  if (h.format !== HEAD_FORMAT) throw invalidHead(`format is ${JSON.stringify(h.format)}, not "${HEAD_FORMAT}"`);
  if (h.version !== HEAD_VERSION) throw invalidHead(`version ${JSON.stringify(h.version)} is not one this ko-classify reads (${HEAD_VERSION})`);
  const enc = h.encoder as Record<string, unknown> | null;
  if (!enc || typeof enc !== 'object' || typeof enc.model !== 'string' || typeof enc.space !== 'string' || !(Number.isInteger(enc.dim) && (enc.dim as number) > 0)) throw invalidHead('encoder must be { model, space, dim }');
  const labels = h.labels;
  if (!Array.isArray(labels) || labels.length < 2 || labels.length > MAX_LABELS || labels.some((l) => typeof l !== 'string' || blank(l)) || new Set(labels).size !== labels.length) throw invalidHead(`labels must be 2 to ${MAX_LABELS} distinct non-empty strings`);
  const f = h.features as Record<string, unknown> | null;
  if (!f || typeof f !== 'object' || f.embedding !== true) throw invalidHead('features must be { embedding: true, ngrams }');
  const ng = f.ngrams as Record<string, unknown> | null;
  if (ng !== null && (typeof ng !== 'object' || !Array.isArray(ng.n) || ng.n.length === 0 || ng.n.some((n) => !(Number.isInteger(n) && n >= 1 && n <= 8)) || !(Number.isInteger(ng.buckets) && (ng.buckets as number) >= 2 && ((ng.buckets as number) & ((ng.buckets as number) - 1)) === 0 && (ng.buckets as number) <= 1 << 20))) throw invalidHead('features.ngrams must be null or { n: [1..8], buckets: a power of two }');
  const dim = enc.dim as number;
  const featureDim = dim + ((ng?.buckets as number | undefined) ?? 0);
  const finite = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
  if (!Array.isArray(h.bias) || h.bias.length !== labels.length || !h.bias.every(finite)) throw invalidHead(`bias must be ${labels.length} numbers`);
  if (!(finite(h.temperature) && (h.temperature as number) > 0)) throw invalidHead('temperature must be a positive number');
  const u = h.uncertainty as Record<string, unknown> | null;
  if (!u || typeof u !== 'object' || !(finite(u.min_score) && (u.min_score as number) >= 0 && (u.min_score as number) <= 1)) throw invalidHead('uncertainty must be { min_score: a number in [0, 1] }');
  const t = h.trained as Record<string, unknown> | null;
  if (!t || typeof t !== 'object') throw invalidHead('trained is missing');
  const weights = typeof h.weights === 'string' ? decodeFloat32(h.weights, labels.length * featureDim) : null;
  if (!weights || !weights.every(Number.isFinite)) throw invalidHead(`weights must be base64 of ${labels.length} × ${featureDim} finite float32 values`);
  if (h.name !== null && h.name !== undefined && typeof h.name !== 'string') throw invalidHead('name must be a string or null');
  if (expect && (enc.space !== expect.space || dim !== expect.dim)) {
    const on = expect.model ?? 'this encoder';
    throw new KoClassifyError('HEAD_MISMATCH', `this head was trained on ${enc.model} (space ${enc.space}, dim ${dim}), not on ${on} (space ${expect.space}, dim ${expect.dim}): teach it again on ${on}`, { headSpace: enc.space, encoderSpace: expect.space });
  }
  return { json: json as HeadJson, weights, featureDim };
}

