import { KoClassifyError } from '../errors.js';
import type { Calibration, ProblemType, UncertaintyBand } from '../types.js';

/** The parts of a Hugging Face `config.json` the engine uses. */
export interface ModelConfig {
  labels: string[];
  problemType: ProblemType;
  modelType: string;
  maxPositions: number | null;
  /** Per-label decision threshold for multi-label models (0.5 unless `label_thresholds` says). */
  thresholds: Record<string, number>;
  /** `label_display_names`: locale → label → name. */
  displayNames: Record<string, Record<string, string>>;
  /** `default_locale`: the locale labels are shown in when the page names none. */
  defaultLocale: string | null;
  /** `calibration`: temperature scaling of the logits (null: none). */
  calibration: Calibration | null;
  /** `uncertainty`: when a result is `uncertain` (null: never, except empty text). */
  uncertainty: UncertaintyBand | null;
  /** `explain_axis`: what a positive word contribution pushes toward (null: the predicted label vs the rest). */
  explainAxis: { toward: string[]; against: string[] } | null;
  /**
   * `sentence_embedding`: the model is a sentence encoder (no `id2label`, `labels` empty): the graph
   * output `output` holds unit-length rows of `dim` floats in the embedding space `space`. Null: a classifier.
   */
  embedding: EmbeddingConfig | null;
}

/** config.json `sentence_embedding` of a sentence encoder. */
export interface EmbeddingConfig {
  dim: number;
  /** Names the weights: a head trained on one space is refused by another. */
  space: string;
  /** The graph output holding the embeddings. */
  output: string;
}

const PROBLEM_TYPES: readonly ProblemType[] = [
  'single_label_classification',
  'multi_label_classification',
  'regression',
];

/**
 * Reads labels and head type from `config.json`. `problem_type` is optional in Hugging Face
 * configs: without it, one output means regression and several mean single-label (softmax),
 * which is what `transformers` infers too.
 */
export function parseModelConfig(json: unknown): ModelConfig {
  if (json === null || typeof json !== 'object') {
    throw new KoClassifyError('MODEL_INVALID', 'config.json is not a JSON object');
  }
  const c = json as Record<string, unknown>;
  const embedding = readEmbedding(c.sentence_embedding);
  if (embedding) return encoderConfig(c, embedding);
  const id2label = c.id2label;
  if (id2label === null || typeof id2label !== 'object') {
    throw new KoClassifyError('MODEL_INVALID', 'config.json has no id2label: is this a sequence classification model?');
  }
  const entries = Object.entries(id2label as Record<string, unknown>).map(([k, v]) => [Number(k), String(v)] as const);
  entries.sort((x, y) => x[0] - y[0]);
  if (entries.some(([k], i) => k !== i)) {
    throw new KoClassifyError('MODEL_INVALID', 'config.json id2label keys must be 0..n-1');
  }
  const labels = entries.map(([, v]) => v);
  const declared = c.problem_type;
  let problemType: ProblemType;
  if (declared === undefined || declared === null) {
    problemType = labels.length === 1 ? 'regression' : 'single_label_classification';
  } else if (PROBLEM_TYPES.includes(declared as ProblemType)) {
    problemType = declared as ProblemType;
  } else {
    throw new KoClassifyError('MODEL_INVALID', `config.json problem_type ${JSON.stringify(declared)} is not one of ${PROBLEM_TYPES.join(', ')}`);
  }
  const maxPos = c.max_position_embeddings;
  return {
    labels,
    problemType,
    modelType: typeof c.model_type === 'string' ? c.model_type : 'unknown',
    maxPositions: typeof maxPos === 'number' && maxPos > 0 ? maxPos : null,
    thresholds: readThresholds(c.label_thresholds, labels),
    displayNames: readDisplayNames(c.label_display_names, labels),
    defaultLocale: readDefaultLocale(c.default_locale),
    calibration: readCalibration(c.calibration, labels, problemType),
    uncertainty: readUncertainty(c.uncertainty, problemType),
    explainAxis: readExplainAxis(c.explain_axis, labels),
    embedding: null,
  };
}

/** A sentence encoder's config: no labels, no head; what `sentence_embedding` says the graph gives. */
function encoderConfig(c: Record<string, unknown>, embedding: EmbeddingConfig): ModelConfig {
  const maxPos = c.max_position_embeddings;
  return {
    labels: [],
    problemType: 'single_label_classification',
    modelType: typeof c.model_type === 'string' ? c.model_type : 'unknown',
    maxPositions: typeof maxPos === 'number' && maxPos > 0 ? maxPos : null,
    thresholds: {},
    displayNames: {},
    defaultLocale: readDefaultLocale(c.default_locale),
    calibration: null,
    uncertainty: null,
    explainAxis: null,
    embedding,
  };
}

/** `{ "dim": 256, "pooling": "mean", "normalized": true, "output": "sentence_embedding", "space": "…" }`. */
function readEmbedding(raw: unknown): EmbeddingConfig | null {
  if (raw === undefined || raw === null) return null;
  const want = 'an object { "dim": number, "output": string, "space": string, "normalized": true }';
  if (typeof raw !== 'object' || Array.isArray(raw)) throw invalid('sentence_embedding', raw, want);
  const e = raw as Record<string, unknown>;
  if (!(typeof e.dim === 'number' && Number.isInteger(e.dim) && e.dim > 0)) throw invalid('sentence_embedding.dim', e.dim, 'a positive integer');
  if (!(typeof e.space === 'string' && e.space.length > 0)) throw invalid('sentence_embedding.space', e.space, 'a non-empty string naming the embedding space');
  const output = e.output ?? 'sentence_embedding';
  if (!(typeof output === 'string' && output.length > 0)) throw invalid('sentence_embedding.output', e.output, 'the name of a graph output');
  return { dim: e.dim, space: e.space, output };
}

