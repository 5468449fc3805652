// The ko-sentence card's measured figures: KorSTS dev Spearman (cosine of the two sentences' embeddings
// against the gold 0–5 score) for every shipped dtype, through the SDK's own Node encoder (the same
// tokenizer, batching and ONNX files the page runs), and how far each dtype's embeddings move from fp32.
//   node scripts/sentence-card.mjs [--model public/models/ko-sentence] [--out public/models/ko-sentence/eval.json]
// Writes eval.json beside the model; the card (README.md) quotes it.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createEncoder } from '@ko-classify/core/node';

const root = resolve(import.meta.dirname, '..');
const { values: a } = parseArgs({
  options: {
    model: { type: 'string', default: join(root, 'public/models/ko-sentence') },
    out: { type: 'string' },
    data: { type: 'string', default: process.env.KO_SHARED ? join(process.env.KO_SHARED, 'data') : join(root, '../shared/data') },
  },
});
const out = a.out ?? join(a.model, 'eval.json');

function readTsv(path) {
  const [head, ...rows] = readFileSync(path, 'utf8').split('\n').filter(Boolean).map((l) => l.split('\t'));
  return rows.map((r) => Object.fromEntries(head.map((h, i) => [h, r[i] ?? ''])));
}

/** Spearman's rho with average ranks for ties. */
export function spearman(x, y) {
  const rank = (v) => {
    const idx = v.map((_, i) => i).sort((i, j) => v[i] - v[j]);
    const r = new Array(v.length);
    for (let s = 0; s < idx.length; ) {
      let e = s;
      while (e + 1 < idx.length && v[idx[e + 1]] === v[idx[s]]) e++;
      for (let k = s; k <= e; k++) r[idx[k]] = (s + e) / 2;
      s = e + 1;
    }
    return r;
  };
  const rx = rank(x);
  const ry = rank(y);
  const mean = (v) => v.reduce((p, q) => p + q, 0) / v.length;
  const mx = mean(rx);
  const my = mean(ry);
  let num = 0;
  let dx = 0;
  let dy = 0;
  for (let i = 0; i < rx.length; i++) {
    num += (rx[i] - mx) * (ry[i] - my);
    dx += (rx[i] - mx) ** 2;
    dy += (ry[i] - my) ** 2;
  }
  return num / Math.sqrt(dx * dy);
}

const dot = (p, q) => p.reduce((s, v, i) => s + v * q[i], 0);
const rows = readTsv(join(a.data, 'korsts/dev.tsv'));
const s1 = rows.map((r) => r.sentence1);
const s2 = rows.map((r) => r.sentence2);
const gold = rows.map((r) => Number(r.score));
const config = JSON.parse(readFileSync(join(a.model, 'config.json'), 'utf8'));
const result = { model: a.model.replace(`${root}/`, ''), space: config.sentence_embedding?.space ?? null, korsts: { split: 'dev', pairs: rows.length }, dtypes: {} };
let fp32 = null;
for (const [dtype, file] of [['fp32', 'model.onnx'], ['int8', 'model_int8.onnx'], ['int4', 'model_q4.onnx']]) {
  if (!existsSync(join(a.model, 'onnx', file))) continue;
  const enc = await createEncoder({ model: a.model, dtype, runtime: 'web' });
  const t0 = performance.now();
  const e1 = await enc.embed(s1);
  const e2 = await enc.embed(s2);
  const seconds = (performance.now() - t0) / 1000;
  await enc.dispose();
  const cos = e1.map((v, i) => dot(v, e2[i]));
  const row = { file, spearman: Number(spearman(cos, gold).toFixed(4)), embeddingsPerSecond: Math.round((2 * rows.length) / seconds) };
  if (dtype === 'fp32') fp32 = [...e1, ...e2];
  else if (fp32) {
    const all = [...e1, ...e2];
    const sims = all.map((v, i) => dot(v, fp32[i]));
    row.cosineToFp32 = { min: Number(Math.min(...sims).toFixed(5)), mean: Number((sims.reduce((p, q) => p + q, 0) / sims.length).toFixed(5)) };
  }
  result.dtypes[dtype] = row;
  console.log(`${dtype}: KorSTS dev Spearman ${row.spearman}${row.cosineToFp32 ? `, cosine to fp32 min ${row.cosineToFp32.min} mean ${row.cosineToFp32.mean}` : ''} (${row.embeddingsPerSecond}/s, WASM)`);
}
writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
console.log(`wrote ${out}`);
