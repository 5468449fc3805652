/**
 * `ko-classify classify`: label a file of any size on every core. Rows stream in (never the whole
 * file in memory), go out in chunks to a pool of worker threads (one ONNX session each), and come back
 * in input order: each input row exactly as it came plus the predictions (`output.ts`: `pred_label`,
 * `pred_score`, `pred_scores` — or `pred_error` and `pred_line` for a row that cannot be classified).
 * `--resume` continues after the output's last complete line; `--shard i/n` takes every n-th row so
 * any job runner can fan a file out over machines.
 */
import { availableParallelism } from 'node:os';
import type { Readable, Writable } from 'node:stream';
import type { RuntimeOption } from '@ko-classify/core/node';
import type { DtypeOption } from '@ko-classify/core';
import { modelDir } from '../args.js';
import { goldIndices, scoreLabels, type Scores } from '../metrics.js';
import { checkEncoder, readHeadFile } from './head.js';
import { createWriter, type RowResult, type Writer } from './output.js';
import { startPool } from './pool.js';
import { formatOf, type Format, type InputRow } from './rows.js';
import { checkPaths, runFile } from './run-file.js';
import type { Outcome, WorkerInit } from './worker.js';

export interface ClassifyFileOptions {
  /** A model directory or id; with `head`, its sentence encoder (default: the one the head names). */
  model?: string;
  /** A head JSON file (`ko-classify teach`): classify with its labels on its sentence encoder. */
  head?: string;
  /** A path, or `-` for stdin. */
  input: string;
  /** A path (`.tsv`: TSV output, else JSON Lines), or undefined for stdout (JSON Lines). */
  output?: string;
  format?: Format;
  textCol?: string;
  /** A column (field) of gold labels: accuracy and macro-F1 (micro-F1 multi-label) come with the summary. */
  labelCol?: string;
  /** Prefix of the prediction names (`pred_label`, …). Default `pred_`. */
  prefix?: string;
  threads?: number;
  /** Rows per ONNX run. */
  batch?: number;
  dtype?: DtypeOption;
  runtime?: RuntimeOption;
  maxChars?: number;
  longText?: 'truncate' | 'window';
  resume?: boolean;
  /** `[i, n]`: rows whose 0-based index ≡ i (mod n). */
  shard?: [number, number];
  /** Progress on stderr: a bar on a TTY, a plain line every few seconds otherwise; false for none. */
  progress?: boolean;
  stdin?: Readable;
  stdout?: Writable;
  stderr?: NodeJS.WriteStream | Writable;
}

export interface ClassifySummary {
  rows: number;
  errors: number;
  skipped: number;
  seconds: number;
  rowsPerSecond: number;
  peakRssMb: number;
  threads: number;
  file: string;
  /** The ONNX runtime that ran: `node` (onnxruntime-node) or `web` (onnxruntime-web's WASM). */
  runtime: 'node' | 'web';
  /** With `labelCol`: the scores of the rows that had a gold label and a prediction. */
  scores?: Scores & { labels: string[]; unscored: number; unknown: { count: number; first?: string } };
}

export async function classifyFile(o: ClassifyFileOptions): Promise<ClassifySummary> {
  const head = o.head === undefined ? undefined : readHeadFile(o.head);
  const model = o.model ?? head?.model;
  if (!model) throw new Error('classify needs a model (or --head head.json)');
  // Model ids resolve from the user's project first, then beside the CLI (which brings ko-sentiment).
  const dir = modelDir(model);
  if (head) checkEncoder(dir, model, head);
  const threads = Math.max(1, o.threads ?? availableParallelism());
  const batch = o.batch ?? 32;
  const inputFormat = o.format ?? (o.input === '-' ? 'jsonl' : formatOf(o.input));
  const outputFormat: Format = o.output && /\.(tsv|tab)$/i.test(o.output) ? 'tsv' : 'jsonl';
  checkPaths(o);

  const init: WorkerInit = {
    classifier: { model: dir, dtype: o.dtype, runtime: o.runtime, threads: 1 },
    options: { batchSize: batch, ...(o.longText ? { longText: o.longText } : {}) },
    ...(head ? { head: head.json } : {}),
  };
  // Started before the output is touched: a model or head that cannot load leaves the file as it was.
  const pool = await startPool(threads, init);
  let writer: Writer;
  try {
    writer = createWriter({ input: inputFormat, output: outputFormat, prefix: o.prefix ?? 'pred_', multiLabel: pool.multiLabel });
  } catch (e) {
    await pool.close();
    throw e;
  }
  const gold: number[][] = [];
  const predicted: number[][] = [];
  let unscored = 0;
  const unknown: { count: number; first?: string } = { count: 0 };
  const byName = (gold: string, line: number) => {
    const i = pool.labels.indexOf(gold.trim());
    if (i < 0) throw new Error(`line ${line}: label "${gold.trim()}" is not one the head was taught (${pool.labels.join(', ')})`);
    return i;
  };
  const score = (r: InputRow, result: RowResult) => {
    if ('error' in result || result.ok.label === null || r.gold === null || r.gold === undefined || r.gold.trim() === '') return void unscored++;
    let g: number[];
    try {
      // A head's labels are the names it was taught, in the order first seen: a gold "0" is the label
      // "0", never the head's first label.
      g = head ? [byName(r.gold, r.line)] : goldIndices(r.gold, pool.labels, pool.multiLabel, `line ${r.line}`);
    } catch (e) {
      // A label the model does not know is reported with the scores, never a stopped run.
      unknown.count++;
      unknown.first ??= (e as Error).message;
      return;
    }
    gold.push(g);
    predicted.push(pool.multiLabel ? (result.ok.labels ?? []).map((l) => pool.labels.indexOf(l)) : [pool.labels.indexOf(result.ok.label)]);
  };

  const counts = await runFile<RowResult>(
    {
      command: 'classify',
      input: o.input,
      output: o.output,
      inputFormat,
      outputFormat,
      textCol: o.textCol,
      labelCol: o.labelCol,
      maxChars: o.maxChars ?? 100_000,
      resume: o.resume,
      shard: o.shard ?? [0, 1],
      threads,
      chunkRows: batch * 8,
      progress: o.progress ?? true,
      stdin: o.stdin,
      stdout: o.stdout,
      stderr: o.stderr ?? process.stderr,
    },
    {
      pool,
      writer,
      result: (outcome: Outcome): RowResult =>
        'error' in outcome ? outcome : 'ok' in outcome ? { ok: { label: outcome.ok.label, score: outcome.ok.score, scores: outcome.ok.scores, labels: outcome.ok.labels.map((l) => l.label), uncertain: outcome.ok.uncertain } } : { error: 'INTERNAL: an embedding where a classification was due' },
      onRow: (r, result) => {
        if (o.labelCol !== undefined) score(r, result);
      },
    },
  );
  return {
    ...counts,
    rowsPerSecond: counts.rows / counts.seconds,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    threads,
    file: pool.file,
    runtime: pool.runtime,
    ...(o.labelCol !== undefined ? { scores: { ...scoreLabels(pool.labels, gold, predicted, pool.multiLabel), labels: pool.labels, unscored, unknown } } : {}),
  };
}
