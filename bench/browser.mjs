// The side-by-side browser runs: both libraries' bench pages in the same headless Chromium, served by
// the repo's static server with COOP/COEP (both may use WASM threads), alternating which goes first.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { createStaticServer } from '../scripts/static-server.mjs';
import { median } from './sample.mjs';

export const NAMES = { ko: 'ko-classify', tjs: 'transformers.js' };

/** Model files: ko-classify's under /models/, transformers.js's copy under /tjs-models/ (bench/run.mjs). */
export const isModelPath = (p) => p.startsWith('/models/') || p.startsWith('/tjs-models/');
export const LATENCY_CALLS = 300;

/** Starts the server and the browser; `mounts` as scripts/static-server.mjs takes them. */
export async function startBrowser(mounts) {
  // Code may come from the HTTP cache on a warm start; model files never do, so a library that
  // re-downloads its model shows up in the request log.
  // Compressed as a real host serves it: brotli for JS, JSON and wasm; ONNX files (octet-stream) as is.
  const server = createStaticServer({ mounts, compress: true, cacheControl: (p) => (isModelPath(p) || p.endsWith('.html') ? 'no-store' : 'max-age=3600') });
  const base = await server.start();
  const launchOptions = { executablePath: '/usr/bin/chromium', headless: true, args: process.getuid?.() === 0 ? ['--no-sandbox'] : [] };
  const browser = await chromium.launch(launchOptions);
  return { server, base, browser, launchOptions };
}

/** page.evaluate with a time limit and a name, so a stuck library fails the bench instead of hanging it. */
export async function step(page, name, fn, arg, limitMs = 300_000) {
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

/** The emulated link of the cold-start-over-a-network row: 20 Mbit/s down, 40 ms round trip. */
export const NETWORK = { downloadMbit: 20, uploadMbit: 5, rttMs: 40 };

/**
 * The page's renderer process memory, in bytes: its resident set now and its peak (VmHWM) since the
 * process started. Dedicated workers and their wasm memories live in the page's renderer, so this is
 * page + workers as the OS sees it (`measureUserAgentSpecificMemory` waits for a GC that headless
 * Chromium may not run within minutes). The page is the only one in its browser while measured.
 */
async function rendererMemory(browser) {
  const cdp = await browser.newBrowserCDPSession();
  const { processInfo } = await cdp.send('SystemInfo.getProcessInfo');
  await cdp.detach();
  const kb = (status, key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
  let best = { rss: 0, peak: 0 };
  for (const p of processInfo.filter((x) => x.type === 'renderer')) {
    let status = '';
    try {
      status = readFileSync(`/proc/${p.id}/status`, 'utf8');
    } catch {
      continue;
    }
    const m = { rss: kb(status, 'VmRSS'), peak: kb(status, 'VmHWM') };
    if (m.peak > best.peak) best = m;
  }
  return best;
}

async function openPage(context, base, lib, network = false) {
  const page = await context.newPage();
  if (network) {
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: NETWORK.rttMs,
      downloadThroughput: (NETWORK.downloadMbit * 1e6) / 8,
      uploadThroughput: (NETWORK.uploadMbit * 1e6) / 8,
    });
  }
  // Workers the page starts: the library's own plus one per extra WASM thread (ORT's pthreads).
  page.workerCount = 0;
  page.on('worker', () => page.workerCount++);
  page.on('pageerror', (e) => console.error(`[${lib} page] ${e.message}`));
  page.on('console', (m) => m.type() === 'error' && !/favicon/.test(m.location().url) && console.error(`[${lib} console] ${m.text()}`));
  await page.goto(`${base}/${lib}.html`);
  await page.waitForFunction(() => typeof window.bench === 'object');
  return page;
}

/** How many sentences get another label, or a score more than 1e-6 away, in either other way of calling. */
export function sameAnswer(whole, shuffled, each) {
  const differs = (a, b) => a.label !== b.label || !(Math.abs(a.score - b.score) <= 1e-6);
  const flags = whole.map((w, i) => [differs(w, shuffled[i]), differs(w, each[i])]);
  const maxGap = Math.max(...whole.flatMap((w, i) => [shuffled[i], each[i]].map((o) => (o.label === w.label ? Math.abs(o.score - w.score) : 1))));
  return { n: whole.length, shuffled: flags.filter(([s]) => s).length, each: flags.filter(([, e]) => e).length, any: flags.filter(([s, e]) => s || e).length, labels: whole.filter((w, i) => w.label !== shuffled[i].label || w.label !== each[i].label).length, maxGap };
}

/**
 * `reps` runs per library: cold start (fresh on-disk profile), warm start (a new page in it), the
 * first LATENCY_CALLS single-sentence calls, the whole sample in one call, calls of 32, then the
 * single-sentence calls again (steady state); in the first rep also the whole sample in shuffled calls
 * of 32 and one per call (same text, same answer).
 */
