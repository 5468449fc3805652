import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { eceNoiseFloor, eceOf, expectedCalibrationError, multiLabelReliability, reliability } from '../src/calibration/ece.js';
import { labelSetKey, marginOf, splitHalves, tuneThresholds, youdenEdge } from '../src/calibration/fit.js';
import { fitSigmoidTemperature, fitSoftmaxTemperature, sigmoidNll, softmaxNll } from '../src/calibration/temperature.js';

// Golden values from training/calibration_golden.py: scipy's bounded minimiser on the NLL in T (the
// CLI bisects the derivative in 1/T), numpy binning for ECE, ko_train's tune_thresholds.
const G = JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures/calibration-golden.json'), 'utf8')) as {
  single: { logits: number[][]; gold: number[]; temperature: number; nll_at_t: number; ece_before: number; ece_after: number };
  multi: { logits: number[][]; gold: number[][]; temperatures: number[]; ece_before: number; ece_after: number; ece_label1_before: number; thresholds_after: number[] };
};
const softmax = (z: readonly number[], t = 1) => {
  const m = Math.max(...z.map((v) => v / t));
  const e = z.map((v) => Math.exp(v / t - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
};
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

describe('temperature scaling', () => {
  it('single-label: the NLL temperature and the ECE before/after match scipy/numpy', () => {
    const t = fitSoftmaxTemperature(G.single.logits, G.single.gold);
    expect(t).toBeCloseTo(G.single.temperature, 6);
    expect(softmaxNll(G.single.logits, G.single.gold, t)).toBeCloseTo(G.single.nll_at_t, 9);
    const gold = G.single.gold.map((g) => [g]);
    expect(expectedCalibrationError(G.single.logits.map((z) => softmax(z)), gold, false)).toBeCloseTo(G.single.ece_before, 10);
    expect(expectedCalibrationError(G.single.logits.map((z) => softmax(z, t)), gold, false)).toBeCloseTo(G.single.ece_after, 6);
  });

  it('multi-label: one temperature per label, pooled and per-label ECE match scipy/numpy', () => {
    const k = G.multi.temperatures.length;
    for (let c = 0; c < k; c++) {
      const z = G.multi.logits.map((r) => r[c]!);
      const y = G.multi.gold.map((g) => (g.includes(c) ? 1 : 0));
      const t = fitSigmoidTemperature(z, y);
      expect(t).toBeCloseTo(G.multi.temperatures[c]!, 6);
      // a minimum: nudging T either way costs likelihood
      expect(sigmoidNll(z, y, t * 1.01)).toBeGreaterThan(sigmoidNll(z, y, t));
      expect(sigmoidNll(z, y, t / 1.01)).toBeGreaterThan(sigmoidNll(z, y, t));
    }
    const plain = G.multi.logits.map((r) => r.map(sigmoid));
    const scaled = G.multi.logits.map((r) => r.map((v, c) => sigmoid(v / G.multi.temperatures[c]!)));
    expect(expectedCalibrationError(plain, G.multi.gold, true)).toBeCloseTo(G.multi.ece_before, 10);
    expect(expectedCalibrationError(scaled, G.multi.gold, true)).toBeCloseTo(G.multi.ece_after, 8);
    expect(eceOf(multiLabelReliability(plain, G.multi.gold, 1))).toBeCloseTo(G.multi.ece_label1_before, 10);
    expect(tuneThresholds(scaled, G.multi.gold, k)).toEqual(G.multi.thresholds_after);
  });

  it('ECE bins are ((m-1)/15, m/15]: analytic cases', () => {
    // all right at confidence 0.9: gap 0.1; a score of exactly 1/15 falls in the first bin
    expect(eceOf(reliability([0.9, 0.9, 0.9, 0.9], [1, 1, 1, 1]))).toBeCloseTo(0.1, 12);
    const bins = reliability([1 / 15, 0, 1], [1, 0, 1]);
    expect(bins[0]!.count).toBe(2);
    expect(bins[14]!.count).toBe(1);
    expect(eceOf(reliability([0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7], [1, 1, 1, 1, 1, 1, 1, 0, 0, 0]))).toBeCloseTo(0, 12);
  });
});

describe('ECE noise floor', () => {
  it('shrinks like 1/sqrt(n): outcomes drawn from the scores themselves', () => {
    // Analytic: every score 0.5 in one bin, k ~ Binomial(n, 0.5): E|k/n − 0.5| ≈ sqrt(2/π) · 0.5/sqrt(n).
    for (const n of [100, 2500]) {
      const floor = eceNoiseFloor(new Array(n).fill(0.5), 400, 1);
      expect(floor).toBeGreaterThan(0.8 * Math.sqrt(2 / Math.PI) * 0.5 / Math.sqrt(n));
      expect(floor).toBeLessThan(1.2 * Math.sqrt(2 / Math.PI) * 0.5 / Math.sqrt(n));
    }
    // scores of 0 or 1 leave nothing to chance
    expect(eceNoiseFloor([0, 1, 1, 0], 10)).toBe(0);
  });
});

describe('fit helpers', () => {
  it('halves are stratified by label set, disjoint, cover every row, and depend on the seed', () => {
    const keys = Array.from({ length: 101 }, (_, i) => labelSetKey(i % 3 === 0 ? [2, 0] : [i % 2]));
    const { fit, report } = splitHalves(keys, 42);
    expect([...fit, ...report].sort((a, b) => a - b)).toEqual(keys.map((_, i) => i));
    for (const k of new Set(keys)) {
      const n = keys.filter((x) => x === k).length;
      expect(fit.filter((i) => keys[i] === k).length).toBe(Math.ceil(n / 2));
    }
    expect(splitHalves(keys, 42)).toEqual({ fit, report });
    expect(splitHalves(keys, 7).fit).not.toEqual(fit);
    expect(labelSetKey([5, 2])).toBe('2,5');
  });

  it('the band edge maximises Youden\'s J; the smallest edge on a tie', () => {
    // to flag: 0.55, 0.6, 0.65 (and one at 0.95); to keep: 0.7 and up → x = 0.651 flags 3/4 and none kept
    const { edge, j } = youdenEdge([0.55, 0.6, 0.65, 0.95], [0.7, 0.8, 0.9, 0.99], 1);
    expect(edge).toBe(0.651);
    expect(j).toBeCloseTo(0.75, 12);
    expect(() => youdenEdge([], [0.5], 1)).toThrow(/both sides/);
    // a budget of half of these 8 cases: 0.651 would flag 3 of 8, 0.701 4 of 8 (J lower), 0.801 5 of 8
    const all = [0.55, 0.6, 0.65, 0.95, 0.7, 0.8, 0.9, 0.99];
    expect(youdenEdge([0.55, 0.6, 0.65, 0.95], [0.7, 0.8, 0.9, 0.99], 1, { of: all, share: 0.25 })).toEqual({ edge: 0.601, j: 0.5 });
    expect(youdenEdge([0.55, 0.6, 0.65, 0.95], [0.7, 0.8, 0.9, 0.99], 1, { of: all, share: 0.5 }).edge).toBe(0.651);
    expect(marginOf([0.2, 0.61, 0.9], [0.5, 0.6, 0.5])).toBeCloseTo(0.01, 12);
  });
});
