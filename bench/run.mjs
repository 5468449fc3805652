// `npm run bench`: ko-classify against the @huggingface/transformers v4 text-classification pipeline
// in the same headless Chromium, on the same ONNX file (ko-sentiment int8) and the same 2,000 NSMC dev
// sentences, both in a Worker with the same WASM thread count; then `ko-classify classify` on Node
// over 100,000 rows. Writes BENCHMARKS.md; every comparison is a ratio of figures measured side by
// side in this one run (the libraries alternate).
//
// Usage: node bench/run.mjs [--threads N] [--reps N] [--out FILE] [--no-check] [--libs ko,tjs] [--no-bulk]
// Expects the packages and the bench pages to be built (the npm script does both). Exits 1 when a
// ratio misses its bound (see BOUNDS) unless --no-check: speed lives here, never in `npm test`.
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { locate } from '../scripts/static-server.mjs';
import { LATENCY_CALLS, isModelPath, runLibraries, startBrowser, step } from './browser.mjs';
import { benchBulk } from './bulk.mjs';
import { measureGemm } from './gemm.mjs';
import { benchEmbeddings, teachExamples } from './embeddings.mjs';
import { compareHosting } from './hosting.mjs';
import { profileCalls } from './profile.mjs';
import { renderReport } from './report.mjs';
import { loadSample, median, percentile } from './sample.mjs';

const root = resolve(import.meta.dirname, '..');
const { values: args } = parseArgs({
  options: {
    threads: { type: 'string', default: String(Math.min(4, os.availableParallelism())) },
    reps: { type: 'string', default: '5' },
    out: { type: 'string', default: join(root, 'BENCHMARKS.md') },
    'no-check': { type: 'boolean', default: false },
    'no-bulk': { type: 'boolean', default: false },
    libs: { type: 'string', default: 'ko,tjs' },
  },
});
const THREADS = Number(args.threads);
const REPS = Number(args.reps);
const LIBS = args.libs.split(',');
/** The goals; the bench fails loudly when a ratio misses them. */
const BOUNDS = { throughput: 2.0, p50: 0.7, agreement: 0.995 };
const MODEL = 'ko-sentiment';

const shared = process.env.KO_SHARED ?? join(root, '../shared/data');
const devPath = join(shared, 'nsmc/dev.tsv');
const trainPath = join(shared, 'nsmc/train.tsv');
const benchDist = join(root, 'dist/bench');
for (const [path, fix] of [
  [devPath, 'the shared data must sit beside the repository (../shared) or KO_SHARED must point at it'],
  [join(benchDist, '.vite/manifest.json'), 'run `npm run bench` (it builds the bench pages first)'],
  ['/usr/bin/chromium', 'install Debian chromium: apt-get install -y chromium'],
]) {
  if (!existsSync(path)) {
    console.error(`bench: ${path} is missing: ${fix}`);
    process.exit(2);
  }
}

const modelDir = join(root, 'public/models', MODEL);
const sample = await loadSample(devPath, modelDir);
const { texts, gold } = sample;

/** A package's folder as Node would resolve it from `from` (packages may hide package.json from exports). */
function packageDir(name, from) {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dirname(dir) === dir) throw new Error(`${name} is not installed (run npm install)`);
  }
}
const version = (dir) => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version;
const tjsDir = packageDir('@huggingface/transformers', root);
const tjsOrtDir = packageDir('onnxruntime-web', tjsDir);
const koOrtDir = packageDir('onnxruntime-web', join(root, 'packages/core'));
// transformers.js 4.3.1's onnxruntime-web (its asyncify build) has no CPU kernel for
// GatherBlockQuantized, which ko-sentiment's int8 file reads its 4-bit word embeddings with since
// 0.4.0: it runs the 0.3.0 int8 file instead (the same weights, embeddings in 8 bits, 8.1 MB), taken
// from git (TJS_INT8_FROM); every other file is the shipped one.
const TJS_INT8_FROM = '0e886c8~1';
const tjsModels = join(root, 'dist/bench-tjs-models');
{
  const { cpSync, mkdirSync, writeFileSync: write } = await import('node:fs');
  const { execFileSync } = await import('node:child_process');
  mkdirSync(tjsModels, { recursive: true });
  cpSync(modelDir, join(tjsModels, MODEL), { recursive: true });
  write(join(tjsModels, MODEL, 'onnx/model_int8.onnx'), execFileSync('git', ['show', `${TJS_INT8_FROM}:public/models/${MODEL}/onnx/model_int8.onnx`], { cwd: root, maxBuffer: 64 << 20 }));
}
const mounts = [
  ['/models/', join(root, 'public/models')],
  ['/tjs-models/', tjsModels],
  ['/tjs-ort/', join(tjsOrtDir, 'dist')],
  ['/', benchDist],
];

