// `npm run bench`: ko-classify against the @huggingface/transformers v4 text-classification pipeline
// in the same headless Chromium, on the same ONNX file (ko-sentiment int8) and the same 2,000 NSMC dev
// sentences, both in a Worker with the same WASM thread count. Writes BENCHMARKS.md; every comparison
// is a ratio of figures measured side by side in this one run (the libraries alternate).
//
// Usage: node scripts/bench.mjs [--threads N] [--reps N] [--out FILE] [--no-check]
// Expects the packages and the bench pages to be built (the npm script does both). Exits 1 when a
// ratio misses its bound (see BOUNDS) unless --no-check: speed lives here, never in `npm test`.
import { execFileSync } from 'node:child_process';
import { createReadStream, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import os from 'node:os';
import { dirname, extname, join, normalize, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { chromium } from '@playwright/test';
import { TextEncoder, defaultMaxLength, normalizeInput, parseModelConfig } from '@ko-classify/core/engine';
import { DataType, encodeModel, node, onnx, tensor } from '../packages/cli/dist/onnx/proto.js';

const root = resolve(import.meta.dirname, '..');
const { values: args } = parseArgs({
  options: {
    threads: { type: 'string', default: String(Math.min(4, os.availableParallelism())) },
    reps: { type: 'string', default: '3' },
    out: { type: 'string', default: join(root, 'BENCHMARKS.md') },
    'no-check': { type: 'boolean', default: false },
    libs: { type: 'string', default: 'ko,tjs' },
  },
});
const THREADS = Number(args.threads);
const REPS = Number(args.reps);
/** The goals of issue 7; the bench fails loudly when a ratio misses them. */
const BOUNDS = { throughput: 2.0, p50: 0.7, agreement: 0.995 };
const MODEL = 'ko-sentiment';
const SAMPLE_SIZE = 2000;
const LATENCY_CALLS = 300;

const shared = process.env.KO_SHARED ?? join(root, '../shared/data');
const devPath = join(shared, 'nsmc/dev.tsv');
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

// --- the sample: every 5th row of NSMC dev (2,000 of 10,000), fixed ---------------------------------
const devRows = readFileSync(devPath, 'utf8').split('\n').slice(1).filter(Boolean).map((l) => l.split('\t'));
const sample = devRows.filter((_, i) => i % 5 === 0).slice(0, SAMPLE_SIZE);
const texts = sample.map((r) => r[1]);
const gold = sample.map((r) => (r[2] === '1' ? 'positive' : 'negative'));
if (texts.length !== SAMPLE_SIZE) throw new Error(`expected ${SAMPLE_SIZE} sample rows, got ${texts.length}`);

// --- model facts: tokens per sentence and int8 GEMM work per token -----------------------------------
const modelDir = join(root, 'public/models', MODEL);
const config = JSON.parse(readFileSync(join(modelDir, 'config.json'), 'utf8'));
const tokenizerConfig = JSON.parse(readFileSync(join(modelDir, 'tokenizer_config.json'), 'utf8'));
const encoder = new TextEncoder(JSON.parse(readFileSync(join(modelDir, 'tokenizer.json'), 'utf8')), tokenizerConfig, defaultMaxLength(parseModelConfig(config), tokenizerConfig));
const tokenCounts = texts.map((t, i) => encoder.encode(normalizeInput(t, i)).ids.length);
const totalTokens = tokenCounts.reduce((a, b) => a + b, 0);
const h = config.hidden_size;
const ffn = config.intermediate_size;
// Per token and layer: query, key, value, output (h×h each) and the two FFN matrices (h×ffn).
const gemmOpsPerToken = 2 * config.num_hidden_layers * (4 * h * h + 2 * h * ffn);

// --- a static server with COOP/COEP (both libraries may use WASM threads) ----------------------------
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
const mounts = [
  ['/models/', join(root, 'public/models')],
  ['/tjs-ort/', join(tjsOrtDir, 'dist')],
  ['/', benchDist],
];
const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript', '.json': 'application/json', '.wasm': 'application/wasm' };
/** The file a URL path maps to, or null outside every mount (`..` cannot climb out of one). */
function fileOf(path) {
  const mount = mounts.find(([prefix]) => path.startsWith(prefix));
  if (!mount) return null;
  const file = normalize(join(mount[1], path.slice(mount[0].length)));
  return file.startsWith(mount[1]) ? file : null;
}
/** @type {string[]} */
let requests = [];
const server = createServer((req, res) => {
  const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
  const file = fileOf(path);
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  if (!file || !existsSync(file) || !statSync(file).isFile()) {
    res.statusCode = 404;
    res.end('not found');
    return;
  }
  requests.push(path);
  // Code may come from the HTTP cache on a warm start; model files never do, so a library that
  // re-downloads its model shows up in `requests`.
  res.setHeader('Cache-Control', path.startsWith('/models/') || path.endsWith('.html') ? 'no-store' : 'max-age=3600');
  res.setHeader('Content-Type', types[extname(file)] ?? 'application/octet-stream');
  res.setHeader('Content-Length', statSync(file).size);
  createReadStream(file).pipe(res);
});
await new Promise((r) => server.listen(0, '127.0.0.1', () => r(undefined)));
const base = `http://127.0.0.1:${server.address().port}`;

const launchOptions = { executablePath: '/usr/bin/chromium', headless: true, args: process.getuid?.() === 0 ? ['--no-sandbox'] : [] };
const browser = await chromium.launch(launchOptions);
const chromiumVersion = browser.version();

const LIBS = args.libs.split(',');
const NAMES = { ko: 'ko-classify', tjs: 'transformers.js' };

/** page.evaluate with a time limit and a name, so a stuck library fails the bench instead of hanging it. */
async function step(page, name, fn, arg, limitMs = 300_000) {
  let timer;
  const limit = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`bench: "${name}" took over ${limitMs / 1000} s`)), limitMs);
  });
  try {
    return await Promise.race([page.evaluate(fn, arg), limit]);
  } finally {
    clearTimeout(timer);
  }
}

