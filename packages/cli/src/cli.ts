import { parseArgs } from 'node:util';
import type { DtypeOption } from '@ko-classify/core';
import { bench } from './bench-command.js';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { writeCard, type CardMeta } from './card-command.js';
import { checkTokenizer } from './check-tokenizer-command.js';
import { classifyFile, type ClassifySummary } from './classify/command.js';
import { OutputConflict } from './classify/output.js';
import { evaluate, formatEval } from './eval-command.js';
import { formatInspect, inspectPath } from './inspect-command.js';
import { resolveModelDir, writeManifest, type RuntimeOption } from '@ko-classify/core/node';
import { QuantizeError } from './onnx/quantize.js';
import { formatSizeTable, quantizeFile } from './quantize-command.js';
import { OptimizeError, optimizeFile } from './optimize-command.js';

export const USAGE = `usage: ko-classify <command> [options]

A model is a model directory or the id of an installed model package (ko-sentiment comes with the CLI;
npm i @ko-classify/model-<id> for others). --runtime auto (default) runs onnxruntime-node when it is
installed (npm i onnxruntime-node: ~4x faster), else onnxruntime-web's WASM; node or web to choose.

commands:
  classify <model> [in.tsv | in.jsonl | -] [-o out.jsonl | out.tsv] [--text-col C] [--label-col C]
       [--prefix pred_] [--format tsv|jsonl] [--threads N] [--batch 32] [--resume] [--shard i/n]
       [--dtype auto|fp32|int8|int4] [--runtime auto|node|web] [--max-chars 100000]
       [--long-text truncate|window] [-q | --quiet]
      label every row of a file (or stdin: JSON Lines) on every core, in input order. Each row comes
      out as it went in, byte for byte, plus pred_label, pred_score, pred_scores (multi-label models:
      pred_labels), or pred_error and pred_line (its 1-based line) for a row that cannot be classified.
      JSON Lines in: JSON Lines out; TSV in: JSON Lines, or TSV with -o *.tsv (the line plus prediction
      columns). --prefix renames the predictions; a name the input already has is refused.
      --label-col: accuracy and macro-F1 (multi-label: micro-F1) of the column's labels at the end.
      --resume continues -o after its last complete line; --shard i/n takes rows i, i+n, i+2n, ...
      (0-based) for fanning out over machines. Progress (rows of the total, rate, ETA) on stderr; -q: none.
  eval <model> <data.tsv> [--text-col document] [--label-col label] [--dtype ...] [--runtime ...]
       [--limit N] [--batch 32] [--threads N] [--json]
      accuracy, macro-F1 and confusion matrix through the real engine; for a multi-label model the label
      column holds comma-separated ids or names: micro-/macro-F1, exact match and a per-label table.
  bench <model> [--dtype ...] [--runtime ...] [--batch 32] [--threads N] [--n 2000] [--data tsv] [--json]
      sentences/s over a batch run, then single-sentence latency p50/p95.
  quantize <model.onnx> --int8 [--calibrate text.tsv] [--text-col C] [--calibrate-rows 512] | --int4 [--block-size 32] [-o out.onnx]
      int8: MatMulInteger graph for WASM, activation scales calibrated on --calibrate-rows texts
      (default: 512 of the 1,024 NSMC reviews shipped with the CLI; pass text like your model's
      inputs) and fixed in the file, so a text's scores never depend on its batch; int4: MatMulNBits
      for WebGPU. Writes model_int8.onnx / model_q4.onnx beside the input by default, and refreshes
      manifest.json in a model directory.
  optimize <model.onnx> [-o out.onnx]
      saves ONNX Runtime's own graph optimisation (level extended: constant folding and the fusions
      every CPU build has) in place of the file, once both graphs give the same logits; loads and
      single-sentence runs get faster. Needs onnxruntime-node. Refreshes manifest.json in a model directory.
  inspect <model.onnx | model> [--json]
      opset, inputs/outputs, op histogram, weight bytes by dtype, ops without a WebGPU kernel,
      and config/labels for a model directory.
  manifest <model dir>
      write manifest.json (size + sha256 of every model file, and the revision browsers cache them under)
  card <model> <eval.tsv> --meta card.json [--text-col C] [--label-col C]
      write the model card (README.md) and eval.json from eval of fp32, int8 and int4
  check-tokenizer <model> <ids.jsonl>
      the engine's token ids against reference ids ({"text", "ids"} per line); exit 1 on a mismatch
  help, -h, --help
      this text
`;

