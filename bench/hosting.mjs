// Several models on one page (issue: one runtime per page): one worker hosting every model (one ORT
// runtime, one thread pool, sessions side by side) against one worker per model (a runtime each; the
// runtime is downloaded once either way). Renderer memory after load, load time, and latency of one
// model's call and of every model's call on the same text at once.
//   node bench/hosting.mjs [--threads N] [--calls N]   (after `vite build -c bench/vite.config.ts`)
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from '@playwright/test';
import { createStaticServer } from '../scripts/static-server.mjs';
import { median } from './sample.mjs';

const root = resolve(import.meta.dirname, '..');

async function rss(browser) {
  const cdp = await browser.newBrowserCDPSession();
  const { processInfo } = await cdp.send('SystemInfo.getProcessInfo');
  await cdp.detach();
  let best = 0;
  for (const p of processInfo.filter((x) => x.type === 'renderer')) {
    try {
      best = Math.max(best, Number(/^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${p.id}/status`, 'utf8'))?.[1] ?? 0) * 1024);
    } catch {
      // the process ended
    }
  }
  return best;
}

/** Medians per mode (`one`: one worker, both models; `each`: a worker per model; `sdk-one` / `sdk-each`: the same through createClassifier) over `reps` fresh browsers each. */
export async function compareHosting({ threads, calls, reps, models = ['ko-sentiment', 'ko-moderation'], modes = ['one', 'each', 'sdk-one', 'sdk-each'] }) {
  const server = createStaticServer({ mounts: [['/models/', join(root, 'public/models')], ['/', join(root, 'dist/bench')]] });
  const base = await server.start();
  const launchOptions = { executablePath: '/usr/bin/chromium', headless: true, args: process.getuid?.() === 0 ? ['--no-sandbox'] : [] };
  const urls = models.map((m) => `${base}/models/${m}/onnx/model_int8.onnx`);
  const rows = [];
  try {
    for (let rep = 0; rep < reps; rep++) {
      for (const mode of rep % 2 ? [...modes].reverse() : modes) {
        const browser = await chromium.launch(launchOptions);
        const page = await browser.newPage();
        page.on('pageerror', (e) => console.error(`[hosting page] ${e.message}`));
        await page.goto(`${base}/hosting.html`);
        await page.waitForFunction(() => typeof window.hosting === 'object');
        const loadMs = await page.evaluate(([m, u, t]) => window.hosting.load(m, u, t), [mode, urls, threads]);
        const memory = await rss(browser);
        const r = await page.evaluate(([n]) => window.hosting.run(n, 24), [calls]);
        rows.push({ mode, loadMs, memory, sequential: median(r.sequential), together: median(r.together) });
        await browser.close();
      }
    }
  } finally {
    server.close();
  }
  return Object.fromEntries(
    modes.map((mode) => {
      const m = rows.filter((r) => r.mode === mode);
      const med = (k) => median(m.map((r) => r[k]));
      return [mode, { loadMs: med('loadMs'), memory: med('memory'), sequential: med('sequential'), together: med('together') }];
    }),
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values: a } = parseArgs({ options: { threads: { type: 'string', default: '2' }, calls: { type: 'string', default: '100' }, reps: { type: 'string', default: '3' } } });
  const r = await compareHosting({ threads: Number(a.threads), calls: Number(a.calls), reps: Number(a.reps) });
  for (const [mode, v] of Object.entries(r)) {
    const name = { one: 'bare ORT, one worker, both models', each: 'bare ORT, one worker per model', 'sdk-one': 'ko-classify, shared (one worker)', 'sdk-each': 'ko-classify, shared: false (a worker each)' }[mode];
    console.log(`${name.padEnd(42)}: load ${v.loadMs.toFixed(0)} ms, renderer RSS ${(v.memory / 1e6).toFixed(0)} MB, one model's call p50 ${v.sequential.toFixed(2)} ms, both models at once p50 ${v.together.toFixed(2)} ms`);
  }
}
