import { loadEngine, readModelJson, type LoadEngineOptions } from '@ko-classify/core/node';
import type { Classification } from '@ko-classify/core';
import { eceOf, multiLabelReliability, singleLabelReliability } from './calibration/ece.js';
import { labelSetKey, splitHalves } from './calibration/fit.js';
import { logitsOf, padIdOf, resultsOf } from './calibration/logits.js';
import { goldIndices, scoreLabels, type LabelStats } from './metrics.js';
import { column, readTsv } from './tsv.js';

export type { LabelStats } from './metrics.js';

export interface EvalOptions extends Omit<LoadEngineOptions, 'onProgress'> {
  textCol?: string;
  labelCol?: string;
  batchSize?: number;
  limit?: number;
  /** Only one half of the rows (`ko-classify calibrate`'s split: stratified by label set, `seed`). */
  half?: 'fit' | 'report';
  /** The split's seed (default 42). */
  seed?: number;
  onProgress?: (done: number, total: number) => void;
}

/** Multi-label models: a row's prediction is its set of labels over their thresholds. */
export interface MultiLabelEval {
  micro_f1: number;
  /** Rows whose predicted set equals the gold set. */
  exact_match: number;
  per_label: LabelStats[];
  thresholds: Record<string, number>;
}

/** Rows in the model's uncertain band (config.json `uncertainty`), as the engine flags them. */
export interface UncertainEval {
  /** Share of rows flagged `uncertain`. */
  share: number;
  /** Accuracy (multi-label: exact match) of the rows not flagged; null when every row is. */
  accuracy_certain: number | null;
  /** Share of the wrong rows that are flagged; null when none is wrong. */
  errors_flagged: number | null;
}

export interface EvalResult {
  model: string;
  data: string;
  dtype: string;
  file: string;
  runtime: string;
  n: number;
  accuracy: number;
  macro_f1: number;
  labels: string[];
  /** confusion[true][predicted] */
  confusion: number[][];
  sentences_per_second: number;
  problem_type: string;
  /**
   * Expected calibration error of the scores the engine returns (calibrated when config.json has a
   * `calibration`): 15 equal-width bins over the top-label score (single-label), or over every
   * (text, label) pair's score pooled (multi-label). See calibration/ece.ts.
   */
  ece: number;
  /** The same for the plain softmax / sigmoid (`calibrated: false`). Equals `ece` without a calibration. */
  ece_uncalibrated: number;
  /** Whether config.json has a `calibration`. */
  calibrated: boolean;
  /** Present when config.json has an `uncertainty` band. */
  uncertain?: UncertainEval;
  /** Present with `half`: which half of the rows was scored, and the seed of the split. */
  half?: { half: 'fit' | 'report'; seed: number; of: number };
  /** Present for multi-label models (then `accuracy` is the exact-match ratio and `confusion` is empty). */
  multi_label?: MultiLabelEval;
}

/** Every row's gold labels, and the engine's results with and without calibration (null: an empty text). */
export interface ScoredRows {
  labels: string[];
  multi: boolean;
  gold: number[][];
  texts: string[];
  results: (Classification | null)[];
  plain: (Classification | null)[];
  thresholds: Record<string, number>;
  calibrated: boolean;
  hasBand: boolean;
  meta: { dtype: string; file: string; runtime: string; problemType: string; seconds: number; of: number };
}

/** Runs a labelled TSV through the engine once: logits → core's post-processing, calibrated and plain. */
export async function scoreRows(dir: string, dataPath: string, o: EvalOptions = {}): Promise<ScoredRows> {
  const { header, rows } = readTsv(dataPath);
  const ti = column(header, o.textCol ?? 'document', dataPath);
  const li = column(header, o.labelCol ?? 'label', dataPath);
  let data = o.limit ? rows.slice(0, o.limit) : rows;
  const { engine, dtype, file, runtime } = await loadEngine(dir, { ...o, onProgress: undefined });
  try {
    const labels = engine.config.labels;
    const multi = engine.config.problemType === 'multi_label_classification';
    // Multi-label: a comma-separated set of label indices or names per row.
    let gold = data.map((r, i) => goldIndices(r[li] ?? '', labels, multi, `${dataPath} line ${i + 2}`));
    const of = data.length;
    if (o.half) {
      const keep = splitHalves(gold.map(labelSetKey), o.seed ?? 42)[o.half];
      data = keep.map((i) => data[i]!);
      gold = keep.map((i) => gold[i]!);
    }
    const texts = data.map((r) => r[ti] ?? '');
    const t0 = performance.now();
    const logits = await logitsOf(engine, texts, padIdOf(readModelJson(dir, 'config.json')), o.batchSize ?? 32, o.onProgress);
    const seconds = (performance.now() - t0) / 1000;
    return {
      labels,
      multi,
      gold,
      texts,
      results: resultsOf(engine, logits, true),
      plain: resultsOf(engine, logits, false),
      thresholds: engine.config.thresholds,
      calibrated: engine.config.calibration !== null,
      hasBand: engine.config.uncertainty !== null,
      meta: { dtype, file, runtime, problemType: engine.config.problemType, seconds, of },
    };
  } finally {
    await engine.release();
  }
}

/** A result's predicted label indices (none for an empty text). */
export function predictedOf(r: Classification | null, labels: readonly string[], multi: boolean): number[] {
  if (!r || r.label === null) return [];
  return multi ? r.labels.map((l) => labels.indexOf(l.label)) : [labels.indexOf(r.label)];
}

