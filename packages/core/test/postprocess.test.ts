import { describe, expect, it } from 'vitest';
import { parseModelConfig } from '../src/engine/model-config.js';
import { decide, postprocess, sigmoid, softmax } from '../src/engine/postprocess.js';

const head = (labels: string[], problemType: 'single_label_classification' | 'multi_label_classification' | 'regression') => ({ labels, problemType });

describe('postprocess', () => {
  it('softmax for single-label: probabilities sum to 1, best label first; labels holds just the best', () => {
    const r = postprocess([1, 3, 2], head(['a', 'b', 'c'], 'single_label_classification'));
    expect(r.label).toBe('b');
    expect(r.scores.a! + r.scores.b! + r.scores.c!).toBeCloseTo(1, 12);
    // exp(3)/(e^1+e^2+e^3), computed independently
    expect(r.score).toBeCloseTo(Math.exp(3) / (Math.exp(1) + Math.exp(2) + Math.exp(3)), 12);
    expect(r.labels).toEqual([{ label: 'b', score: r.score }]);
  });
  it('softmax is stable for large logits', () => {
    expect(softmax([1000, 1000])).toEqual([0.5, 0.5]);
  });
  it('sigmoid per label for multi-label; labels are those at or over 0.5, best first', () => {
    const r = postprocess([0, 2, -2], head(['x', 'y', 'z'], 'multi_label_classification'));
    expect(r.scores).toEqual({ x: 0.5, y: 1 / (1 + Math.exp(-2)), z: 1 / (1 + Math.exp(2)) });
    expect(r.label).toBe('y');
    expect(r.labels.map((l) => l.label)).toEqual(['y', 'x']);
    expect(sigmoid(-800)).toBe(0);
    expect(sigmoid(800)).toBe(1);
  });
  it('raw value for regression', () => {
    expect(postprocess([3.25], head(['rating'], 'regression'))).toEqual({ label: 'rating', score: 3.25, scores: { rating: 3.25 }, labels: [{ label: 'rating', score: 3.25 }] });
  });
});

describe('multi-label thresholds and display names (config.json label_thresholds / label_display_names)', () => {
  const config = parseModelConfig({
    id2label: { 0: 'politics', 1: 'gender', 2: 'not_hate_speech' },
    problem_type: 'multi_label_classification',
    label_thresholds: { politics: 0.3, gender: 0.6 },
    label_display_names: { ko: { politics: '정치성향차별', gender: '성차별', not_hate_speech: '해당사항없음' } },
  });
  const scores = { politics: 0.35, gender: 0.55, not_hate_speech: 0.2 };

  it("uses the model's per-label thresholds (0.5 where unset)", () => {
    expect(config.thresholds).toEqual({ politics: 0.3, gender: 0.6, not_hate_speech: 0.5 });
    expect(decide(scores, config).labels.map((l) => l.label)).toEqual(['politics']);
  });

  it('a per-call threshold overrides all labels, or only the ones it names', () => {
    expect(decide(scores, config, { threshold: 0.1 }).labels.map((l) => l.label)).toEqual(['gender', 'politics', 'not_hate_speech']);
    expect(decide(scores, config, { threshold: { gender: 0.5 } }).labels.map((l) => l.label)).toEqual(['gender', 'politics']);
    expect(decide({ politics: 0.1, gender: 0.1, not_hate_speech: 0.1 }, config).labels).toEqual([]);
  });

  it('bad thresholds are INVALID_INPUT naming the problem', () => {
    expect(() => decide(scores, config, { threshold: 1.5 })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(() => decide(scores, config, { threshold: { religion: 0.2 } })).toThrow(/religion.*not one of the model's labels/);
    expect(() => parseModelConfig({ id2label: { 0: 'a', 1: 'b' }, label_thresholds: { a: 2 } })).toThrow(/label_thresholds.a/);
  });

  it('display names in the requested locale; label stays the id; unknown locale adds nothing', () => {
    const r = decide(scores, config, { locale: 'ko', threshold: 0.3 });
    expect(r).toMatchObject({ label: 'gender', displayName: '성차별' });
    expect(r.labels).toEqual([
      { label: 'gender', score: 0.55, displayName: '성차별' },
      { label: 'politics', score: 0.35, displayName: '정치성향차별' },
    ]);
    expect(decide(scores, config, { locale: 'en' })).not.toHaveProperty('displayName');
  });
});
