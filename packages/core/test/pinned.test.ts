import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ortNode from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { Engine, type OrtModule } from '../src/engine/engine.js';
import { createClassifier } from '../src/node/client.js';
import { createLiveClassification } from '../src/page/live.js';
import type { Classification, Classifier } from '../src/types.js';
import { FIXTURE, fixtureFiles } from './helpers.js';

// Behaviours a mutation spot-check found no test for: each test here fails when its feature breaks.
const ROOT = join(import.meta.dirname, '../../..');

describe('README: "int4 logits are within N of fp32 on the random test fixture\'s 1,000 sample sentences"', () => {
  // The README's number, pinned here too: loosening the README (or the test) alone fails.
  // Measured on model_q4.onnx: max |Δlogit| 2.49 (onnxruntime-node), 2.59 (onnxruntime-web).
  const PINNED = 3.0;
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const claimed = Number(/int4 logits are within ([\d.]+) of fp32 on the random\s+test fixture/.exec(readme)?.[1]);
  const sentences = readFileSync(join(import.meta.dirname, 'fixtures/nsmc-dev-sample.tsv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t')[1] ?? '');

  /** Each sentence's logits, one unpadded run per sentence. */
  async function logitsOf(ort: OrtModule, file: string): Promise<Float32Array[]> {
    const engine = await Engine.create(ort, fixtureFiles(FIXTURE, file));
    const rows: Float32Array[] = [];
    for (const e of engine.encode(sentences)) {
      const ids = BigInt64Array.from(e.ids, BigInt);
      rows.push(await engine.run(ids, new BigInt64Array(ids.length).fill(1n), BigInt64Array.from(e.typeIds, BigInt), 1, ids.length));
    }
    await engine.release();
    return rows;
  }

  it('the README states the pinned bound', () => {
    expect(sentences).toHaveLength(1000);
    expect(claimed).toBe(PINNED);
  });

  it.each([
    ['onnxruntime-node', ortNode],
    ['onnxruntime-web', ortWeb],
  ] as const)('%s: the fixture\'s model_q4.onnx stays within the bound of model.onnx, and the bound is not loose', { timeout: 120_000 }, async (_name, ort) => {
    const fp32 = await logitsOf(ort as unknown as OrtModule, 'onnx/model.onnx');
    const int4 = await logitsOf(ort as unknown as OrtModule, 'onnx/model_q4.onnx');
    let worst = 0;
    fp32.forEach((row, i) => row.forEach((v, j) => (worst = Math.max(worst, Math.abs(v - int4[i]![j]!)))));
    expect(worst).toBeLessThan(claimed);
    // A bound far above what int4 costs would not say anything (and 0 would mean fp32 was read twice).
    expect(worst).toBeGreaterThan(claimed / 2);
  });
});

