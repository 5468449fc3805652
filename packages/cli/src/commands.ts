import { readFileSync } from 'node:fs';
import { writeManifest } from '@ko-classify/core/node';
import { LOAD_OPTIONS, dataFile, loadOpts, modelDir, positiveInt, progressBar, refusable } from './args.js';
import { bench } from './bench-command.js';
import { CalibrateError, calibrateModel, formatCalibrate } from './calibrate-command.js';
import { writeCard, type CardMeta } from './card-command.js';
import { checkTokenizer } from './check-tokenizer-command.js';
import { classifyCommand } from './classify/entry.js';
import { command, type Command } from './command-table.js';
import { embedCommand } from './embed-command.js';
import { evaluate, formatEval } from './eval-command.js';
import { formatInspect, inspectPath } from './inspect-command.js';
import { QuantizeError } from './onnx/quantize.js';
import { OptimizeError, optimizeFile } from './optimize-command.js';
import { formatSizeTable, quantizeFile } from './quantize-command.js';
import { teachCommand } from './teach-command.js';

export const INTRO = `A model is a model directory or the id of an installed model package (ko-sentiment comes with the CLI;
npm i @ko-classify/model-<id> for others). --runtime auto (default) runs onnxruntime-node when it is
installed (npm i onnxruntime-node: ~4x faster), else onnxruntime-web's WASM; node or web to choose.`;

const evalCommand = command({
  name: 'eval',
  synopsis: '<model> <data.tsv> [--text-col document] [--label-col label] [--dtype ...] [--runtime ...] [--limit N] [--half fit|report] [--seed 42] [--batch 32] [--threads N] [--json]',
  about: `accuracy, macro-F1 and confusion matrix through the real engine; for a multi-label model the label
    column holds comma-separated ids or names: micro-/macro-F1, exact match and a per-label table.
    Also the expected calibration error of the scores as served and of the plain softmax / sigmoid
    (ece, ece_uncalibrated): single-label, 15 equal-width bins over the top-label score, ECE = sum
    over bins of (rows in bin / n) x |accuracy - mean score|; multi-label, the same bins over every
    (text, label) pair's score pooled, against whether the label is gold. With an uncertainty band,
    the share flagged and the accuracy of the rest. --half scores one half of calibrate's split.`,
  options: { ...LOAD_OPTIONS, json: { type: 'boolean' }, 'text-col': { type: 'string' }, 'label-col': { type: 'string' }, limit: { type: 'string' }, half: { type: 'string' }, seed: { type: 'string' } },
  async run({ values, positionals: [model, data] }) {
    if (!model || !data) throw new Error('eval needs <model> <data.tsv>');
    const r = await evaluate(modelDir(model), dataFile(data, 'evaluation TSV'), {
      ...loadOpts(values),
      textCol: values['text-col'],
      labelCol: values['label-col'],
      limit: positiveInt(values.limit, '--limit'),
      batchSize: positiveInt(values.batch, '--batch'),
      half: halfOpt(values.half),
      seed: seedOpt(values.seed),
      onProgress: values.json ? undefined : progressBar,
    });
    console.log(values.json ? JSON.stringify(r) : formatEval(r));
    return 0;
  },
});

function halfOpt(v: string | undefined): 'fit' | 'report' | undefined {
  if (v !== undefined && v !== 'fit' && v !== 'report') throw new Error(`--half must be fit or report, got ${v}`);
  return v;
}

function seedOpt(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) throw new Error(`--seed must be a non-negative integer, got ${v}`);
  return Number(v);
}

