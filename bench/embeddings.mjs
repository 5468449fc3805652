// Sentence embeddings (issue #28): ko-sentence int8 through createEncoder, in the page (Chromium,
// WASM, its worker) and on Node (onnxruntime-node when installed, else WASM): embeddings per second
// over the bench's 2,000 NSMC dev sentences in one call, single-text latency, a text alone against
// the same text inside the big call (the same-answer property), and teach() on 200 examples
// (100 per label from NSMC train: texts only matter here; the scores are in the model card).
//   node bench/embeddings.mjs [--threads N] [--reps N]   (after `vite build -c bench/vite.config.ts`)
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from '@playwright/test';
import { createStaticServer } from '../scripts/static-server.mjs';
import { median, percentile } from './sample.mjs';

const root = resolve(import.meta.dirname, '..');

/** 200 examples: the first 100 rows of each label of NSMC train (labels `positive`/`negative`). */
export function teachExamples(trainPath, perLabel = 100) {
  const rows = readFileSync(trainPath, 'utf8').split('\n').slice(1).filter(Boolean).map((l) => l.split('\t'));
  const out = [];
  for (const [label, id] of [['negative', '0'], ['positive', '1']]) {
    out.push(...rows.filter((r) => r[2] === id && r[1]?.trim()).slice(0, perLabel).map((r) => ({ text: r[1], label })));
  }
  return out;
}

function summarise(r, n) {
  return {
    perSecond: n / (median(r.batchMs) / 1000),
    perSecondRuns: r.batchMs.map((ms) => n / (ms / 1000)),
    singleP50: median(r.singleMs),
    singleP95: percentile(r.singleMs, 95),
    maxDiffAloneVsBatch: r.maxDiffAloneVsBatch,
    sameBits: r.sameBits,
    teachMs: median(r.teachMs),
    teachRuns: r.teachMs,
    headMs: median(r.headMs),
    cvAccuracy: r.cvAccuracy,
  };
}

export async function benchEmbeddings({ texts, examples, threads, reps }) {
  const server = createStaticServer({ mounts: [['/models/', join(root, 'public/models')], ['/', join(root, 'dist/bench')]] });
  const base = await server.start();
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: process.getuid?.() === 0 ? ['--no-sandbox'] : [] });
  let page;
  try {
    const p = await browser.newPage();
    p.on('pageerror', (e) => console.error(`[embed page] ${e.message}`));
    await p.goto(`${base}/embed.html`);
    await p.waitForFunction(() => typeof window.embedBench === 'object');
    const load = await p.evaluate((t) => window.embedBench.load(t), threads);
    const r = await p.evaluate(([t, e, n]) => window.embedBench.run(t, e, n), [texts, examples, reps]);
    page = { load, ...summarise(r, texts.length) };
  } finally {
    await browser.close();
    server.close();
  }
  // Node: the same API in-process.
  const { createEncoder } = await import('@ko-classify/core/node');
  const t0 = performance.now();
  const enc = await createEncoder({ model: join(root, 'public/models/ko-sentence'), dtype: 'int8' });
  const loadMs = performance.now() - t0;
  const batchMs = [];
  let big = [];
  for (let i = 0; i < reps; i++) {
    const t = performance.now();
    big = await enc.embed(texts);
    batchMs.push(performance.now() - t);
  }
  const singleMs = [];
  let maxDiff = 0;
  let sameBits = 0;
  for (let i = 0; i < 100; i++) {
    const t = performance.now();
    const one = await enc.embed(texts[i]);
    singleMs.push(performance.now() - t);
    let same = true;
    one.forEach((v, k) => {
      maxDiff = Math.max(maxDiff, Math.abs(v - big[i][k]));
      if (v !== big[i][k]) same = false;
    });
    if (same) sameBits++;
  }
  const teachMs = [];
  const headMs = [];
  let cvAccuracy = null;
  for (let i = 0; i < Math.max(3, reps); i++) {
    const t = performance.now();
    const clf = await enc.teach(examples);
    teachMs.push(performance.now() - t);
    headMs.push(clf.head.trained.ms);
    cvAccuracy = clf.head.trained.cvAccuracy;
    await clf.dispose();
  }
  const info = enc.info();
  await enc.dispose();
  const node = { load: { ms: loadMs, backend: info.backend }, ...summarise({ batchMs, singleMs, maxDiffAloneVsBatch: maxDiff, sameBits, teachMs, headMs, cvAccuracy }, texts.length) };
  return { texts: texts.length, examples: examples.length, threads, reps, page, node };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  // --splice FILE: put this section into an existing BENCHMARKS.md (before "## Bounds"), replacing an
  // earlier one, so the embeddings can be measured again without the whole bench.
  const { values: a } = parseArgs({ options: { threads: { type: 'string', default: '2' }, reps: { type: 'string', default: '3' }, splice: { type: 'string' } } });
  const { loadSample } = await import('./sample.mjs');
  const shared = process.env.KO_SHARED ?? join(root, '../shared/data');
  const { texts } = await loadSample(join(shared, 'nsmc/dev.tsv'), join(root, 'public/models/ko-sentiment'));
  const out = await benchEmbeddings({ texts, examples: teachExamples(join(shared, 'nsmc/train.tsv')), threads: Number(a.threads), reps: Number(a.reps) });
  console.log(JSON.stringify(out, null, 2));
  if (a.splice) {
    const { embeddingsSection } = await import('./report.mjs');
    const { execFileSync } = await import('node:child_process');
    const { writeFileSync } = await import('node:fs');
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
    const section = embeddingsSection(out).replace('\n\n', `\n\nMeasured alone at ${head} (\`node bench/embeddings.mjs --splice BENCHMARKS.md\`); the sections above are from the last full run.\n\n`);
    let md = readFileSync(a.splice, 'utf8');
    md = md.replace(/## Sentence embeddings and teach: ko-sentence\n[\s\S]*?(?=\n## )/, '').replace('## Bounds', `${section}## Bounds`);
    writeFileSync(a.splice, md);
    console.log(`spliced the section into ${a.splice}`);
  }
}
