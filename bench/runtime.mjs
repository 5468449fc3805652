// Where a worker's runtime start goes (bench/runtime-worker.ts): each way of getting ORT's .wasm on a
// repeat visit — the server's HTTP caching (`no-store`, or `max-age` so the HTTP cache and V8's code
// cache apply), IndexedDB bytes, Cache Storage bytes, or Cache Storage streamed to V8 — on 1 and N
// threads, in new pages of one on-disk profile (as a user's repeat visit), then the model's session.
//   node bench/runtime.mjs [--threads N] [--reps N] [--caching no-store|max-age] [--variants http,idb,cache-bytes,cache-stream,compile]
//                          [--graph-optimization all|disabled]   (after `vite build -c bench/vite.config.ts`)
// `compile` times WebAssembly.compile of the bytes, then compileStreaming of a Cache Storage Response.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from '@playwright/test';
import { createStaticServer } from '../scripts/static-server.mjs';
import { median } from './sample.mjs';

const root = resolve(import.meta.dirname, '..');

export async function runtimeStarts({ threads, reps, caching, variants = ['http', 'idb', 'cache-bytes', 'cache-stream'], graphOptimizationLevel = 'all' }) {
  const server = createStaticServer({ mounts: [['/models/', join(root, 'public/models')], ['/', join(root, 'dist/bench')]], cacheControl: (p) => (caching === 'max-age' && !p.endsWith('.html') ? 'max-age=3600' : 'no-store') });
  const base = await server.start();
  const wasm = readdirSync(join(root, 'dist/bench/assets')).find((f) => /^ort-wasm-simd-threaded-[\w-]+\.wasm$/.test(f));
  const launchOptions = { executablePath: '/usr/bin/chromium', headless: true, args: process.getuid?.() === 0 ? ['--no-sandbox'] : [] };
  const out = [];
  try {
    for (const variant of variants) {
      for (const t of [...new Set([1, threads])]) {
        const profile = mkdtempSync(join(os.tmpdir(), 'ko-rt-'));
        const context = await chromium.launchPersistentContext(profile, launchOptions);
        const runs = [];
        for (let i = 0; i <= reps; i++) {
          const page = await context.newPage();
          await page.goto(`${base}/runtime.html`);
          await page.waitForFunction(() => typeof window.runtimeStart === 'function');
          const req = { variant, threads: t, wasmUrl: `${base}/assets/${wasm}`, modelUrl: `${base}/models/ko-sentiment/onnx/model_int8.onnx`, graphOptimizationLevel };
          const r = await page.evaluate((q) => window.runtimeStart(q), req);
          if (i > 0) runs.push(r);
          await page.close();
        }
        await context.close();
        rmSync(profile, { recursive: true, force: true });
        const m = (k) => median(runs.map((r) => r[k]));
        const row = { caching, variant, threads: t, importMs: m('importMs'), bytesMs: m('bytesMs'), runtimeMs: m('runtimeMs'), sessionMs: m('sessionMs'), firstRunMs: m('firstRunMs'), totalMs: m('totalMs'), hits: runs.filter((r) => r.hit).length, spread: [Math.min(...runs.map((r) => r.runtimeMs + r.bytesMs)), Math.max(...runs.map((r) => r.runtimeMs + r.bytesMs))] };
        out.push(row);
        console.log(`${caching} ${variant.padEnd(12)} ${t} thr: import ${row.importMs.toFixed(0)}, bytes ${row.bytesMs.toFixed(0)}, runtime ${row.runtimeMs.toFixed(0)} (bytes+runtime ${row.spread.map((x) => x.toFixed(0)).join('–')}), session ${row.sessionMs.toFixed(0)}, first run ${row.firstRunMs.toFixed(0)}, worker total ${row.totalMs.toFixed(0)} ms; ${row.hits}/${runs.length} hits`);
      }
    }
  } finally {
    server.close();
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values: a } = parseArgs({ options: { threads: { type: 'string', default: '2' }, reps: { type: 'string', default: '5' }, caching: { type: 'string', default: 'no-store' }, variants: { type: 'string', default: 'http,idb,cache-bytes,cache-stream' }, 'graph-optimization': { type: 'string', default: 'all' } } });
  await runtimeStarts({ threads: Number(a.threads), reps: Number(a.reps), caching: a.caching, variants: a.variants.split(','), graphOptimizationLevel: a['graph-optimization'] });
}
