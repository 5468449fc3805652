import { loadEngine, type LoadEngineOptions } from '@ko-classify/core/node';
import { column, readTsv } from './tsv.js';

export interface EvalOptions extends LoadEngineOptions {
  textCol?: string;
  labelCol?: string;
  batchSize?: number;
  limit?: number;
  onProgress?: (done: number, total: number) => void;
}

/** Per label, for multi-label models. */
export interface LabelStats {
  label: string;
  precision: number;
  recall: number;
  f1: number;
  /** Rows whose gold labels include it. */
  support: number;
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
  const { engine, dtype, file, runtime } = await loadEngine(dir, o);
  const labels = engine.config.labels;
  const multi = engine.config.problemType === 'multi_label_classification';
  const toIndex = (raw: string, i: number) => {
    const idx = /^\d+$/.test(raw) && Number(raw) < labels.length ? Number(raw) : labels.indexOf(raw);
    if (idx < 0) throw new Error(`row ${i + 2}: label "${raw}" is neither an index nor one of ${labels.join(', ')}`);
    return idx;
  };
  // Multi-label: a comma-separated set of label indices or names per row.
  const gold = data.map((r, i) => (multi ? (r[li] ?? '').split(',').map((x) => x.trim()).filter(Boolean) : [r[li] ?? '']).map((x) => toIndex(x, i)));
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
  if (multi) {
    const per = labels.map((label, c) => {
      let tp = 0;
      let fp = 0;
      let fn = 0;
      gold.forEach((g, i) => {
        const inGold = g.includes(c);
        const inPred = predicted[i]!.includes(c);
        if (inGold && inPred) tp++;
        else if (inPred) fp++;
        else if (inGold) fn++;
      });
      return { label, tp, fp, fn, precision: tp + fp ? tp / (tp + fp) : 0, recall: tp + fn ? tp / (tp + fn) : 0, f1: tp ? (2 * tp) / (2 * tp + fp + fn) : 0, support: tp + fn };
    });
    const sum = (k: 'tp' | 'fp' | 'fn') => per.reduce((a, p) => a + p[k], 0);
    const exact = gold.filter((g, i) => g.length === predicted[i]!.length && g.every((c) => predicted[i]!.includes(c))).length / n;
    return {
      ...base,
      accuracy: exact,
      macro_f1: per.reduce((a, p) => a + p.f1, 0) / per.length,
      confusion: [],
      multi_label: {
        micro_f1: (2 * sum('tp')) / Math.max(1, 2 * sum('tp') + sum('fp') + sum('fn')),
        exact_match: exact,
        per_label: per.map(({ label, precision, recall, f1, support }) => ({ label, precision, recall, f1, support })),
        thresholds,
      },
    };
  }
  const confusion = labels.map(() => labels.map(() => 0));
  gold.forEach((g, i) => confusion[g[0]!]![predicted[i]![0]!]!++);
  const correct = labels.reduce((a, _, i) => a + confusion[i]![i]!, 0);
  const f1 = labels.map((_, c) => {
    const tp = confusion[c]![c]!;
    const fp = confusion.reduce((a, row, t) => a + (t === c ? 0 : row[c]!), 0);
    const fn = confusion[c]!.reduce((a, v, p) => a + (p === c ? 0 : v), 0);
    return tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
  });
  return { ...base, accuracy: correct / n, macro_f1: f1.reduce((a, b) => a + b, 0) / f1.length, confusion };
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