describe("explain: true with longText: 'window'", () => {
  // ko-sentiment with 16-token windows: the first window is praise, the rest is complaint, so the
  // windowed answer (negative) differs from the first window's (positive).
  const MODEL = join(ROOT, 'public/models/ko-sentiment');
  const TEXT =
    '이 영화 정말 감동적이에요 배우들 연기도 훌륭했고 음악이 정말 아름다웠다 친구들에게 강력 추천합니다 ' +
    '그런데 후반부 스토리가 엉망이다 결말이 너무 뻔했다 극장에서 보낸 두 시간이 아까웠다 감독이 한심하다 최악이었다 지루했다';
  const OPTIONS = { longText: 'window', maxLength: 16 } as const;
  let clf: Classifier;
  beforeAll(async () => {
    clf = await createClassifier({ model: MODEL, dtype: 'fp32', runtime: 'node', threads: 1 });
  });
  afterAll(async () => clf?.dispose());

  it('the text really spans several windows, and windowing changes the answer', async () => {
    const windowed = await clf.classify(TEXT, OPTIONS);
    const truncated = await clf.classify(TEXT, { maxLength: 16 });
    expect(windowed.label).not.toBe(truncated.label);
  });

  it('the label and scores are those of the same call without explain (all windows, not the first)', async () => {
    const plain = await clf.classify(TEXT, OPTIONS);
    const explained = await clf.classify(TEXT, { ...OPTIONS, explain: true });
    expect(explained.label).toBe(plain.label);
    expect(explained.score).toBe(plain.score);
    expect(explained.scores).toEqual(plain.scores);
    expect(explained.labels).toEqual(plain.labels);
  });

  it('explained words are eojeol of the text, in order, with finite contributions; complete says whether all were explained', async () => {
    const r = await clf.classify(TEXT, { ...OPTIONS, explain: true });
    const explanation = r.explanation;
    const all = [...TEXT.matchAll(/\S+/g)].map((m) => ({ text: m[0], start: m.index, end: m.index + m[0].length }));
    const words = explanation!.words;
    expect(words.length).toBeGreaterThan(0);
    expect(words.map(({ text, start, end }) => ({ text, start, end }))).toEqual(all.slice(0, words.length));
    for (const w of words) expect(Number.isFinite(w.contribution), w.text).toBe(true);
    expect(explanation!.complete).toBe(words.length === all.length);
    expect(Object.keys(r.scores)).toContain(explanation!.label);
  });

  // Not asserted: words past the first window, and explanation.label equal to the result's label
  // (a documented limitation, README "Past the first window only that window is explained").
});

describe('live helper: cancel()', () => {
  /** A classifier whose answers the test releases by hand. */
  function manualClassifier() {
    const calls: { text: string; resolve: (r: Classification) => void }[] = [];
    const classifier = {
      classify: (text: string) => new Promise<Classification>((resolve) => calls.push({ text, resolve })),
      info: () => {
        throw new Error('unused');
      },
      dispose: async () => undefined,
    } as unknown as Classifier;
    const answer = (i: number, label: string) => calls[i]!.resolve({ label, score: 0.9, scores: { [label]: 0.9 }, labels: [{ label, score: 0.9 }], uncertain: false });
    return { classifier, calls, answer };
  }
  afterEach(() => vi.useRealTimers());

  it('an answer in flight when cancel() is called never reaches the state or the subscribers', async () => {
    vi.useFakeTimers();
    const { classifier, calls, answer } = manualClassifier();
    const live = createLiveClassification({ debounceMs: 10 });
    live.setClassifier(classifier);
    live.setText('첫 번째');
    await vi.advanceTimersByTimeAsync(10);
    answer(0, 'positive');
    await vi.advanceTimersByTimeAsync(0);
    expect(live.getState()).toMatchObject({ status: 'ready', result: { label: 'positive' } });

    live.setText('두 번째');
    await vi.advanceTimersByTimeAsync(10);
    expect(calls.map((c) => c.text)).toEqual(['첫 번째', '두 번째']);
    const before = live.getState();
    const notified: unknown[] = [];
    live.subscribe(() => notified.push(live.getState()));
    live.cancel();
    answer(1, 'negative');
    await vi.advanceTimersByTimeAsync(100);
    expect(notified).toEqual([]);
    expect(live.getState()).toBe(before);
    expect(live.getState().result).toMatchObject({ label: 'positive' });

    // setText() starts again, and its answer is shown.
    live.setText('세 번째');
    await vi.advanceTimersByTimeAsync(10);
    answer(2, 'neutral');
    await vi.advanceTimersByTimeAsync(0);
    expect(live.getState()).toMatchObject({ status: 'ready', result: { label: 'neutral' } });
  });

  it('cancel() while debouncing means the classifier is never asked', async () => {
    vi.useFakeTimers();
    const { classifier, calls } = manualClassifier();
    const live = createLiveClassification({ debounceMs: 50 });
    live.setClassifier(classifier);
    live.setText('취소될 문장');
    await vi.advanceTimersByTimeAsync(20);
    live.cancel();
    await vi.advanceTimersByTimeAsync(200);
    expect(calls).toEqual([]);
  });
});
