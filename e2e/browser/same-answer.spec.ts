import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import type { Classification } from '@ko-classify/core';
import { openHarness } from './helpers.js';

// Same text, same answer in Chromium (the real worker, onnxruntime-web WASM): each shipped int8 model
// gives 600 sentences of its domain the same label and bit-identical scores alone, in one call, in shuffled calls
// of 32 (their batches pad rows to their neighbours), and on 1 or 2 threads.
const N = 600;
const textsOf = (name: string): string[] =>
  (JSON.parse(readFileSync(join(import.meta.dirname, `../../packages/core/test/fixtures/${name}-golden.json`), 'utf8')) as { texts: string[] }).texts.filter((t) => t.trim()).slice(0, N);

/** Texts whose results differ: another label (set), or any score further apart than `tolerance` (int8: 0, bit-identical). */
function differing(texts: string[], a: Classification[], b: Classification[], tolerance = 0): string[] {
  return texts.filter((_, i) => {
    const [x, y] = [a[i]!, b[i]!];
    if (x.label !== y.label || x.labels.map((l) => l.label).join() !== y.labels.map((l) => l.label).join()) return true;
    return Object.keys(x.scores).some((l) => !(Math.abs(x.scores[l]! - y.scores[l]!) <= tolerance));
  });
}

for (const name of ['ko-sentiment', 'ko-hate-speech', 'ko-moderation']) {
  test(`${name} int8 on WASM: alone, one call, shuffled calls of 32, 1 or 2 threads`, async ({ page }) => {
    test.setTimeout(240_000);
    const texts = textsOf(name);
    expect(texts.length).toBe(N);
    await openHarness(page);
    const r = await page.evaluate(async ({ model, texts }) => {
      const open = (threads: number) => window.koClassify.createClassifier({ model, backend: 'wasm', dtype: 'int8', threads, shared: false, cache: false });
      const two = await open(2);
      const whole = await two.classify(texts, { batchSize: 64 });
      const alone = [];
      for (const t of texts) alone.push(await two.classify(t));
      let seed = 11;
      const order = texts.map((_, i) => i);
      for (let i = order.length - 1; i > 0; i--) {
        seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
        const j = seed % (i + 1);
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      const calls = new Array(texts.length);
      for (let i = 0; i < order.length; i += 32) {
        const part = order.slice(i, i + 32);
        (await two.classify(part.map((j) => texts[j]!), { batchSize: 32 })).forEach((x, k) => (calls[part[k]!] = x));
      }
      const threads = two.info().threads;
      await two.dispose();
      const one = await open(1);
      const onOne = await one.classify(texts, { batchSize: 64 });
      const threadsOne = one.info().threads;
      await one.dispose();
      return { whole, alone, calls, onOne, threads: [threads, threadsOne] };
    }, { model: name, texts });
    expect(r.threads).toEqual([2, 1]);
    const report = { alone: differing(texts, r.whole, r.alone), shuffled: differing(texts, r.whole, r.calls), threads: differing(texts, r.whole, r.onOne) };
    console.log(`${name} in Chromium WASM: of ${N}, ${report.alone.length} differ one per call, ${report.shuffled.length} in shuffled calls of 32, ${report.threads.length} on 1 thread vs 2`);
    expect(report).toEqual({ alone: [], shuffled: [], threads: [] });
  });
}

// fp32 on WASM has the property within its tolerance: its kernels reorder float sums with the batch
// shape (last-bit changes, up to ~2e-7 measured), but nothing downstream rounds them to a coarser step.
test('ko-sentiment fp32 on WASM: alone, one call and shuffled calls of 32 agree within 1e-6', async ({ page }) => {
  test.setTimeout(240_000);
  const texts = textsOf('ko-sentiment').slice(0, 300);
  await openHarness(page);
  const r = await page.evaluate(async (texts) => {
    const clf = await window.koClassify.createClassifier({ model: 'ko-sentiment', backend: 'wasm', dtype: 'fp32', shared: false, cache: false });
    const whole = await clf.classify(texts, { batchSize: 64 });
    const alone = [];
    for (const t of texts) alone.push(await clf.classify(t));
    const calls = [];
    for (let i = 0; i < texts.length; i += 32) calls.push(...(await clf.classify(texts.slice(i, i + 32).reverse(), { batchSize: 32 })).reverse());
    await clf.dispose();
    return { whole, alone, calls };
  }, texts);
  expect({ alone: differing(texts, r.whole, r.alone, 1e-6), shuffled: differing(texts, r.whole, r.calls, 1e-6) }).toEqual({ alone: [], shuffled: [] });
});
