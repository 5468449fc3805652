// Few-shot table of taught heads (issue #28): for k examples per class (8, 16, 64) and seeds 1..3,
// sample k per class from a training pool, teach a head on the ko-sentence embeddings, and score a
// held-out test split. The head is core's own (validateExamples → trainHead → parseHead → headLogits →
// postprocess(headConfig)): what teach() and a taught classifier's classify() run, on embeddings
// computed once per text (the SDK's Node encoder: same tokenizer, batching and ONNX file as the page).
//   node scripts/fewshot.mjs [--model public/models/ko-sentence] [--dtype int8] [--ks 8,16,64] [--seeds 3]
//        [--nsmc-test 3000] [--variants embedding,ngrams] [--out training/.work/fewshot.json] [--reference]
// --reference also scores the fully fine-tuned shipped models on the same test rows (ko-sentiment on
// nsmc, ko-moderation's label set on the K-MHaS tasks, ko-hate-speech on hate3; int8, public/models).
// Needs packages/core built (npm run build -w packages/core) and python3 (the project's own split:
// training/ko_train/data.py split_holdout, seed 42). Tasks and test splits:
//   nsmc        NSMC dev (a fixed random --nsmc-test rows, seed 42), pool NSMC train; accuracy
//   kmhas-hate  K-MHaS held-out 10%: hate (any label but 8) vs not_hate_speech (8); pool: its 90%
//   kmhas-<l>   K-MHaS one-vs-rest politics / gender / origin: label l in the set vs not; macro-F1 of the binary task
//   hate3       Korean HateSpeech held-out 10% (none / offensive / hate); pool: its 90%; macro-F1
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import * as node from '@ko-classify/core/node';
import { postprocess } from '@ko-classify/core/engine';
import { headConfig, headLogits, parseHead, trainHead, validateExamples } from '../packages/core/dist/engine/head.js';

const root = resolve(import.meta.dirname, '..');
const { values: a } = parseArgs({
  options: {
    model: { type: 'string', default: join(root, 'public/models/ko-sentence') },
    dtype: { type: 'string', default: 'int8' },
    runtime: { type: 'string', default: 'node' },
    threads: { type: 'string', default: '2' },
    ks: { type: 'string', default: '8,16,64' },
    seeds: { type: 'string', default: '3' },
    'nsmc-test': { type: 'string', default: '3000' },
    variants: { type: 'string', default: 'ngrams,embedding' },
    tasks: { type: 'string' },
    out: { type: 'string', default: join(root, 'training/.work/fewshot.json') },
    // Keep the embeddings between runs (a file per model space and dtype under this folder): re-runs that change only the head skip the encoder.
    'cache-dir': { type: 'string' },
    reference: { type: 'boolean', default: false },
  },
});
const ks = a.ks.split(',').map(Number);
const seeds = Array.from({ length: Number(a.seeds) }, (_, i) => i + 1);

/** Head variants: what the head reads beside the embedding (trainHead's measurement options). */
// Each variant is trainHead's measurement options: {} is the shipped head (what teach() trains).
const NG = { n: [1, 2, 3], buckets: 4096 };
const VARIANTS = {
  ngrams: {},
  embedding: { ngrams: null },
  'ngrams-w0.5': { ngramWeight: 0.5 },
  'ngrams-w1': { ngramWeight: 1 },
  'ngrams-w2': { ngramWeight: 2 },
  'ngrams-w0-2': { ngramWeight: [0, 0.5, 1, 2] },
  'emb-l1e-3': { ngrams: null, lambda: 1e-3 },
  'emb-l3e-2': { ngrams: null, lambda: 3e-2 },
  'ngrams-l1e-3': { lambda: 1e-3 },
  'ngrams-l3e-2': { lambda: 3e-2 },
  ngrams16k: { ngrams: { n: [1, 2, 3], buckets: 16384 } },
  'ngrams-2-3': { ngrams: { n: [2, 3], buckets: 4096 } },
  ngramsOnly: { ngrams: NG, ngramWeight: 1, embeddingOff: true },
};
const trainOptions = ({ embeddingOff, ...o }) => o;
const variants = a.variants.split(',');
for (const v of variants) if (!(v in VARIANTS)) throw new Error(`--variants: unknown ${v} (${Object.keys(VARIANTS).join(', ')})`);

