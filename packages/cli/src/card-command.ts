/**
 * `ko-classify card`: a model's card (README.md) and eval.json from measured numbers — `eval` of every
 * dtype on the evaluation data, file sizes from manifest.json — and the descriptive text of a card
 * metadata file (training/cards/<name>.json for the embedded models).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { readModelConfig, readModelJson } from '@ko-classify/core/node';
import { calibrationSection, reportHalfOf, type CalibrationFigures } from './card-calibration.js';
import { eceOfResults, scoreRows, summarise, type MultiLabelEval } from './eval-command.js';
import { decodeModel } from './onnx/proto.js';

/** What a card says that cannot be measured. */
export interface CardMeta {
  summary: string;
  task: string;
  parameters: string;
  data: string;
  licence: string;
  evalName: string;
  evalPath: string;
  evalArgs?: string;
  reproduce: string[];
  notes?: string;
  /** What the int8 file's activation scales were calibrated on (`quantize --calibrate`). */
  calibration?: string;
  /** What the card says about the uncertain band's figures beyond the numbers (e.g. which data was seen in training). */
  uncertaintyNotes?: string;
}

export interface CardRow {
  dtype: string;
  file: string;
  n: number;
  accuracy: number;
  macro_f1: number;
  bytes: number;
  /** ECE of the plain and the calibrated scores, on `ece_rows` rows (the half calibration did not see, when it was fitted on this data). */
  ece_before: number;
  ece_after: number;
  ece_rows: number;
  multi_label?: MultiLabelEval;
}

export async function writeCard(dir: string, data: string, meta: CardMeta, cols: { textCol?: string; labelCol?: string } = {}): Promise<CardRow[]> {
  const name = basename(dir);
  const config = readModelJson(dir, 'config.json') as Record<string, unknown>;
  const { labels } = readModelConfig(dir);
  const manifest = readModelJson(dir, 'manifest.json') as { files: Record<string, { size: number }> };
  const rows: CardRow[] = [];
  const figures: CalibrationFigures = { config, data, dtypes: {} };
  for (const dtype of ['fp32', 'int8', 'int4'] as const) {
    const scored = await scoreRows(dir, data, { dtype, ...cols });
    const r = summarise(dir, data, scored);
    // ECE where calibration did not look: the report half when it was fitted on this file.
    const half = reportHalfOf(scored, config, data);
    figures.dtypes[dtype] = half;
    const ece = (which: 'plain' | 'results') => eceOfResults(half[which], half.gold, half.labels, half.multi);
    rows.push({ dtype, file: r.file, n: r.n, accuracy: r.accuracy, macro_f1: r.macro_f1, bytes: manifest.files[r.file]!.size, ece_before: ece('plain'), ece_after: ece('results'), ece_rows: half.gold.length, ...(r.multi_label ? { multi_label: r.multi_label } : {}) });
  }
  const report = existsSync(join(dir, 'calibration.json')) ? (JSON.parse(readFileSync(join(dir, 'calibration.json'), 'utf8')) as CalibrationFigures['report']) : undefined;
  const calibration = calibrationSection(dir, { ...figures, report }, rows, meta);
  const pct = (x: number) => `${(100 * x).toFixed(2)}`;
  // The card says the quantized files hold 4-bit word embeddings only where they do (files quantized
  // before GatherBlockQuantized keep them int8).
  const quantized = rows.filter((r) => r.dtype !== 'fp32');
  const with4 = quantized.filter((r) => decodeModel(readFileSync(join(dir, r.file))).graph?.node.some((n) => n.opType === 'GatherBlockQuantized')).map((r) => r.dtype);
  const embeddings4 = with4.length === 0 ? '' : with4.length === quantized.length ? ' Both store the word-embedding table in 4 bits (GatherBlockQuantized: blocks of 32 along each row).' : ` The ${with4.join(' and ')} file stores the word-embedding table in 4 bits (GatherBlockQuantized: blocks of 32 along each row); the ${quantized.filter((r) => !with4.includes(r.dtype)).map((r) => r.dtype).join(' and ')} file keeps it in 8 bits.`;
  const card = `# ${name}

${meta.summary}

| | |
| --- | --- |
| task | ${meta.task} — labels ${labels.map((l: string) => `\`${l}\``).join(', ')} |
| architecture | \`DebertaV2ForSequenceClassification\`: hidden ${config.hidden_size}, ${config.num_hidden_layers} layers, ${config.num_attention_heads} heads, FFN ${config.intermediate_size}, relative attention (c2p\\|p2c, ${config.position_buckets} log buckets, shared keys), ${meta.parameters} parameters |
| tokenizer | SentencePiece unigram, ${config.vocab_size} pieces, \`nmt_nfkc\` (tokenizer.json: Unigram + Metaspace) |
| max length | ${(readModelJson(dir, 'tokenizer_config.json') as { model_max_length?: number }).model_max_length} tokens |
| training data | ${meta.data} |
| licence | ${meta.licence} |

## Scores on ${meta.evalName} (n = ${rows[0]!.n})

Measured with \`ko-classify eval\` (onnxruntime-node, the same engine the browser runs):

${rows[0]!.multi_label ? multiLabelTables(rows) : `| dtype | file | size | accuracy | macro-F1 | ECE before | ECE after |
| --- | --- | --- | --- | --- | --- | --- |
${rows.map((r) => `| ${r.dtype} | \`${r.file}\` | ${(r.bytes / 1e6).toFixed(2)} MB | ${pct(r.accuracy)}% | ${pct(r.macro_f1)} | ${r.ece_before.toFixed(4)} | ${r.ece_after.toFixed(4)} |`).join('\n')}`}

${calibration.tableNote}

int8 (MatMulIntegerToFloat) is what the WASM backend loads${meta.calibration ? `: its activation scales were calibrated on ${meta.calibration} and are fixed in the file, so a text gets the same scores alone, in any batch, padded or sharded` : ''}; int4 (MatMulNBits) what WebGPU loads.${embeddings4}

${calibration.section}

## Reproduce

\`\`\`sh
${meta.reproduce.join('\n')}
npx ko-classify eval public/models/${name} ${meta.evalPath} --dtype int8${meta.evalArgs ? ` ${meta.evalArgs}` : ''}
\`\`\`

${meta.notes ?? ''}
`;
  writeFileSync(join(dir, 'README.md'), card.trimEnd() + '\n');
  writeFileSync(join(dir, 'eval.json'), JSON.stringify({ data: meta.evalPath, results: rows }, null, 2) + '\n');
  return rows;
}

