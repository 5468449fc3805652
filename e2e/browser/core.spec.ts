import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { FIXTURE_URL, autoInfo, openHarness, serverLog, softmax } from './helpers.js';

interface GoldenCase { text: string; textPair?: string; logits: number[] }
const golden: { cases: GoldenCase[]; max_length: number } = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../packages/core/test/fixtures/tiny-deberta/golden.json'), 'utf8'),
);

test.describe('core in Chromium: real Worker, WASM and IndexedDB on the DeBERTa-v2 fixture', () => {
  test('classifies with PyTorch-golden scores (1e-4) through the worker', async ({ page }) => {
    await openHarness(page);
    const out = await page.evaluate(async ({ url, cases, maxLength }) => {
      const clf = await window.koClassify.createClassifier({ model: url, backend: 'wasm', dtype: 'fp32', cache: false });
      const inputs = cases.map((c) => (c.textPair === undefined ? c.text : { text: c.text, textPair: c.textPair }));
      const results = await clf.classify(inputs, { maxLength });
      const info = clf.info();
      await clf.dispose();
      return { results, info, isolated: crossOriginIsolated };
    }, { url: FIXTURE_URL, cases: golden.cases, maxLength: golden.max_length });

    expect(out.isolated).toBe(true);
    expect(out.info.backend).toBe('wasm');
    expect(out.info.dtype).toBe('fp32');
    expect(out.info.labels).toEqual(['negative', 'neutral', 'positive']);
    expect(out.info.threads).toBeGreaterThanOrEqual(1);
    out.results.forEach((r, i) => {
      // An empty text gets no class (core's documented result) and no scores to compare.
      if (!golden.cases[i]!.text.trim() && !golden.cases[i]!.textPair?.trim()) return void expect(r, golden.cases[i]!.text).toMatchObject({ label: null, empty: true });
      const expected = softmax(golden.cases[i]!.logits);
      const got = Object.values(r.scores);
      expect(got).toHaveLength(3);
      got.forEach((p, j) => expect(Math.abs(p - expected[j]!), golden.cases[i]!.text).toBeLessThan(1e-4));
    });
  });

  test('a second page load reads the model from IndexedDB with no model request', async ({ page }) => {
    await openHarness(page);
    const load = () =>
      page.evaluate(async (url) => {
        const clf = await window.koClassify.createClassifier({ model: url, backend: 'wasm', revision: 'idb-test' });
        const r = await clf.classify('캐시 테스트 문장');
        const info = clf.info();
        await clf.dispose();
        return { r, source: info.source };
      }, FIXTURE_URL);
    const first = await load();
    expect(Object.values(first.source)).toContain('network');

    await page.reload();
    await openHarness(page);
    await serverLog(page, true);
    const second = await load();
    const requests = (await serverLog(page)).filter((r) => r.url.startsWith(FIXTURE_URL));
    expect(requests).toEqual([]);
    expect(Object.values(second.source).every((s) => s === 'cache')).toBe(true);
    expect(second.r).toEqual(first.r);
  });

  test('progress events arrive in order with growing byte totals', async ({ page }) => {
    await openHarness(page);
    const events = await page.evaluate(async (url) => {
      const seen: unknown[] = [];
      const clf = await window.koClassify.createClassifier({ model: url, backend: 'wasm', dtype: 'fp32', cache: false, onProgress: (e) => seen.push(e) });
      await clf.dispose();
      return seen as { type: string; totalLoaded?: number; totalBytes?: number | null; file?: string }[];
    }, FIXTURE_URL);
    const types = events.map((e) => e.type);
    expect(types[0]).toBe('manifest');
    expect(types.at(-1)).toBe('ready');
    expect(types.indexOf('compile')).toBeGreaterThan(types.lastIndexOf('download'));
    const downloads = events.filter((e) => e.type === 'download');
    expect(new Set(downloads.map((d) => d.file))).toEqual(new Set(['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx']));
    for (let i = 1; i < downloads.length; i++) expect(downloads[i]!.totalLoaded!).toBeGreaterThan(downloads[i - 1]!.totalLoaded!);
    const last = downloads.at(-1)!;
    expect(last.totalLoaded).toBe(last.totalBytes);
  });

  test('errors keep their code across the worker boundary', async ({ page }) => {
    await openHarness(page);
    const codes = await page.evaluate(async (url) => {
      const { createClassifier, KoClassifyError } = window.koClassify;
      const code = async (p: Promise<unknown>) => {
        try {
          await p;
          return 'resolved';
        } catch (e) {
          return `${e instanceof KoClassifyError ? 'typed' : 'untyped'}:${(e as { code?: string }).code}`;
        }
      };
      const badUrl = await code(createClassifier({ model: '/no/such/model/', backend: 'wasm', cache: false }));
      const clf = await createClassifier({ model: url, backend: 'wasm', cache: false });
      const nonString = await code(clf.classify(42 as unknown as string));
      const nested = await code(clf.classify([{ text: '좋아요', textPair: 7 } as unknown as string]));
      const badOption = await code(clf.classify('좋아요', { maxLength: 2 }));
      const missingDtype = await createClassifier({ model: url, backend: 'wasm', dtype: 'fp16', cache: false }).then(
        () => 'resolved',
        (e: { code?: string; message: string }) => `${e.code}|${e.message}`,
      );
      await clf.dispose();
      const disposed = await code(clf.classify('좋아요'));
      return { badUrl, nonString, nested, badOption, disposed, missingDtype };
    }, FIXTURE_URL);
    const { missingDtype, ...rest } = codes;
    expect(missingDtype).toMatch(/^DTYPE_UNAVAILABLE\|.*onnx\/model\.onnx, onnx\/model_int8\.onnx, onnx\/model_q4\.onnx/);
    expect(rest).toEqual({
      badUrl: 'typed:MODEL_NOT_FOUND',
      nonString: 'typed:INVALID_INPUT',
      nested: 'typed:INVALID_INPUT',
      badOption: 'typed:INVALID_INPUT',
      disposed: 'typed:DISPOSED',
    });
  });

  test('auto without a WebGPU adapter lands on WASM and says why', async ({ page }) => {
    await openHarness(page);
    const info = await autoInfo(page);
    expect(info.backend).toBe('wasm');
    expect(info.backendNotes[0]).toMatch(/^webgpu: skipped — /);
    expect(info.backendNotes.at(-1)).toMatch(/^wasm: selected/);
  });

  test('an explicit webgpu backend that cannot run is a typed error naming the cause, not a fallback', async ({ page }) => {
    await openHarness(page);
    const err = await page.evaluate(async (url) => {
      try {
        await window.koClassify.createClassifier({ model: url, backend: 'webgpu', cache: false });
        return null;
      } catch (e) {
        const k = e as { code?: string; message: string; details?: { causes?: Record<string, string> } };
        return { code: k.code, message: k.message, causes: k.details?.causes };
      }
    }, FIXTURE_URL);
    expect(err?.code).toBe('BACKEND_UNAVAILABLE');
    expect(err?.message).toMatch(/webgpu/);
    expect(err?.causes?.webgpu).toMatch(/adapter|navigator\.gpu/);
  });

  test('multi-threaded WASM when cross-origin isolated, one thread otherwise — reported in info()', async ({ page }) => {
    const infoAt = async (path: string) => {
      await page.goto(path);
      await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready');
      return page.evaluate(async (url) => {
        const clf = await window.koClassify.createClassifier({ model: url, backend: 'wasm', threads: 2, cache: false });
        const i = clf.info();
        const r = await clf.classify('스레드 확인');
        await clf.dispose();
        return { threads: i.threads, isolated: i.crossOriginIsolated, notes: i.backendNotes, label: r.label };
      }, FIXTURE_URL);
    };
    const isolated = await infoAt('/e2e/harness/');
    expect(isolated).toMatchObject({ threads: 2, isolated: true });
    expect(isolated.notes.at(-1)).toContain('2 threads');
    const plain = await infoAt('/plain/e2e/harness/');
    expect(plain).toMatchObject({ threads: 1, isolated: false, label: isolated.label });
    expect(plain.notes.at(-1)).toContain('1 thread');
  });
});
