/**
 * `ko-classify classify`: label a file of any size on every core. Rows stream in (never the whole
 * file in memory), go out in chunks to a pool of worker threads (one ONNX session each), and come back
 * in input order: each input row exactly as it came plus the predictions (`output.ts`: `pred_label`,
 * `pred_score`, `pred_scores` — or `pred_error` and `pred_line` for a row that cannot be classified).
 * `--resume` continues after the output's last complete line; `--shard i/n` takes every n-th row so
 * any job runner can fan a file out over machines.
 */
import { once } from 'node:events';
import { createReadStream, createWriteStream, existsSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { Readable, Writable } from 'node:stream';
import type { RuntimeOption } from '@ko-classify/core/node';
import type { DtypeOption } from '@ko-classify/core';
import { modelDir } from '../args.js';
import { goldIndices, scoreLabels, type Scores } from '../metrics.js';
import { OutputConflict, completeLines, createWriter, sameFirstLine, type RowResult, type Writer } from './output.js';
import { startPool } from './pool.js';
import { Progress } from './progress.js';
import { formatOf, readRows, type Format, type InputRow } from './rows.js';
import type { Outcome, WorkerInit } from './worker.js';

export interface ClassifyFileOptions {
  model: string;
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
  // Model ids resolve from the user's project first, then beside the CLI (which brings ko-sentiment).
  const dir = modelDir(o.model);
  const threads = Math.max(1, o.threads ?? availableParallelism());
  const batch = o.batch ?? 32;
  const chunkRows = batch * 8;
  const [shardI, shardN] = o.shard ?? [0, 1];
  const stderr = o.stderr ?? process.stderr;
  const inputFormat = o.format ?? (o.input === '-' ? 'jsonl' : formatOf(o.input));
  const outputFormat: Format = o.output && /\.(tsv|tab)$/i.test(o.output) ? 'tsv' : 'jsonl';
  if (o.resume && !o.output) throw new Error('--resume needs -o FILE (it continues that file)');
  if (o.input !== '-' && !existsSync(o.input)) throw new Error(`no input file ${o.input}`);
  // A TSV's partial last line is cut only once its header proved it is this run's file (onHeader).
  const lines = o.resume && o.output && existsSync(o.output) ? completeLines(o.output, outputFormat !== 'tsv') : 0;
  // A TSV output's first line is its header.
  const done = outputFormat === 'tsv' ? Math.max(0, lines - 1) : lines;

  const init: WorkerInit = {
    classifier: { model: dir, dtype: o.dtype, runtime: o.runtime, threads: 1 },
    options: { batchSize: batch, ...(o.longText ? { longText: o.longText } : {}) },
  };
  const pool = await startPool(threads, init);
  let writer: Writer;
  try {
    writer = createWriter({ input: inputFormat, output: outputFormat, prefix: o.prefix ?? 'pred_', multiLabel: pool.multiLabel });
  } catch (e) {
    await pool.close();
    throw e;
  }
  const input = o.input === '-' ? (o.stdin ?? process.stdin) : createReadStream(o.input, { highWaterMark: 1 << 20 });
  const totalBytes = o.input === '-' ? null : statSync(o.input).size;
  const out = o.output ? createWriteStream(o.output, { flags: lines > 0 ? 'a' : 'w' }) : (o.stdout ?? process.stdout);
  const progress = new Progress(stderr, totalBytes, o.progress ?? true);
  let bytes = 0;
  const rows = readRows(input, {
    format: inputFormat,
    textCol: o.textCol,
    labelCol: o.labelCol,
    maxChars: o.maxChars ?? 100_000,
    onBytes: (n) => (bytes += n),
    onHeader: (columns, raw) => {
      const head = writer.header({ columns, raw });
      if (head && lines === 0) out.write(head);
      // Resuming a TSV another version (or other options) started: its columns must be these.
      if (head && lines > 0 && !sameFirstLine(o.output!, head)) {
        throw new OutputConflict(`${o.output} has other columns than this run writes (${new TextDecoder().decode(head).trim().split('\t').slice(columns.length).join(', ')}): finish it with the options and version that started it, or write a new file`);
      }
      if (head && lines > 0) completeLines(o.output!, true);
    },
  });

  const t0 = performance.now();
  let written = 0;
  let errors = 0;
  let read = 0;
  let readAll = false;
  let shardRow = -1;
  let nextId = 0;
  let nextToWrite = 0;
  const finished = new Map<number, Uint8Array>();
  const inFlight = new Set<Promise<void>>();
  let chunk: InputRow[] = [];
  const gold: number[][] = [];
  const predicted: number[][] = [];
  let unscored = 0;
  const unknown: { count: number; first?: string } = { count: 0 };
  const report = () => progress.update({ rows: written + done, errors, bytes, read: read + done, readAll, skipped: done });

  const flush = async () => {
    while (finished.has(nextToWrite)) {
      const text = finished.get(nextToWrite)!;
      finished.delete(nextToWrite++);
      if (text.length && !out.write(text)) await once(out, 'drain');
    }
  };
  const send = (rowsOut: InputRow[]) => {
    const id = nextId++;
    const job = rowsOut.filter((r) => r.text !== null);
    const p = (job.length ? pool.run(job.map((r) => r.text!)) : Promise.resolve([] as Outcome[])).then((outcomes) => {
      let k = 0;
      const parts = rowsOut.map((r) => {
        const outcome: Outcome = r.text === null ? { error: r.error! } : outcomes[k++]!;
        const result: RowResult = 'error' in outcome ? outcome : { ok: { label: outcome.ok.label, score: outcome.ok.score, scores: outcome.ok.scores, labels: outcome.ok.labels.map((l) => l.label), uncertain: outcome.ok.uncertain } };
        if ('error' in result) errors++;
        written++;
        if (o.labelCol !== undefined) score(r, result);
        return writer.row(r, result);
      });
      finished.set(id, Buffer.concat(parts));
      report();
    });
    const tracked = p.then(flush).finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
  };
  const score = (r: InputRow, result: RowResult) => {
    if ('error' in result || result.ok.label === null || r.gold === null || r.gold === undefined || r.gold.trim() === '') return void unscored++;
    let g: number[];
    try {
      g = goldIndices(r.gold, pool.labels, pool.multiLabel, `line ${r.line}`);
    } catch (e) {
      // A label the model does not know is reported with the scores, never a stopped run.
      unknown.count++;
      unknown.first ??= (e as Error).message;
      return;
    }
    gold.push(g);
    predicted.push(pool.multiLabel ? (result.ok.labels ?? []).map((l) => pool.labels.indexOf(l)) : [pool.labels.indexOf(result.ok.label)]);
  };

  try {
    for await (const row of rows) {
      if (row.index % shardN !== shardI) continue;
      if (++shardRow < done) continue;
      writer.check(row);
      read++;
      chunk.push(row);
      if (chunk.length >= chunkRows) {
        send(chunk);
        chunk = [];
        // Backpressure: never more than two chunks per thread in flight (memory stays flat).
        while (inFlight.size >= threads * 2) await Promise.race(inFlight);
      }
    }
    readAll = true;
    if (chunk.length) send(chunk);
    await Promise.all(inFlight);
    await flush();
  } finally {
    await pool.close();
    if (o.output) await new Promise<void>((resolve) => (out as ReturnType<typeof createWriteStream>).end(resolve));
  }
  const seconds = (performance.now() - t0) / 1000;
  progress.finish({ rows: written + done, errors, bytes, read: read + done, readAll: true, skipped: done });
  return {
    rows: written,
    errors,
    skipped: done,
    seconds,
    rowsPerSecond: written / seconds,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    threads,
    file: pool.file,
    runtime: pool.runtime,
    ...(o.labelCol !== undefined ? { scores: { ...scoreLabels(pool.labels, gold, predicted, pool.multiLabel), labels: pool.labels, unscored, unknown } } : {}),
  };
}