const calibrateCommand = command({
  name: 'calibrate',
  synopsis: '<model> <labelled.tsv> [--text-col document] [--label-col label] [--seed 42] [--unsure texts.tsv] [--sure texts.tsv] [--extra-text-col C] [--max-flagged 0.2] [--min-support 10] [--dtype int8] [--runtime ...] [--batch 32] [--threads N] [--json] [--dry-run]',
  about: `fits temperature scaling on one half of the rows (stratified by label set, seed 42) by negative
    log-likelihood (single-label: one T, softmax(logits / T); multi-label: one T per label,
    sigmoid(logit / T)), re-tunes multi-label thresholds on the calibrated fit half (best F1 on 0.05,
    0.075 ... 0.95; a label with fewer than --min-support gold rows there keeps its threshold, moved to
    the calibrated scale), and fits the uncertain band: the edge maximising Youden's J between the fit half's
    wrong and right rows (min_score over the best score; multi-label, margin over the distance to the
    nearest threshold), or with --unsure between those texts and the labelled rows, among edges that
    flag at most --max-flagged (default 0.2) of the fit half. Reports ECE (as eval) before/after and
    the band on the other half; writes calibration, uncertainty and
    label_thresholds into config.json (temporary file, then renamed) and refreshes manifest.json.
    Default dtype int8 (what WASM loads).`,
  options: {
    ...LOAD_OPTIONS,
    dtype: { type: 'string', default: 'int8' },
    json: { type: 'boolean' },
    'dry-run': { type: 'boolean' },
    'text-col': { type: 'string' },
    'label-col': { type: 'string' },
    'extra-text-col': { type: 'string' },
    seed: { type: 'string' },
    unsure: { type: 'string' },
    sure: { type: 'string' },
    'max-flagged': { type: 'string' },
    'min-support': { type: 'string' },
  },
  run({ values, positionals: [model, data] }) {
    if (!model || !data) throw new Error('calibrate needs <model> <labelled.tsv>');
    const dir = modelDir(model);
    return refusable('calibrate', dir, CalibrateError, async () => {
      const r = await calibrateModel(dir, dataFile(data, 'labelled TSV'), {
        ...loadOpts(values),
        textCol: values['text-col'],
        labelCol: values['label-col'],
        extraTextCol: values['extra-text-col'],
        seed: seedOpt(values.seed),
        unsure: values.unsure,
        sure: values.sure,
        maxFlagged: values['max-flagged'] === undefined ? undefined : Number(values['max-flagged']),
        minSupport: values['min-support'] === undefined ? undefined : Number(values['min-support']),
        dryRun: values['dry-run'],
        batchSize: positiveInt(values.batch, '--batch'),
        onProgress: values.json ? undefined : progressBar,
      });
      console.log(values.json ? JSON.stringify(r, null, 2) : formatCalibrate(r));
    });
  },
});

const benchCommand = command({
  name: 'bench',
  synopsis: '<model> [--dtype ...] [--runtime ...] [--batch 32] [--threads N] [--n 2000] [--data tsv] [--json]',
  about: 'sentences/s over a batch run, then single-sentence latency p50/p95.',
  options: { ...LOAD_OPTIONS, json: { type: 'boolean' }, n: { type: 'string' }, data: { type: 'string' } },
  async run({ values, positionals: [model] }) {
    if (!model) throw new Error('bench needs <model>');
    const r = await bench(modelDir(model), {
      ...loadOpts(values),
      batchSize: positiveInt(values.batch, '--batch'),
      n: positiveInt(values.n, '--n'),
      data: values.data === undefined ? undefined : dataFile(values.data, 'sentence TSV'),
    });
    const text = `${r.file} on ${r.runtime}: ${r.sentences_per_second.toFixed(1)} sentences/s (batch ${r.batch}, n ${r.n}); latency p50 ${r.latency_ms.p50.toFixed(2)} ms, p95 ${r.latency_ms.p95.toFixed(2)} ms (${r.latency_ms.runs} single-sentence calls)`;
    console.log(values.json ? JSON.stringify(r) : text);
    return 0;
  },
});

const quantizeCommand = command({
  name: 'quantize',
  synopsis: '<model.onnx> --int8 [--calibrate text.tsv] [--text-col C] [--calibrate-rows 512] | --int4 [--block-size 32] [-o out.onnx]',
  about: `int8: MatMulInteger graph for WASM, activation scales calibrated on --calibrate-rows texts
    (default: 512 of the 1,024 NSMC reviews shipped with the CLI; pass text like your model's
    inputs) and fixed in the file, so a text's scores never depend on its batch; int4: MatMulNBits
    for WebGPU. Both store the word embeddings in 4 bits (blocks along each row, GatherBlockQuantized;
    half scales in int8, float scales and zero points in int4). Writes model_int8.onnx / model_q4.onnx beside the input by default, and refreshes
    manifest.json in a model directory.`,
  options: {
    int8: { type: 'boolean' },
    int4: { type: 'boolean' },
    'block-size': { type: 'string' },
    output: { type: 'string', short: 'o' },
    calibrate: { type: 'string' },
    'text-col': { type: 'string' },
    'calibrate-rows': { type: 'string' },
  },
  run({ values, positionals: [input] }) {
    if (!input || values.int8 === values.int4) throw new Error('quantize needs <model.onnx> and exactly one of --int8 / --int4');
    if (values.int4 && (values.calibrate || values['calibrate-rows'] || values['text-col'])) throw new Error('--calibrate, --calibrate-rows and --text-col are for --int8 (int4 keeps activations in float)');
    return refusable('quantize', input, QuantizeError, async () => {
      const r = await quantizeFile(input, {
        mode: values.int8 ? 'int8' : 'int4',
        blockSize: values['block-size'] ? Number(values['block-size']) : undefined,
        output: values.output,
        calibrate: values.calibrate,
        textCol: values['text-col'],
        calibrationRows: positiveInt(values['calibrate-rows'], '--calibrate-rows'),
      });
      if (r.calibration) console.log(`activation ranges from ${r.calibration.texts} texts (${r.calibration.tokens} tokens) of ${r.calibration.file}`);
      console.log(formatSizeTable(r.report, r.bytesIn, r.bytesOut));
      console.log(`wrote ${r.output}`);
    });
  },
});

