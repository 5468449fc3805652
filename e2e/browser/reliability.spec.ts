import { expect, test } from '@playwright/test';
import { FIXTURE_URL, openHarness } from './helpers.js';

// Bad input, cancellation, disposal and load against the real worker (fixture model: fast).
test.describe('reliability', () => {
  test.setTimeout(240_000);

  test('bad input battery: every case answers (result or INVALID_INPUT) and the worker survives', async ({ page }) => {
    await openHarness(page);
    const rows = await page.evaluate(async (url) => {
      const MB = '가나다 라마 바사 '.repeat(100_000);
      const cases: [string, () => unknown, 'ok' | 'INVALID_INPUT'][] = [
        ['empty string', () => '', 'ok'],
        ['one space', () => ' ', 'ok'],
        ['tabs and newlines', () => '\t\n\r\n', 'ok'],
        ['ideographic spaces', () => '\u3000\u3000 ', 'ok'],
        ['1 MB text (truncated)', () => MB, 'ok'],
        ['1 MB without spaces', () => 'ㅋ'.repeat(1_000_000), 'ok'],
        ['lone high surrogate', () => '\uD800', 'ok'],
        ['lone low surrogate', () => 'a\uDC00b', 'ok'],
        ['reversed surrogate pair', () => '\uDC00\uD800', 'ok'],
        ['NUL', () => '\u0000', 'ok'],
        ['NULs inside text', () => '좋\u0000아\u0000요', 'ok'],
        ['C0 control characters', () => '\u0001\u0007\u001b[31m빨강', 'ok'],
        ['DEL and C1', () => '\u007f\u0085\u009f', 'ok'],
        ['BOM', () => '\uFEFF좋은 영화', 'ok'],
        ['zero-width characters', () => '좋\u200B은\u200C영\u200D화', 'ok'],
        ['emoji', () => '😀😂🤣 최고', 'ok'],
        ['ZWJ family emoji', () => '👨‍👩‍👧‍👦👩🏽‍💻', 'ok'],
        ['flag and keycap', () => '🇰🇷 1️⃣', 'ok'],
        ['Hangul jamo (conjoining)', () => 'ᄀᄁᄂ ᅡᅢ ᆨᆩ', 'ok'],
        ['compatibility jamo', () => 'ㄱㄴㄷ ㅏㅑㅓ ㅋㅋㅋ', 'ok'],
        ['NFD Hangul', () => '정말 재밌는 영화'.normalize('NFD'), 'ok'],
        ['halfwidth and fullwidth forms', () => 'ﾝｺﾞ ＡＢＣ１２３', 'ok'],
        ['Hanja', () => '漢字 映畵 感動', 'ok'],
        ['mixed Hanja/Latin/digits', () => '2024年 Apple 주가 +3.5% 上昇', 'ok'],
        ['URL', () => 'https://example.com/리뷰?id=1&x=%EA%B0%80', 'ok'],
        ['HTML', () => '<script>alert(1)</script>별로', 'ok'],
        ['right-to-left', () => 'مرحبا بالعالم', 'ok'],
        ['Devanagari and Thai', () => 'नमस्ते สวัสดี', 'ok'],
        ['math symbols', () => '∑∫√∞ ≠ ≤', 'ok'],
        ['punctuation flood', () => '!?'.repeat(50_000), 'ok'],
        ['special-token text', () => '[CLS] [SEP] [MASK] [PAD] [UNK]', 'ok'],
        ['pair', () => ({ text: '재밌나요?', textPair: '네' }), 'ok'],
        ['pair of empty strings', () => ({ text: '', textPair: '' }), 'ok'],
        ['pair of 1 MB texts', () => ({ text: MB, textPair: MB }), 'ok'],
        ['pair with bad surrogate', () => ({ text: '\uD800', textPair: '\uDFFF' }), 'ok'],
        ['String object', () => new String('좋아요'), 'INVALID_INPUT'],
        ['null', () => null, 'INVALID_INPUT'],
        ['undefined', () => undefined, 'INVALID_INPUT'],
        ['number', () => 42, 'INVALID_INPUT'],
        ['NaN', () => NaN, 'INVALID_INPUT'],
        ['boolean', () => true, 'INVALID_INPUT'],
        ['bigint', () => 10n, 'INVALID_INPUT'],
        ['symbol', () => Symbol('x'), 'INVALID_INPUT'],
        ['function', () => () => '좋아요', 'INVALID_INPUT'],
        ['empty object', () => ({}), 'INVALID_INPUT'],
        ['object with numeric text', () => ({ text: 5 }), 'INVALID_INPUT'],
        ['object with null text', () => ({ text: null }), 'INVALID_INPUT'],
        ['pair with numeric textPair', () => ({ text: 'a', textPair: 5 }), 'INVALID_INPUT'],
        ['textPair without text', () => ({ textPair: 'x' }), 'INVALID_INPUT'],
        ['Date', () => new Date(), 'INVALID_INPUT'],
        ['nested array', () => ['중첩'], 'INVALID_INPUT'],
      ];
      const clf = await window.koClassify.createClassifier({ model: url, backend: 'wasm', cache: false });
      const out: { name: string; expected: string; got: string; detail: string }[] = [];
      for (const [name, make, expected] of cases) {
        try {
          const r = await clf.classify([make() as string]);
          // A text of only whitespace gets core's documented empty result: no class.
          const ok = r.length === 1 && Number.isFinite(r[0]!.score) && (typeof r[0]!.label === 'string' || (r[0]!.empty === true && r[0]!.label === null));
          out.push({ name, expected, got: ok ? 'ok' : 'malformed', detail: '' });
        } catch (e) {
          const err = e as { code?: string; message?: string };
          out.push({ name, expected, got: err.code ?? 'untyped', detail: err.message ?? '' });
        }
      }
      const after = await clf.classify('워커가 아직 살아 있나요?');
      await clf.dispose();
      return { out, aliveLabel: after.label };
    }, FIXTURE_URL);
    expect(rows.out.length).toBeGreaterThanOrEqual(40);
    for (const r of rows.out) {
      expect(r.got, `${r.name}: ${r.detail}`).toBe(r.expected);
      if (r.expected === 'INVALID_INPUT') expect(r.detail, r.name).toMatch(/input 0 is .+: pass a string/);
    }
    expect(rows.aliveLabel).toBeTruthy();
  });

  test("1 MB text with longText: 'window' averages windows over the whole text", async ({ page }) => {
    await openHarness(page);
    const r = await page.evaluate(async (url) => {
      const clf = await window.koClassify.createClassifier({ model: url, backend: 'wasm', dtype: 'fp32', cache: false });
      const text = '정말 재미있는 영화였다 '.repeat(25_000) + '최악이다 '.repeat(100_000);
      const t0 = performance.now();
      const windowed = await clf.classify(text, { longText: 'window' });
      const ms = performance.now() - t0;
      const truncated = await clf.classify(text);
      const start = await clf.classify(text.slice(0, 2000));
      await clf.dispose();
      return { bytes: new TextEncoder().encode(text).length, windowed, truncated, start, ms };
    }, FIXTURE_URL);
    expect(r.bytes).toBeGreaterThan(1_000_000);
    expect(Object.values(r.windowed.scores).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    // Truncation sees only the start; windows see the whole text, so they differ.
    expect(r.truncated.scores).toEqual(r.start.scores);
    expect(r.windowed.scores).not.toEqual(r.truncated.scores);
    console.log(`1 MB text in window mode: ${Math.round(r.ms)} ms`);
  });

  // fp32 here: int8's dynamic quantization scales activations per batch, so int8 scores depend
  // (slightly) on which sentences share a batch.
  test('a huge array classifies in one call, in order; NFD and NFC agree inside it', async ({ page }) => {
    await openHarness(page);
    const r = await page.evaluate(async (url) => {
      const clf = await window.koClassify.createClassifier({ model: url, backend: 'wasm', dtype: 'fp32', cache: false });
      // Pairs (2k, 2k+1): the same review in NFD and in NFC.
      const texts = Array.from({ length: 20_000 }, (_, i) => {
        const k = Math.floor(i / 2);
        const t = `리뷰 ${k} ${'재밌다 '.repeat(k % 5)}`;
        return i % 2 ? t : t.normalize('NFD');
      });
      const results = await clf.classify(texts);
      let pairDiff = 0;
      for (let k = 0; k < results.length; k += 2) {
        for (const [label, p] of Object.entries(results[k]!.scores)) pairDiff = Math.max(pairDiff, Math.abs(p - results[k + 1]!.scores[label]!));
      }
      let orderDiff = 0;
      for (const i of [0, 1, 777, 12_345, 19_999]) {
        const single = await clf.classify(texts[i]!);
        for (const [label, p] of Object.entries(single.scores)) orderDiff = Math.max(orderDiff, Math.abs(p - results[i]!.scores[label]!));
      }
      await clf.dispose();
      return { n: results.length, pairDiff, orderDiff };
    }, FIXTURE_URL);
    expect(r.n).toBe(20_000);
    expect(r.pairDiff).toBeLessThan(1e-5);
    expect(r.orderDiff).toBeLessThan(1e-5);
  });

  test('AbortSignal cancels queued and running calls with ABORTED; the worker keeps serving', async ({ page }) => {
    await openHarness(page);
    const r = await page.evaluate(async (url) => {
      const clf = await window.koClassify.createClassifier({ model: url, backend: 'wasm', cache: false });
      const code = (p: Promise<unknown>) => p.then(() => 'resolved', (e: { code?: string }) => e.code ?? 'untyped');
      const big = Array.from({ length: 30_000 }, (_, i) => `긴 작업 ${i}번째 문장입니다`);
      const preAborted = await code(clf.classify('x', { signal: AbortSignal.abort() }));
      // Running: the worker starts a call as soon as the one before it ends, so once a short call
      // resolves on the page, the long call queued behind it is running: abort it then.
      const running = new AbortController();
      const opener = clf.classify(big.slice(0, 200));
      const runningCall = code(clf.classify(big, { signal: running.signal }));
      await opener;
      running.abort();
      const runningResult = await runningCall;
      // Queued: a call waiting behind a batch is cancelled; the batch itself completes.
      const queued = new AbortController();
      const first = clf.classify(big.slice(0, 3000));
      const second = code(clf.classify('대기 중', { signal: queued.signal }));
      queued.abort();
      const firstN = (await first).length;
      const after = await clf.classify('다시 정상 동작');
      await clf.dispose();
      return { preAborted, runningResult, queued: await second, firstN, after: after.label };
    }, FIXTURE_URL);
    expect(r.preAborted).toBe('ABORTED');
    expect(r.runningResult).toBe('ABORTED');
    expect(r.queued).toBe('ABORTED');
    expect(r.firstN).toBe(3000);
    expect(r.after).toBeTruthy();
  });

  test('dispose() during a batch rejects pending calls with DISPOSED', async ({ page }) => {
    await openHarness(page);
    const codes = await page.evaluate(async (url) => {
      const clf = await window.koClassify.createClassifier({ model: url, backend: 'wasm', cache: false });
      const big = Array.from({ length: 20_000 }, (_, i) => `문장 ${i}`);
      const calls = [clf.classify(big), clf.classify('두 번째'), clf.classify(['세 번째'])].map((p) => p.then(() => 'resolved', (e: { code?: string }) => e.code ?? 'untyped'));
      await clf.dispose();
      return Promise.all(calls);
    }, FIXTURE_URL);
    expect(codes).toEqual(['DISPOSED', 'DISPOSED', 'DISPOSED']);
  });

  test('5,000 concurrent calls each resolve with the result for their own input', async ({ page }) => {
    await openHarness(page);
    const r = await page.evaluate(async (url) => {
      const clf = await window.koClassify.createClassifier({ model: url, backend: 'wasm', cache: false });
      const texts = Array.from({ length: 5000 }, (_, i) => `${i % 7 ? '좋은' : '나쁜'} 영화 ${i} ${'ㅋ'.repeat(i % 13)}`);
      const concurrent = await Promise.all(texts.map((t) => clf.classify(t)));
      const sequential: (typeof concurrent)[number][] = [];
      for (const t of texts) sequential.push(await clf.classify(t));
      let mismatches = 0;
      concurrent.forEach((c, i) => {
        const s = sequential[i]!;
        if (c.label !== s.label || Object.keys(c.scores).some((k) => c.scores[k] !== s.scores[k])) mismatches++;
      });
      await clf.dispose();
      return { n: concurrent.length, mismatches, distinct: new Set(concurrent.map((c) => c.score.toFixed(6))).size };
    }, FIXTURE_URL);
    expect(r.n).toBe(5000);
    expect(r.mismatches).toBe(0);
    expect(r.distinct).toBeGreaterThan(50);
  });

  test('a worker terminated mid-batch fails pending calls with WORKER_CRASHED; the next call starts a new one', async ({ page }) => {
    await openHarness(page);
    const r = await page.evaluate(async (url) => {
      const { createClassifier, defaultWorker } = window.koClassify;
      const workers: Worker[] = [];
      const clf = await createClassifier({ model: url, backend: 'wasm', revision: 'crash', createWorker: () => workers[workers.push(defaultWorker()) - 1]! });
      const code = (p: Promise<unknown>) => p.then(() => 'resolved', (e: { code?: string }) => e.code ?? 'untyped');
      const big = Array.from({ length: 20_000 }, (_, i) => `중단될 작업 ${i}`);
      const pending = [code(clf.classify(big)), code(clf.classify('대기 중'))];
      workers[0]!.terminate();
      const codes = await Promise.all(pending);
      const after = await clf.classify('새 워커로 계속');
      const info = clf.info();
      await clf.dispose();
      return { codes, after: after.label, workers: workers.length, source: info.source };
    }, FIXTURE_URL);
    expect(r.codes).toEqual(['WORKER_CRASHED', 'WORKER_CRASHED']);
    expect(r.after).toBeTruthy();
    expect(r.workers).toBe(2);
  });

  test('model URLs outside allowedOrigins are refused', async ({ page }) => {
    await openHarness(page);
    const code = await page.evaluate(async (url) => {
      try {
        await window.koClassify.createClassifier({ model: url, allowedOrigins: ['https://models.example.com'], cache: false });
        return 'resolved';
      } catch (e) {
        return (e as { code?: string }).code;
      }
    }, FIXTURE_URL);
    expect(code).toBe('ORIGIN_NOT_ALLOWED');
  });

  test('20,000 sequential calls: page + worker memory grows < 10% after warm-up', async ({ page }) => {
    test.setTimeout(300_000);
    await openHarness(page);
    const r = await page.evaluate(async (url) => {
      // Page and worker memory (JS heaps incl. the worker's WASM buffers), measured by the browser.
      const measure = async () => {
        const m = await (performance as unknown as { measureUserAgentSpecificMemory(): Promise<{ bytes: number; breakdown: { bytes: number; attribution: { scope: string }[] }[] }> }).measureUserAgentSpecificMemory();
        const worker = m.breakdown.filter((b) => b.attribution.some((a) => a.scope === 'DedicatedWorkerGlobalScope')).reduce((a, b) => a + b.bytes, 0);
        return { total: m.bytes, worker };
      };
      const clf = await window.koClassify.createClassifier({ model: url, backend: 'wasm', cache: false });
      const text = (i: number) => `메모리 확인 ${i} ${'좋아요 '.repeat(i % 9)}`;
      for (let i = 0; i < 2000; i++) await clf.classify(text(i));
      const before = await measure();
      const t0 = performance.now();
      for (let i = 0; i < 20_000; i++) await clf.classify(text(i));
      const seconds = (performance.now() - t0) / 1000;
      const after = await measure();
      await clf.dispose();
      return { before, after, seconds };
    }, FIXTURE_URL);
    const growth = (r.after.total - r.before.total) / r.before.total;
    console.log(`memory: ${(r.before.total / 1e6).toFixed(2)} MB → ${(r.after.total / 1e6).toFixed(2)} MB after 20,000 calls (${(growth * 100).toFixed(1)}%; worker ${(r.before.worker / 1e6).toFixed(2)} → ${(r.after.worker / 1e6).toFixed(2)} MB), ${(20_000 / r.seconds).toFixed(0)} calls/s`);
    expect(r.before.worker).toBeGreaterThan(0);
    expect(growth).toBeLessThan(0.1);
  });
});