const env = await startBrowser(mounts);
const runs = await runLibraries(env, { libs: LIBS, reps: REPS, threads: THREADS, texts });
if (LIBS.length !== 2) {
  // A one-library run (--libs ko) is for quick experiments: no ratios, no BENCHMARKS.md.
  await env.browser.close();
  env.server.close();
  process.exit(0);
}
const gemm = await measureGemm(env.browser, env.base, sample.config, THREADS, step);
const profile = await profileCalls(env.browser, env.base, { texts: texts.slice(0, LATENCY_CALLS), threads: THREADS, step });
const chromiumVersion = env.browser.version();
await env.browser.close();
env.server.close();
const bulk = args['no-bulk'] || !existsSync(trainPath) ? null : benchBulk({ root, trainPath, modelDir });

// --- bytes: what each library's cold start fetched, gzip -9, split host / worker / wasm --------------
const manifest = JSON.parse(readFileSync(join(benchDist, '.vite/manifest.json'), 'utf8'));
function hostFiles(entry) {
  const out = new Set();
  const visit = (key) => {
    const e = manifest[key];
    if (!e || out.has(`/${e.file}`)) return;
    out.add(`/${e.file}`);
    for (const i of e.imports ?? []) visit(i);
  };
  visit(entry);
  return out;
}
const gz = (path) => gzipSync(readFileSync(locate(mounts, path)), { level: 9 }).length;
const bytes = {};
for (const lib of LIBS) {
  const host = hostFiles(`${lib}.html`);
  const files = [...new Set(runs[lib].coldFiles)].filter((p) => locate(mounts, p));
  if (!files.some((p) => p.endsWith('.wasm'))) throw new Error(`bench: the request log of ${lib}'s cold start holds no .wasm (${files.length} files): bytes would read 0`);
  const js = files.filter((p) => /\.m?js$/.test(p));
  const sum = (list) => list.reduce((a, p) => a + gz(p), 0);
  bytes[lib] = {
    host: sum(js.filter((p) => host.has(p))),
    worker: sum(js.filter((p) => !host.has(p))),
    wasm: sum(files.filter((p) => p.endsWith('.wasm'))),
    wasmFiles: files.filter((p) => p.endsWith('.wasm')).map((p) => p.split('/').pop()),
    model: files.filter(isModelPath).reduce((a, p) => a + statSync(locate(mounts, p)).size, 0),
  };
}

