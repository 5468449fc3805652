import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { openHarness, serverLog } from './helpers.js';

// BERT, ELECTRA (in the Optimum / transformers.js layout: no manifest, model_quantized.onnx) and a
// DeBERTa-v2 with mDeBERTa's 250,000-piece vocabulary, through the real worker on WASM in Chromium,
// against PyTorch's logits for the reference token ids (training/make_family_fixtures.py).
interface Case { text: string; textPair?: string; logits: number[] }
const golden = (name: string): { max_length: number; cases: Case[] } => JSON.parse(readFileSync(join(import.meta.dirname, `../../packages/core/test/fixtures/${name}/golden.json`), 'utf8'));

for (const name of ['tiny-bert', 'tiny-electra', 'tiny-mdeberta']) {
  test(`${name}: PyTorch's scores in the worker on WASM (logit differences within 1e-4)`, async ({ page }) => {
    await openHarness(page);
    const { cases, max_length: maxLength } = golden(name);
    const out = await page.evaluate(async ({ url, cases, maxLength }) => {
      const t0 = performance.now();
      const clf = await window.koClassify.createClassifier({ model: url, backend: 'wasm', dtype: 'fp32', cache: false });
      const loadMs = performance.now() - t0;
      const results = await clf.classify(cases.map((c) => (c.textPair === undefined ? c.text : { text: c.text, textPair: c.textPair })), { maxLength });
      await clf.dispose();
      return { results, loadMs };
    }, { url: `/fixtures/${name}/`, cases, maxLength });
    console.log(`${name}: loaded in the worker in ${out.loadMs.toFixed(0)} ms`);
    const labels = ['negative', 'neutral', 'positive'];
    out.results.forEach((r, i) => {
      const ref = cases[i]!.logits;
      expect(r.label, cases[i]!.text).toBe(labels[ref.indexOf(Math.max(...ref))]);
      labels.forEach((a, ai) => labels.forEach((b, bi) => expect(Math.abs(Math.log(r.scores[a]! / r.scores[b]!) - (ref[ai]! - ref[bi]!))).toBeLessThan(1e-4)));
    });
    expect(new Set(out.results.map((r) => r.label)).size).toBe(3);
  });
}

test('the Optimum layout without manifest.json loads, caches, and dtype int8 picks model_quantized.onnx', async ({ page }) => {
  await openHarness(page);
  const load = () =>
    page.evaluate(async (url) => {
      const clf = await window.koClassify.createClassifier({ model: url, backend: 'wasm', dtype: 'int8', shared: false, revision: 'optimum' });
      const info = clf.info();
      const label = (await clf.classify('정말 재미있는 영화')).label;
      await clf.dispose();
      return { file: info.file, dtype: info.dtype, source: info.source, label };
    }, '/fixtures/tiny-electra/');
  await serverLog(page, true);
  const first = await load();
  expect(first).toMatchObject({ file: 'onnx/model_quantized.onnx', dtype: 'int8' });
  expect(first.source['onnx/model_quantized.onnx']).toBe('network');
  // Without a manifest the first load probes the int8 names in order (model_int8.onnx: 404); the
  // second finds model_quantized.onnx in the cache and requests nothing.
  const firstRequests = (await serverLog(page, true)).map((r) => r.url).filter((u) => u.startsWith('/fixtures/tiny-electra/onnx/'));
  expect(firstRequests).toEqual(['/fixtures/tiny-electra/onnx/model_int8.onnx', '/fixtures/tiny-electra/onnx/model_quantized.onnx']);
  const second = await load();
  expect(new Set(Object.values(second.source))).toEqual(new Set(['cache']));
  expect(second.label).toBe(first.label);
  expect((await serverLog(page)).map((r) => r.url).filter((u) => u.startsWith('/fixtures/tiny-electra/'))).toEqual([]);
});
