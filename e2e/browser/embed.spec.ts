import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { FIXTURE_URL, openHarness } from './helpers.js';

// Sentence embeddings and taught labels in Chromium: the real worker (WASM), ko-sentence from
// /models/. Embeddings against PyTorch (the lead's golden), similarity, teach() on 200 NSMC reviews
// (its time is an annotation, not an assertion), a head's JSON loaded back, a head of another space
// refused, cancellation, and an encoder sharing the page's worker with a classifier.
const golden = JSON.parse(readFileSync(join(import.meta.dirname, '../../packages/core/test/fixtures/ko-sentence-golden.json'), 'utf8')) as {
  space: string;
  texts: string[];
  embeddings: number[][];
};
const reviews = readFileSync(join(import.meta.dirname, '../../packages/core/test/fixtures/nsmc-dev-sample.tsv'), 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((l) => l.split('\t'))
  .map(([, text, label]) => ({ text: text!, label: label === '1' ? '긍정' : '부정' }))
  .filter((e) => e.text.trim().length > 0);
const examples = reviews.slice(0, 200);
const held = reviews.slice(200, 240).map((e) => e.text);

const maxAbs = (a: number[], b: number[]) => Math.max(...a.map((x, i) => Math.abs(x - b[i]!)));
const norm = (v: number[]) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
const cosine = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i]!, 0) / (norm(a) * norm(b));

declare global {
  interface Window {
    started: Worker[];
    startWorker: () => Worker;
  }
}

test.beforeEach(async ({ page }) => {
  await openHarness(page);
});

test('embed(): Float32Array rows from the worker, fp32 within 1e-4 of PyTorch, int8 cosine ≥ 0.98, unit length', async ({ page }) => {
  const r = await page.evaluate(async (texts) => {
    const { createEncoder } = window.koClassify;
    const out: Record<string, { rows: number[][]; typed: boolean; info: unknown }> = {};
    for (const dtype of ['fp32', 'int8'] as const) {
      const enc = await createEncoder({ backend: 'wasm', dtype, cache: false });
      const rows = await enc.embed(texts);
      const one = await enc.embed(texts[0]!);
      out[dtype] = { rows: rows.map((x) => Array.from(x)), typed: rows.every((x) => x instanceof Float32Array) && one instanceof Float32Array, info: enc.info() };
      await enc.dispose();
    }
    return out;
  }, golden.texts);
  expect(r.fp32!.typed && r.int8!.typed).toBe(true);
  expect(r.fp32!.info).toMatchObject({ model: 'ko-sentence', backend: 'wasm', dtype: 'fp32', labels: [], embedding: { dim: 256, space: golden.space } });
  const worst = Math.max(...r.fp32!.rows.map((row, i) => maxAbs(row, golden.embeddings[i]!)));
  expect(worst).toBeLessThan(1e-4);
  const cos = r.int8!.rows.map((row, i) => cosine(row, golden.embeddings[i]!));
  test.info().annotations.push({ type: 'embed', description: `fp32 max |Δ| ${worst.toExponential(2)}; int8 min cosine ${Math.min(...cos).toFixed(4)}` });
  expect(Math.min(...cos)).toBeGreaterThanOrEqual(0.98);
  for (const row of [...r.fp32!.rows, ...r.int8!.rows]) expect(Math.abs(norm(row) - 1)).toBeLessThan(1e-6);
});

test('int8 embeddings are bit-identical alone and inside batches of other lengths; similarity is their cosine', async ({ page }) => {
  const r = await page.evaluate(async (texts) => {
    const { createEncoder, similarity } = window.koClassify;
    const enc = await createEncoder({ backend: 'wasm', dtype: 'int8', cache: false });
    const whole = await enc.embed(texts, { batchSize: 64 });
    const differ: number[] = [];
    for (const [i, t] of texts.entries()) {
      const alone = await enc.embed(t);
      if (!alone.every((x, k) => Object.is(x, whole[i]![k]))) differ.push(i);
    }
    const self = similarity(whole[0]!, whole[0]!);
    const pair = similarity(whole[0]!, whole[1]!);
    const dot = whole[0]!.reduce((s, x, k) => s + x * whole[1]![k]!, 0);
    const code = (f: () => unknown) => {
      try {
        f();
        return 'returned';
      } catch (e) {
        return (e as { code?: string }).code;
      }
    };
    const mismatch = code(() => similarity(whole[0]!, new Float32Array(8)));
    const zero = code(() => similarity(new Float32Array(256), whole[0]!));
    const empty = await enc.embed(['좋아요', '  ']).then(() => 'embedded', (e: { code?: string; message?: string }) => `${e.code}: ${e.message}`);
    await enc.dispose();
    return { differ, self, pair, dot, mismatch, zero, empty };
  }, golden.texts);
  expect(r.differ).toEqual([]);
  expect(r.self).toBeCloseTo(1, 6);
  expect(r.pair).toBeCloseTo(r.dot, 6);
  expect([r.mismatch, r.zero]).toEqual(['INVALID_INPUT', 'INVALID_INPUT']);
  expect(r.empty).toMatch(/^INVALID_INPUT: text 1 is empty: an empty text has no embedding/);
});

