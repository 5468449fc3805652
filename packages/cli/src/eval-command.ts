import { loadEngine, type LoadEngineOptions } from '@ko-classify/core/node';
import { column, readTsv } from './tsv.js';

export interface EvalOptions extends LoadEngineOptions {
  textCol?: string;
  labelCol?: string;
  batchSize?: number;
  limit?: number;
  onProgress?: (done: number, total: number) => void;
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
}

/** Scores a labelled TSV through the real engine: accuracy, macro-F1, confusion matrix, speed. */
export async function evaluate(dir: string, dataPath: string, o: EvalOptions = {}): Promise<EvalResult> {
  const { header, rows } = readTsv(dataPath);
  const ti = column(header, o.textCol ?? 'document', dataPath);
  const li = column(header, o.labelCol ?? 'label', dataPath);
  const data = o.limit ? rows.slice(0, o.limit) : rows;
  const { engine, dtype, file, runtime } = await loadEngine(dir, o);
  const labels = engine.config.labels;
  const gold = data.map((r, i) => {
    const raw = r[li] ?? '';
    const idx = /^\d+$/.test(raw) && Number(raw) < labels.length ? Number(raw) : labels.indexOf(raw);
    if (idx < 0) throw new Error(`row ${i + 2}: label "${raw}" is neither an index nor one of ${labels.join(', ')}`);
    return idx;
  });
  const texts = data.map((r) => r[ti] ?? '');
  const confusion = labels.map(() => labels.map(() => 0));
  const chunk = 512;
  const t0 = performance.now();
  for (let s = 0; s < texts.length; s += chunk) {
    const results = await engine.classify(texts.slice(s, s + chunk), { batchSize: o.batchSize ?? 32 });
    results.forEach((r, j) => confusion[gold[s + j]!]![labels.indexOf(r.label)]!++);
    o.onProgress?.(Math.min(s + chunk, texts.length), texts.length);
  }
  const seconds = (performance.now() - t0) / 1000;
  await engine.release();
  const n = texts.length;
  const correct = labels.reduce((a, _, i) => a + confusion[i]![i]!, 0);
  const f1 = labels.map((_, c) => {
    const tp = confusion[c]![c]!;
    const fp = confusion.reduce((a, row, t) => a + (t === c ? 0 : row[c]!), 0);
    const fn = confusion[c]!.reduce((a, v, p) => a + (p === c ? 0 : v), 0);
    return tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
  });
  return {
    model: dir,
    data: dataPath,
    dtype,
    file,
    runtime,
    n,
    accuracy: correct / n,
    macro_f1: f1.reduce((a, b) => a + b, 0) / f1.length,
    labels,
    confusion,
    sentences_per_second: n / seconds,
  };
}

export function formatEval(r: EvalResult): string {
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