// The datasets and the project's 90/10 splits, read by the training recipe itself.
const py = `
import json, sys
sys.path.insert(0, 'training')
from ko_train.data import DATA, hate_speech, nsmc, read_tsv, split_holdout
rows = read_tsv(DATA / 'k-mhas' / 'train.tsv')
km_texts = [r['document'] for r in rows]
km_labels = [sorted({int(x) for x in r['label'].split(',') if x.strip()}) for r in rows]
km_tr, km_ho = split_holdout([','.join(map(str, l)) for l in km_labels], 42)
hs_texts, hs_labels = hate_speech()
hs_tr, hs_ho = split_holdout(hs_labels, 42)
nt, nl = nsmc('train'); dt, dl = nsmc('dev')
json.dump({'kmhas': [km_texts, km_labels, km_tr, km_ho], 'hate': [hs_texts, hs_labels, hs_tr, hs_ho], 'nsmc': [nt, nl, dt, dl]}, sys.stdout, ensure_ascii=False)
`;
const data = JSON.parse(execFileSync('python3', ['-c', py], { cwd: root, maxBuffer: 1 << 30, encoding: 'utf8' }));

/** mulberry32: the same samples on every machine. */
function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
function shuffled(xs, seed) {
  const out = [...xs];
  const r = rng(seed);
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
const nonBlank = (t) => typeof t === 'string' && !/^[\s\u200b-\u200d\u2060\ufeff]*$/u.test(t);

/** A task: pool and test rows as { text, label } (label a string). */
function tasks() {
  const [kt, kl, ktr, kho] = data.kmhas;
  const km = (rows, f) => rows.filter((i) => nonBlank(kt[i])).map((i) => ({ text: kt[i], label: f(kl[i]) }));
  const [ht, hl, htr, hho] = data.hate;
  const HATE = ['none', 'offensive', 'hate'];
  const hs = (rows) => rows.filter((i) => nonBlank(ht[i])).map((i) => ({ text: ht[i], label: HATE[hl[i]] }));
  const [nt, nl, dt, dl] = data.nsmc;
  const nsmcTest = shuffled(dt.map((_, i) => i).filter((i) => nonBlank(dt[i])), 42).slice(0, Number(a['nsmc-test'])).sort((x, y) => x - y);
  const ovr = (id, name) => ({ name: `kmhas-${name}`, metric: 'macroF1', pool: km(ktr, (l) => (l.includes(id) ? name : 'other')), test: km(kho, (l) => (l.includes(id) ? name : 'other')) });
  return [
    { name: 'nsmc', metric: 'accuracy', pool: nt.flatMap((t, i) => (nonBlank(t) ? [{ text: t, label: nl[i] ? 'pos' : 'neg' }] : [])), test: nsmcTest.map((i) => ({ text: dt[i], label: dl[i] ? 'pos' : 'neg' })) },
    { name: 'kmhas-hate', metric: 'macroF1', pool: km(ktr, (l) => (l.includes(8) ? 'not_hate' : 'hate')), test: km(kho, (l) => (l.includes(8) ? 'not_hate' : 'hate')) },
    ovr(2, 'politics'),
    ovr(5, 'gender'),
    ovr(0, 'origin'),
    { name: 'hate3', metric: 'macroF1', pool: hs(htr), test: hs(hho) },
  ].filter((t) => !a.tasks || a.tasks.split(',').includes(t.name));
}

/** k examples per label: each label's pool rows in a seeded order, the first k (so 8 ⊂ 16 ⊂ 64 for one seed). */
function sample(pool, k, seed, taskName) {
  const labels = [...new Set(pool.map((r) => r.label))].sort();
  let h = seed;
  for (const ch of taskName) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return labels.flatMap((l, li) => shuffled(pool.filter((r) => r.label === l), h + li).slice(0, k));
}

function scores(gold, pred) {
  const labels = [...new Set(gold)];
  const f1s = labels.map((l) => {
    let tp = 0, fp = 0, fn = 0;
    gold.forEach((g, i) => {
      if (pred[i] === l && g === l) tp++;
      else if (pred[i] === l) fp++;
      else if (g === l) fn++;
    });
    return (2 * tp) / Math.max(2 * tp + fp + fn, 1);
  });
  return { accuracy: gold.filter((g, i) => g === pred[i]).length / gold.length, macroF1: f1s.reduce((s, v) => s + v, 0) / f1s.length };
}
const mean = (xs) => xs.reduce((s, v) => s + v, 0) / xs.length;
const sd = (xs) => (xs.length < 2 ? 0 : Math.sqrt(xs.reduce((s, v) => s + (v - mean(xs)) ** 2, 0) / (xs.length - 1)));

// The encoder: core's Node createEncoder (the SDK's tokenizer, batching and ONNX file).
const t0 = performance.now();
const enc = await node.createEncoder({ model: a.model, dtype: a.dtype, runtime: a.runtime, threads: Number(a.threads) });
const info = enc.info();
const embed = (texts) => enc.embed(texts);
const encoder = { model: 'ko-sentence', space: info.embedding.space, dim: info.embedding.dim };
const cache = new Map();
const cacheFile = a['cache-dir'] && join(a['cache-dir'], `fewshot-${encoder.space}-${info.dtype ?? a.dtype}.bin`);
if (cacheFile && existsSync(cacheFile)) {
  const buf = readFileSync(cacheFile);
  const n = buf.readUInt32LE(0);
  const texts = JSON.parse(buf.subarray(4, 4 + n).toString('utf8'));
  const floats = new Float32Array(buf.buffer.slice(buf.byteOffset + 4 + n + ((4 - ((4 + n) % 4)) % 4)));
  texts.forEach((t, i) => cache.set(t, floats.slice(i * encoder.dim, (i + 1) * encoder.dim)));
}
function saveCache() {
  if (!cacheFile) return;
  const texts = [...cache.keys()];
  const head = Buffer.from(JSON.stringify(texts), 'utf8');
  const pad = (4 - ((4 + head.length) % 4)) % 4;
  const floats = new Float32Array(texts.length * encoder.dim);
  texts.forEach((t, i) => floats.set(cache.get(t), i * encoder.dim));
  const len = Buffer.alloc(4);
  len.writeUInt32LE(head.length);
  mkdirSync(a['cache-dir'], { recursive: true });
  writeFileSync(cacheFile, Buffer.concat([len, head, Buffer.alloc(pad), Buffer.from(floats.buffer)]));
}
async function embedAll(texts) {
  const todo = [...new Set(texts.filter((t) => !cache.has(t)))];
  for (let i = 0; i < todo.length; i += 256) {
    const chunk = todo.slice(i, i + 256);
    (await embed(chunk)).forEach((v, j) => cache.set(chunk[j], v));
  }
  return texts.map((t) => cache.get(t));
}

const results = [];
const list = tasks();
for (const task of list) {
  const testEmb = await embedAll(task.test.map((r) => r.text));
  const testTexts = task.test.map((r) => r.text);
  const gold = task.test.map((r) => r.label);
  for (const k of ks) {
    for (const variant of variants) {
      const runs = [];
      for (const seed of seeds) {
        const examples = sample(task.pool, k, seed, task.name);
        const { texts, labels } = validateExamples(examples);
        let emb = await embedAll(texts);
        let testE = testEmb;
        const v = VARIANTS[variant];
        if (v.embeddingOff) {
          // n-grams alone: a constant embedding, so only the n-gram block separates.
          const one = new Float32Array(encoder.dim).fill(1 / Math.sqrt(encoder.dim));
          emb = emb.map(() => one);
          testE = testEmb.map(() => one);
        }
        const t = performance.now();
        const head = trainHead(emb, texts, labels, encoder, trainOptions(v));
        const ms = performance.now() - t;
        const parsed = parseHead(JSON.parse(JSON.stringify(head)), encoder);
        const config = headConfig(parsed);
        const out = headLogits(parsed, testE, testTexts).map((z) => postprocess(z, config));
        const pred = out.map((r) => r.label);
        const s = scores(gold, pred);
        const flagged = out.filter((r) => r.uncertain);
        const flaggedWrong = out.filter((r, i) => r.uncertain && r.label !== gold[i]).length;
        runs.push({ seed, ...s, cvAccuracy: head.trained.cvAccuracy, temperature: head.temperature, minScore: head.uncertainty.min_score, trainMs: Math.round(ms), weightsBytes: head.weights.length, flaggedShare: flagged.length / out.length, flaggedAccuracy: flagged.length ? 1 - flaggedWrong / flagged.length : null, restAccuracy: (out.length - flagged.length) ? (out.filter((r, i) => !r.uncertain && r.label === gold[i]).length / (out.length - flagged.length)) : null });
      }
      const row = { task: task.name, metric: task.metric, k, variant, test: task.test.length, accuracy: { mean: mean(runs.map((r) => r.accuracy)), sd: sd(runs.map((r) => r.accuracy)) }, macroF1: { mean: mean(runs.map((r) => r.macroF1)), sd: sd(runs.map((r) => r.macroF1)) }, trainMs: mean(runs.map((r) => r.trainMs)), runs };
      results.push(row);
      process.stderr.write(`${task.name} k=${k} ${variant}: acc ${row.accuracy.mean.toFixed(3)} F1 ${row.macroF1.mean.toFixed(3)} (${Math.round(row.trainMs)} ms)\n`);
    }
  }
}

// Training time of one teach() head for 200 examples (100 per label, NSMC) on this machine.
const timing = {};
const nsmcTask = list.find((t) => t.name === 'nsmc') ?? tasks().find((t) => t.name === 'nsmc');
{
  const ex = sample(nsmcTask.pool, 100, 1, 'timing');
  const { texts, labels } = validateExamples(ex);
  const emb = await embedAll(texts);
  for (const variant of variants) {
    const v = VARIANTS[variant];
    trainHead(emb, texts, labels, encoder, trainOptions(v)); // warm-up (JIT)
    const times = [];
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      trainHead(emb, texts, labels, encoder, trainOptions(v));
      times.push(performance.now() - t);
    }
    timing[variant] = { examples: 200, dim: encoder.dim, medianMs: Math.round(times.sort((x, y) => x - y)[2]), maxMs: Math.round(times[4]) };
  }
}

