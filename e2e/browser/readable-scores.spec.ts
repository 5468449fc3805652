import { expect, test } from '@playwright/test';
import { openHarness } from './helpers.js';

// Readable scores through the real worker (WASM), on the shipped models: the calibration in
// config.json applied, `uncertain` from the model's band, empty text without a class, and
// explanations in log-odds — the same contract the Node client's tests check.
test('calibrated scores, the uncertain band and empty text, in the worker', async ({ page }) => {
  await openHarness(page);
  const r = await page.evaluate(async () => {
    const clf = await window.koClassify.createClassifier({ model: 'ko-sentiment', backend: 'wasm' });
    const texts = ['정말 재밌고 감동적인 영화', '그냥 그랬다', '돈 아깝고 지루한 영화', '그럭저럭 볼만했는데 결말이 아쉽다'];
    const calibrated = await clf.classify(texts);
    const plain = await clf.classify(texts, { calibrated: false });
    const empty = await clf.classify(['', '   ', '좋아요', '\n\t']);
    const single = await clf.classify(' ');
    const info = clf.info();
    await clf.dispose();
    return { calibrated, plain, empty, single, info };
  });
  const logit = (p: number) => Math.log(p) - Math.log1p(-p);
  const t = r.info.calibration?.temperature ?? 1;
  expect(typeof t).toBe('number');
  r.calibrated.forEach((c, i) => {
    const p = r.plain[i]!;
    expect(c.label).toBe(p.label);
    // Two labels: the calibrated log-odds are the plain ones divided by the temperature.
    expect(logit(c.scores.positive!)).toBeCloseTo(logit(p.scores.positive!) / (t as number), 3);
    const band = r.info.uncertainty?.minScore;
    expect(c.uncertain).toBe(band !== undefined && c.score < band);
  });
  expect(r.empty.map((x) => x.label)).toEqual([null, null, 'positive', null]);
  expect(r.empty[0]).toEqual({ label: null, score: 0, scores: {}, labels: [], uncertain: true, empty: true });
  expect(r.single).toEqual(r.empty[0]);
});

test('explanations in log-odds toward the model axis, in the worker', async ({ page }) => {
  await openHarness(page);
  const e = await page.evaluate(async () => {
    const clf = await window.koClassify.createClassifier({ model: 'ko-sentiment', backend: 'wasm' });
    const r = await clf.classify('최고의 배우 최악의 각본', { explain: true, calibrated: false });
    await clf.dispose();
    return { label: r.label, score: r.score, explanation: r.explanation! };
  });
  expect(e.explanation.scale).toBe('log-odds');
  expect(e.label).toBe('negative');
  expect(e.score).toBeGreaterThan(0.99);
  const toPositive = (c: number) => (e.explanation.toward.includes('positive') ? c : -c);
  const by = Object.fromEntries(e.explanation.words.map((w) => [w.text, toPositive(w.contribution)]));
  // The deciding word moves the odds by far more than the probability (saturated at 0.99+) could.
  expect(by['최악의']).toBeLessThan(-2);
  expect(by['최고의']).toBeGreaterThan(0);
});