const DTYPES = ['auto', 'fp32', 'fp16', 'int8', 'int4'];
const common = {
  dtype: { type: 'string', default: 'auto' },
  runtime: { type: 'string', default: 'auto' },
  batch: { type: 'string' },
  threads: { type: 'string' },
} as const;

/** Every command's flags, in one place: `--help` lists each (a test holds USAGE to it). */
export const OPTIONS = {
  quantize: {
    int8: { type: 'boolean' },
    int4: { type: 'boolean' },
    'block-size': { type: 'string' },
    output: { type: 'string', short: 'o' },
    calibrate: { type: 'string' },
    'text-col': { type: 'string' },
    'calibrate-rows': { type: 'string' },
  },
  optimize: { output: { type: 'string', short: 'o' } },
  inspect: { json: { type: 'boolean' } },
  eval: { ...common, json: { type: 'boolean' }, 'text-col': { type: 'string' }, 'label-col': { type: 'string' }, limit: { type: 'string' } },
  bench: { ...common, json: { type: 'boolean' }, n: { type: 'string' }, data: { type: 'string' } },
  classify: {
    ...common,
    output: { type: 'string', short: 'o' },
    'text-col': { type: 'string' },
    'label-col': { type: 'string' },
    prefix: { type: 'string' },
    format: { type: 'string' },
    resume: { type: 'boolean' },
    shard: { type: 'string' },
    'max-chars': { type: 'string' },
    'long-text': { type: 'string' },
    quiet: { type: 'boolean', short: 'q' },
  },
  card: { meta: { type: 'string' }, 'text-col': { type: 'string' }, 'label-col': { type: 'string' } },
} as const;

function loadOpts(v: { dtype?: string; runtime?: string; threads?: string }) {
  if (!DTYPES.includes(v.dtype ?? 'auto')) throw new Error(`--dtype must be one of ${DTYPES.join(', ')}`);
  if (v.runtime !== 'auto' && v.runtime !== 'node' && v.runtime !== 'web') throw new Error('--runtime must be auto, node or web');
  return { dtype: v.dtype as DtypeOption, runtime: v.runtime as RuntimeOption, threads: positiveInt(v.threads, '--threads') };
}

/** A model directory, or an installed model package's (from the working directory, then beside the CLI). */
function modelDir(model: string): string {
  return resolveModelDir(model, [process.cwd(), fileURLToPath(new URL('.', import.meta.url))]);
}

/** A data file that must exist: named in the error, not a raw ENOENT. */
function dataFile(path: string, what: string): string {
  if (!existsSync(path)) throw new Error(`no ${what} at ${path}`);
  return path;
}

function progressBar(done: number, total: number): void {
  if (!process.stderr.isTTY) return;
  const width = 30;
  const filled = Math.round((width * done) / total);
  process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}${done === total ? '\n' : ''}`);
}

function positiveInt(v: string | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got ${v}`);
  return n;
}

function parseShard(v: string): [number, number] {
  const m = /^(\d+)\/(\d+)$/.exec(v);
  const [i, n] = m ? [Number(m[1]), Number(m[2])] : [NaN, NaN];
  if (!(n >= 1 && i >= 0 && i < n)) throw new Error(`--shard must be i/n with 0 <= i < n, got ${v}`);
  return [i, n];
}

/** Runs a command on one file: 0 when done; its own refusal (`refusal`: input it will not process) is printed, exit 2. */
async function refusable(command: string, input: string, refusal: abstract new (...args: never[]) => Error, run: () => void | Promise<void>): Promise<number> {
  try {
    await run();
    return 0;
  } catch (e) {
    if (!(e instanceof refusal)) throw e;
    console.error(`ko-classify ${command}: refusing ${input}: ${e.message}`);
    return 2;
  }
}