async function openPage(context, lib) {
  const page = await context.newPage();
  // Workers the page starts: the library's own plus one per extra WASM thread (ORT's pthreads).
  page.workerCount = 0;
  page.on('worker', () => page.workerCount++);
  page.on('pageerror', (e) => console.error(`[${lib} page] ${e.message}`));
  page.on('console', (m) => m.type() === 'error' && console.error(`[${lib} console] ${m.text()}`));
  await page.goto(`${base}/${lib}.html`);
  await page.waitForFunction(() => typeof window.bench === 'object');
  return page;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};

/** What each library's runs collected; `each` holds the first latency pass's results. */
const runs = Object.fromEntries(
  LIBS.map((lib) => [lib, { cold: [], warm: [], coldFiles: [], warmModelRequests: [], batch: [], latency: [], steady: [], chunks: [], workers: 0, each: null, coldPhases: null, warmPhases: null }]),
);

for (let rep = 0; rep < REPS; rep++) {
  // Alternate which library goes first so neither always runs on a cooler machine.
  for (const lib of rep % 2 ? [...LIBS].reverse() : LIBS) {
    const r = runs[lib];
    // A fresh on-disk profile, as a user's browser has: an incognito-like context would disable
    // Chromium's code cache, so a warm start would recompile the .wasm like a cold one.
    const profile = mkdtempSync(join(os.tmpdir(), 'ko-bench-'));
    const context = await chromium.launchPersistentContext(profile, launchOptions);
    // Cold: empty IndexedDB / Cache Storage / HTTP cache: code, wasm and model from the network.
    requests = [];
    let page = await openPage(context, lib);
    const cold = await step(page, `${lib} cold start`, (t) => window.bench.start(t), THREADS, 120_000);
    r.cold.push(cold.ms);
    if (rep === 0) r.coldPhases = cold.info?.phases ?? null;
    if (rep === 0) r.coldFiles = [...requests];
    await page.close();
    // Warm: a new page in the same profile; the model comes from the library's browser cache.
    page = await openPage(context, lib);
    requests = [];
    const warm = await step(page, `${lib} warm start`, (t) => window.bench.start(t), THREADS, 120_000);
    r.warm.push(warm.ms);
    r.workers = page.workerCount;
    if (rep === 0) r.warmPhases = warm.info?.phases ?? null;
    r.warmModelRequests.push(requests.filter((p) => p.startsWith('/models/')).length);
    // Latency: one sentence per call, each awaited: the first ${LATENCY_CALLS} calls after start, as a
    // page that has just loaded the classifier sees them.
    const each = await step(page, `${lib} latency`, (s) => window.bench.classifyEach(s), texts.slice(0, LATENCY_CALLS));
    r.latency.push(each.ms);
    r.each = each.results;
    // Throughput: the whole sample in one call (after a small warm-up call).
    await step(page, `${lib} warm-up`, (s) => window.bench.classifyAll(s), texts.slice(0, 64));
    const batch = await step(page, `${lib} batch`, (s) => window.bench.classifyAll(s), texts);
    r.batch.push(batch);
    // The same sample as consecutive calls of 32 (how a caller might batch by hand).
    const chunks = await step(page, `${lib} chunks`, (s) => window.bench.classifyChunks(s, 32), texts);
    r.chunks.push(chunks.ms);
    // Steady-state latency: the same ${LATENCY_CALLS} calls again, after everything above warmed up.
    const again = await step(page, `${lib} steady latency`, (s) => window.bench.classifyEach(s), texts.slice(0, LATENCY_CALLS));
    r.steady.push(again.ms);
    await context.close();
    rmSync(profile, { recursive: true, force: true });
    console.log(`${NAMES[lib]} rep ${rep + 1}/${REPS}: cold ${cold.ms.toFixed(0)} ms, warm ${warm.ms.toFixed(0)} ms, ${texts.length} sentences in ${batch.ms.toFixed(0)} ms (${(texts.length / (batch.ms / 1000)).toFixed(0)}/s), p50 ${median(each.ms).toFixed(2)} ms (steady ${median(again.ms).toFixed(2)} ms), ${batch.longTasks} long tasks`);
  }
}
if (LIBS.length !== 2) {
  // A one-library run (--libs ko) is for quick experiments: no ratios, no BENCHMARKS.md.
  await browser.close();
  server.close();
  process.exit(0);
}