/** ECE (calibration/ece.ts) of results against gold; an empty text's row counts as scores of 0. */
export function eceOfResults(results: readonly (Classification | null)[], gold: readonly number[][], labels: readonly string[], multi: boolean): number {
  const scores = results.map((r) => labels.map((l) => r?.scores[l] ?? 0));
  return eceOf(multi ? multiLabelReliability(scores, gold) : singleLabelReliability(scores, gold.map((g) => g[0]!)));
}

/** Scores a labelled TSV through the real engine: accuracy, macro-F1, confusion matrix, ECE, speed. */
export async function evaluate(dir: string, dataPath: string, o: EvalOptions = {}): Promise<EvalResult> {
  const s = await scoreRows(dir, dataPath, o);
  return summarise(dir, dataPath, s, o);
}

/** The EvalResult of scored rows. */
export function summarise(dir: string, dataPath: string, s: ScoredRows, o: Pick<EvalOptions, 'half' | 'seed'> = {}): EvalResult {
  const { labels, multi, gold } = s;
  const predicted = s.results.map((r) => predictedOf(r, labels, multi));
  const n = gold.length;
  const right = (i: number) => gold[i]!.length === predicted[i]!.length && gold[i]!.every((c) => predicted[i]!.includes(c));
  const base = { model: dir, data: dataPath, dtype: s.meta.dtype, file: s.meta.file, runtime: s.meta.runtime, n, labels, sentences_per_second: n / s.meta.seconds, problem_type: s.meta.problemType };
  // An empty text has no class: wrong, in no confusion column.
  const scored = scoreLabels(labels, gold, predicted.map((p) => (p.length || multi ? p : [-1])), multi);
  const { accuracy, macro_f1, confusion, multi_label } = scored;
  let uncertain: UncertainEval | undefined;
  if (s.hasBand) {
    const flagged = s.results.map((r) => r === null || r.uncertain);
    const certain = gold.map((_, i) => i).filter((i) => !flagged[i]);
    const wrong = gold.map((_, i) => i).filter((i) => !right(i));
    uncertain = {
      share: flagged.filter(Boolean).length / Math.max(1, n),
      accuracy_certain: certain.length ? certain.filter(right).length / certain.length : null,
      errors_flagged: wrong.length ? wrong.filter((i) => flagged[i]).length / wrong.length : null,
    };
  }
  return {
    ...base,
    accuracy,
    macro_f1,
    confusion,
    ece: eceOfResults(s.results, gold, labels, multi),
    ece_uncalibrated: eceOfResults(s.plain, gold, labels, multi),
    calibrated: s.calibrated,
    ...(uncertain ? { uncertain } : {}),
    ...(o.half ? { half: { half: o.half, seed: o.seed ?? 42, of: s.meta.of } } : {}),
    ...(multi_label ? { multi_label: { ...multi_label, thresholds: s.thresholds } } : {}),
  };
}

/** The calibration line of `eval`'s text output. */
function calibrationLine(r: EvalResult): string {
  const ece = r.calibrated ? `ECE ${r.ece.toFixed(4)} calibrated, ${r.ece_uncalibrated.toFixed(4)} plain` : `ECE ${r.ece.toFixed(4)} (no calibration in config.json: ko-classify calibrate fits one)`;
  const u = r.uncertain;
  const pct = (x: number | null) => (x === null ? '–' : `${(100 * x).toFixed(2)}%`);
  const band = u ? `; uncertain ${pct(u.share)} of rows (${pct(u.errors_flagged)} of the wrong ones), ${r.multi_label ? 'exact match' : 'accuracy'} of the rest ${pct(u.accuracy_certain)}` : '';
  const half = r.half ? ` [${r.half.half} half of ${r.half.of} rows, seed ${r.half.seed}]` : '';
  return `${ece}${band}${half}`;
}

export function formatEval(r: EvalResult): string {
  if (r.multi_label) {
    const m = r.multi_label;
    const w = Math.max(10, ...r.labels.map((l) => l.length)) + 2;
    return [
      `${r.model} (${r.file}, ${r.runtime}) on ${r.data}`,
      `n ${r.n}  micro-F1 ${(100 * m.micro_f1).toFixed(2)}  macro-F1 ${(100 * r.macro_f1).toFixed(2)}  exact match ${(100 * m.exact_match).toFixed(2)}%  ${r.sentences_per_second.toFixed(0)} sentences/s`,
      calibrationLine(r),
      '',
      `${'label'.padEnd(w)}${['threshold', 'precision', 'recall', 'F1', 'support'].map((h) => h.padStart(11)).join('')}`,
      ...m.per_label.map((p) => `${p.label.padEnd(w)}${[m.thresholds[p.label]!.toFixed(3), (100 * p.precision).toFixed(2), (100 * p.recall).toFixed(2), (100 * p.f1).toFixed(2), String(p.support)].map((v) => v.padStart(11)).join('')}`),
    ].join('\n');
  }
  const w = Math.max(8, ...r.labels.map((l) => l.length)) + 2;
  const lines = [
    `${r.model} (${r.file}, ${r.runtime}) on ${r.data}`,
    `n ${r.n}  accuracy ${(100 * r.accuracy).toFixed(2)}%  macro-F1 ${(100 * r.macro_f1).toFixed(2)}  ${r.sentences_per_second.toFixed(0)} sentences/s`,
    calibrationLine(r),
    '',
    `${'true \\ pred'.padEnd(w)}${r.labels.map((l) => l.padStart(w)).join('')}`,
    ...r.labels.map((l, i) => `${l.padEnd(w)}${r.confusion[i]!.map((v) => String(v).padStart(w)).join('')}`),
  ];
  return lines.join('\n');
}
