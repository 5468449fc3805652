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
    expect(postprocess([3.25], head(['rating'], 'regression'))).toEqual({ label: 'rating', score: 3.25, scores: { rating: 3.25 }, labels: [{ label: 'rating', score: 3.25 }], uncertain: false });
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

// Goldens from Python's math module: softmax([1, 3, 2] / 2); sigmoid(0 / 1), sigmoid(2 / 4), sigmoid(-2 / 0.5).
describe('calibration (config.json calibration: temperature scaling)', () => {
  const single = parseModelConfig({ id2label: { 0: 'a', 1: 'b', 2: 'c' }, calibration: { method: 'temperature', temperature: 2 } });
  const multi = parseModelConfig({ id2label: { 0: 'x', 1: 'y', 2: 'z' }, problem_type: 'multi_label_classification', calibration: { temperature: { y: 4, z: 0.5 } } });

  it('single-label: softmax of the logits divided by the temperature', () => {
    const r = postprocess([1, 3, 2], single);
    expect(r.scores.a).toBeCloseTo(0.1863237232258476, 12);
    expect(r.scores.b).toBeCloseTo(0.506480391055654, 12);
    expect(r.scores.c).toBeCloseTo(0.30719588571849843, 12);
    expect(r).toMatchObject({ label: 'b', uncertain: false });
  });

  it('multi-label: each label its own temperature (1 where unset)', () => {
    expect(multi.calibration).toEqual({ method: 'temperature', temperature: { x: 1, y: 4, z: 0.5 } });
    const r = postprocess([0, 2, -2], multi);
    expect(r.scores.x).toBeCloseTo(0.5, 12);
    expect(r.scores.y).toBeCloseTo(0.6224593312018546, 12);
    expect(r.scores.z).toBeCloseTo(0.01798620996209156, 12);
  });

  it('calibrated: false gives the plain softmax / sigmoid', () => {
    expect(postprocess([1, 3, 2], single, { calibrated: false }).scores).toEqual(postprocess([1, 3, 2], head(['a', 'b', 'c'], 'single_label_classification')).scores);
    expect(postprocess([0, 2, -2], multi, { calibrated: false }).scores.y).toBeCloseTo(sigmoid(2), 12);
  });

  it('bad calibrations are MODEL_INVALID naming the field and what it must be', () => {
    const bad = (calibration: unknown, problem_type = 'single_label_classification') => () => parseModelConfig({ id2label: { 0: 'a', 1: 'b' }, problem_type, calibration });
    expect(bad({ temperature: 0 })).toThrow(/calibration\.temperature must be a positive number/);
    expect(bad({ temperature: 'hot' })).toThrow(expect.objectContaining({ code: 'MODEL_INVALID' }));
    expect(bad({ method: 'platt', temperature: 1 })).toThrow(/calibration\.method must be "temperature"/);
    expect(bad({ temperature: { a: 2 } })).toThrow(/calibration\.temperature must be a positive number, got/);
    expect(bad({ temperature: { q: 2 } }, 'multi_label_classification')).toThrow(/calibration\.temperature\.q must be one of the labels/);
  });
});

describe('uncertain (config.json uncertainty)', () => {
  it('single-label: the best calibrated score under min_score', () => {
    const c = parseModelConfig({ id2label: { 0: 'negative', 1: 'positive' }, uncertainty: { min_score: 0.8 } });
    expect(c.uncertainty).toEqual({ minScore: 0.8 });
    expect(decide({ negative: 0.75, positive: 0.25 }, c).uncertain).toBe(true);
    expect(decide({ negative: 0.85, positive: 0.15 }, c).uncertain).toBe(false);
    expect(decide({ negative: 0.75, positive: 0.25 }, head(['negative', 'positive'], 'single_label_classification')).uncertain).toBe(false);
  });

  it("multi-label: some label within margin of its threshold (the call's threshold where given)", () => {
    const c = parseModelConfig({ id2label: { 0: 'politics', 1: 'gender' }, problem_type: 'multi_label_classification', label_thresholds: { politics: 0.3 }, uncertainty: { margin: 0.1 } });
    expect(decide({ politics: 0.35, gender: 0.9 }, c).uncertain).toBe(true);
    expect(decide({ politics: 0.05, gender: 0.9 }, c).uncertain).toBe(false);
    expect(decide({ politics: 0.05, gender: 0.9 }, c, { threshold: { gender: 0.85 } }).uncertain).toBe(true);
  });

  it('regression is never uncertain; bad bands are MODEL_INVALID', () => {
    expect(decide({ rating: 3 }, parseModelConfig({ id2label: { 0: 'rating' }, uncertainty: { min_score: 0.9 } })).uncertain).toBe(false);
    expect(() => parseModelConfig({ id2label: { 0: 'a', 1: 'b' }, uncertainty: { min_score: 2 } })).toThrow(/uncertainty\.min_score must be a number in \[0, 1\]/);
  });
});

describe('default_locale and explain_axis', () => {
  it('are read and checked', () => {
    const c = parseModelConfig({ id2label: { 0: 'none', 1: 'offensive', 2: 'hate' }, default_locale: 'ko', explain_axis: { toward: ['offensive', 'hate'], against: ['none'] } });
    expect(c).toMatchObject({ defaultLocale: 'ko', explainAxis: { toward: ['offensive', 'hate'], against: ['none'] } });
    expect(parseModelConfig({ id2label: { 0: 'a', 1: 'b' } })).toMatchObject({ defaultLocale: null, explainAxis: null, calibration: null, uncertainty: null });
    expect(() => parseModelConfig({ id2label: { 0: 'a', 1: 'b' }, default_locale: 7 })).toThrow(/default_locale/);
    expect(() => parseModelConfig({ id2label: { 0: 'a', 1: 'b' }, explain_axis: { toward: ['a'], against: ['c'] } })).toThrow(/explain_axis\.against must be a non-empty list of labels \(a, b\)/);
    expect(() => parseModelConfig({ id2label: { 0: 'a', 1: 'b' }, explain_axis: { toward: ['a'], against: ['a'] } })).toThrow(/disjoint/);
  });
});
