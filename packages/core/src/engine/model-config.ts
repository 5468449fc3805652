import { KoClassifyError } from '../errors.js';
import type { ProblemType } from '../types.js';

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
  };
}

function readThresholds(raw: unknown, labels: readonly string[]): Record<string, number> {
  const given = raw !== null && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  const out: Record<string, number> = {};
  for (const label of labels) {
    const t = given[label];
    if (t !== undefined && !(typeof t === 'number' && t >= 0 && t <= 1)) {
      throw new KoClassifyError('MODEL_INVALID', `config.json label_thresholds.${label} must be a number in [0, 1], got ${JSON.stringify(t)}`);
    }
    out[label] = typeof t === 'number' ? t : 0.5;
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
