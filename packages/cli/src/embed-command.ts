/**
 * `ko-classify embed`: the sentence embedding of every row of a file, streamed like `classify` (same
 * reader, worker pool, input order, --resume, --shard and reserved names): JSON Lines out, each line
 * the input row plus `embedding` (or `embedding_error` and `embedding_line` for a row that cannot be
 * embedded: empty, unreadable, too long).
 */
import { availableParallelism } from 'node:os';
import type { Readable, Writable } from 'node:stream';
import type { DtypeOption } from '@ko-classify/core';
import type { RuntimeOption } from '@ko-classify/core/node';
import { LOAD_OPTIONS, loadOpts, modelDir, parseShard, positiveInt, refusable } from './args.js';
import { requireEncoder } from './classify/head.js';
import { OutputConflict, jsonlWriter, type Writer } from './classify/output.js';
import { startPool } from './classify/pool.js';
import { formatOf, type Format } from './classify/rows.js';
import { checkPaths, runFile } from './classify/run-file.js';
import { command } from './command-table.js';

export interface EmbedFileOptions {
  /** A sentence encoder: a model directory or id. Default `ko-sentence`. */
  model?: string;
  /** A path, or `-` for stdin (JSON Lines). */
  input: string;
  /** A JSON Lines path, or undefined for stdout. */
  output?: string;
  format?: Format;
  textCol?: string;
  /** Prefix of the added names (`embedding`, `embedding_error`, ...). Default none. */
  prefix?: string;
  threads?: number;
  batch?: number;
  dtype?: DtypeOption;
  runtime?: RuntimeOption;
  maxChars?: number;
  resume?: boolean;
  shard?: [number, number];
  progress?: boolean;
  stdin?: Readable;
  stdout?: Writable;
  stderr?: NodeJS.WriteStream | Writable;
}

export interface EmbedSummary {
  rows: number;
  errors: number;
  skipped: number;
  seconds: number;
  rowsPerSecond: number;
  peakRssMb: number;
  threads: number;
  file: string;
  runtime: 'node' | 'web';
  dim: number;
  space: string;
}

export type EmbedResult = { embedding: Float32Array } | { error: string };

/**
 * A float32 as the fewest significant digits (6 to 9) that read back as the same float32
 * (`Math.fround(Number(s)) === x`): exact, and about half the characters of its float64 expansion.
 */
export function float32Json(x: number): string {
  if (!Number.isFinite(x)) return 'null';
  for (let p = 6; p < 9; p++) {
    const s = x.toPrecision(p);
    if (Math.fround(Number(s)) === x) return String(Number(s));
  }
  return String(Number(x.toPrecision(9)));
}

/** The JSON Lines writer of `embed`: the row as it came plus `<prefix>embedding`, or the row's error. */
export function embedWriter(input: Format, prefix: string): Writer<EmbedResult> {
  const p = (n: string) => `${prefix}${n}`;
  const names = ['embedding', 'embedding_error', 'embedding_line', 'embedding_input', 'embedding_extra'].map(p);
  const key = names.map((n) => JSON.stringify(n));
  return jsonlWriter<EmbedResult>({
    input,
    reserved: names,
    extraName: p('embedding_extra'),
    inputName: p('embedding_input'),
    members: (row, r) => {
      if ('error' in r) return `${key[1]}:${JSON.stringify(r.error)},${key[2]}:${row.line}`;
      const values: string[] = new Array(r.embedding.length);
      for (let i = 0; i < r.embedding.length; i++) values[i] = float32Json(r.embedding[i]!);
      return `${key[0]}:[${values.join(',')}]`;
    },
  });
}