test('teach() 200 examples, classify with the Classification contract, the head JSON loads back; another space is HEAD_MISMATCH', async ({ page }) => {
  const r = await page.evaluate(async ({ examples, held }) => {
    const { createEncoder } = window.koClassify;
    const enc = await createEncoder({ backend: 'wasm', cache: false });
    await enc.embed('준비'); // warm: the time below is teaching, not the first run's start
    const t0 = performance.now();
    const clf = await enc.teach(examples, { name: 'e2e-nsmc' });
    const teachMs = performance.now() - t0;
    // Of which embedding the 200 texts (the same call alone):
    const t1 = performance.now();
    await enc.embed(examples.map((e) => e.text));
    const embedMs = performance.now() - t1;
    const dtype = enc.info().dtype;
    const threads = enc.info().threads;
    const results = await clf.classify([...held, '   ']);
    const single = await clf.classify(held[0]!);
    const info = clf.info();
    const json = JSON.stringify(clf.head);
    const back = await enc.classifier(json);
    const again = await back.classify([...held, '   ']);
    const code = (p: Promise<unknown>) => p.then(() => 'resolved', (e: { code?: string; message?: string }) => `${e.code}: ${e.message}`);
    const explain = await code(clf.classify('좋아요', { explain: true }));
    const other = { ...clf.head, encoder: { ...clf.head.encoder, space: 'ko-sentence-00000000' } };
    const mismatch = await code(enc.classifier(other));
    const invalid = await code(enc.classifier('{"format":"nope"}'));
    const oneLabel = await code(enc.teach([{ text: '좋아요', label: 'a' }, { text: '싫어요', label: 'a' }]));
    await clf.dispose();
    const afterOwnDispose = await code(clf.classify('좋아요'));
    const backStill = (await back.classify('좋아요')).label !== null;
    await enc.dispose();
    const afterEncoderDispose = await code(back.classify('좋아요'));
    return { teachMs, embedMs, dtype, threads, results, single, info, again, head: JSON.parse(json), explain, mismatch, invalid, oneLabel, afterOwnDispose, backStill, afterEncoderDispose };
  }, { examples, held });
  test.info().annotations.push({ type: 'teach', description: `200 examples taught in ${r.teachMs.toFixed(0)} ms (WASM ${r.dtype}, ${r.threads} threads, performance.now around teach()): embedding them alone ${r.embedMs.toFixed(0)} ms, the head's fit (trained.ms) ${r.head.trained.ms} ms; cvAccuracy ${r.head.trained.cvAccuracy}` });
  expect(r.head).toMatchObject({ format: 'ko-classify-head', version: 1, name: 'e2e-nsmc', labels: ['긍정', '부정'], encoder: { model: 'ko-sentence', space: golden.space, dim: 256 }, trained: { examples: 200 } });
  expect(r.info).toMatchObject({ labels: ['긍정', '부정'], problemType: 'single_label_classification', head: { name: 'e2e-nsmc', labels: ['긍정', '부정'], space: golden.space } });
  for (const c of r.results.slice(0, -1)) {
    expect(['긍정', '부정']).toContain(c.label);
    expect(c.score).toBe(c.scores[c.label!]);
    expect(c.labels).toEqual([{ label: c.label, score: c.score }]);
    expect(typeof c.uncertain).toBe('boolean');
  }
  expect(r.results.at(-1)).toEqual({ label: null, score: 0, scores: {}, labels: [], uncertain: true, empty: true });
  expect(r.single).toEqual(r.results[0]); // WASM: the same text alone and in a batch, the same answer
  expect(r.again).toEqual(r.results);
  expect(r.explain).toMatch(/^INVALID_INPUT: explanations are not available for taught heads/);
  expect(r.mismatch).toMatch(new RegExp(`^HEAD_MISMATCH: .*ko-sentence-00000000.*${golden.space}.*teach it again on ko-sentence`));
  expect(r.invalid).toMatch(/^HEAD_INVALID: .*re-export it with teach\(\)/);
  expect(r.oneLabel).toMatch(/^INVALID_INPUT: .*second label/);
  expect(r.afterOwnDispose).toMatch(/^DISPOSED/);
  expect(r.backStill).toBe(true);
  expect(r.afterEncoderDispose).toMatch(/^DISPOSED/);
});