// The fully fine-tuned shipped models on the very same test rows: what few-shot is measured against.
const reference = {};
if (a.reference) {
  const models = { nsmc: 'ko-sentiment', hate3: 'ko-hate-speech' };
  const clfs = {};
  const clf = async (id) => (clfs[id] ??= await node.createClassifier({ model: join(root, 'public/models', id), dtype: 'int8', runtime: a.runtime, threads: Number(a.threads) }));
  for (const task of list) {
    const id = models[task.name] ?? 'ko-moderation';
    const out = await (await clf(id)).classify(task.test.map((r) => r.text));
    const shown = (r) => new Set(r.labels.map((l) => (typeof l === 'string' ? l : l.label)));
    const pred = out.map((r) => {
      if (task.name === 'nsmc') return r.label === 'positive' ? 'pos' : 'neg';
      if (task.name === 'hate3') return r.label;
      if (task.name === 'kmhas-hate') return shown(r).has('not_hate_speech') ? 'not_hate' : 'hate';
      const name = task.name.slice('kmhas-'.length);
      return shown(r).has(name) ? name : 'other';
    });
    reference[task.name] = { model: id, ...scores(task.test.map((r) => r.label), pred) };
    process.stderr.write(`${task.name} reference ${id}: acc ${reference[task.name].accuracy.toFixed(3)} F1 ${reference[task.name].macroF1.toFixed(3)}\n`);
  }
  for (const c of Object.values(clfs)) await c.dispose();
}