export async function runLibraries({ server, base, launchOptions }, { libs, reps, threads, texts }) {
  const runs = Object.fromEntries(
    libs.map((lib) => [lib, { cold: [], coldNet: [], coldNetBytes: [], warm: [], coldFiles: [], warmModelRequests: [], batch: [], latency: [], steady: [], chunks: [], memLoad: [], memPeak: [], workers: 0, each: null, coldPhases: null, warmPhases: null, sameAnswer: null }]),
  );
  const requested = () => server.log.map((r) => r.url);
  for (let rep = 0; rep < reps; rep++) {
    for (const lib of rep % 2 ? [...libs].reverse() : libs) {
      const r = runs[lib];
      // A fresh on-disk profile, as a user's browser has: an incognito-like context would disable
      // Chromium's code cache, so a warm start would recompile the .wasm like a cold one.
      const profile = mkdtempSync(join(os.tmpdir(), 'ko-bench-'));
      const context = await chromium.launchPersistentContext(profile, launchOptions);
      server.clearLog();
      let page = await openPage(context, base, lib);
      const cold = await step(page, `${lib} cold start`, (t) => window.bench.start(t), threads, 120_000);
      r.cold.push(cold.ms);
      if (rep === 0) {
        r.coldPhases = cold.info?.phases ?? null;
        r.coldFiles = requested();
      }
      await page.close();
      page = await openPage(context, base, lib);
      server.clearLog();
      const warm = await step(page, `${lib} warm start`, (t) => window.bench.start(t), threads, 120_000);
      r.warm.push(warm.ms);
      r.workers = page.workerCount;
      if (rep === 0) r.warmPhases = warm.info?.phases ?? null;
      r.warmModelRequests.push(requested().filter(isModelPath).length);
      const each = await step(page, `${lib} latency`, (s) => window.bench.classifyEach(s), texts.slice(0, LATENCY_CALLS));
      r.latency.push(each.ms);
      r.each = each.results;
      await step(page, `${lib} warm-up`, (s) => window.bench.classifyAll(s), texts.slice(0, 64));
      const batch = await step(page, `${lib} batch`, (s) => window.bench.classifyAll(s), texts);
      r.batch.push(batch);
      const chunks = await step(page, `${lib} chunks`, (s) => window.bench.classifyChunks(s, 32), texts);
      r.chunks.push(chunks.ms);
      const again = await step(page, `${lib} steady latency`, (s) => window.bench.classifyEach(s), texts.slice(0, LATENCY_CALLS));
      r.steady.push(again.ms);
      if (rep === 0) {
        // Same text, same answer: the whole sample in shuffled calls of 32 and one sentence per call,
        // against this rep's one big call.
        const shuffled = await step(page, `${lib} shuffled calls`, ([s, n, seed]) => window.bench.classifyShuffled(s, n, seed), [texts, 32, 7]);
        const each = await step(page, `${lib} one per call`, (s) => window.bench.classifyEach(s), texts);
        r.sameAnswer = sameAnswer(batch.results, shuffled.results, each.results);
      }
      await context.close();
      rmSync(profile, { recursive: true, force: true });
      // Memory on a fresh browser with one page that loads, then classifies the sample once: resident
      // after load, and the renderer's peak by the end of the batch.
      {
        const b = await chromium.launch(launchOptions);
        const p = await openPage(await b.newContext(), base, lib);
        await step(p, `${lib} start (memory)`, (t) => window.bench.start(t), threads, 120_000);
        r.memLoad.push((await rendererMemory(b)).rss);
        await step(p, `${lib} batch (memory)`, (s) => window.bench.classifyAll(s), texts);
        r.memPeak.push((await rendererMemory(b)).peak);
        await b.close();
      }
      // Cold start over an emulated network: a fresh profile again, every byte through the link.
      const netProfile = mkdtempSync(join(os.tmpdir(), 'ko-bench-'));
      const netContext = await chromium.launchPersistentContext(netProfile, launchOptions);
      const netPage = await openPage(netContext, base, lib, true);
      server.clearLog();
      const coldNet = await step(netPage, `${lib} cold start over ${NETWORK.downloadMbit} Mbit`, (t) => window.bench.start(t), threads, 300_000);
      r.coldNet.push(coldNet.ms);
      // Bytes on the wire from the call on (the page's own HTML and module were fetched before it).
      r.coldNetBytes.push(server.log.reduce((a, e) => a + (e.bytes ?? 0), 0));
      await netContext.close();
      rmSync(netProfile, { recursive: true, force: true });
      console.log(`${NAMES[lib]} rep ${rep + 1}/${reps}: cold ${cold.ms.toFixed(0)} ms (${NETWORK.downloadMbit} Mbit: ${coldNet.ms.toFixed(0)} ms), warm ${warm.ms.toFixed(0)} ms, memory ${(r.memLoad.at(-1) / 1e6).toFixed(0)} → ${(r.memPeak.at(-1) / 1e6).toFixed(0)} MB, ${texts.length} sentences in ${batch.ms.toFixed(0)} ms (${(texts.length / (batch.ms / 1000)).toFixed(0)}/s), p50 ${median(each.ms).toFixed(2)} ms (steady ${median(again.ms).toFixed(2)} ms), ${batch.longTasks} long tasks`);
    }
  }
  return runs;
}
