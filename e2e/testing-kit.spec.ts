import { expect, test } from '@ko-classify/testing';

// The project's own use of @ko-classify/testing (the kit users get for their Playwright suites), on
// examples/react-app as built for production.
const MODEL_DIR = 'public/models/ko-sentiment';
const serverLog = async (baseURL: string) => ((await (await fetch(`${baseURL}/__log`)).json()) as { url: string }[]).map((r) => r.url);

test('mockClassifier: the UI against fixed answers and a typed error, with no model or runtime downloaded', async ({ page, koClassify }) => {
  const requests: string[] = [];
  page.on('request', (r) => requests.push(new URL(r.url()).pathname));
  await koClassify.mockClassifier(
    [
      { match: '최고', label: 'positive', score: 0.97 },
      { match: '오류', error: { code: 'INVALID_INPUT', message: 'mocked failure' } },
      { match: '그럭저럭', label: 'negative', score: 0.58, uncertain: true },
      { match: /.?/, label: 'negative', score: 0.81 },
    ],
    { labels: ['negative', 'positive'] },
  );
  await page.goto('/react-app/');
  const info = await koClassify.waitForClassifier();
  expect(info.backendNotes).toContain('mock: @ko-classify/testing');
  const review = page.getByLabel('리뷰');
  const result = page.getByTestId('result');
  await expect(review).toBeEnabled();
  await review.fill('이 영화 최고');
  await expect(result).toHaveAttribute('data-label', 'positive');
  await expect(result).toHaveText('positive 0.970');
  await review.fill('아무 말');
  await expect(result).toHaveAttribute('data-label', 'negative');
  await expect(result).toHaveText('negative 0.810');
  // An uncertain answer reads as such (the page is lang="ko"; the mock names no labels, so ids).
  await review.fill('그럭저럭 볼만했다');
  await expect(result).toHaveAttribute('data-uncertain', '');
  await expect(result).toHaveText('애매함 (negative 쪽 0.58)');
  await review.fill('오류를 내 줘');
  await expect(result).toHaveAttribute('data-status', 'error');
  await expect(result).toHaveText('INVALID_INPUT: mocked failure');
  expect(requests.filter((p) => p.includes('/models/') || p.endsWith('.wasm'))).toEqual([]);
});

test('seedModelCache + serveModels: model from IndexedDB, ORT runtime from disk, nothing from the server', async ({ page, koClassify, baseURL }) => {
  const served = await koClassify.serveModels({ models: { 'ko-sentiment': MODEL_DIR }, modelsPath: '/react-app/models/' });
  await koClassify.seedModelCache({ origin: baseURL!, model: MODEL_DIR, id: 'ko-sentiment', modelsBaseUrl: '/react-app/models/' });
  const before = (await serverLog(baseURL!)).length;
  await page.goto('/react-app/');
  const info = await koClassify.waitForClassifier({ model: 'ko-sentiment' });
  expect(info.labels).toEqual(['negative', 'positive']);
  const review = page.getByLabel('리뷰');
  await review.fill('배우들 연기가 정말 최고였어요. 또 보고 싶어요');
  await expect(page.getByTestId('result')).toHaveAttribute('data-label', 'positive');
  // Seeded: no model file was needed from anywhere (the load revalidates the small manifest.json
  // only); the ORT runtime came through route(), not the server.
  expect(served.filter((p) => p.includes('/models/'))).toEqual(['/react-app/models/ko-sentiment/manifest.json']);
  expect(served.some((p) => p.endsWith('.wasm'))).toBe(true);
  const hits = (await serverLog(baseURL!)).slice(before);
  expect(hits.filter((u) => u.includes('/models/') || u.endsWith('.wasm'))).toEqual([]);
});

