import { expect, test } from '@playwright/test';
import { FIXTURE_URL, openHarness } from './helpers.js';

// Cache management: what IndexedDB holds per model and revision, and when old revisions go.
const ONNX = `${FIXTURE_URL}onnx/model.onnx`;

test.describe('model cache management', () => {
  test.afterEach(async ({ page }) => {
    await page.request.get('/__fault?clear');
  });

  test('listCachedModels() reports files, bytes and last use; a new revision removes the old one once it loaded', async ({ page }) => {
    await openHarness(page);
    const r = await page.evaluate(async (url) => {
      const { createClassifier, listCachedModels } = window.koClassify;
      const load = async (revision: string, keepOldRevisions = false) => (await createClassifier({ model: url, backend: 'wasm', dtype: 'fp32', revision, keepOldRevisions, shared: false })).dispose();
      const t0 = Date.now();
      await load('v1');
      const afterV1 = await listCachedModels();
      await load('v2', true);
      const kept = await listCachedModels();
      await load('v3');
      return { t0, afterV1, kept: kept.map((m) => m.revision).sort(), afterV3: await listCachedModels() };
    }, FIXTURE_URL);
    const v1 = r.afterV1.find((m) => m.revision === 'v1')!;
    expect(v1.model).toMatch(/\/fixtures\/tiny-deberta\/$/);
    expect(v1.files).toEqual(['config.json', 'manifest.json', 'onnx/model.onnx', 'tokenizer.json', 'tokenizer_config.json']);
    const manifest = await (await page.request.get(`${FIXTURE_URL}manifest.json`)).json();
    const expectedBytes = ['config.json', 'onnx/model.onnx', 'tokenizer.json', 'tokenizer_config.json'].reduce((a, f) => a + manifest.files[f].size, 0) + (await (await page.request.get(`${FIXTURE_URL}manifest.json`)).body()).byteLength;
    expect(v1.bytes).toBe(expectedBytes);
    expect(v1.lastUsed).toBeGreaterThanOrEqual(r.t0);
    expect(r.kept).toEqual(['v1', 'v2']);
    expect(r.afterV3.map((m) => m.revision)).toEqual(['v3']);
  });

  test('a new revision whose load fails midway keeps the old revision', async ({ page }) => {
    await openHarness(page);
    await page.evaluate(async (url) => (await window.koClassify.createClassifier({ model: url, backend: 'wasm', dtype: 'fp32', revision: 'good', shared: false })).dispose(), FIXTURE_URL);
    await page.request.get(`/__fault?path=${encodeURIComponent(ONNX)}&mode=drop`);
    const r = await page.evaluate(async (url) => {
      const { createClassifier, listCachedModels } = window.koClassify;
      const code = await createClassifier({ model: url, backend: 'wasm', dtype: 'fp32', revision: 'broken', shared: false }).then(() => null, (e: { code?: string }) => e.code ?? 'untyped');
      return { code, cached: (await listCachedModels()).map((m) => [m.revision, m.files.includes('onnx/model.onnx')]) };
    }, FIXTURE_URL);
    expect(r.code).toBe('NETWORK');
    expect(r.cached).toContainEqual(['good', true]);
  });

  test('deleteCachedModel() removes one revision or all; info() reports storage; persist asks the browser', async ({ page }) => {
    await openHarness(page);
    const r = await page.evaluate(async (url) => {
      const { createClassifier, listCachedModels, deleteCachedModel } = window.koClassify;
      const a = await createClassifier({ model: url, backend: 'wasm', dtype: 'fp32', revision: 'a', keepOldRevisions: true, shared: false, persist: true });
      const storage = a.info().storage;
      await a.dispose();
      await (await createClassifier({ model: url, backend: 'wasm', dtype: 'fp32', revision: 'b', keepOldRevisions: true, shared: false })).dispose();
      const one = await deleteCachedModel(url, { revision: 'a' });
      const afterOne = (await listCachedModels()).map((m) => m.revision);
      const all = await deleteCachedModel(url);
      return { storage, one, afterOne, all, after: await listCachedModels() };
    }, FIXTURE_URL);
    expect(r.storage.usage).toBeGreaterThan(0);
    expect(r.storage.quota).toBeGreaterThan(r.storage.usage!);
    expect(typeof r.storage.persisted).toBe('boolean');
    expect(r.one).toBeGreaterThan(4);
    expect(r.afterOne).toEqual(['b']);
    expect(r.all).toBeGreaterThan(4);
    expect(r.after).toEqual([]);
  });
});