// --- figures ----------------------------------------------------------------------------------------
const fig = {};
for (const lib of LIBS) {
  const r = runs[lib];
  const batchMs = median(r.batch.map((b) => b.ms));
  const lat = r.latency.flat();
  const results = r.batch[0].results;
  fig[lib] = {
    sps: texts.length / (batchMs / 1000),
    batchMs,
    chunkSps: texts.length / (median(r.chunks) / 1000),
    p50: median(lat),
    p95: percentile(lat, 95),
    steadyP50: median(r.steady.flat()),
    steadyP95: percentile(r.steady.flat(), 95),
    cold: median(r.cold),
    coldNet: median(r.coldNet),
    coldNetBytes: median(r.coldNetBytes),
    warm: median(r.warm),
    memLoad: median(r.memLoad),
    memPeak: median(r.memPeak),
    longTasks: Math.max(...r.batch.map((b) => b.longTasks)),
    longestTaskMs: Math.max(...r.batch.map((b) => b.longestTaskMs)),
    accuracy: results.filter((x, i) => x.label === gold[i]).length / texts.length,
    labels: results.map((x) => x.label),
    eachLabels: r.each.map((x) => x.label),
  };
}
const { ko, tjs } = fig;
const agreement = ko.labels.filter((l, i) => l === tjs.labels[i]).length / texts.length;
const ratios = { throughput: ko.sps / tjs.sps, p50: ko.p50 / tjs.p50 };
// Each figure's ratio run by run (rep i of ko-classify against rep i of transformers.js): the spread.
const perRun = (f) => runs.ko.batch.map((_, i) => f(runs.ko, runs.tjs, i));
const spreads = {
  throughput: perRun((a, b, i) => b.batch[i].ms / a.batch[i].ms),
  p50: perRun((a, b, i) => median(a.latency[i]) / median(b.latency[i])),
  steadyP50: perRun((a, b, i) => median(a.steady[i]) / median(b.steady[i])),
  coldNet: perRun((a, b, i) => a.coldNet[i] / b.coldNet[i]),
  warm: perRun((a, b, i) => a.warm[i] / b.warm[i]),
  memPeak: perRun((a, b, i) => a.memPeak[i] / b.memPeak[i]),
};
const checks = [
  [`throughput ratio ≥ ${BOUNDS.throughput}`, ratios.throughput >= BOUNDS.throughput],
  [`p50 latency ratio ≤ ${BOUNDS.p50}`, ratios.p50 <= BOUNDS.p50],
  [`labels agree with transformers.js on ≥ ${(BOUNDS.agreement * 100).toFixed(1)}% of the sample`, agreement >= BOUNDS.agreement],
];

// The shipped models' files (their cards have the scores), for the report's size table.
const modelFiles = ['ko-sentiment', 'ko-hate-speech', 'ko-moderation'].map((m) => ({
  model: m,
  files: Object.fromEntries(['model_int8.onnx', 'model_q4.onnx', 'model.onnx'].map((f) => [f, existsSync(join(root, 'public/models', m, 'onnx', f)) ? statSync(join(root, 'public/models', m, 'onnx', f)).size : null])),
}));

// Several models on one page: one worker hosting both, or one worker each (the runtime downloads once either way).
console.log('bench: two models on one page, one worker or one each');
const hosting = await compareHosting({ threads: THREADS, calls: 100, reps: 3 });

// Sentence embeddings (ko-sentence): embeddings/s, single-text latency, same answer, teach() on 200 examples.
console.log('bench: sentence embeddings and teach (ko-sentence)');
const embeddings = existsSync(join(root, 'public/models/ko-sentence')) && existsSync(trainPath) ? await benchEmbeddings({ texts, examples: teachExamples(trainPath), threads: THREADS, reps: Math.max(2, REPS) }) : null;
if (embeddings) {
  checks.push([`teach() of ${embeddings.examples} examples in the page under 1 s (median)`, embeddings.page.teachMs < 1000]);
  checks.push(['a text embedded alone is bit-identical to the same text inside the big call (page, int8)', embeddings.page.sameBits === 100]);
}

const data = {
  hosting,
  embeddings,
  tjsModels,
  modelFiles,
  root, model: MODEL, modelDir, threads: THREADS, reps: REPS, chromiumVersion, sample, runs, fig, bytes, gemm, bulk, checks, spreads, profile,
  agreement, ratios, latencyCalls: LATENCY_CALLS,
  selfAgreement: ko.eachLabels.filter((l, i) => l === ko.labels[i]).length / LATENCY_CALLS,
  versions: { tjs: version(tjsDir), koOrt: version(koOrtDir), tjsOrt: version(tjsOrtDir) },
};
// The measurements themselves, so the report can be re-rendered without measuring again
// (`node bench/report.mjs dist/bench/bench-data.json`).
writeFileSync(join(benchDist, 'bench-data.json'), JSON.stringify(data));
const md = renderReport(data);
writeFileSync(args.out, md);
console.log(`\nwrote ${args.out}\n`);
console.log(md.split('\n').slice(0, 18).join('\n'));
const failed = checks.filter(([, ok]) => !ok);
if (failed.length && !args['no-check']) {
  console.error(`\nbench: ${failed.map(([n]) => n).join('; ')} — FAILED`);
  process.exit(1);
}
