/**
 * `ko-classify teach`: a head (your own labels) from a file of examples, trained on a sentence
 * encoder's embeddings through core's `teach()`, written as the head JSON that `classify --head`,
 * the page API and the elements load back without retraining.
 */
import { createReadStream, renameSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { DtypeOption } from '@ko-classify/core';
import { createEncoder, type RuntimeOption } from '@ko-classify/core/node';
import { dataFile, LOAD_OPTIONS, loadOpts, modelDir } from './args.js';
import { requireEncoder } from './classify/head.js';
import { formatOf, readRows, type Format } from './classify/rows.js';
import { command } from './command-table.js';

export interface TeachFileOptions {
  /** The sentence encoder: a model directory or id. Default `ko-sentence`. */
  model?: string;
  /** A TSV (header row) or JSON Lines file of examples. */
  input: string;
  /** Where the head JSON goes (through a temporary file, then renamed); undefined: returned only. */
  output?: string;
  format?: Format;
  /** Default `text` (or `document` where there is no `text`). */
  textCol?: string;
  /** Default `label`. */
  labelCol?: string;
  /** The head's name (its key when a page stores it). */
  name?: string;
  dtype?: DtypeOption;
  runtime?: RuntimeOption;
  threads?: number;
}

export interface TeachSummary {
  examples: number;
  labels: string[];
  perLabel: Record<string, number>;
  cvAccuracy: number | null;
  /** Training time as the head records it (`trained.ms`). */
  ms: number;
  /** The whole teach call: embedding the examples and training. */
  wallMs: number;
  /** Rows left out: no text (empty, unreadable, too long) or no label; the first few with their line. */
  skipped: { count: number; first: string[] };
  model: string;
  space: string;
  file: string;
  output: string | null;
  bytes: number;
}

export async function teachFile(o: TeachFileOptions): Promise<{ summary: TeachSummary; head: unknown; json: string }> {
  const model = o.model ?? 'ko-sentence';
  const dir = modelDir(model);
  requireEncoder(dir, model, 'teach');
  const labelCol = o.labelCol ?? 'label';
  const examples: { text: string; label: string }[] = [];
  const skipped = { count: 0, first: [] as string[] };
  const skip = (line: number, why: string) => {
    if (skipped.first.length < 5) skipped.first.push(`line ${line}: ${why}`);
    skipped.count++;
  };
  const input = createReadStream(dataFile(o.input, 'examples file'), { highWaterMark: 1 << 20 });
  for await (const r of readRows(input, { format: o.format ?? formatOf(o.input), textCol: o.textCol, labelCol, maxChars: 100_000 })) {
    if (r.text === null) skip(r.line, r.error ?? 'no text');
    else if (r.gold === null || r.gold === undefined || !r.gold.trim()) skip(r.line, `no label in "${labelCol}"`);
    else examples.push({ text: r.text, label: r.gold.trim() });
  }
  const t0 = performance.now();
  const encoder = await createEncoder({ model: dir, dtype: o.dtype, runtime: o.runtime, threads: o.threads });
  try {
    const taught = await encoder.teach(examples, o.name === undefined ? {} : { name: o.name });
    const wallMs = performance.now() - t0;
    // A head taught on an installed model package names its id (portable), not the package's directory.
    const head = taught.head.encoder.model === dir && resolve(model) !== dir ? { ...taught.head, encoder: { ...taught.head.encoder, model } } : taught.head;
    const json = `${JSON.stringify(head, null, 2)}\n`;
    if (o.output) {
      const tmp = `${o.output}.${process.pid}.tmp`;
      writeFileSync(tmp, json);
      renameSync(tmp, o.output);
    }
    const { file } = encoder.info();
    const summary: TeachSummary = {
      examples: head.trained.examples,
      labels: head.labels,
      perLabel: head.trained.perLabel,
      cvAccuracy: head.trained.cvAccuracy,
      ms: head.trained.ms,
      wallMs,
      skipped,
      model,
      space: head.encoder.space,
      file,
      output: o.output ?? null,
      bytes: Buffer.byteLength(json),
    };
    return { summary, head, json };
  } finally {
    await encoder.dispose();
  }
}

export function formatTeach(s: TeachSummary): string {
  const lines = [
    `ko-classify teach: ${s.examples} examples, ${s.labels.length} labels (${s.labels.map((l) => `${l} ${s.perLabel[l] ?? 0}`).join(', ')})`,
    `  cvAccuracy ${s.cvAccuracy === null ? 'n/a (too few examples per label to hold some out)' : `${(100 * s.cvAccuracy).toFixed(1)}%`}; trained in ${s.ms.toFixed(0)} ms (${(s.wallMs / 1000).toFixed(1)} s with embedding the examples) on ${s.model} (${s.file}, space ${s.space})`,
  ];
  if (s.skipped.count) lines.push(`  ${s.skipped.count} row${s.skipped.count > 1 ? 's' : ''} left out (no text or no label): ${s.skipped.first.join('; ')}${s.skipped.count > s.skipped.first.length ? '; ...' : ''}`);
  if (s.output) lines.push(`wrote ${s.output} (${s.bytes.toLocaleString('en-US')} bytes)`);
  return lines.join('\n');
}

export const teachCommand = command({
  name: 'teach',
  synopsis: '<examples.tsv | examples.jsonl> [-o head.json] [--model ko-sentence] [--text-col text] [--label-col label] [--name N] [--format tsv|jsonl] [--dtype ...] [--runtime ...] [--threads N] [--json]',
  about: `trains a head for your own labels (a text and a label per row; rows without either are left out and
    counted) on the sentence encoder's embeddings, and writes it as JSON (-o; else to stdout) for
    classify --head and the page's encoder.classifier(head). Prints the examples, the labels with their
    counts, cvAccuracy (out-of-fold accuracy) and the training time; --json prints that as JSON.`,
  options: {
    dtype: LOAD_OPTIONS.dtype,
    runtime: LOAD_OPTIONS.runtime,
    threads: LOAD_OPTIONS.threads,
    model: { type: 'string' },
    output: { type: 'string', short: 'o' },
    'text-col': { type: 'string' },
    'label-col': { type: 'string' },
    name: { type: 'string' },
    format: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run({ values, positionals }) {
    const [input] = positionals;
    if (!input || positionals.length > 1) throw new Error('teach needs one <examples.tsv | examples.jsonl> (a text and a label column)');
    if (values.format !== undefined && values.format !== 'tsv' && values.format !== 'jsonl') throw new Error('--format must be tsv or jsonl');
    const { summary, json } = await teachFile({
      model: values.model,
      input,
      output: values.output,
      format: values.format as Format | undefined,
      textCol: values['text-col'],
      labelCol: values['label-col'],
      name: values.name,
      ...loadOpts(values),
    });
    // The head on stdout (no -o) keeps stdout for it alone.
    const say = values.output ? console.log : console.error;
    if (!values.output) process.stdout.write(json);
    say(values.json ? JSON.stringify(summary) : formatTeach(summary));
    return 0;
  },
});