/** The line `classify` ends with: rows, errors, speed, runtime; with --label-col the scores. */
export function formatSummary(s: ClassifySummary): string {
  const lines = [
    `ko-classify classify: ${s.rows} rows (${s.errors} errors${s.skipped ? `, ${s.skipped} already done` : ''}) in ${s.seconds.toFixed(1)} s, ` +
      `${s.rowsPerSecond.toFixed(0)} rows/s on ${s.threads} thread${s.threads > 1 ? 's' : ''} (${s.file}, ${s.runtime === 'node' ? 'onnxruntime-node' : 'onnxruntime-web WASM'}); peak RSS ${s.peakRssMb.toFixed(0)} MB`,
  ];
  if (s.scores) {
    const pct = (x: number) => (100 * x).toFixed(2);
    const m = s.scores.multi_label;
    lines.push(
      m
        ? `against the label column: n ${s.scores.n}  micro-F1 ${pct(m.micro_f1)}  macro-F1 ${pct(s.scores.macro_f1)}  exact match ${pct(m.exact_match)}%`
        : `against the label column: n ${s.scores.n}  accuracy ${pct(s.scores.accuracy)}%  macro-F1 ${pct(s.scores.macro_f1)}`,
    );
    if (s.scores.unscored) lines.push(`  (${s.scores.unscored} rows without a label or a prediction not scored)`);
    if (s.scores.unknown.count) lines.push(`  (${s.scores.unknown.count} rows with a label the model does not have not scored; the first: ${s.scores.unknown.first})`);
  }
  return lines.join('\n');
}