test('serveModels alone: the model is served from disk under any path the app asks for', async ({ page, koClassify, baseURL }) => {
  const served = await koClassify.serveModels({ models: { 'ko-sentiment': MODEL_DIR }, modelsPath: '/react-app/models/' });
  const before = (await serverLog(baseURL!)).length;
  await page.goto('/react-app/');
  await koClassify.waitForClassifier();
  await page.getByLabel('리뷰').fill('지루하고 돈 아까운 최악의 영화');
  await expect(page.getByTestId('result')).toHaveAttribute('data-label', 'negative');
  expect(served).toContain('/react-app/models/ko-sentiment/onnx/model_int8.onnx');
  expect((await serverLog(baseURL!)).slice(before).filter((u) => u.includes('/models/'))).toEqual([]);
});

test("mockClassifier speaks core's protocol: core's client in the page gets real KoClassifyErrors and the mocked answers", async ({ page, koClassify }) => {
  await koClassify.mockClassifier(
    [
      { match: '오류', error: { code: 'INVALID_INPUT', message: 'mocked failure', details: { index: 3 } } },
      { match: /좋/g, label: 'positive', score: 0.8 },
      { match: /.?/, scores: { negative: 0.7, positive: 0.3 } },
    ],
    { labels: ['negative', 'positive'] },
  );
  await page.goto('/react-app/');
  // Core's own page side (its client, comlink and error transfer), through the kit's module server.
  const got = await page.evaluate(async (url) => {
    const core = (await import(url)) as typeof import('@ko-classify/core');
    const clf = await core.createClassifier({ shared: false });
    const error = await clf.classify('오류를 내 줘').then(
      () => null,
      (e: unknown) => ({ isKoClassifyError: core.isKoClassifyError(e), code: (e as { code?: unknown }).code, message: (e as Error).message, details: (e as { details?: unknown }).details }),
    );
    const results = await clf.classify(['좋아요', '좋아요', { text: '별로', textPair: '그래요' }]);
    const notes = clf.info().backendNotes;
    await clf.dispose();
    return { error, labels: results.map((r) => [r.label, r.score]), notes };
  }, '/__ko-classify-testing__/m/core/dist/index.js');
  expect(got.error).toEqual({ isKoClassifyError: true, code: 'INVALID_INPUT', message: 'mocked failure', details: { index: 3 } });
  // A g flag does not make the rule match every other time; a scores-only rule labels by its best score.
  expect(got.labels).toEqual([['positive', 0.8], ['positive', 0.8], ['negative', 0.7]]);
  expect(got.notes).toEqual(['mock: @ko-classify/testing']);
});

test('the module server: core and the kit from their dist, with COEP/CORP; nothing outside the served files', async ({ page, koClassify }) => {
  await koClassify.mockClassifier([{ match: /.?/, label: 'positive' }]);
  await page.goto('/react-app/');
  const got = await page.evaluate(async () => {
    const base = '/__ko-classify-testing__/m';
    const head = async (path: string) => {
      const r = await fetch(`${base}${path}`);
      return { status: r.status, type: r.headers.get('content-type'), corp: r.headers.get('cross-origin-resource-policy'), coep: r.headers.get('cross-origin-embedder-policy'), body: await r.text() };
    };
    const store = await head('/core/dist/model/store.js');
    const statuses: Record<string, number> = {};
    for (const p of ['/core/package.json', '/core/src/index.ts', '/core/dist/%2e%2e/package.json', '/core/dist/..%2fpackage.json', '/core/dist/..%2f..%2fcli%2fdist%2findex.js', '/testing/dist/../../core/package.json', '/comlink/package.json', '/nope/dist/index.js']) statuses[p] = (await head(p)).status;
    return { store: { ...store, body: /from '([^']+)'/.exec(store.body)?.[1] }, mockWorker: (await head('/testing/dist/mock-worker.js')).status, statuses };
  });
  expect(got.store).toEqual({ status: 200, type: 'text/javascript', corp: 'same-origin', coep: 'require-corp', body: '/__ko-classify-testing__/m/idb-keyval/dist/index.js' });
  expect(got.mockWorker).toBe(200);
  expect(got.statuses).toEqual(Object.fromEntries(Object.keys(got.statuses).map((p) => [p, 404])));
});
