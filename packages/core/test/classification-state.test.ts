import { describe, expect, it } from 'vitest';
import { KoClassifyError } from '../src/errors.js';
import { classificationState } from '../src/page/classification-state.js';
import { pageClassifierStore, type ClassifierState } from '../src/page/classifier-store.js';
import type { LiveState } from '../src/page/live.js';
import type { Classification } from '../src/types.js';

// The one derivation the React hook and the custom elements show (core owns it).
const result = { label: 'positive', score: 0.9, scores: { positive: 0.9, negative: 0.1 }, labels: [{ label: 'positive', score: 0.9 }], uncertain: false } as Classification;
const model = (status: ClassifierState['status'], extra: Partial<ClassifierState> = {}): ClassifierState => ({ status, progress: status === 'loading' ? 0.5 : null, event: null, info: null, error: null, classifier: null, ...extra });
const live = (status: LiveState['status'], extra: Partial<LiveState> = {}): LiveState => ({ status, result: null, results: null, error: null, ...extra });

describe('classificationState', () => {
  it('a load error wins, then no text is idle, then a loading model is loading with its progress', () => {
    const err = new KoClassifyError('MODEL_NOT_FOUND', 'gone');
    expect(classificationState(model('error', { error: err }), live('ready', { result }), '좋아요')).toEqual({ status: 'error', progress: null, result: null, error: err });
    expect(classificationState(model('ready'), live('ready', { result }), '   ')).toMatchObject({ status: 'idle', result: null });
    expect(classificationState(model('ready'), live('ready', { result }), { text: '', textPair: 'x' })).toMatchObject({ status: 'idle' });
    expect(classificationState(model('loading'), live('pending'), '좋아요')).toEqual({ status: 'loading', progress: 0.5, result: null, error: null });
  });

  it("with the model ready it is the live helper's state; idle or waiting for its classifier count as pending, keeping the last result", () => {
    expect(classificationState(model('ready'), live('idle'), '좋아요')).toMatchObject({ status: 'pending', result: null });
    expect(classificationState(model('ready'), live('loading', { result }), '좋아요')).toMatchObject({ status: 'pending', result });
    expect(classificationState(model('ready'), live('ready', { result }), '좋아요')).toMatchObject({ status: 'ready', result });
    const err = new KoClassifyError('INVALID_INPUT', 'bad');
    expect(classificationState(model('ready'), live('error', { error: err }), '좋아요')).toMatchObject({ status: 'error', error: err });
  });
});

describe('pageClassifierStore', () => {
  it('one store per page for equal options (in any key order); a different model or worker factory is another store', () => {
    const a = pageClassifierStore({ model: 'ko-sentiment', modelsBaseUrl: 'https://x/models/' });
    expect(pageClassifierStore({ modelsBaseUrl: 'https://x/models/', model: 'ko-sentiment' })).toBe(a);
    expect(pageClassifierStore({ model: 'ko-hate-speech', modelsBaseUrl: 'https://x/models/' })).not.toBe(a);
    const f = () => ({}) as Worker;
    const b = pageClassifierStore({ model: 'ko-sentiment', modelsBaseUrl: 'https://x/models/', createWorker: f });
    expect(b).not.toBe(a);
    expect(pageClassifierStore({ model: 'ko-sentiment', modelsBaseUrl: 'https://x/models/', createWorker: f })).toBe(b);
    expect(pageClassifierStore({ model: 'ko-sentiment', modelsBaseUrl: 'https://x/models/', createWorker: () => ({}) as Worker })).not.toBe(b);
  });
});