saveCache();
const fmt = (m) => `${m.mean.toFixed(3)} ± ${m.sd.toFixed(3)}`;
const report = {
  model: a.model.replace(`${root}/`, ''),
  space: encoder.space,
  dtype: info.dtype ?? a.dtype,
  seeds,
  ks,
  nsmcTestRows: Number(a['nsmc-test']),
  seconds: Math.round((performance.now() - t0) / 1000),
  timing,
  reference,
  results,
};
mkdirSync(dirname(a.out), { recursive: true });
writeFileSync(a.out, `${JSON.stringify(report, null, 2)}\n`);
console.log(`Few-shot heads on ${report.model} (${encoder.space}, ${report.dtype}), mean ± sd over seeds ${seeds.join(', ')}\n`);
console.log('| task | test rows | k/class | head | accuracy | macro-F1 | cvAccuracy | train ms |');
console.log('|---|---:|---:|---|---:|---:|---:|---:|');
for (const r of results) console.log(`| ${r.task} | ${r.test} | ${r.k} | ${r.variant} | ${fmt(r.accuracy)} | ${fmt(r.macroF1)} | ${mean(r.runs.map((x) => x.cvAccuracy ?? NaN)).toFixed(3)} | ${Math.round(r.trainMs)} |`);
for (const [task, r] of Object.entries(reference)) console.log(`reference ${task}: ${r.model} accuracy ${r.accuracy.toFixed(3)} macro-F1 ${r.macroF1.toFixed(3)}`);
console.log(`\nteach time, 200 examples × ${encoder.dim} dims: ${Object.entries(timing).map(([v, t]) => `${v} ${t.medianMs} ms (max ${t.maxMs})`).join(', ')}`);
console.log(`${report.seconds} s in all; wrote ${a.out}`);
