/**
 * The streaming loop `classify` and `embed` share: rows stream in (never the whole file in memory),
 * go out in chunks to the worker pool, and come back in input order, each written by the command's
 * `Writer`. `--resume` continues after the output's last complete line (cut only once the pool is up
 * and, for TSV, once the header proved the file is this run's: a refused run leaves the file as it
 * was); `--shard i/n` takes every n-th row.
 */
import { once } from 'node:events';
import { createReadStream, createWriteStream, existsSync, statSync } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import { OutputConflict, completeLines, sameFirstLine, type Writer } from './output.js';
import type { Pool } from './pool.js';
import { Progress } from './progress.js';
import { readRows, type Format, type InputRow } from './rows.js';
import type { Outcome } from './worker.js';

export interface RunFileOptions {
  /** The command, as the progress line names it. */
  command: string;
  /** A path, or `-` for stdin. */
  input: string;
  /** A path, or undefined for stdout. */
  output?: string;
  inputFormat: Format;
  outputFormat: Format;
  textCol?: string;
  labelCol?: string;
  maxChars: number;
  resume?: boolean;
  /** `[i, n]`: rows whose 0-based index ≡ i (mod n). */
  shard: [number, number];
  threads: number;
  /** Rows per job sent to a worker. */
  chunkRows: number;
  progress: boolean;
  stdin?: Readable;
  stdout?: Writable;
  stderr: NodeJS.WriteStream | Writable;
}

export interface RunHandlers<R> {
  /** Started by the caller; closed by `runFile` when it ends, whatever happens. */
  pool: Pool;
  writer: Writer<R>;
  /** What the writer gets for a row: the worker's outcome, or the row's own reading error. */
  result(outcome: Outcome): R;
  /** Each row's result, in input order, before it is written. */
  onRow?(row: InputRow, result: R): void;
}

export interface RunCounts {
  rows: number;
  errors: number;
  skipped: number;
  seconds: number;
}

/** Refuses what cannot run before a worker starts: --resume without -o, a missing input. */
export function checkPaths(o: { input: string; output?: string; resume?: boolean }): void {
  if (o.resume && !o.output) throw new Error('--resume needs -o FILE (it continues that file)');
  if (o.input !== '-' && !existsSync(o.input)) throw new Error(`no input file ${o.input}`);
}

export async function runFile<R extends object>(o: RunFileOptions, h: RunHandlers<R>): Promise<RunCounts> {
  const { pool, writer } = h;
  const [shardI, shardN] = o.shard;
  let lines: number;
  let input: Readable;
  let out: Writable;
  try {
    // A TSV's partial last line is cut only once its header proved it is this run's file (onHeader).
    lines = o.resume && o.output && existsSync(o.output) ? completeLines(o.output, o.outputFormat !== 'tsv') : 0;
    input = o.input === '-' ? (o.stdin ?? process.stdin) : createReadStream(o.input, { highWaterMark: 1 << 20 });
    out = o.output ? createWriteStream(o.output, { flags: lines > 0 ? 'a' : 'w' }) : (o.stdout ?? process.stdout);
  } catch (e) {
    await pool.close();
    throw e;
  }
  // A TSV output's first line is its header.
  const done = o.outputFormat === 'tsv' ? Math.max(0, lines - 1) : lines;
  const totalBytes = o.input === '-' ? null : statSync(o.input).size;
  const progress = new Progress(o.stderr, totalBytes, o.progress, o.command);
  let bytes = 0;
  const rows = readRows(input, {
    format: o.inputFormat,
    textCol: o.textCol,
    labelCol: o.labelCol,
    maxChars: o.maxChars,
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
        if ('error' in outcome) errors++;
        written++;
        const result = h.result(outcome);
        h.onRow?.(r, result);
        return writer.row(r, result);
      });
      finished.set(id, Buffer.concat(parts));
      report();
    });
    const tracked = p.then(flush).finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
  };

  try {
    for await (const row of rows) {
      if (row.index % shardN !== shardI) continue;
      if (++shardRow < done) continue;
      writer.check(row);
      read++;
      chunk.push(row);
      if (chunk.length >= o.chunkRows) {
        send(chunk);
        chunk = [];
        // Backpressure: never more than two chunks per thread in flight (memory stays flat).
        while (inFlight.size >= o.threads * 2) await Promise.race(inFlight);
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
  return { rows: written, errors, skipped: done, seconds };
}