// --- int8 GEMM ceiling: MatMulInteger alone at the model's shapes, same ORT build, same threads ------
function matMulIntegerModel(m, k, n) {
  const b = new Int8Array(k * n);
  for (let i = 0; i < b.length; i++) b[i] = ((i * 2654435761) >>> 25) - 64;
  const g = onnx.GraphProto.create({
    name: 'gemm',
    node: [node('MatMulInteger', ['a', 'b', 'a_zp', 'b_zp'], ['y'], 'mmi')],
    initializer: [tensor('b', DataType.INT8, [k, n], b), tensor('a_zp', DataType.UINT8, [], new Uint8Array([128])), tensor('b_zp', DataType.INT8, [n], new Int8Array(n))],
    input: [onnx.ValueInfoProto.create({ name: 'a', type: { tensorType: { elemType: DataType.UINT8, shape: { dim: [{ dimValue: m }, { dimValue: k }] } } } })],
    output: [onnx.ValueInfoProto.create({ name: 'y', type: { tensorType: { elemType: DataType.INT32, shape: { dim: [{ dimValue: m }, { dimValue: n }] } } } })],
  });
  return encodeModel(onnx.ModelProto.create({ irVersion: 8, producerName: 'ko-classify-bench', opsetImport: [{ domain: '', version: 17 }], graph: g }));
}
const shapes = [[h, h], [h, ffn], [ffn, h]];
const gemmCases = [];
for (const m of [512, 2048]) for (const [k, n] of shapes) gemmCases.push({ name: `${m}×${k}×${n}`, m, k, n, model: Array.from(matMulIntegerModel(m, k, n)) });
const gemmContext = await browser.newContext();
const gemmPage = await gemmContext.newPage();
await gemmPage.goto(`${base}/gemm.html`);
await gemmPage.waitForFunction(() => typeof window.gemm === 'function');
const gemm = await step(gemmPage, 'int8 GEMM microbenchmark', ({ cases, threads }) => window.gemm(cases.map((c) => ({ ...c, model: new Uint8Array(c.model) })), threads), { cases: gemmCases, threads: THREADS });
console.log(`int8 GEMM: ${gemm.map((g) => `${g.name} ${g.gops.toFixed(1)} GOP/s`).join(', ')}`);
await gemmContext.close();
await browser.close();
server.close();

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
const gz = (path) => gzipSync(readFileSync(fileOf(path)), { level: 9 }).length;
const bytes = {};
for (const lib of LIBS) {
  const host = hostFiles(`${lib}.html`);
  const files = [...new Set(runs[lib].coldFiles)];
  const js = files.filter((p) => /\.m?js$/.test(p));
  const sum = (list) => list.reduce((a, p) => a + gz(p), 0);
  bytes[lib] = {
    host: sum(js.filter((p) => host.has(p))),
    worker: sum(js.filter((p) => !host.has(p))),
    wasm: sum(files.filter((p) => p.endsWith('.wasm'))),
    wasmFiles: files.filter((p) => p.endsWith('.wasm')).map((p) => p.split('/').pop()),
    model: files.filter((p) => p.startsWith('/models/')).reduce((a, p) => a + statSync(fileOf(p)).size, 0),
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
    p95: pct(lat, 95),
    steadyP50: median(r.steady.flat()),
    steadyP95: pct(r.steady.flat(), 95),
    cold: median(r.cold),
    warm: median(r.warm),
    longTasks: Math.max(...r.batch.map((b) => b.longTasks)),
    longestTaskMs: Math.max(...r.batch.map((b) => b.longestTaskMs)),
    accuracy: results.filter((x, i) => x.label === gold[i]).length / texts.length,
    labels: results.map((x) => x.label),
    eachLabels: r.each.map((x) => x.label),
  };
}
const ko = fig.ko;
const tjs = fig.tjs;
const agreement = ko.labels.filter((l, i) => l === tjs.labels[i]).length / texts.length;
const selfAgreement = ko.eachLabels.filter((l, i) => l === ko.labels[i]).length / LATENCY_CALLS;
const throughputRatio = ko.sps / tjs.sps;
const p50Ratio = ko.p50 / tjs.p50;
const peak = Math.max(...gemm.map((g) => g.gops));
const achieved = (gemmOpsPerToken * totalTokens) / (ko.batchMs / 1000) / 1e9;
const tjsAchieved = (gemmOpsPerToken * totalTokens) / (tjs.batchMs / 1000) / 1e9;