export async function embedFile(o: EmbedFileOptions): Promise<EmbedSummary> {
  const model = o.model ?? 'ko-sentence';
  const dir = modelDir(model);
  requireEncoder(dir, model, 'embed');
  const threads = Math.max(1, o.threads ?? availableParallelism());
  const batch = o.batch ?? 32;
  const inputFormat = o.format ?? (o.input === '-' ? 'jsonl' : formatOf(o.input));
  if (o.output && /\.(tsv|tab)$/i.test(o.output)) throw new OutputConflict('embed writes JSON Lines (one array of numbers per row): name the output .jsonl');
  checkPaths(o);
  const pool = await startPool(threads, { classifier: { model: dir, dtype: o.dtype, runtime: o.runtime, threads: 1 }, options: { batchSize: batch }, embed: true });
  let writer: Writer<EmbedResult>;
  try {
    writer = embedWriter(inputFormat, o.prefix ?? '');
  } catch (e) {
    await pool.close();
    throw e;
  }
  const { dim, space } = pool.embedding ?? { dim: 0, space: '' };
  const counts = await runFile<EmbedResult>(
    {
      command: 'embed',
      input: o.input,
      output: o.output,
      inputFormat,
      outputFormat: 'jsonl',
      textCol: o.textCol,
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
    { pool, writer, result: (out) => ('embedding' in out ? out : 'error' in out ? out : { error: 'INTERNAL: a classification where an embedding was due' }) },
  );
  return { ...counts, rowsPerSecond: counts.rows / counts.seconds, peakRssMb: process.resourceUsage().maxRSS / 1024, threads, file: pool.file, runtime: pool.runtime, dim, space };
}

export function formatEmbedSummary(s: EmbedSummary): string {
  return (
    `ko-classify embed: ${s.rows} rows (${s.errors} errors${s.skipped ? `, ${s.skipped} already done` : ''}) in ${s.seconds.toFixed(1)} s, ` +
    `${s.rowsPerSecond.toFixed(0)} rows/s on ${s.threads} thread${s.threads > 1 ? 's' : ''} (${s.file}, ${s.runtime === 'node' ? 'onnxruntime-node' : 'onnxruntime-web WASM'}; ${s.dim} dimensions, space ${s.space}); peak RSS ${s.peakRssMb.toFixed(0)} MB`
  );
}

export const embedCommand = command({
  name: 'embed',
  synopsis: '[in.tsv | in.jsonl | -] [--model ko-sentence] [-o out.jsonl] [--text-col C] [--prefix P] [--format tsv|jsonl] [--threads N] [--batch 32] [--resume] [--shard i/n] [--dtype auto|fp32|int8|int4] [--runtime auto|node|web] [--max-chars 100000] [-q | --quiet]',
  about: `the sentence embedding of every row (default encoder ko-sentence), streamed on every core in input
    order like classify: JSON Lines out, each row as it went in plus "embedding": [...] (unit length;
    float32 values as JSON numbers with the fewest digits, 6 to 9, that read back as the same float32),
    or embedding_error and embedding_line for a row that cannot be embedded (an empty text, invalid
    UTF-8, over --max-chars). --prefix P names them Pembedding, ...; an input that already has one of
    the names is refused. --resume, --shard and progress as classify's.`,
  options: {
    ...LOAD_OPTIONS,
    model: { type: 'string' },
    output: { type: 'string', short: 'o' },
    'text-col': { type: 'string' },
    prefix: { type: 'string' },
    format: { type: 'string' },
    resume: { type: 'boolean' },
    shard: { type: 'string' },
    'max-chars': { type: 'string' },
    quiet: { type: 'boolean', short: 'q' },
  },
  async run({ values, positionals }) {
    if (positionals.length > 1) throw new Error(`embed takes one input (got ${positionals.join(' ')}): the encoder is --model`);
    const [input = '-'] = positionals;
    if (values.format !== undefined && values.format !== 'tsv' && values.format !== 'jsonl') throw new Error('--format must be tsv or jsonl');
    if (values.prefix !== undefined && !/^[\w.-]*$/.test(values.prefix)) throw new Error('--prefix may hold letters, digits, _, . and - only');
    const { dtype, threads, runtime } = loadOpts(values);
    return refusable('embed', input, OutputConflict, async () => {
      const s = await embedFile({
        model: values.model,
        input,
        output: values.output,
        format: values.format as Format | undefined,
        textCol: values['text-col'],
        prefix: values.prefix,
        threads,
        batch: positiveInt(values.batch, '--batch'),
        dtype,
        runtime,
        maxChars: positiveInt(values['max-chars'], '--max-chars'),
        resume: values.resume,
        shard: values.shard ? parseShard(values.shard) : undefined,
        progress: !values.quiet,
      });
      console.error(formatEmbedSummary(s));
    });
  },
});
