// The ko-sentence card's measured figures: KorSTS dev Spearman (cosine of the two sentences' embeddings
// against the gold 0–5 score) for every shipped dtype, through the SDK's own Node encoder (the same
// tokenizer, batching and ONNX files the page runs), and how far each dtype's embeddings move from fp32.
//   node scripts/sentence-card.mjs [--model public/models/ko-sentence] [--out public/models/ko-sentence/eval.json]
//        [--fewshot training/.work/fewshot.json] [--baseline training/.work/fewshot-mlm.json]
//        [--summary training/.work/ko-sentence/summary.json] [--meta training/cards/ko-sentence.json]
// Writes eval.json beside the model (with the few-shot table of scripts/fewshot.mjs and the training
// run's summary folded in, so the card can be rendered again from committed files), then the card
// (README.md) from eval.json, manifest.json and the card's text (--meta).
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
    fewshot: { type: 'string', default: join(root, 'training/.work/fewshot.json') },
    baseline: { type: 'string', default: join(root, 'training/.work/fewshot-mlm.json') },
    summary: { type: 'string', default: join(root, 'training/.work/ko-sentence/summary.json') },
    meta: { type: 'string', default: join(root, 'training/cards/ko-sentence.json') },
    'card-only': { type: 'boolean', default: false },
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

const readJson = (f) => (f && existsSync(f) ? JSON.parse(readFileSync(f, 'utf8')) : null);
/** The few-shot table kept in eval.json: per task, k and head variant, mean ± sd over the seeds. */
const table = (fs) =>
  fs && {
    model: fs.model,
    space: fs.space,
    dtype: fs.dtype,
    seeds: fs.seeds,
    nsmcTestRows: fs.nsmcTestRows,
    timing: fs.timing,
    reference: fs.reference ?? {},
    rows: fs.results.map((r) => ({ task: r.task, metric: r.metric, k: r.k, variant: r.variant, test: r.test, accuracy: r.accuracy, macroF1: r.macroF1, trainMs: Math.round(r.trainMs) })),
  };

let result;
if (a['card-only']) {
  result = JSON.parse(readFileSync(out, 'utf8'));
} else {
  const dot = (p, q) => p.reduce((s, v, i) => s + v * q[i], 0);
  const rows = readTsv(join(a.data, 'korsts/dev.tsv'));
  const s1 = rows.map((r) => r.sentence1);
  const s2 = rows.map((r) => r.sentence2);
  const gold = rows.map((r) => Number(r.score));
  const config = JSON.parse(readFileSync(join(a.model, 'config.json'), 'utf8'));
  result = { model: a.model.replace(`${root}/`, ''), space: config.sentence_embedding?.space ?? null, korsts: { split: 'dev', pairs: rows.length }, dtypes: {} };
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
  const fewshot = table(readJson(a.fewshot));
  if (fewshot && fewshot.space !== result.space) throw new Error(`${a.fewshot} is for ${fewshot.space}, the model is ${result.space}: run scripts/fewshot.mjs again`);
  result.fewshot = fewshot;
  result.fewshotBaseline = table(readJson(a.baseline));
  const summary = readJson(a.summary);
  result.training = summary && { steps: summary.steps, minutes: summary.minutes, korstsDevStart: summary.korsts_dev_start, korstsDev: summary.korsts_dev, epochs: summary.epochs, threads: summary.threads, device: summary.device, tasks: summary.args?.tasks ?? null, batchSize: summary.args?.batch_size ?? null, lr: summary.args?.lr ?? null };
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`wrote ${out}`);
}

// The card: README.md from eval.json, the manifest's sizes and the card's own text (--meta).
const meta = JSON.parse(readFileSync(a.meta, 'utf8'));
const manifest = JSON.parse(readFileSync(join(a.model, 'manifest.json'), 'utf8'));
const mb = (file) => (manifest.files[`onnx/${file}`] ? `${(manifest.files[`onnx/${file}`].size / 1e6).toFixed(2)} MB` : '–');
const f3 = (m) => (m ? `${m.mean.toFixed(3)} ± ${m.sd.toFixed(3)}` : '–');
const TASKS = {
  nsmc: 'NSMC sentiment (accuracy)',
  'kmhas-hate': 'K-MHaS hate vs not (macro-F1)',
  'kmhas-politics': 'K-MHaS politics vs rest (macro-F1)',
  'kmhas-gender': 'K-MHaS gender vs rest (macro-F1)',
  'kmhas-origin': 'K-MHaS origin vs rest (macro-F1)',
  hate3: 'Korean HateSpeech none / offensive / hate (macro-F1)',
};
const metricOf = (row) => (row ? row[row.metric] : null);
const find = (t, task, k, variant) => t?.rows.find((r) => r.task === task && r.k === k && r.variant === variant) ?? null;
const fs = result.fewshot;
const base = result.fewshotBaseline;
const ks = fs ? [...new Set(fs.rows.map((r) => r.k))] : [];
const fewRow = (task) => {
  const cells = ks.map((k) => {
    const now = metricOf(find(fs, task, k, 'ngrams'));
    const before = metricOf(find(base, task, k, 'ngrams'));
    return `${f3(now)}${before ? ` (${before.mean.toFixed(3)})` : ''}`;
  });
  const emb16 = metricOf(find(fs, task, 16, 'embedding'));
  return `| ${TASKS[task]}${meta.labelsSeen?.includes(task) ? ' — labels seen in training' : ''} | ${find(fs, task, ks[0], 'ngrams')?.test ?? '–'} | ${cells.join(' | ')} | ${emb16 ? f3(emb16) : '–'} | ${(() => {
    const r = fs?.reference?.[task];
    const m = find(fs, task, ks[0], 'ngrams')?.metric;
    return r && m ? `${r[m].toFixed(3)} (\`${r.model}\`)` : '–';
  })()} |`;
};
const order = Object.keys(TASKS).filter((t) => fs?.rows.some((r) => r.task === t));
const unseen = order.filter((t) => !meta.labelsSeen?.includes(t));
const seen = order.filter((t) => meta.labelsSeen?.includes(t));
const d = result.dtypes;
const t = result.training;
const card = `# ko-sentence