/** Runs one CLI command; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'quantize': {
      const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: OPTIONS.quantize });
      const input = positionals[0];
      if (!input || values.int8 === values.int4) throw new Error('quantize needs <model.onnx> and exactly one of --int8 / --int4');
      if (values.int4 && (values.calibrate || values['calibrate-rows'] || values['text-col'])) throw new Error('--calibrate, --calibrate-rows and --text-col are for --int8 (int4 keeps activations in float)');
      const blockSize = values['block-size'] ? Number(values['block-size']) : undefined;
      return refusable('quantize', input, QuantizeError, async () => {
        const r = await quantizeFile(input, {
          mode: values.int8 ? 'int8' : 'int4',
          blockSize,
          output: values.output,
          calibrate: values.calibrate,
          textCol: values['text-col'],
          calibrationRows: positiveInt(values['calibrate-rows'], '--calibrate-rows'),
        });
        if (r.calibration) console.log(`activation ranges from ${r.calibration.texts} texts (${r.calibration.tokens} tokens) of ${r.calibration.file}`);
        console.log(formatSizeTable(r.report, r.bytesIn, r.bytesOut));
        console.log(`wrote ${r.output}`);
      });
    }
    case 'optimize': {
      const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: OPTIONS.optimize });
      const input = positionals[0];
      if (!input) throw new Error('optimize needs <model.onnx>');
      return refusable('optimize', input, OptimizeError, async () => {
        const r = await optimizeFile(input, { output: values.output });
        console.log(`${r.nodesBefore} → ${r.nodesAfter} nodes (${r.halved} folded constants stored as fp16), ${(r.bytesIn / 1e6).toFixed(2)} → ${(r.bytesOut / 1e6).toFixed(2)} MB; logits within ${r.exactDiff.toExponential(1)} of the original (${r.maxDiff.toExponential(1)} with fp16 constants) on ${r.cases} parity batches`);
        console.log(`wrote ${r.output}`);
      });
    }
    case 'inspect': {
      const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: OPTIONS.inspect });
      if (!positionals[0]) throw new Error('inspect needs <model.onnx | model dir>');
      const s = inspectPath(positionals[0]);
      console.log(values.json ? JSON.stringify(s, null, 2) : formatInspect(s));
      return 0;
    }
    case 'eval': {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: OPTIONS.eval,
      });
      const [model, data] = positionals;
      if (!model || !data) throw new Error('eval needs <model> <data.tsv>');
      const r = await evaluate(modelDir(model), dataFile(data, 'evaluation TSV'), {
        ...loadOpts(values),
        textCol: values['text-col'],
        labelCol: values['label-col'],
        limit: positiveInt(values.limit, '--limit'),
        batchSize: positiveInt(values.batch, '--batch'),
        onProgress: values.json ? undefined : progressBar,
      });
      console.log(values.json ? JSON.stringify(r) : formatEval(r));
      return 0;
    }
    case 'bench': {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: OPTIONS.bench,
      });
      if (!positionals[0]) throw new Error('bench needs <model>');
      const r = await bench(modelDir(positionals[0]), {
        ...loadOpts(values),
        batchSize: positiveInt(values.batch, '--batch'),
        n: positiveInt(values.n, '--n'),
        data: values.data === undefined ? undefined : dataFile(values.data, 'sentence TSV'),
      });
      console.log(
        values.json
          ? JSON.stringify(r)
          : `${r.file} on ${r.runtime}: ${r.sentences_per_second.toFixed(1)} sentences/s (batch ${r.batch}, n ${r.n}); latency p50 ${r.latency_ms.p50.toFixed(2)} ms, p95 ${r.latency_ms.p95.toFixed(2)} ms (${r.latency_ms.runs} single-sentence calls)`,
      );
      return 0;
    }
    case 'classify': {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: OPTIONS.classify,
      });
      const [model, input = '-'] = positionals;
      if (!model) throw new Error('classify needs <model> [input]');
      const shard = values.shard ? parseShard(values.shard) : undefined;
      if (values.format && values.format !== 'tsv' && values.format !== 'jsonl') throw new Error('--format must be tsv or jsonl');
      if (values['long-text'] && values['long-text'] !== 'truncate' && values['long-text'] !== 'window') throw new Error('--long-text must be truncate or window');
      if (values.prefix !== undefined && !/^[\w.-]*$/.test(values.prefix)) throw new Error('--prefix may hold letters, digits, _, . and - only');
      if (values.format !== undefined && values.format !== 'tsv' && values.format !== 'jsonl') throw new Error('--format must be tsv or jsonl');
      const { dtype, threads, runtime } = loadOpts(values);
      return refusable('classify', input, OutputConflict, async () => {
        const s = await classifyFile({
          model,
          input,
          output: values.output,
          format: values.format as 'tsv' | 'jsonl' | undefined,
          textCol: values['text-col'],
          labelCol: values['label-col'],
          prefix: values.prefix,
          threads,
          batch: positiveInt(values.batch, '--batch'),
          dtype,
          runtime,
          maxChars: positiveInt(values['max-chars'], '--max-chars'),
          longText: values['long-text'] as 'truncate' | 'window' | undefined,
          resume: values.resume,
          shard,
          progress: !values.quiet,
        });
        console.error(formatSummary(s));
      });
    }
    case 'manifest': {
      const dir = rest[0];
      if (!dir) throw new Error('manifest needs a model directory');
      const m = writeManifest(dir);
      for (const [f, { size }] of Object.entries(m.files)) console.log(`${String(size).padStart(12)}  ${f}`);
      return 0;
    }
    case 'card': {
      const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: OPTIONS.card });
      const [model, data] = positionals;
      if (!model || !data || !values.meta) throw new Error('card needs <model> <eval.tsv> --meta card.json');
      const dir = modelDir(model);
      const rows = await writeCard(dir, dataFile(data, 'evaluation TSV'), JSON.parse(readFileSync(dataFile(values.meta, 'card metadata file'), 'utf8')) as CardMeta, { textCol: values['text-col'], labelCol: values['label-col'] });
      for (const r of rows) console.log(`${r.dtype}: accuracy ${(100 * r.accuracy).toFixed(2)}% macro-F1 ${(100 * r.macro_f1).toFixed(2)}`);
      console.log(`wrote ${dir}/README.md and eval.json`);
      return 0;
    }
    case 'check-tokenizer': {
      const [model, ids] = rest;
      if (!model || !ids) throw new Error('check-tokenizer needs <model> <ids.jsonl>');
      const r = await checkTokenizer(modelDir(model), dataFile(ids, 'reference ids file'));
      for (const m of r.mismatches.slice(0, 10)) console.log(`mismatch ${m.index}: ${JSON.stringify(m.text)}\n  engine    ${m.engine.join(' ')}\n  reference ${m.reference.join(' ')}`);
      console.log(`${r.total - r.mismatches.length}/${r.total} texts tokenize identically to the reference`);
      return r.mismatches.length ? 1 : 0;
    }
    case undefined:
    case 'help':
    case '-h':
    case '--help':
      console.log(USAGE);
      return command ? 0 : 1;
    default:
      console.error(`unknown command "${command}"\n\n${USAGE}`);
      return 1;
  }
}