test('cancellation: embed and teach calls abort with ABORTED, the encoder keeps serving', async ({ page }) => {
  const r = await page.evaluate(async (examples) => {
    const { createEncoder } = window.koClassify;
    const enc = await createEncoder({ backend: 'wasm', cache: false });
    const code = (p: Promise<unknown>) => p.then(() => 'resolved', (e: { code?: string }) => e.code ?? 'untyped');
    const big = Array.from({ length: 3000 }, (_, i) => `취소될 긴 작업의 ${i}번째 문장입니다`);
    const pre = await code(enc.embed('x', { signal: AbortSignal.abort() }));
    const running = new AbortController();
    const opener = enc.embed(big.slice(0, 20));
    const runningCall = code(enc.embed(big, { signal: running.signal }));
    await opener;
    running.abort();
    const runningResult = await runningCall;
    const teachAborted = await code(enc.teach(examples, { signal: AbortSignal.abort() }));
    const after = (await enc.embed('다시 정상 동작')).length;
    await enc.dispose();
    return { pre, runningResult, teachAborted, after };
  }, examples);
  expect(r).toEqual({ pre: 'ABORTED', runningResult: 'ABORTED', teachAborted: 'ABORTED', after: 256 });
});

test('an encoder and a classifier share one worker; each refuses the other kind of call, naming the right function', async ({ page }) => {
  const r = await page.evaluate(async (fixture) => {
    const { createClassifier, createEncoder, teach } = window.koClassify;
    window.started = [];
    window.startWorker = () => {
      const w = window.koClassify.defaultWorker();
      window.started.push(w);
      return w;
    };
    const opts = { backend: 'wasm' as const, cache: false, createWorker: window.startWorker };
    const [enc, clf] = await Promise.all([createEncoder(opts), createClassifier({ model: fixture, ...opts })]);
    const workers = window.started.length;
    const both = [(await enc.embed('같은 워커')).length, (await clf.classify('같은 워커')).label];
    const code = (p: Promise<unknown>) => p.then(() => 'resolved', (e: { code?: string; message?: string }) => `${e.code}: ${e.message}`);
    const encoderAsClassifier = await createClassifier({ model: 'ko-sentence', ...opts }).then((c) => code(c.classify('좋아요')).finally(() => c.dispose()));
    const classifierAsEncoder = await code(createEncoder({ model: fixture, ...opts }));
    const taught = await teach({ ...opts, examples: [{ text: '최고예요', label: '좋음' }, { text: '별로예요', label: '나쁨' }, { text: '정말 좋아요', label: '좋음' }, { text: '너무 싫어요', label: '나쁨' }], name: 'e2e-saved', save: true });
    const stored = await window.koClassify.loadHead('e2e-saved');
    const taughtLabel = (await taught.classify('좋아요')).label;
    await taught.dispose();
    await window.koClassify.deleteHead('e2e-saved');
    await enc.dispose();
    await clf.dispose();
    return { workers, both, encoderAsClassifier, classifierAsEncoder, stored: stored?.labels ?? null, taughtLabel, workersAfter: window.started.length };
  }, FIXTURE_URL);
  expect(r.workers).toBe(1);
  expect(r.both[0]).toBe(256);
  expect(typeof r.both[1]).toBe('string');
  expect(r.encoderAsClassifier).toBe('INVALID_INPUT: ko-sentence is a sentence encoder: use createEncoder()/embed(), or teach() a head');
  expect(r.classifierAsEncoder).toMatch(/^INVALID_INPUT: .* is a classifier, not a sentence encoder: use createClassifier\(\)/);
  expect(r.stored).toEqual(['좋음', '나쁨']);
  expect(['좋음', '나쁨']).toContain(r.taughtLabel);
  expect(r.workersAfter).toBe(1);
});
