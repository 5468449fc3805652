import { expect, test } from '@playwright/test';
import { FIXTURE_URL, openHarness, serverLog } from './helpers.js';

// Behaviours a mutation spot-check found uncovered: that a cancelled call stops inside the worker
// (not only on the page), and that the worker restarted after a crash reads the model from IndexedDB.
test.describe('pinned behaviours', () => {
  test.setTimeout(180_000);

  test('an aborted call stops inside the worker: the worker answers it ABORTED, without its results', async ({ page }) => {
    await openHarness(page);
    const r = await page.evaluate(async (url) => {
      const { createClassifier, defaultWorker } = window.koClassify;
      // What the worker itself answers each call: Comlink posts a call's return value as
      // { id, type: 'RAW', value } and a throw as { id, type: 'HANDLER', name: 'throw', value: { isError, value } }.
      type Reply = { results: number } | { error: string };
      const replies: Reply[] = [];
      const clf = await createClassifier({
        model: url, backend: 'wasm', cache: false, shared: false,
        createWorker: () => {
          const w = defaultWorker();
          w.addEventListener('message', (ev: MessageEvent) => {
            const d = ev.data as { type?: string; name?: string; value?: unknown } | null;
            if (d?.type === 'RAW' && Array.isArray(d.value)) replies.push({ results: d.value.length });
            else if (d?.type === 'HANDLER' && d.name === 'throw') replies.push({ error: String((d.value as { value?: { code?: string } })?.value?.code ?? 'untyped') });
          });
          return w;
        },
      });
      const code = (p: Promise<unknown>) => p.then(() => 'resolved', (e: { code?: string }) => e.code ?? 'untyped');
      const big = Array.from({ length: 4000 }, (_, i) => `취소될 긴 작업의 ${i}번째 문장입니다 ${'정말 '.repeat(i % 6)}`);

      // The same call run to the end: the reply the worker then sends (so the observation below is
      // not vacuous), and how long it takes once warm (ORT's first runs of each batch shape are slower).
      replies.length = 0;
      const tCold = performance.now();
      const fullN = (await clf.classify(big)).length;
      const coldMs = performance.now() - tCold;
      const fullReplies = replies.splice(0);
      const t0 = performance.now();
      await clf.classify(big);
      const fullMs = performance.now() - t0;

      // Aborted while running: the worker starts a call as soon as the one before it ends, so once
      // a short call resolves on the page the long call queued behind it is running.
      const ctrl = new AbortController();
      const opener = clf.classify(big.slice(0, 100));
      const aborted = code(clf.classify(big, { signal: ctrl.signal }));
      await opener;
      replies.length = 0;
      const tAbort = performance.now();
      ctrl.abort();
      const abortedCode = await aborted;
      // The worker runs one call at a time: this one waits for whatever is left of the aborted call.
      const next = await clf.classify('취소 뒤의 다음 호출');
      const nextMs = performance.now() - tAbort;
      const abortReplies = replies.splice(0);
      await clf.dispose();
      return { n: big.length, fullN, coldMs, fullMs, fullReplies, abortedCode, next: next.label, nextMs, abortReplies };
    }, FIXTURE_URL);
    console.log(`full call ${Math.round(r.coldMs)} ms cold, ${Math.round(r.fullMs)} ms warm; abort → next call resolved ${Math.round(r.nextMs)} ms; replies after abort ${JSON.stringify(r.abortReplies)}`);
    expect(r.fullN).toBe(r.n);
    expect(r.fullReplies).toContainEqual({ results: r.n });
    expect(r.abortedCode).toBe('ABORTED');
    expect(r.next).toBeTruthy();
    // The worker itself gave up on the call: it answered ABORTED and never produced its results.
    expect(r.abortReplies).toContainEqual({ error: 'ABORTED' });
    expect(r.abortReplies).not.toContainEqual({ results: r.n });
    // In order: the aborted call's ABORTED, then the next call's one result.
    expect(r.abortReplies.filter((x) => 'error' in x || x.results === 1)).toEqual([{ error: 'ABORTED' }, { results: 1 }]);
    // And it stopped soon, not at the end of its batches: the next call did not wait out the rest of
    // the aborted one (a ratio to the same call's full run in this test, not an absolute time).
    expect(r.nextMs).toBeLessThan(r.fullMs / 5);
  });

  test('after a crash the restarted worker reads the model from IndexedDB: no model request, same result', async ({ page }) => {
    await openHarness(page);
    const requests: string[] = [];
    page.on('request', (req) => requests.push(new URL(req.url()).pathname));
    const texts = ['이 영화 정말 재밌어요!', '최악의 서비스였습니다', { text: '재밌나요?', textPair: '네' }];
    const before = await page.evaluate(async ({ url, texts }) => {
      const { createClassifier, defaultWorker } = window.koClassify;
      const workers: Worker[] = [];
      // Pinned revision: a cached load then needs no request at all (no manifest revalidation).
      const clf = await createClassifier({ model: url, backend: 'wasm', revision: 'pinned-restart', createWorker: () => workers[workers.push(defaultWorker()) - 1]! });
      (window as unknown as { pinned: unknown }).pinned = { clf, workers };
      return { results: await clf.classify(texts), source: clf.info().source };
    }, { url: FIXTURE_URL, texts });
    // The first load came from the network (so the observations below can see a model request).
    expect(requests.filter((p) => p.startsWith(FIXTURE_URL) && p.endsWith('.onnx')).length).toBeGreaterThanOrEqual(1);
    expect((await serverLog(page)).filter((l) => l.url.startsWith(FIXTURE_URL) && l.url.endsWith('.onnx')).length).toBeGreaterThanOrEqual(1);
    expect(Object.values(before.source)).toContain('network');

    await serverLog(page, true);
    requests.length = 0;
    const after = await page.evaluate(async (texts) => {
      const { clf, workers } = (window as unknown as { pinned: { clf: import('@ko-classify/core').Classifier; workers: Worker[] } }).pinned;
      workers[0]!.terminate(); // the page sees the worker die: the next call starts a new one
      const results = await clf.classify(texts);
      const source = clf.info().source;
      await clf.dispose();
      return { results, source, workers: workers.length };
    }, texts);
    expect(after.workers).toBe(2);
    // Not one request for the model's files after the crash, as the page and as the server saw it.
    expect(requests.filter((p) => p.startsWith(FIXTURE_URL))).toEqual([]);
    expect((await serverLog(page)).filter((l) => l.url.startsWith(FIXTURE_URL))).toEqual([]);
    expect(Object.keys(after.source).some((f) => f.endsWith('.onnx'))).toBe(true);
    expect(Object.values(after.source).every((s) => s === 'cache')).toBe(true);
    expect(after.results).toEqual(before.results);
  });
});
