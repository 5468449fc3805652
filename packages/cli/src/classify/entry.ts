import { LOAD_OPTIONS, loadOpts, parseShard, positiveInt, refusable } from '../args.js';
import { command } from '../command-table.js';
import { classifyFile, type ClassifySummary } from './command.js';
import { OutputConflict } from './output.js';

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

export const classifyCommand = command({
  name: 'classify',
  synopsis:
    '<model> [in.tsv | in.jsonl | -] | [in] --head head.json [--model encoder] [-o out.jsonl | out.tsv] [--text-col C] [--label-col C] [--prefix pred_] [--format tsv|jsonl] [--threads N] [--batch 32] [--resume] [--shard i/n] [--dtype auto|fp32|int8|int4] [--runtime auto|node|web] [--max-chars 100000] [--long-text truncate|window] [-q | --quiet]',
  about: `label every row of a file (or stdin: JSON Lines) on every core, in input order. Each row comes
    out as it went in, byte for byte, plus pred_label, pred_score, pred_scores (multi-label models:
    pred_labels), or pred_error and pred_line (its 1-based line) for a row that cannot be classified.
    JSON Lines in: JSON Lines out; TSV in: JSON Lines, or TSV with -o *.tsv (the line plus prediction
    columns). --prefix renames the predictions; a name the input already has is refused.
    --label-col: accuracy and macro-F1 (multi-label: micro-F1) of the column's labels at the end.
    --resume continues -o after its last complete line; --shard i/n takes rows i, i+n, i+2n, ...
    (0-based) for fanning out over machines. Progress (rows of the total, rate, ETA) on stderr; -q: none.
    --head head.json (from ko-classify teach): the head's labels, on the sentence encoder it was taught on
    (its encoder.model, or --model); the same columns as a model's. A head taught on another encoder
    (HEAD_MISMATCH) or a --model that is not a sentence encoder is refused before the output is touched.`,
  options: {
    ...LOAD_OPTIONS,
    head: { type: 'string' },
    model: { type: 'string' },
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
  async run({ values, positionals }) {
    // With --head (or --model) the model is an option and the one positional is the input.
    const named = values.head !== undefined || values.model !== undefined;
    if (named && positionals.length > 1) throw new Error(`classify with ${values.head !== undefined ? '--head' : '--model'} takes one input (got ${positionals.join(' ')}): the model is ${values.head !== undefined ? "the head's encoder, or --model" : '--model'}`);
    const [model, input = '-'] = named ? [values.model, ...positionals] : positionals;
    if (!model && values.head === undefined) throw new Error('classify needs <model> [input], or [input] --head head.json');
    const shard = values.shard ? parseShard(values.shard) : undefined;
    if (values.format !== undefined && values.format !== 'tsv' && values.format !== 'jsonl') throw new Error('--format must be tsv or jsonl');
    if (values['long-text'] && values['long-text'] !== 'truncate' && values['long-text'] !== 'window') throw new Error('--long-text must be truncate or window');
    if (values.prefix !== undefined && !/^[\w.-]*$/.test(values.prefix)) throw new Error('--prefix may hold letters, digits, _, . and - only');
    const { dtype, threads, runtime } = loadOpts(values);
    return refusable('classify', input, OutputConflict, async () => {
      const s = await classifyFile({
        model,
        head: values.head,
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
  },
});