/** A multi-label card: micro/macro-F1 and exact match per dtype, then per label P/R/F1 per dtype. */
function multiLabelTables(rows: CardRow[]): string {
  const pct = (x: number) => (100 * x).toFixed(2);
  const first = rows[0]!.multi_label!;
  return `A label counts as predicted when its sigmoid (calibrated, where config.json has a \`calibration\`) reaches its threshold (config.json \`label_thresholds\`: see Calibration).

| dtype | file | size | micro-F1 | macro-F1 | exact match | ECE before | ECE after |
| --- | --- | --- | --- | --- | --- | --- | --- |
${rows.map((r) => `| ${r.dtype} | \`${r.file}\` | ${(r.bytes / 1e6).toFixed(2)} MB | ${pct(r.multi_label!.micro_f1)} | ${pct(r.macro_f1)} | ${pct(r.multi_label!.exact_match)}% | ${r.ece_before.toFixed(4)} | ${r.ece_after.toFixed(4)} |`).join('\n')}

| label | threshold | support | ${rows.map((r) => `${r.dtype} P / R / F1`).join(' | ')} |
| --- | --- | --- | ${rows.map(() => '---').join(' | ')} |
${first.per_label.map((p, i) => `| \`${p.label}\` | ${first.thresholds[p.label]!.toFixed(3)} | ${p.support} | ${rows.map((r) => { const q = r.multi_label!.per_label[i]!; return `${pct(q.precision)} / ${pct(q.recall)} / ${pct(q.f1)}`; }).join(' | ')} |`).join('\n')}`;
}