${meta.summary}

| | |
| --- | --- |
| task | ${meta.task} |
| architecture | ${meta.architecture} |
| output | \`sentence_embedding\`: ${d.fp32 ? '' : ''}masked mean of the last layer's token states, L2-normalised (${JSON.parse(readFileSync(join(a.model, 'config.json'), 'utf8')).sentence_embedding.dim} floats, unit length); embedding space \`${result.space}\` (heads taught in another space are refused) |
| tokenizer | ${meta.tokenizer} |
| training data | ${meta.data} |
| licence | ${meta.licence} |

## KorSTS dev (n = ${result.korsts.pairs} pairs)

Spearman's ρ between the cosine of the two sentences' embeddings and the gold 0–5 score, through the
SDK's own encoder (\`createEncoder\`, onnxruntime-web's WASM in Node: the page's kernels):

| dtype | file | size | Spearman | cosine to fp32 (min / mean) |
| --- | --- | --- | --- | --- |
${Object.entries(d).map(([dtype, r]) => `| ${dtype} | \`onnx/${r.file}\` | ${mb(r.file)} | ${r.spearman.toFixed(4)} | ${r.cosineToFp32 ? `${r.cosineToFp32.min.toFixed(4)} / ${r.cosineToFp32.mean.toFixed(4)}` : '–'} |`).join('\n')}

${meta.korstsNote}
${t ? `\nTraining: ${t.steps} steps in ${t.minutes} min on ${t.device === 'cpu' ? `${t.threads} CPU threads` : t.device}; KorSTS dev (PyTorch fp32) ${t.korstsDevStart.toFixed(4)} at the start (the masked-LM encoder), ${t.korstsDev.toFixed(4)} at the end. Passes over each task's data: ${Object.entries(t.epochs).map(([k, v]) => `${k} ${v}`).join(', ')}.\n` : ''}
## Few-shot: labels of your own from k examples per label

What \`teach()\` trains (the shipped head: logistic regression on the embedding and hashed character
1–3-grams, temperature and "not sure" threshold from out-of-fold scores) on k examples per label
drawn from each training pool, scored on a held-out split; mean ± sd over seeds ${fs?.seeds.join(', ')} (\`scripts/fewshot.mjs\`,
${fs?.dtype} file). In brackets: the same head on the masked-LM encoder this one was trained from. NSMC: ${fs?.nsmcTestRows} rows of
\`dev.tsv\` (seed 42), pool \`train.tsv\`; K-MHaS and Korean HateSpeech: the project's held-out 10% (seed 42), pool the other 90%.

| task | test rows | ${ks.map((k) => `${k} per label`).join(' | ')} | 16, embedding only | fully fine-tuned shipped model |
| --- | --- | ${ks.map(() => '---').join(' | ')} | --- | --- |
${unseen.map(fewRow).join('\n')}
${seen.length ? `\nLabels seen in training (the encoder was trained on these labels, so these rows are not few-shot in the strict sense):\n\n| task | test rows | ${ks.map((k) => `${k} per label`).join(' | ')} | 16, embedding only | fully fine-tuned shipped model |\n| --- | --- | ${ks.map(() => '---').join(' | ')} | --- | --- |\n${seen.map(fewRow).join('\n')}\n` : ''}
${meta.fewshotNote}

Training one head on 200 examples (NSMC, 100 per label) takes ${fs?.timing?.ngrams?.medianMs ?? '–'} ms in Node on this machine (median of 5; embedding-only head ${fs?.timing?.embedding?.medianMs ?? '–'} ms); \`BENCHMARKS.md\` has \`teach()\` end to end in the page.

## Same text, same answer

${meta.sameAnswer}

## What more would need

${meta.more}

## Reproduce

\`\`\`sh
${meta.reproduce.join('\n')}
\`\`\`
`;
writeFileSync(join(a.model, 'README.md'), card);
console.log(`wrote ${join(a.model, 'README.md')}`);