const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
const tjsVersion = version(tjsDir);
const koOrt = version(koOrtDir);
const tjsOrt = version(tjsOrtDir);
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const mb = (n) => `${(n / 1024 / 1024).toFixed(2)} MB`;
const ms = (n) => `${n.toFixed(n < 10 ? 2 : 0)} ms`;
const x = (n) => `${n.toFixed(2)}×`;
const pctS = (n) => `${(n * 100).toFixed(1)}%`;
const commit = (() => {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root }).toString().trim();
  } catch {
    return 'unknown';
  }
})();

const checks = [
  [`throughput ratio ≥ ${BOUNDS.throughput}`, throughputRatio >= BOUNDS.throughput],
  [`p50 latency ratio ≤ ${BOUNDS.p50}`, p50Ratio <= BOUNDS.p50],
  [`labels agree with transformers.js on ≥ ${pctS(BOUNDS.agreement)} of the sample`, agreement >= BOUNDS.agreement],
];

/** ko-classify's load phases (ms since the call, as the page saw each progress event; last of each). */
function phaseTable(cold, warm) {
  if (!cold || !warm) return '';
  const last = (list) => {
    const m = new Map();
    for (const [name, t] of list) m.set(name, t);
    return m;
  };
  const c = last(cold);
  const w = last(warm);
  const names = [...new Set([...c.keys(), ...w.keys()].map((n) => n.replace(/^(download|cached) /, 'file ')))];
  const at = (m, n) => {
    const key = [...m.keys()].find((k) => k === n || k.replace(/^(download|cached) /, 'file ') === n);
    return key === undefined ? '–' : `${m.get(key).toFixed(0)} ms${key.startsWith('cached') ? ' (IndexedDB)' : key.startsWith('download') ? ' (network)' : ''}`;
  };
  return `ko-classify's start, first run, by phase (when the page heard of each; \`file X\` = X fully read):

| phase | cold | warm |
| --- | --- | --- |
${names.map((n) => `| ${n} | ${at(c, n)} | ${at(w, n)} |`).join('\n')}`;
}

