import { expect, test } from '@playwright/test';
import { FIXTURE_URL, openHarness, serverLog } from './helpers.js';

// README statements about caching and serving, each checked in Chromium against the e2e server's log.
test.describe('README claims in the browser', () => {
  test('bumping `revision` downloads the model files again; the same revision reads IndexedDB', async ({ page }) => {
    await openHarness(page);
    const load = (revision: string) =>
      page.evaluate(async ({ url, revision }) => {
        const clf = await window.koClassify.createClassifier({ model: url, backend: 'wasm', dtype: 'fp32', revision });
        const source = clf.info().source;
        await clf.dispose();
        return source;
      }, { url: FIXTURE_URL, revision });
    await serverLog(page, true);
    expect(Object.values(await load('r1'))).toEqual(expect.arrayContaining(['network']));
    const onnx = () => serverLog(page).then((log) => log.filter((r) => r.url === `${FIXTURE_URL}onnx/model.onnx`).length);
    expect(await onnx()).toBe(1);
    expect(new Set(Object.values(await load('r1')))).toEqual(new Set(['cache']));
    expect(await onnx()).toBe(1);
    expect(new Set(Object.values(await load('r2')))).toEqual(new Set(['network']));
    expect(await onnx()).toBe(2);
  });

  test('a blocked IndexedDB (another connection holds it during a delete) only warns: the model loads from the network', async ({ page }) => {
    await openHarness(page);
    const r = await page.evaluate(async (url) => {
      // Another tab's old connection keeps the database open, so a pending delete blocks every later open.
      const held = await new Promise<IDBDatabase>((resolve, reject) => {
        const req = indexedDB.open('ko-classify');
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
      });
      held.onversionchange = () => undefined; // never closes
      indexedDB.deleteDatabase('ko-classify');
      const warnings: string[] = [];
      const clf = await window.koClassify.createClassifier({ model: url, backend: 'wasm', dtype: 'fp32', revision: 'blocked', onProgress: (e) => e.type === 'warning' && warnings.push(e.code) });
      const label = (await clf.classify('차단된 저장소')).label;
      const source = clf.info().source;
      await clf.dispose();
      held.close();
      return { warnings, label, source };
    }, FIXTURE_URL);
    expect(r.warnings).toContain('STORAGE');
    expect(r.label).toBeTruthy();
    expect(new Set(Object.values(r.source))).toEqual(new Set(['network']));
  });

  test('wasmPaths: the ORT runtime is fetched from that folder', async ({ page }) => {
    await openHarness(page);
    await serverLog(page, true);
    const info = await page.evaluate(async (url) => {
      const clf = await window.koClassify.createClassifier({ model: url, backend: 'wasm', cache: false, wasmPaths: '/ort/' });
      const label = (await clf.classify('런타임 위치')).label;
      await clf.dispose();
      return label;
    }, FIXTURE_URL);
    expect(info).toBeTruthy();
    const wasm = (await serverLog(page)).filter((r) => r.url.endsWith('.wasm'));
    expect(wasm.map((r) => [r.url, r.status])).toEqual([['/ort/ort-wasm-simd-threaded.wasm', 200]]);
  });

  test("the element's wasm-paths attribute points ORT at another folder", async ({ page }) => {
    await page.goto('/script-tag/');
    await expect(page.locator('ko-sentiment').first()).toHaveAttribute('state', 'idle', { timeout: 90_000 });
    // The page's own element stored the runtime it fetched from assets/: drop that copy so the new
    // worker has to fetch it, and show where from.
    await page.evaluate(async () => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => Object.assign(indexedDB.open('ko-classify'), { onsuccess(this: IDBOpenDBRequest) { resolve(this.result); }, onerror: reject }));
      const tx = db.transaction('model-files', 'readwrite');
      const store = tx.objectStore('model-files');
      for (const k of (await new Promise<IDBValidKey[]>((resolve) => Object.assign(store.getAllKeys(), { onsuccess(this: IDBRequest<IDBValidKey[]>) { resolve(this.result); } })))) {
        if (/^(meta:)?runtime:/.test(String(k))) store.delete(k);
      }
      await new Promise((resolve) => (tx.oncomplete = resolve));
    });
    await serverLog(page, true);
    await page.evaluate(() => {
      const area = Object.assign(document.createElement('textarea'), { id: 'third' });
      const el = Object.assign(document.createElement('ko-sentiment'), { id: 'wasm-elsewhere' });
      el.setAttribute('for', 'third');
      el.setAttribute('wasm-paths', '/ort/');
      document.body.append(area, el);
    });
    await expect(page.locator('#wasm-elsewhere')).toHaveAttribute('state', 'idle', { timeout: 90_000 });
    const wasm = (await serverLog(page)).filter((r) => r.url.endsWith('.wasm')).map((r) => r.url);
    expect(wasm).toContain('/ort/ort-wasm-simd-threaded.wasm');
  });
});
