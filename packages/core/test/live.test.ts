import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { KoClassifyError } from '../src/errors.js';
import { createLiveClassification } from '../src/page/live.js';
import type { Classification, Classifier } from '../src/types.js';

/** A classifier whose answers the test releases by hand, in any order. */
function manualClassifier() {
  const calls: { text: string; resolve: (r: Classification) => void; reject: (e: unknown) => void }[] = [];
  const classifier = {
    classify: (text: string) => new Promise<Classification>((resolve, reject) => calls.push({ text, resolve, reject })),
    info: () => { throw new Error('unused'); },
    dispose: async () => undefined,
  } as unknown as Classifier;
  const answer = (i: number, label = 'positive') => calls[i]!.resolve({ label, score: 0.9, scores: { [label]: 0.9 }, labels: [{ label, score: 0.9 }], uncertain: false });
  return { classifier, calls, answer };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('createLiveClassification', () => {
  it('debounces: typing fast classifies only the last text, after debounceMs of quiet', async () => {
    const { classifier, calls } = manualClassifier();
    const live = createLiveClassification({ debounceMs: 200 });
    live.setClassifier(classifier);
    for (const t of ['정', '정말', '정말 좋', '정말 좋아요']) {
      live.setText(t);
      await vi.advanceTimersByTimeAsync(100);
    }
    expect(calls).toEqual([]);
    expect(live.getState().status).toBe('pending');
    await vi.advanceTimersByTimeAsync(100);
    expect(calls.map((c) => c.text)).toEqual(['정말 좋아요']);
  });

  it('the latest answer wins: a slow answer for an older text never replaces a newer one', async () => {
    const { classifier, calls, answer } = manualClassifier();
    const live = createLiveClassification({ debounceMs: 10 });
    live.setClassifier(classifier);
    live.setText('첫 번째');
    await vi.advanceTimersByTimeAsync(10);
    live.setText('두 번째');
    await vi.advanceTimersByTimeAsync(10);
    answer(1, 'negative');
    await vi.advanceTimersByTimeAsync(0);
    answer(0, 'positive');
    await vi.advanceTimersByTimeAsync(0);
    expect(live.getState()).toMatchObject({ status: 'ready', result: { label: 'negative' } });
  });

  it('empty or whitespace-only text is idle with no result, without asking the classifier', async () => {
    const { classifier, calls, answer } = manualClassifier();
    const live = createLiveClassification({ debounceMs: 10 });
    live.setClassifier(classifier);
    live.setText('좋아요');
    await vi.advanceTimersByTimeAsync(10);
    answer(0);
    await vi.advanceTimersByTimeAsync(0);
    expect(live.getState().result).not.toBeNull();
    live.setText('  \n ');
    expect(live.getState()).toEqual({ status: 'idle', result: null, results: null, error: null });
    await vi.advanceTimersByTimeAsync(50);
    expect(calls).toHaveLength(1);
  });

  it('text typed before the model loaded is loading, then classified at once when it arrives', async () => {
    const { classifier, calls } = manualClassifier();
    const live = createLiveClassification({ debounceMs: 500 });
    live.setText('모델보다 먼저');
    expect(live.getState().status).toBe('loading');
    live.setClassifier(classifier);
    await vi.advanceTimersByTimeAsync(0);
    expect(calls.map((c) => c.text)).toEqual(['모델보다 먼저']);
  });

  it('a failed classification is the error state with a typed error; the next text recovers', async () => {
    const { classifier, calls, answer } = manualClassifier();
    const live = createLiveClassification({ debounceMs: 0 });
    live.setClassifier(classifier);
    live.setText('실패');
    await vi.advanceTimersByTimeAsync(0);
    calls[0]!.reject(new KoClassifyError('INVALID_INPUT', 'nope'));
    await vi.advanceTimersByTimeAsync(0);
    expect(live.getState()).toMatchObject({ status: 'error', error: { code: 'INVALID_INPUT' } });
    live.setText('회복');
    await vi.advanceTimersByTimeAsync(0);
    answer(1);
    await vi.advanceTimersByTimeAsync(0);
    expect(live.getState().status).toBe('ready');
  });

  it('follows a list: one call for the non-empty entries, results in order; all blank is idle', async () => {
    const calls: unknown[] = [];
    const classifier = {
      classify: async (input: string[]) => {
        calls.push(input);
        return input.map((t) => ({ label: t.length > 3 ? 'long' : 'short', score: 1, scores: {}, labels: [] }));
      },
    } as unknown as Classifier;
    const live = createLiveClassification({ debounceMs: 10 });
    live.setClassifier(classifier);
    live.setText(['긴 댓글입니다', '', '짧음', '   ']);
    await vi.advanceTimersByTimeAsync(10);
    expect(calls).toEqual([['긴 댓글입니다', '짧음']]);
    expect(live.getState()).toMatchObject({ status: 'ready', result: null, results: [{ label: 'long' }, { label: 'short' }] });
    live.setText(['', ' ']);
    expect(live.getState().status).toBe('idle');
  });
});