const md = `# Benchmarks

ko-classify vs the \`@huggingface/transformers\` ${tjsVersion} \`text-classification\` pipeline, measured side by side in one run of
\`npm run bench\` (commit ${commit}, ${new Date().toISOString().slice(0, 10)}).

| figure | value |
| --- | --- |
| throughput ratio | ${x(throughputRatio)} (${ko.sps.toFixed(0)} vs ${tjs.sps.toFixed(0)} sentences/s; higher is better) |
| p50 latency ratio | ${x(p50Ratio)} (${ms(ko.p50)} vs ${ms(tjs.p50)}; lower is better) |
| warm/cold start ratio | ${(ko.warm / ko.cold).toFixed(2)} (ko-classify ${ms(ko.warm)} warm / ${ms(ko.cold)} cold; transformers.js ${ms(tjs.warm)} / ${ms(tjs.cold)} = ${(tjs.warm / tjs.cold).toFixed(2)}) |
| main-thread long tasks | ${ko.longTasks} during the ${texts.length}-sentence batch (transformers.js: ${tjs.longTasks}) |
| host JS gz bytes | ${bytes.ko.host} (transformers.js page: ${bytes.tjs.host}) |
| worker JS gz bytes | ${bytes.ko.worker} (transformers.js: ${bytes.tjs.worker}) |
| int8 GEMM efficiency | ${pctS(achieved / peak)} (${achieved.toFixed(1)} of ${peak.toFixed(1)} GOP/s peak; transformers.js ${pctS(tjsAchieved / peak)}) |

Machine: ${cpu}, ${os.availableParallelism()} logical cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.platform()} ${os.release()};
headless Chromium ${chromiumVersion}; Node ${process.version}. WASM threads: ${THREADS} for both (pages cross-origin isolated).
Runs: ${REPS} per library, alternating which goes first; medians are reported.

## Setup

- Model: \`public/models/${MODEL}/onnx/model_int8.onnx\` (${mb(statSync(join(modelDir, 'onnx/model_int8.onnx')).size)}, MatMulInteger int8) for both:
  ko-classify with \`dtype: 'int8', backend: 'wasm'\`; transformers.js with \`dtype: 'int8', device: 'wasm'\` (which loads the same file).
- Runtime: ko-classify ships onnxruntime-web ${koOrt} (its plain \`ort-wasm-simd-threaded\` build); transformers.js ${tjsVersion}
  ships onnxruntime-web ${tjsOrt} and by default loads its \`.asyncify\` build from a CDN: here the same file is served
  locally (${bytes.tjs.wasmFiles.join(', ')}).
- Both run in a dedicated Worker created by the page; timings are taken in the page around the awaited call.
  Workers each page started (its worker + ORT's extra WASM threads): ko-classify ${runs.ko.workers}, transformers.js ${runs.tjs.workers}.
- Sample: every 5th row of NSMC \`dev.tsv\` — ${texts.length} sentences, ${totalTokens} tokens (mean ${(totalTokens / texts.length).toFixed(1)}, max ${Math.max(...tokenCounts)}, including [CLS]/[SEP]).

## Throughput: ${texts.length} sentences in one call

| | ko-classify | transformers.js |
| --- | --- | --- |
| time (median of ${REPS}) | ${ms(ko.batchMs)} | ${ms(tjs.batchMs)} |
| sentences/s | ${ko.sps.toFixed(0)} | ${tjs.sps.toFixed(0)} |
| sentences/s as ${Math.ceil(texts.length / 32)} calls of 32 in input order | ${ko.chunkSps.toFixed(0)} | ${tjs.chunkSps.toFixed(0)} |
| accuracy on the sample | ${pctS(ko.accuracy)} | ${pctS(tjs.accuracy)} |
| main-thread long tasks (> 50 ms) | ${ko.longTasks} | ${tjs.longTasks} (longest ${ms(tjs.longestTaskMs)}) |

Why: the transformers.js pipeline tokenizes a call's texts with padding to the longest (${Math.max(...tokenCounts)} tokens here) and
runs them as one batch; ko-classify sorts them by length and cuts runs where padding would cost more than a run. The
calls-of-32 row shows the same effect inside small calls.

Labels: ko-classify and transformers.js agree on ${pctS(agreement)} of the sample (same file; int8 activations are quantized
per run, so a sentence's batch neighbours can move a score near 0.5). ko-classify's labels one sentence per call equal its
labels in the one big call on ${pctS(selfAgreement)} of the ${LATENCY_CALLS} latency sentences.

## Latency: ${LATENCY_CALLS} sequential single-sentence calls

The first ${LATENCY_CALLS} calls after the warm start (the summary's p50), then the same calls once more after the batch run.

| | ko-classify | transformers.js | ratio |
| --- | --- | --- | --- |
| p50 | ${ms(ko.p50)} | ${ms(tjs.p50)} | ${x(p50Ratio)} |
| p95 | ${ms(ko.p95)} | ${ms(tjs.p95)} | ${x(ko.p95 / tjs.p95)} |
| p50, steady state (the same calls again after the batch) | ${ms(ko.steadyP50)} | ${ms(tjs.steadyP50)} | ${x(ko.steadyP50 / tjs.steadyP50)} |
| p95, steady state | ${ms(ko.steadyP95)} | ${ms(tjs.steadyP95)} | ${x(ko.steadyP95 / tjs.steadyP95)} |

## Start to first result

From the page's call (worker spawn, code and wasm, model, session, first classification) to the first result.

| | ko-classify | transformers.js | ratio |
| --- | --- | --- | --- |
| cold (new empty browser profile on disk, all from localhost) | ${ms(ko.cold)} | ${ms(tjs.cold)} | ${x(ko.cold / tjs.cold)} |
| warm (a new page in that profile after the first closed) | ${ms(ko.warm)} | ${ms(tjs.warm)} | ${x(ko.warm / tjs.warm)} |
| model requests on the warm start | ${Math.max(...runs.ko.warmModelRequests)} (IndexedDB) | ${Math.max(...runs.tjs.warmModelRequests)} (Cache Storage) | |

${phaseTable(runs.ko.coldPhases, runs.ko.warmPhases)}

## Bytes (gzip -9 of what the cold start fetched)

| | ko-classify | transformers.js | ratio |
| --- | --- | --- | --- |
| host JS (the page's own module graph, bench glue included) | ${kb(bytes.ko.host)} | ${kb(bytes.tjs.host)} | ${x(bytes.ko.host / bytes.tjs.host)} |
| worker JS (library, tokenizer, ORT glue) | ${kb(bytes.ko.worker)} | ${kb(bytes.tjs.worker)} | ${x(bytes.ko.worker / bytes.tjs.worker)} |
| wasm | ${kb(bytes.ko.wasm)} | ${kb(bytes.tjs.wasm)} | ${x(bytes.ko.wasm / bytes.tjs.wasm)} |
| model files (uncompressed) | ${mb(bytes.ko.model)} | ${mb(bytes.tjs.model)} | |

transformers.js has no page-side API (its users write their own worker glue), so its host figure is this bench's glue alone.

## int8 GEMM efficiency

MatMulInteger alone (uint8 × int8, per-column zero points, as in the model) on ko-classify's onnxruntime-web ${koOrt},
${THREADS} threads, best of many runs:

| M×K×N | best | GOP/s |
| --- | --- | --- |
${gemm.map((g) => `| ${g.name} | ${ms(g.bestMs)} | ${g.gops.toFixed(1)} |`).join('\n')}

Peak: ${peak.toFixed(1)} GOP/s. The model does ${(gemmOpsPerToken / 1e6).toFixed(2)} MOP of int8 GEMM per token
(${config.num_hidden_layers} layers × (4·${h}² + 2·${h}·${ffn}) × 2), i.e. ${((gemmOpsPerToken * totalTokens) / texts.length / 1e6).toFixed(1)} MOP per
sentence on the sample (padding not counted). At ${ko.sps.toFixed(0)} sentences/s that is ${achieved.toFixed(1)} GOP/s = ${pctS(achieved / peak)}
of peak (transformers.js: ${tjsAchieved.toFixed(1)} GOP/s, ${pctS(tjsAchieved / peak)}). The rest of the time goes to attention
(float MatMuls over the disentangled c2p/p2c terms), quantizing activations, layer norms, GELU, tokenization and padding.

## Bounds

\`npm run bench\` exits 1 when one of these fails (\`--no-check\` reports only):
${checks.map(([name, ok]) => `- ${ok ? 'pass' : '**FAIL**'}: ${name}`).join('\n')}
`;

writeFileSync(args.out, md);
console.log(`\nwrote ${args.out}\n`);
console.log(md.split('\n').slice(0, 14).join('\n'));
const failed = checks.filter(([, ok]) => !ok);
if (failed.length && !args['no-check']) {
  console.error(`\nbench: ${failed.map(([n]) => n).join('; ')} — FAILED`);
  process.exit(1);
}
