import { expect, test } from '@playwright/test';
import { openHarness } from './helpers.js';

// Several models on one page share one worker (one ONNX Runtime, one thread pool: bench/hosting.mjs
// measured less memory and faster calls than a worker each) when their worker factory and ORT
// settings match; a crash of that worker fails the calls of every model on it, and the next calls
// restart one worker for all of them.
declare global {
  interface Window {
    started: Worker[];
    startWorker: () => Worker;
  }
}

test.beforeEach(async ({ page }) => {
  await openHarness(page);
  await page.evaluate(() => {
    window.started = [];
    // One factory for every classifier of the test, counting the workers it starts.
    window.startWorker = () => {
      const w = window.koClassify.defaultWorker();
      window.started.push(w);
      return w;
    };
  });
});

test('two models, one worker: the same answers as a worker each; one disposed, the other still answers', async ({ page }) => {
  const r = await page.evaluate(async () => {
    const { createClassifier } = window.koClassify;
    const texts = ['정말 재밌고 감동적인 영화', '좌빨 새끼들은 다 북한으로 꺼져라', '그냥 그랬다'];
    const opts = { backend: 'wasm' as const, createWorker: window.startWorker };
    const [sentiment, moderation] = await Promise.all([createClassifier({ model: 'ko-sentiment', ...opts }), createClassifier({ model: 'ko-moderation', ...opts })]);
    const workers = window.started.length;
    const together = await Promise.all([sentiment.classify(texts), moderation.classify(texts)]);
    // Reference: each model in a worker of its own.
    const own = await Promise.all([createClassifier({ model: 'ko-sentiment', backend: 'wasm', shared: false }), createClassifier({ model: 'ko-moderation', backend: 'wasm', shared: false })]);
    const alone = await Promise.all([own[0].classify(texts), own[1].classify(texts)]);
    await Promise.all(own.map((c) => c.dispose()));
    await sentiment.dispose();
    const after = await moderation.classify(texts[1]!);
    const disposed = await sentiment.classify('좋아요').then(() => 'answered', (e: { code?: string }) => e.code);
    await moderation.dispose();
    return { workers, together, alone, after, disposed };
  });
  expect(r.workers).toBe(1);
  expect(r.together).toEqual(r.alone);
  expect(r.together[1]![1]!.labels.map((l) => l.label)).toContain('politics');
  expect(r.after).toEqual(r.alone[1]![1]);
  expect(r.disposed).toBe('DISPOSED');
});

test('different ORT settings (threads) never share a worker', async ({ page }) => {
  const n = await page.evaluate(async () => {
    const { createClassifier } = window.koClassify;
    const a = await createClassifier({ model: 'ko-sentiment', backend: 'wasm', threads: 1, createWorker: window.startWorker });
    const b = await createClassifier({ model: 'ko-moderation', backend: 'wasm', threads: 2, createWorker: window.startWorker });
    const n = window.started.length;
    await Promise.all([a.dispose(), b.dispose()]);
    return n;
  });
  expect(n).toBe(2);
});

test('a crash fails the calls of every model on the worker; the next calls restart one worker for both', async ({ page }) => {
  const r = await page.evaluate(async () => {
    const { createClassifier } = window.koClassify;
    const opts = { backend: 'wasm' as const, createWorker: window.startWorker };
    const sentiment = await createClassifier({ model: 'ko-sentiment', ...opts });
    const moderation = await createClassifier({ model: 'ko-moderation', ...opts });
    const long = Array.from({ length: 400 }, (_, i) => `긴 문장 ${i} 정말 재밌었다`);
    const pending = [sentiment.classify(long), moderation.classify(long)].map((p) => p.then(() => 'answered', (e: { code?: string }) => e.code));
    window.started[0]!.terminate();
    const failed = await Promise.all(pending);
    const again = await Promise.all([sentiment.classify('정말 재밌고 감동적인 영화'), moderation.classify('좌빨 새끼들은 다 북한으로 꺼져라')]);
    const workers = window.started.length;
    await Promise.all([sentiment.dispose(), moderation.dispose()]);
    return { failed, again: again.map((x) => x.label), workers };
  });
  expect(r.failed).toEqual(['WORKER_CRASHED', 'WORKER_CRASHED']);
  expect(r.again[0]).toBe('positive');
  expect(r.again[1]).not.toBeNull();
  expect(r.workers).toBe(2);
});

test('a worker that cannot start fails the load of every model waiting to share it; none hangs', async ({ page }) => {
  const codes = await page.evaluate(async () => {
    const { createClassifier } = window.koClassify;
    const broken = () => new Worker('/no-such-worker.js', { type: 'module' });
    const load = (model: string) => createClassifier({ model, backend: 'wasm', createWorker: broken }).then(() => 'loaded', (e: { code?: string }) => e.code ?? 'untyped');
    const timeout = new Promise<string[]>((resolve) => setTimeout(() => resolve(['hung']), 20_000));
    return Promise.race([Promise.all([load('ko-sentiment'), load('ko-moderation')]), timeout]);
  });
  expect(codes).toEqual(['WORKER_CRASHED', 'WORKER_CRASHED']);
});
