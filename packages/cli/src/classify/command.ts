/**
 * `ko-classify classify`: label a file of any size on every core. Rows stream in (never the whole
 * file in memory), go out in chunks to a pool of worker threads (one ONNX session each), and come back
 * as JSON Lines in input order: each input row plus `label`, `score`, `scores` — or `error` for a row
 * that cannot be classified. `--resume` continues after the output's last complete line; `--shard i/n`
 * takes every n-th row so any job runner can fan a file out over machines.
 */
import { once } from 'node:events';
import { createReadStream, createWriteStream, existsSync, openSync, readSync, closeSync, statSync, truncateSync, fstatSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { resolveModelDir, type RuntimeOption } from '@ko-classify/core/node';
import type { DtypeOption } from '@ko-classify/core';
import { Progress } from './progress.js';
import { formatOf, readRows, type Format, type InputRow } from './rows.js';
import type { Job, Outcome, Reply, WorkerInit } from './worker.js';

export interface ClassifyFileOptions {
  model: string;
  /** A path, or `-` for stdin. */
  input: string;
  /** A path, or undefined for stdout. */
  output?: string;
  format?: Format;
  textCol?: string;
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
}

const PREDICTION_FIELDS = ['label', 'score', 'scores', 'labels'];

export async function classifyFile(o: ClassifyFileOptions): Promise<ClassifySummary> {
  // Model ids resolve from the user's project first, then beside the CLI (which brings ko-sentiment).
  const dir = resolveModelDir(o.model, [process.cwd(), fileURLToPath(new URL('.', import.meta.url))]);
  const threads = Math.max(1, o.threads ?? availableParallelism());
  const batch = o.batch ?? 32;
  const chunkRows = batch * 8;
  const [shardI, shardN] = o.shard ?? [0, 1];
  const stderr = o.stderr ?? process.stderr;
  if (o.resume && !o.output) throw new Error('--resume needs -o FILE (it continues that file)');
  const done = o.resume && o.output && existsSync(o.output) ? completeLines(o.output) : 0;

  const init: WorkerInit = {
    classifier: { model: dir, dtype: o.dtype, runtime: o.runtime, threads: 1 },
    options: { batchSize: batch, ...(o.longText ? { longText: o.longText } : {}) },
  };
  const pool = await startPool(threads, init);
  const input = o.input === '-' ? (o.stdin ?? process.stdin) : createReadStream(o.input, { highWaterMark: 1 << 20 });
  const total = o.input === '-' ? null : statSync(o.input).size;
  const out = o.output ? createWriteStream(o.output, { flags: done > 0 ? 'a' : 'w' }) : (o.stdout ?? process.stdout);
  const progress = new Progress(stderr, total, o.progress ?? true);
  let bytes = 0;
  const rows = readRows(input, {
    format: o.format ?? (o.input === '-' ? 'jsonl' : formatOf(o.input)),
    textCol: o.textCol,
    maxChars: o.maxChars ?? 100_000,
    onBytes: (n) => (bytes += n),
    onHeader: (columns) => {
      const clash = columns.filter((c) => PREDICTION_FIELDS.includes(c));
      if (clash.length) throw new Error(`the input already has column(s) ${clash.join(', ')}, which the output adds: rename them, or write to JSON Lines first`);
    },
  });

  const t0 = performance.now();
  let written = 0;
  let errors = 0;
  let shardRow = -1;
  let nextId = 0;
  let nextToWrite = 0;
  const finished = new Map<number, string>();
  const inFlight = new Set<Promise<void>>();
  let chunk: InputRow[] = [];

  const flush = async () => {
    while (finished.has(nextToWrite)) {
      const text = finished.get(nextToWrite)!;
      finished.delete(nextToWrite++);
      if (text && !out.write(text)) await once(out, 'drain');
    }
  };
  const send = (rowsOut: InputRow[]) => {
    const id = nextId++;
    const job = rowsOut.filter((r) => r.text !== null);
    const p = (job.length ? pool.run(job.map((r) => r.text!)) : Promise.resolve([] as Outcome[])).then((outcomes) => {
      let k = 0;
      const lines = rowsOut.map((r) => {
        const result = r.text === null ? { error: r.error! } : outcomes[k++]!;
        if ('error' in result) errors++;
        written++;
        const base = r.fields ?? { line: r.index + 1 };
        if (!('ok' in result)) return `${JSON.stringify({ ...base, error: result.error })}\n`;
        const { label, score, scores, labels } = result.ok;
        // Multi-label models: every label over its threshold too.
        return `${JSON.stringify(pool.multiLabel ? { ...base, label, score, scores, labels: labels.map((l) => l.label) } : { ...base, label, score, scores })}\n`;
      });
      finished.set(id, lines.join(''));
      progress.update(written, errors, bytes);
    });
    const tracked = p.then(flush).finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
  };

  try {
    for await (const row of rows) {
      if (row.index % shardN !== shardI) continue;
      if (++shardRow < done) continue;
      chunk.push(row);
      if (chunk.length >= chunkRows) {
        send(chunk);
        chunk = [];
        // Backpressure: never more than two chunks per thread in flight (memory stays flat).
        while (inFlight.size >= threads * 2) await Promise.race(inFlight);
      }
    }
    if (chunk.length) send(chunk);
    await Promise.all(inFlight);
    await flush();
  } finally {
    await pool.close();
    if (o.output) await new Promise<void>((resolve) => (out as ReturnType<typeof createWriteStream>).end(resolve));
  }
  const seconds = (performance.now() - t0) / 1000;
  progress.finish(written, errors, bytes);
  return {
    rows: written,
    errors,
    skipped: done,
    seconds,
    rowsPerSecond: written / seconds,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    threads,
    file: pool.file,
  };
}

/**
 * Lines of `path` that end in `\n`; a partial last line (an interrupted write) is cut off so the
 * resumed output continues cleanly after it.
 */
function completeLines(path: string): number {
  const fd = openSync(path, 'r');
  let count = 0;
  let lastNewline = -1;
  let offset = 0;
  const buf = Buffer.alloc(1 << 20);
  try {
    const size = fstatSync(fd).size;
    while (offset < size) {
      const n = readSync(fd, buf, 0, buf.length, offset);
      for (let i = buf.indexOf(0x0a); i !== -1 && i < n; i = buf.indexOf(0x0a, i + 1)) {
        count++;
        lastNewline = offset + i;
      }
      offset += n;
    }
    if (lastNewline + 1 < size) truncateSync(path, lastNewline + 1);
  } finally {
    closeSync(fd);
  }
  return count;
}

interface Pool {
  run(texts: string[]): Promise<Outcome[]>;
  close(): Promise<void>;
  file: string;
  multiLabel: boolean;
}

/** `n` worker threads, each loading the model once; a job goes to the least busy one. */
async function startPool(n: number, init: WorkerInit): Promise<Pool> {
  // Under a TypeScript test runner this module is src/…/command.ts: the thread runs the built worker.
  const script = new URL(import.meta.url.endsWith('.ts') ? '../../dist/classify/worker.js' : './worker.js', import.meta.url);
  const workers = Array.from({ length: n }, () => new Worker(script, { workerData: init }));
  const busy = new Map<Worker, number>(workers.map((w) => [w, 0]));
  const waiting = new Map<number, { resolve: (o: Outcome[]) => void; reject: (e: Error) => void }>();
  let nextJob = 0;
  let file = '';
  let multiLabel = false;
  await Promise.all(
    workers.map(
      (w) =>
        new Promise<void>((resolve, reject) => {
          w.once('error', reject);
          w.on('message', (m: Reply) => {
            if ('fatal' in m) reject(new Error(m.fatal));
            else if ('ready' in m) {
              file = m.info.file;
              multiLabel = m.info.multiLabel;
              resolve();
            } else {
              busy.set(w, busy.get(w)! - 1);
              waiting.get(m.id)?.resolve(m.outcomes);
              waiting.delete(m.id);
            }
          });
        }),
    ),
  ).catch(async (e: unknown) => {
    await Promise.all(workers.map((w) => w.terminate()));
    throw e;
  });
  for (const w of workers) {
    w.on('error', (e) => {
      for (const { reject } of waiting.values()) reject(e);
      waiting.clear();
    });
  }
  return {
    file,
    multiLabel,
    run(texts) {
      const w = workers.reduce((a, b) => (busy.get(b)! < busy.get(a)! ? b : a));
      busy.set(w, busy.get(w)! + 1);
      const id = nextJob++;
      return new Promise((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        w.postMessage({ id, texts } satisfies Job);
      });
    },
    async close() {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
