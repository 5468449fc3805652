// transformers.js on Node as its users run it there: the v4 `text-classification` pipeline on
// onnxruntime-node (device 'cpu'), the same ONNX file (`dtype: 'int8'` = onnx/model_int8.onnx), the
// given thread count, rows in order in batches of `--batch`. Prints one JSON line: rows/s, peak RSS,
// and the labels (for the agreement check against ko-classify on the same rows).
// Usage: node bench/tjs-node.mjs MODELS_ROOT MODEL rows.tsv TEXT_COL THREADS BATCH
import { readFileSync } from 'node:fs';
import { env, pipeline } from '@huggingface/transformers';

const [root, model, tsv, textCol, threads, batch] = process.argv.slice(2);
env.allowLocalModels = true;
env.allowRemoteModels = false;
env.localModelPath = root.endsWith('/') ? root : `${root}/`;

const [head, ...rows] = readFileSync(tsv, 'utf8').split('\n').filter(Boolean);
const col = head.split('\t').indexOf(textCol);
const texts = rows.map((r) => r.split('\t')[col] ?? '');
const classifier = await pipeline('text-classification', model, {
  device: 'cpu',
  dtype: 'int8',
  session_options: { intraOpNumThreads: Number(threads), interOpNumThreads: 1 },
});
const labels = [];
const t0 = performance.now();
for (let i = 0; i < texts.length; i += Number(batch)) {
  const out = await classifier(texts.slice(i, i + Number(batch)));
  for (const r of out) labels.push(r.label);
}
const seconds = (performance.now() - t0) / 1000;
console.log(JSON.stringify({ rows: texts.length, threads: Number(threads), seconds, rowsPerSecond: Math.round(texts.length / seconds), peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024), labels }));
await classifier.dispose();
