import { loadEngine, type LoadEngineOptions } from '@ko-classify/core/node';
import { goldIndices, scoreLabels, type LabelStats } from './metrics.js';
import { column, readTsv } from './tsv.js';

export type { LabelStats } from './metrics.js';

export interface EvalOptions extends Omit<LoadEngineOptions, 'onProgress'> {
  textCol?: string;
  labelCol?: string;
  batchSize?: number;
  limit?: number;
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
  /** Present for multi-label models (then `accuracy` is the exact-match ratio and `confusion` is empty). */
  multi_label?: MultiLabelEval;
}

/** Scores a labelled TSV through the real engine: accuracy, macro-F1, confusion matrix, speed. */
export async function evaluate(dir: string, dataPath: string, o: EvalOptions = {}): Promise<EvalResult> {
  const { header, rows } = readTsv(dataPath);
  const ti = column(header, o.textCol ?? 'document', dataPath);
  const li = column(header, o.labelCol ?? 'label', dataPath);
  const data = o.limit ? rows.slice(0, o.limit) : rows;
  const { engine, dtype, file, runtime } = await loadEngine(dir, { ...o, onProgress: undefined });
  const labels = engine.config.labels;
  const multi = engine.config.problemType === 'multi_label_classification';
  // Multi-label: a comma-separated set of label indices or names per row.
  const gold = data.map((r, i) => goldIndices(r[li] ?? '', labels, multi, `${dataPath} line ${i + 2}`));
  const texts = data.map((r) => r[ti] ?? '');
  const predicted: number[][] = [];
  const chunk = 512;
  const t0 = performance.now();
  for (let s = 0; s < texts.length; s += chunk) {
    const results = await engine.classify(texts.slice(s, s + chunk), { batchSize: o.batchSize ?? 32 });
    for (const r of results) predicted.push(multi ? r.labels.map((l) => labels.indexOf(l.label)) : [labels.indexOf(r.label)]);
    o.onProgress?.(Math.min(s + chunk, texts.length), texts.length);
  }
  const seconds = (performance.now() - t0) / 1000;
  const thresholds = engine.config.thresholds;
  await engine.release();
  const n = texts.length;
  const base = { model: dir, data: dataPath, dtype, file, runtime, n, labels, sentences_per_second: n / seconds, problem_type: engine.config.problemType };
  const { accuracy, macro_f1, confusion, multi_label } = scoreLabels(labels, gold, predicted, multi);
  return { ...base, accuracy, macro_f1, confusion, ...(multi_label ? { multi_label: { ...multi_label, thresholds } } : {}) };
}

export function formatEval(r: EvalResult): string {
  if (r.multi_label) {
    const m = r.multi_label;
    const w = Math.max(10, ...r.labels.map((l) => l.length)) + 2;
    return [
      `${r.model} (${r.file}, ${r.runtime}) on ${r.data}`,
      `n ${r.n}  micro-F1 ${(100 * m.micro_f1).toFixed(2)}  macro-F1 ${(100 * r.macro_f1).toFixed(2)}  exact match ${(100 * m.exact_match).toFixed(2)}%  ${r.sentences_per_second.toFixed(0)} sentences/s`,
      '',
      `${'label'.padEnd(w)}${['threshold', 'precision', 'recall', 'F1', 'support'].map((h) => h.padStart(11)).join('')}`,
      ...m.per_label.map((p) => `${p.label.padEnd(w)}${[m.thresholds[p.label]!.toFixed(3), (100 * p.precision).toFixed(2), (100 * p.recall).toFixed(2), (100 * p.f1).toFixed(2), String(p.support)].map((v) => v.padStart(11)).join('')}`),
    ].join('\n');
  }
  const w = Math.max(8, ...r.labels.map((l) => l.length)) + 2;
  const lines = [
    `${r.model} (${r.file}, ${r.runtime}) on ${r.data}`,
    `n ${r.n}  accuracy ${(100 * r.accuracy).toFixed(2)}%  macro-F1 ${(100 * r.macro_f1).toFixed(2)}  ${r.sentences_per_second.toFixed(0)} sentences/s`,
    '',
    `${'true \\ pred'.padEnd(w)}${r.labels.map((l) => l.padStart(w)).join('')}`,
    ...r.labels.map((l, i) => `${l.padEnd(w)}${r.confusion[i]!.map((v) => String(v).padStart(w)).join('')}`),
  ];
  return lines.join('\n');
}
