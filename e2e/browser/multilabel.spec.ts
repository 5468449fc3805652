import { expect, test } from '@playwright/test';
import { openHarness } from './helpers.js';

// The multi-label path through the real worker, on the shipped ko-moderation model.
test('multi-label results: labels over the shipped thresholds, per-call overrides, Korean display names', async ({ page }) => {
  await openHarness(page);
  const r = await page.evaluate(async () => {
    const clf = await window.koClassify.createClassifier({ model: 'ko-moderation', backend: 'wasm' });
    const info = clf.info();
    const text = '좌빨 새끼들은 다 북한으로 꺼져라';
    const plain = await clf.classify(text);
    const ko = await clf.classify(text, { locale: 'ko' });
    const everything = await clf.classify(text, { threshold: 0 });
    const nothing = await clf.classify(text, { threshold: 1 });
    const bad = await clf.classify(text, { threshold: { religion: 2 } }).then(() => null, (e: { code?: string }) => e.code);
    await clf.dispose();
    return { info, plain, ko, everything, nothing, bad };
  });
  expect(r.info.problemType).toBe('multi_label_classification');
  expect(r.info.labels).toHaveLength(9);
  expect(r.info.displayNames.ko!.politics).toBe('정치성향차별');
  const thresholds = r.info.thresholds;
  // Exactly the labels whose score reaches the model's threshold, best first.
  const expected = Object.entries(r.plain.scores).filter(([l, p]) => p >= thresholds[l]!).sort((a, b) => b[1] - a[1]).map(([l]) => l);
  expect(r.plain.labels.map((l) => l.label)).toEqual(expected);
  expect(expected).toContain('politics');
  expect(r.plain).not.toHaveProperty('displayName');
  expect(r.ko.labels.find((l) => l.label === 'politics')?.displayName).toBe('정치성향차별');
  expect(r.everything.labels).toHaveLength(9);
  expect(r.nothing.labels).toEqual([]);
  expect(r.bad).toBe('INVALID_INPUT');
});
