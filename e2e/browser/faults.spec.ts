import { expect, test, type Page } from '@playwright/test';
import { FIXTURE_URL, openHarness, serverLog } from './helpers.js';

// Network and storage faults while loading a model, from a server that misbehaves on command.
const ONNX = `${FIXTURE_URL}onnx/model.onnx`;

async function fault(page: Page, path: string, mode: string, extra = ''): Promise<void> {
  await page.request.get(`/__fault?path=${encodeURIComponent(path)}&mode=${mode}${extra}`);
}

interface LoadOutcome {
  code: string | null;
  label: string | null;
  warnings: string[];
  /** `loaded` of each `download` event for onnx/model.onnx, in order. */
  onnxLoaded: number[];
  /** The last `download` event: bytes of its file read so far, and the file's size. */
  lastDownload: { file: string; loaded: number; total: number | null } | null;
  cachedKeys: string[];
}

/** Loads the fixture (fp32, IndexedDB cache on) and reports what happened. */
function load(page: Page, revision: string): Promise<LoadOutcome> {
  return page.evaluate(async ({ url, revision }) => {
    const { createClassifier, listCachedModels } = window.koClassify;
    const warnings: string[] = [];
    const onnxLoaded: number[] = [];
    let lastDownload: { file: string; loaded: number; total: number | null } | null = null;
    let out: { code: string | null; label: string | null };
    try {
      const clf = await createClassifier({
        model: url, backend: 'wasm', dtype: 'fp32', revision,
        onProgress: (e) => {
          if (e.type === 'warning') warnings.push(e.code);
          if (e.type === 'download') {
            if (e.file === 'onnx/model.onnx') onnxLoaded.push(e.loaded);
            lastDownload = { file: e.file, loaded: e.loaded, total: e.total };
          }
        },
      });
      out = { code: null, label: (await clf.classify('장애 복구 확인')).label };
      await clf.dispose();
    } catch (e) {
      out = { code: (e as { code?: string }).code ?? 'untyped', label: null };
    }
    const cachedKeys = (await listCachedModels()).filter((m) => m.revision === revision).flatMap((m) => m.files);
    return { ...out, warnings, onnxLoaded, lastDownload, cachedKeys };
  }, { url: FIXTURE_URL, revision });
}

test.describe('network and storage faults', () => {
  test.afterEach(async ({ page }) => {
    await page.request.get('/__fault?clear');
  });

  test('connection dropped mid-file once: bounded retry recovers', async ({ page }) => {
    await openHarness(page);
    await fault(page, ONNX, 'drop', '&times=1');
    await serverLog(page, true);
    const r = await load(page, 'drop-once');
    expect(r.code).toBeNull();
    expect((await serverLog(page)).filter((l) => l.url === ONNX)).toHaveLength(2);
  });

  test('dropped every time: NETWORK, the file is not cached; once the network heals a load works', async ({ page }) => {
    await openHarness(page);
    await fault(page, ONNX, 'drop');
    const failed = await load(page, 'drop-always');
    expect(failed.code).toBe('NETWORK');
    expect(failed.cachedKeys.some((k) => k.includes('onnx/model.onnx'))).toBe(false);
    await page.request.get('/__fault?clear');
    const ok = await load(page, 'drop-always');
    expect(ok.code).toBeNull();
    expect(ok.label).toBeTruthy();
  });

  test('slow trickle: loads, with progress all the way', async ({ page }) => {
    await openHarness(page);
    await fault(page, ONNX, 'trickle');
    const r = await load(page, 'trickle');
    expect(r.code).toBeNull();
    // 16 KB every 60 ms is ~26 writes; a busy machine may hand several to one read, so ask for
    // progress in between (not one event per write), rising every time.
    const total = r.lastDownload?.total ?? 0;
    expect(r.onnxLoaded.filter((n) => n > 0 && n < total).length).toBeGreaterThanOrEqual(4);
    expect(r.onnxLoaded.every((n, i) => i === 0 || n > r.onnxLoaded[i - 1]!)).toBe(true);
    expect(r.lastDownload?.file).toBe('onnx/model.onnx');
    expect(r.lastDownload?.loaded).toBe(r.lastDownload?.total);
  });

  test('404 on config.json is MODEL_NOT_FOUND', async ({ page }) => {
    await openHarness(page);
    await fault(page, `${FIXTURE_URL}config.json`, 'status', '&status=404');
    expect((await load(page, 'not-found')).code).toBe('MODEL_NOT_FOUND');
  });

  test('500 twice, then success: loads after bounded retries', async ({ page }) => {
    await openHarness(page);
    await fault(page, ONNX, 'status', '&status=500&times=2');
    await serverLog(page, true);
    const r = await load(page, 'flaky');
    expect(r.code).toBeNull();
    expect((await serverLog(page)).filter((l) => l.url === ONNX).map((l) => l.status)).toEqual([500, 500, 200]);
  });

  test('corrupted bytes: INTEGRITY and nothing written; a later good load works without clearing anything', async ({ page }) => {
    await openHarness(page);
    await fault(page, ONNX, 'corrupt');
    const bad = await load(page, 'corrupt');
    expect(bad.code).toBe('INTEGRITY');
    expect(bad.cachedKeys).not.toContain('onnx/model.onnx');
    await page.request.get('/__fault?clear');
    expect((await load(page, 'corrupt')).code).toBeNull();
  });

  test('a corrupted IndexedDB entry is detected by sha256 and replaced', async ({ page }) => {
    await openHarness(page);
    expect((await load(page, 'tampered')).code).toBeNull();
    // Overwrite the cached ONNX file in IndexedDB directly, as a disk error or another script might.
    await page.evaluate(async () => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const req = indexedDB.open('ko-classify');
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
      });
      const tx = db.transaction('model-files', 'readwrite');
      const store = tx.objectStore('model-files');
      const keys = await new Promise<IDBValidKey[]>((resolve) => (store.getAllKeys().onsuccess = (e) => resolve((e.target as IDBRequest<IDBValidKey[]>).result)));
      store.put(new Uint8Array([1, 2, 3]), keys.find((k) => String(k).includes('@tampered/onnx/model.onnx'))!);
      await new Promise((resolve) => (tx.oncomplete = resolve));
      db.close();
    });
    const second = await load(page, 'tampered');
    expect(second.code).toBeNull();
    expect(second.warnings).toContain('CACHE_CORRUPT');
    await serverLog(page, true);
    const third = await load(page, 'tampered');
    expect(third.warnings).toEqual([]);
    expect((await serverLog(page)).filter((l) => l.url.startsWith(FIXTURE_URL))).toEqual([]);
  });

  test('storage quota exhausted: the model still loads from the network, with a STORAGE warning', async ({ page, context }) => {
    await openHarness(page);
    const cdp = await context.newCDPSession(page);
    await cdp.send('Storage.overrideQuotaForOrigin', { origin: new URL(page.url()).origin, quotaSize: 1 });
    const r = await load(page, 'no-quota');
    expect(r.code).toBeNull();
    expect(r.label).toBeTruthy();
    expect(r.warnings).toContain('STORAGE');
  });
});
