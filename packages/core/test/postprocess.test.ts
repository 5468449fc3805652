import { describe, expect, it } from 'vitest';
import { postprocess, sigmoid, softmax } from '../src/engine/postprocess.js';

describe('postprocess', () => {
  it('softmax for single-label: probabilities sum to 1, best label first', () => {
    const r = postprocess([1, 3, 2], ['a', 'b', 'c'], 'single_label_classification');
    expect(r.label).toBe('b');
    expect(r.scores.a! + r.scores.b! + r.scores.c!).toBeCloseTo(1, 12);
    // exp(3)/(e^1+e^2+e^3), computed independently
    expect(r.score).toBeCloseTo(Math.exp(3) / (Math.exp(1) + Math.exp(2) + Math.exp(3)), 12);
  });
  it('softmax is stable for large logits', () => {
    expect(softmax([1000, 1000])).toEqual([0.5, 0.5]);
  });
  it('sigmoid per label for multi-label', () => {
    const r = postprocess([0, 2, -2], ['x', 'y', 'z'], 'multi_label_classification');
    expect(r.scores).toEqual({ x: 0.5, y: 1 / (1 + Math.exp(-2)), z: 1 / (1 + Math.exp(2)) });
    expect(r.label).toBe('y');
    expect(sigmoid(-800)).toBe(0);
    expect(sigmoid(800)).toBe(1);
  });
  it('raw value for regression', () => {
    expect(postprocess([3.25], ['rating'], 'regression')).toEqual({ label: 'rating', score: 3.25, scores: { rating: 3.25 } });
  });
});
