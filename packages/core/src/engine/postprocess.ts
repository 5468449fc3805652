import { KoClassifyError } from '../errors.js';
import type { Classification, ClassifyOptions, LabelScore, ProblemType } from '../types.js';
import type { ModelConfig } from './model-config.js';

/** What postprocessing needs of the model config (a full ModelConfig works). */
export type HeadConfig = Pick<ModelConfig, 'labels' | 'problemType'> & Partial<Pick<ModelConfig, 'thresholds' | 'displayNames' | 'calibration' | 'uncertainty'>>;

/**
 * Turns one row of logits into a result, as transformers' text-classification pipeline does:
 * softmax for single-label, sigmoid for multi-label, the raw value for regression — of the logits
 * divided by the model's calibration temperature (unless `calibrated: false`); then the labels over
 * their thresholds, `uncertain` and the display names (see `decide`).
 */
export function postprocess(logits: ArrayLike<number>, head: HeadConfig, options: ClassifyOptions = {}): Classification {
  const values = calibrateLogits(Array.from(logits), head, options);
  const probs =
    head.problemType === 'single_label_classification'
      ? softmax(values)
      : head.problemType === 'multi_label_classification'
        ? values.map(sigmoid)
        : values;
  const scores: Record<string, number> = {};
  probs.forEach((p, i) => (scores[head.labels[i] ?? `LABEL_${i}`] = p));
  return decide(scores, head, options);
}

/** The logits divided by their temperature (single-label: one; multi-label: each label's own). */
export function calibrateLogits(values: number[], head: HeadConfig, options: ClassifyOptions = {}): number[] {
  const t = head.calibration?.temperature;
  if (options.calibrated === false || t === undefined || head.problemType === 'regression') return values;
  if (typeof t === 'number') return values.map((v) => v / t);
  return values.map((v, i) => v / (t[head.labels[i]!] ?? 1));
}

/**
 * A result from every label's score: the best label, the labels over their thresholds (multi-label),
 * whether the scores fall in the model's uncertain band, and display names in `options.locale`.
 */
export function decide(scores: Record<string, number>, head: HeadConfig, options: ClassifyOptions = {}): Classification {
  const entries = Object.entries(scores);
  let [label, score] = entries[0]!;
  for (const [l, p] of entries) if (p > score) [label, score] = [l, p];
  const names = options.locale ? head.displayNames?.[options.locale] : undefined;
  const named = (l: string, s: number): LabelScore => (names?.[l] ? { label: l, score: s, displayName: names[l] } : { label: l, score: s });
  let labels: LabelScore[];
  if (head.problemType === 'multi_label_classification') {
    const thresholds = effectiveThresholds(head, options.threshold);
    labels = entries.filter(([l, p]) => p >= thresholds[l]!).sort((a, b) => b[1] - a[1]).map(([l, p]) => named(l, p));
  } else {
    labels = [named(label, score)];
  }
  const result: Classification = { label, score, scores, labels, uncertain: isUncertain(scores, score, head, options) };
  if (names?.[label]) result.displayName = names[label];
  return result;
}

/**
 * The band of `config.json` `uncertainty`: single-label, a best score under `minScore`; multi-label,
 * some label within `margin` of its (effective) threshold. The band was fitted on calibrated scores,
 * so it applies as given to those; with `calibrated: false` it applies to the plain ones.
 */
function isUncertain(scores: Record<string, number>, best: number, head: HeadConfig, options: ClassifyOptions): boolean {
  const band = head.uncertainty;
  if (!band || head.problemType === 'regression') return false;
  if (head.problemType === 'multi_label_classification') {
    if (band.margin === undefined) return false;
    const thresholds = effectiveThresholds(head, options.threshold);
    return Object.entries(scores).some(([l, p]) => Math.abs(p - thresholds[l]!) < band.margin!);
  }
  return band.minScore !== undefined && best < band.minScore;
}

/** The result of an empty or whitespace-only text: no class (documented on `Classification`). */
export function emptyResult(): Classification {
  return { label: null, score: 0, scores: {}, labels: [], uncertain: true, empty: true };
}

/** The thresholds in effect for a call: the model's, with `threshold` (validated) over them. */
export function effectiveThresholds(head: HeadConfig, override: ClassifyOptions['threshold']): Record<string, number> {
  const base = Object.fromEntries(head.labels.map((l) => [l, head.thresholds?.[l] ?? 0.5]));
  if (override === undefined) return base;
  const check = (t: unknown, what: string) => {
    if (!(typeof t === 'number' && t >= 0 && t <= 1)) throw new KoClassifyError('INVALID_INPUT', `${what} must be a number in [0, 1], got ${JSON.stringify(t)}`);
    return t;
  };
  if (typeof override === 'number') return Object.fromEntries(head.labels.map((l) => [l, check(override, 'threshold')]));
  if (override === null || typeof override !== 'object') throw new KoClassifyError('INVALID_INPUT', 'threshold must be a number or { label: number }');
  for (const [l, t] of Object.entries(override)) {
    if (!head.labels.includes(l)) throw new KoClassifyError('INVALID_INPUT', `threshold names "${l}", which is not one of the model's labels (${head.labels.join(', ')})`);
    base[l] = check(t, `threshold.${l}`);
  }
  return base;
}

export function softmax(values: readonly number[]): number[] {
  const max = Math.max(...values);
  const exps = values.map((v) => Math.exp(v - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

export function sigmoid(v: number): number {
  return v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v));
}
