// Writes public/models/<name>/README.md (the model card) from measured numbers: it runs the CLI's
// eval for fp32, int8 and int4 on the evaluation TSV and records sizes from manifest.json; the
// descriptive text comes from training/cards/<name>.json.
// Usage: node scripts/model-card.mjs ko-sentiment ../shared/data/nsmc/dev.tsv
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { evaluate } from '@ko-classify/cli/eval';

const [name, data, ...rest] = process.argv.slice(2);
if (!name || !data) {
  console.error('usage: node scripts/model-card.mjs <model name> <eval.tsv> [--text-col c --label-col c]');
  process.exit(2);
}
const opt = (k) => (rest.includes(k) ? rest[rest.indexOf(k) + 1] : undefined);
const dir = join(import.meta.dirname, '..', 'public', 'models', name);
const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
const meta = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'training', 'cards', `${name}.json`), 'utf8'));
const rows = [];
for (const dtype of ['fp32', 'int8', 'int4']) {
  const r = await evaluate(dir, data, { dtype, textCol: opt('--text-col'), labelCol: opt('--label-col') });
  rows.push({ dtype, file: r.file, n: r.n, accuracy: r.accuracy, macro_f1: r.macro_f1, bytes: manifest.files[r.file].size });
  console.log(`${dtype}: accuracy ${(100 * r.accuracy).toFixed(2)}% macro-F1 ${(100 * r.macro_f1).toFixed(2)}`);
}
const labels = Object.keys(config.id2label).sort((a, b) => a - b).map((k) => config.id2label[k]);
const params = meta.parameters;
const pct = (x) => `${(100 * x).toFixed(2)}`;
const card = `# ${name}

${meta.summary}

| | |
| --- | --- |
| task | ${meta.task} — labels ${labels.map((l) => `\`${l}\``).join(', ')} |
| architecture | \`DebertaV2ForSequenceClassification\`: hidden ${config.hidden_size}, ${config.num_hidden_layers} layers, ${config.num_attention_heads} heads, FFN ${config.intermediate_size}, relative attention (c2p\\|p2c, ${config.position_buckets} log buckets, shared keys), ${params} parameters |
| tokenizer | SentencePiece unigram, ${config.vocab_size} pieces, \`nmt_nfkc\` (tokenizer.json: Unigram + Metaspace) |
| max length | ${JSON.parse(readFileSync(join(dir, 'tokenizer_config.json'), 'utf8')).model_max_length} tokens |
| training data | ${meta.data} |
| licence | ${meta.licence} |

## Scores on ${meta.evalName} (n = ${rows[0].n})

Measured with \`ko-classify eval\` (onnxruntime-node, the same engine the browser runs):

| dtype | file | size | accuracy | macro-F1 |
| --- | --- | --- | --- | --- |
${rows.map((r) => `| ${r.dtype} | \`${r.file}\` | ${(r.bytes / 1e6).toFixed(2)} MB | ${pct(r.accuracy)}% | ${pct(r.macro_f1)} |`).join('\n')}

int8 (MatMulInteger) is what the WASM backend loads; int4 (MatMulNBits) what WebGPU loads.

## Reproduce

\`\`\`sh
${meta.reproduce.join('\n')}
node packages/cli/dist/bin.js eval public/models/${name} ${meta.evalPath} --dtype int8${meta.evalArgs ? ` ${meta.evalArgs}` : ''}
\`\`\`

${meta.notes ?? ''}
`;
writeFileSync(join(dir, 'README.md'), card.trimEnd() + '\n');
writeFileSync(join(dir, 'eval.json'), JSON.stringify({ data: meta.evalPath, results: rows }, null, 2) + '\n');
console.log(`wrote ${join(dir, 'README.md')}`);
