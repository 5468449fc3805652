import { expect, test, type Page } from '@playwright/test';
import { FIXTURE_URL, openHarness, serverLog } from './helpers.js';

// ONNX Runtime's .wasm is cached like a model (IndexedDB, beside the model files): a repeat visit
// under the e2e server's `Cache-Control: no-store` makes no runtime request, and the workers of
// several models on one page download it once.

/** Counts the requests for ORT's runtime files (.wasm, and its .mjs glue) the page and its workers make, and fails them. */
async function failRuntime(page: Page): Promise<string[]> {
  const seen: string[] = [];
  await page.context().route(/\/ort-wasm[^/]*\.(wasm|mjs)(\?.*)?$/, (route) => {
    seen.push(route.request().url());
    return route.abort('internetdisconnected');
  });
  return seen;
}

test.describe('runtime cache', () => {
  test('a repeat visit classifies with ORT and the model routed to fail: 0 runtime requests', async ({ page, context }) => {
    await openHarness(page);
    const first = await page.evaluate(async (url) => {
      const { createClassifier, listCache } = window.koClassify;
      const clf = await createClassifier({ model: url, backend: 'wasm', dtype: 'fp32', shared: false });
      const r = await clf.classify('정말 재미있어요');
      const info = clf.info();
      await clf.dispose();
      return { r, runtime: info.runtime, cache: await listCache() };
    }, FIXTURE_URL);
    expect(first.runtime).toMatchObject({ source: 'network', file: 'ort-wasm-simd-threaded.wasm' });
    const entry = first.cache.find((e) => e.kind === 'runtime');
    expect(entry).toMatchObject({ kind: 'runtime', file: 'ort-wasm-simd-threaded.wasm', version: first.runtime!.version });
    expect(entry!.kind === 'runtime' && entry!.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(entry!.bytes).toBeGreaterThan(5_000_000);
    expect(first.cache.filter((e) => e.kind === 'model').length).toBe(1);
    await page.close();

    // A new page in the same profile, with the runtime and the model's files unreachable.
    const again = await context.newPage();
    const runtimeRequests = await failRuntime(again);
    await again.route(/\/fixtures\/tiny-deberta\//, (route) => route.abort('internetdisconnected'));
    await openHarness(again);
    const second = await again.evaluate(async (url) => {
      const clf = await window.koClassify.createClassifier({ model: url, backend: 'wasm', dtype: 'fp32', shared: false });
      const r = await clf.classify('정말 재미있어요');
      const info = clf.info();
      await clf.dispose();
      return { r, runtime: info.runtime, source: info.source };
    }, FIXTURE_URL);
    expect(runtimeRequests).toEqual([]);
    expect(second.runtime).toEqual({ ...first.runtime, source: 'cache' });
    expect(new Set(Object.values(second.source))).toEqual(new Set(['cache']));
    expect(second.r).toEqual(first.r);
  });

  test('two models on one page, each in its own worker, download the runtime once', async ({ page }) => {
    await openHarness(page);
    await serverLog(page, true);
    const infos = await page.evaluate(async (urls) => {
      const { createClassifier } = window.koClassify;
      const clfs = await Promise.all(urls.map((model) => createClassifier({ model, backend: 'wasm', dtype: 'fp32', shared: false })));
      const out = clfs.map((c) => c.info().runtime);
      await Promise.all(clfs.map((c) => c.dispose()));
      return out;
    }, [FIXTURE_URL, '/fixtures/tiny-bert/']);
    const wasm = (await serverLog(page)).filter((r) => r.url.endsWith('.wasm'));
    expect(wasm.map((r) => r.url)).toHaveLength(1);
    expect(infos.map((i) => i?.source).sort()).toEqual(['cache', 'network']);
  });

  test('deleteCachedRuntime() empties the runtime entries; the next load downloads and stores it again', async ({ page }) => {
    await openHarness(page);
    const r = await page.evaluate(async (url) => {
      const { createClassifier, listCache, deleteCachedRuntime } = window.koClassify;
      const load = async () => {
        const clf = await createClassifier({ model: url, backend: 'wasm', dtype: 'fp32', shared: false });
        const source = clf.info().runtime?.source;
        await clf.dispose();
        return source;
      };
      const a = await load();
      const deleted = await deleteCachedRuntime();
      const after = (await listCache()).filter((e) => e.kind === 'runtime').length;
      const b = await load();
      const c = await load();
      return { a, deleted, after, b, c };
    }, FIXTURE_URL);
    expect(r).toEqual({ a: 'network', deleted: 1, after: 0, b: 'network', c: 'cache' });
  });

  test('cache: false keeps the runtime out of IndexedDB', async ({ page }) => {
    await openHarness(page);
    const r = await page.evaluate(async (url) => {
      const { createClassifier, listCache } = window.koClassify;
      const clf = await createClassifier({ model: url, backend: 'wasm', dtype: 'fp32', shared: false, cache: false });
      const runtime = clf.info().runtime;
      await clf.dispose();
      return { runtime, cache: await listCache() };
    }, FIXTURE_URL);
    expect(r.runtime).toBeNull();
    expect(r.cache).toEqual([]);
  });
});
