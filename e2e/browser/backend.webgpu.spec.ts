import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { FIXTURE_URL, autoInfo, openHarness } from './helpers.js';

// Runs with --enable-unsafe-webgpu: Chromium's SwiftShader adapter (a real WebGPU implementation on
// the CPU). Correctness only: it is far too slow to say anything about GPU speed.
const golden: { cases: { text: string; textPair?: string; logits: number[] }[]; max_length: number } = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../packages/core/test/fixtures/tiny-deberta/golden.json'), 'utf8'),
);
const sample = readFileSync(join(import.meta.dirname, '../../packages/core/test/fixtures/nsmc-dev-sample.tsv'), 'utf8')
  .trim()
  .split('\n')
  .slice(1, 201)
  .map((l) => l.split('\t')[1] ?? '');

test.describe('WebGPU backend (SwiftShader adapter)', () => {
  test.setTimeout(300_000);

  test("fp32 on WebGPU gives PyTorch's scores (logit differences within 1e-3) and reports its backend", async ({ page }) => {
    await openHarness(page);
    const out = await page.evaluate(async ({ url, cases, maxLength }) => {
      const inputs = cases.map((c) => (c.textPair === undefined ? c.text : { text: c.text, textPair: c.textPair }));
      const clf = await window.koClassify.createClassifier({ model: url, backend: 'webgpu', dtype: 'fp32', cache: false });
      const results = await clf.classify(inputs, { maxLength });
      const info = clf.info();
      await clf.dispose();
      return { results, info };
    }, { url: FIXTURE_URL, cases: golden.cases, maxLength: golden.max_length });
    expect(out.info.backend).toBe('webgpu');
    expect(out.info.backendNotes).toEqual(['webgpu: selected (fp32, onnx/model.onnx)']);
    const labels = ['negative', 'neutral', 'positive'];
    out.results.forEach((r, i) => {
      const ref = golden.cases[i]!.logits;
      expect(r.label, `case ${i}`).toBe(labels[ref.indexOf(Math.max(...ref))]);
      // Logit differences (all that softmax leaves of the logits): log(p_a / p_b) against PyTorch's l_a - l_b.
      labels.forEach((a, ai) => labels.forEach((b, bi) => expect(Math.abs(Math.log(r.scores[a]! / r.scores[b]!) - (ref[ai]! - ref[bi]!)), `${i} ${a}-${b}`).toBeLessThan(1e-3)));
    });
    // The golden cases cover every label, so a permuted head could not pass.
    expect(new Set(out.results.map((r) => r.label)).size).toBe(3);
  });

  test('auto picks WebGPU with int4 (MatMulNBits) when an adapter exists', async ({ page }) => {
    await openHarness(page);
    const info = await autoInfo(page);
    expect(info.backend).toBe('webgpu');
    expect(info.dtype).toBe('int4');
    expect(info.file).toBe('onnx/model_q4.onnx');
  });

  test('int4 on WebGPU agrees with int8 on WASM on ≥ 98% of 200 NSMC dev sentences (embedded model)', async ({ page }) => {
    await openHarness(page);
    const agreement = await page.evaluate(async (texts) => {
      const run = async (backend: 'webgpu' | 'wasm', dtype: 'int4' | 'int8') => {
        const clf = await window.koClassify.createClassifier({ model: 'ko-sentiment', backend, dtype, cache: false });
        const r = await clf.classify(texts);
        await clf.dispose();
        return r.map((x) => x.label);
      };
      const gpu = await run('webgpu', 'int4');
      const cpu = await run('wasm', 'int8');
      return gpu.filter((l, i) => l === cpu[i]).length / texts.length;
    }, sample);
    console.log(`int4/WebGPU vs int8/WASM label agreement: ${(agreement * 100).toFixed(1)}%`);
    expect(agreement).toBeGreaterThanOrEqual(0.98);
  });
});