const invalid = (what: string, v: unknown, want: string) => new KoClassifyError('MODEL_INVALID', `config.json ${what} must be ${want}, got ${JSON.stringify(v)}`);
const inUnit = (v: unknown, what: string): number => {
  if (!(typeof v === 'number' && v >= 0 && v <= 1)) throw invalid(what, v, 'a number in [0, 1]');
  return v;
};

function readDefaultLocale(raw: unknown): string | null {
  if (raw === undefined || raw === null) return null;
  if (typeof raw !== 'string' || !/^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$/.test(raw)) throw invalid('default_locale', raw, 'a language tag such as "ko"');
  return raw;
}

/** `{ "method": "temperature", "temperature": T }` (single-label) or `{ label: T }` per label (multi-label). */
function readCalibration(raw: unknown, labels: readonly string[], problemType: ProblemType): Calibration | null {
  if (raw === undefined || raw === null) return null;
  if (typeof raw !== 'object') throw invalid('calibration', raw, 'an object { "method": "temperature", "temperature": number }');
  const c = raw as Record<string, unknown>;
  if (c.method !== undefined && c.method !== 'temperature') throw invalid('calibration.method', c.method, '"temperature"');
  const positive = (t: unknown, what: string) => {
    if (!(typeof t === 'number' && Number.isFinite(t) && t > 0)) throw invalid(what, t, 'a positive number');
    return t;
  };
  const t = c.temperature;
  if (problemType === 'regression') return null;
  if (typeof t === 'number') return { method: 'temperature', temperature: positive(t, 'calibration.temperature') };
  if (problemType !== 'multi_label_classification' || t === null || typeof t !== 'object') {
    throw invalid('calibration.temperature', t, problemType === 'multi_label_classification' ? 'a positive number or { label: number }' : 'a positive number');
  }
  const per: Record<string, number> = {};
  for (const [l, v] of Object.entries(t as Record<string, unknown>)) {
    if (!labels.includes(l)) throw invalid(`calibration.temperature.${l}`, l, `one of the labels (${labels.join(', ')})`);
    per[l] = positive(v, `calibration.temperature.${l}`);
  }
  for (const l of labels) per[l] ??= 1;
  return { method: 'temperature', temperature: per };
}

function readUncertainty(raw: unknown, problemType: ProblemType): UncertaintyBand | null {
  if (raw === undefined || raw === null) return null;
  if (typeof raw !== 'object') throw invalid('uncertainty', raw, 'an object { "min_score": number } or { "margin": number }');
  const u = raw as Record<string, unknown>;
  if (problemType === 'regression') return null;
  if (problemType === 'multi_label_classification') return u.margin === undefined ? null : { margin: inUnit(u.margin, 'uncertainty.margin') };
  return u.min_score === undefined ? null : { minScore: inUnit(u.min_score, 'uncertainty.min_score') };
}

function readExplainAxis(raw: unknown, labels: readonly string[]): { toward: string[]; against: string[] } | null {
  if (raw === undefined || raw === null) return null;
  const a = raw as Record<string, unknown>;
  const list = (v: unknown, what: string) => {
    if (!Array.isArray(v) || v.length === 0 || v.some((l) => typeof l !== 'string' || !labels.includes(l))) throw invalid(`explain_axis.${what}`, v, `a non-empty list of labels (${labels.join(', ')})`);
    return v as string[];
  };
  if (typeof raw !== 'object') throw invalid('explain_axis', raw, 'an object { "toward": [labels], "against": [labels] }');
  const toward = list(a.toward, 'toward');
  const against = list(a.against, 'against');
  if (toward.some((l) => against.includes(l))) throw invalid('explain_axis', raw, 'two disjoint label lists');
  return { toward, against };
}

function readThresholds(raw: unknown, labels: readonly string[]): Record<string, number> {
  const given = raw !== null && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  const out: Record<string, number> = {};
  for (const label of labels) {
    const t = given[label];
    out[label] = t === undefined ? 0.5 : inUnit(t, `label_thresholds.${label}`);
  }
  return out;
}

function readDisplayNames(raw: unknown, labels: readonly string[]): Record<string, Record<string, string>> {
  if (raw === null || typeof raw !== 'object') return {};
  const out: Record<string, Record<string, string>> = {};
  for (const [locale, names] of Object.entries(raw as Record<string, unknown>)) {
    if (names === null || typeof names !== 'object') continue;
    out[locale] = Object.fromEntries(labels.flatMap((l) => (typeof (names as Record<string, unknown>)[l] === 'string' ? [[l, (names as Record<string, string>)[l]!]] : [])));
  }
  return out;
}

/**
 * Default max tokens: the tokenizer's `model_max_length` (DeBERTa's relative attention has no hard
 * limit), capped by absolute position embeddings when the architecture has them.
 */
export function defaultMaxLength(config: ModelConfig, tokenizerConfig: unknown): number {
  const raw = (tokenizerConfig as { model_max_length?: unknown } | null)?.model_max_length;
  // transformers writes 1e30 for "no limit"; treat anything implausible as unset.
  let n = typeof raw === 'number' && raw > 0 && raw < 1e6 ? raw : 512;
  const absolute = config.modelType === 'bert' || config.modelType === 'electra';
  if (absolute && config.maxPositions) n = Math.min(n, config.maxPositions);
  return n;
}