const optimizeCommand = command({
  name: 'optimize',
  synopsis: '<model.onnx> [-o out.onnx]',
  about: `saves ONNX Runtime's own graph optimisation (level extended: constant folding and the fusions
    every CPU build has) in place of the file, once both graphs give the same logits; loads and
    single-sentence runs get faster. Needs onnxruntime-node. Refreshes manifest.json in a model directory.`,
  options: { output: { type: 'string', short: 'o' } },
  run({ values, positionals: [input] }) {
    if (!input) throw new Error('optimize needs <model.onnx>');
    return refusable('optimize', input, OptimizeError, async () => {
      const r = await optimizeFile(input, { output: values.output });
      console.log(`${r.nodesBefore} → ${r.nodesAfter} nodes (${r.halved} folded constants stored as fp16), ${(r.bytesIn / 1e6).toFixed(2)} → ${(r.bytesOut / 1e6).toFixed(2)} MB; logits within ${r.exactDiff.toExponential(1)} of the original (${r.maxDiff.toExponential(1)} with fp16 constants) on ${r.cases} parity batches`);
      console.log(`wrote ${r.output}`);
    });
  },
});

const inspectCommand = command({
  name: 'inspect',
  synopsis: '<model.onnx | model> [--json]',
  about: `opset, inputs/outputs, op histogram, weight bytes by dtype, ops without a WebGPU kernel,
    and config/labels for a model directory.`,
  options: { json: { type: 'boolean' } },
  run({ values, positionals: [path] }) {
    if (!path) throw new Error('inspect needs <model.onnx | model dir>');
    const s = inspectPath(path);
    console.log(values.json ? JSON.stringify(s, null, 2) : formatInspect(s));
    return 0;
  },
});

const manifestCommand = command({
  name: 'manifest',
  synopsis: '<model dir>',
  about: 'write manifest.json (size + sha256 of every model file, and the revision browsers cache them under)',
  options: {},
  run({ positionals: [dir] }) {
    if (!dir) throw new Error('manifest needs a model directory');
    const m = writeManifest(dir);
    for (const [f, { size }] of Object.entries(m.files)) console.log(`${String(size).padStart(12)}  ${f}`);
    return 0;
  },
});

const cardCommand = command({
  name: 'card',
  synopsis: '<model> <eval.tsv> --meta card.json [--text-col C] [--label-col C]',
  about: 'write the model card (README.md) and eval.json from eval of fp32, int8 and int4',
  options: { meta: { type: 'string' }, 'text-col': { type: 'string' }, 'label-col': { type: 'string' } },
  async run({ values, positionals: [model, data] }) {
    if (!model || !data || !values.meta) throw new Error('card needs <model> <eval.tsv> --meta card.json');
    const dir = modelDir(model);
    const meta = JSON.parse(readFileSync(dataFile(values.meta, 'card metadata file'), 'utf8')) as CardMeta;
    const rows = await writeCard(dir, dataFile(data, 'evaluation TSV'), meta, { textCol: values['text-col'], labelCol: values['label-col'] });
    for (const r of rows) console.log(`${r.dtype}: accuracy ${(100 * r.accuracy).toFixed(2)}% macro-F1 ${(100 * r.macro_f1).toFixed(2)}`);
    console.log(`wrote ${dir}/README.md and eval.json`);
    return 0;
  },
});

const checkTokenizerCommand = command({
  name: 'check-tokenizer',
  synopsis: '<model> <ids.jsonl>',
  about: 'the engine\'s token ids against reference ids ({"text", "ids"} per line); exit 1 on a mismatch',
  options: {},
  async run({ positionals: [model, ids] }) {
    if (!model || !ids) throw new Error('check-tokenizer needs <model> <ids.jsonl>');
    const r = await checkTokenizer(modelDir(model), dataFile(ids, 'reference ids file'));
    for (const m of r.mismatches.slice(0, 10)) console.log(`mismatch ${m.index}: ${JSON.stringify(m.text)}\n  engine    ${m.engine.join(' ')}\n  reference ${m.reference.join(' ')}`);
    console.log(`${r.total - r.mismatches.length}/${r.total} texts tokenize identically to the reference`);
    return r.mismatches.length ? 1 : 0;
  },
});

/** Every command, in `--help` order. */
export const COMMANDS: readonly Command[] = [classifyCommand, embedCommand, teachCommand, evalCommand, calibrateCommand, benchCommand, quantizeCommand, optimizeCommand, inspectCommand, manifestCommand, cardCommand, checkTokenizerCommand] as unknown as readonly Command[];
