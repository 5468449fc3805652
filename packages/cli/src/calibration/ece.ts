/**
 * Expected calibration error and the reliability bins behind it (Guo et al., 2017).
 *
 * Single-label: M = 15 equal-width bins over each row's top-label confidence (the best score), bin m
 * holding confidences in ((m-1)/M, m/M] (0 in the first); ECE = Σ_m |B_m|/n · |accuracy(B_m) −
 * mean confidence(B_m)|.
 * Multi-label: the same 15 bins over every (text, label) pair's score pooled (n texts × k labels),
 * each pair's outcome being whether the label is gold; ECE = Σ_m |B_m|/(n·k) · |share gold(B_m) −
 * mean score(B_m)|. `perLabel` gives the same per label (its n pairs only).
 */

export const ECE_BINS = 15;

/** One reliability bin: how many cases fell in it, their mean confidence and how often they were right. */
export interface ReliabilityBin {
  lo: number;
  hi: number;
  count: number;
  /** Mean score of the cases in the bin (NaN when empty). */
  confidence: number;
  /** Share of the cases that were right (single-label) or gold (multi-label) (NaN when empty). */
  accuracy: number;
}

/** The bin of a score: ((m-1)/M, m/M], 0 in the first, anything ≥ 1 in the last. */
function binOf(p: number, bins: number): number {
  return Math.min(bins - 1, Math.max(0, Math.ceil(p * bins) - 1));
}

/** Reliability bins of (score, outcome) cases; `outcome` 1 = right / gold. */
export function reliability(scores: ArrayLike<number>, outcomes: ArrayLike<number>, bins = ECE_BINS): ReliabilityBin[] {
  if (scores.length !== outcomes.length) throw new Error(`reliability: ${scores.length} scores but ${outcomes.length} outcomes`);
  const count = new Float64Array(bins);
  const conf = new Float64Array(bins);
  const right = new Float64Array(bins);
  for (let i = 0; i < scores.length; i++) {
    const p = scores[i]!;
    if (!Number.isFinite(p)) throw new Error(`reliability: score ${i} is ${p}`);
    const b = binOf(p, bins);
    count[b]!++;
    conf[b]! += p;
    right[b]! += outcomes[i]!;
  }
  return Array.from({ length: bins }, (_, b) => ({ lo: b / bins, hi: (b + 1) / bins, count: count[b]!, confidence: conf[b]! / count[b]!, accuracy: right[b]! / count[b]! }));
}

/** ECE of reliability bins: the count-weighted mean gap between accuracy and confidence. */
export function eceOf(bins: readonly ReliabilityBin[]): number {
  const n = bins.reduce((a, b) => a + b.count, 0);
  if (n === 0) return NaN;
  return bins.reduce((a, b) => (b.count ? a + (b.count / n) * Math.abs(b.accuracy - b.confidence) : a), 0);
}

/** Single-label rows: each row's scores (in label order) and gold label index. */
export function singleLabelReliability(scores: readonly ArrayLike<number>[], gold: readonly number[], bins = ECE_BINS): ReliabilityBin[] {
  const top = new Float64Array(scores.length);
  const right = new Float64Array(scores.length);
  scores.forEach((s, i) => {
    let best = 0;
    for (let c = 1; c < s.length; c++) if (s[c]! > s[best]!) best = c;
    top[i] = s[best]!;
    right[i] = best === gold[i] ? 1 : 0;
  });
  return reliability(top, right, bins);
}

/** Multi-label rows: each row's per-label scores and its gold label indices; pairs pooled over labels, or one label's. */
export function multiLabelReliability(scores: readonly ArrayLike<number>[], gold: readonly (readonly number[])[], label?: number, bins = ECE_BINS): ReliabilityBin[] {
  const p: number[] = [];
  const y: number[] = [];
  scores.forEach((s, i) => {
    for (let c = 0; c < s.length; c++) {
      if (label !== undefined && c !== label) continue;
      p.push(s[c]!);
      y.push(gold[i]!.includes(c) ? 1 : 0);
    }
  });
  return reliability(p, y, bins);
}

/**
 * ECE as defined at the top of this file, for either kind of model.
 *
 * @example
 * expectedCalibrationError([[0.2, 0.8], [0.9, 0.1]], [[1], [1]], false); // 0.8 right, 0.9 wrong, two bins: (0.2 + 0.9) / 2 = 0.55
 */
export function expectedCalibrationError(scores: readonly ArrayLike<number>[], gold: readonly (readonly number[])[], multi: boolean): number {
  return eceOf(multi ? multiLabelReliability(scores, gold) : singleLabelReliability(scores, gold.map((g) => g[0]!)));
}

/**
 * The ECE a perfectly calibrated model would still show on these scores, from sampling alone: the
 * mean ECE over `sims` draws of outcomes ~ Bernoulli(score) (seeded, so the figure is reproducible).
 * An ECE near it is as good as n cases can tell.
 */
export function eceNoiseFloor(scores: ArrayLike<number>, sims = 200, seed = 42, bins = ECE_BINS): number {
  let a = seed >>> 0;
  const rand = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const outcomes = new Float64Array(scores.length);
  let total = 0;
  for (let s = 0; s < sims; s++) {
    for (let i = 0; i < scores.length; i++) outcomes[i] = rand() < scores[i]! ? 1 : 0;
    total += eceOf(reliability(scores, outcomes, bins));
  }
  return total / sims;
}

/** The (score, outcome) cases of single-label rows' top scores, or of multi-label rows' every pair: the scores alone. */
export function caseScores(scores: readonly ArrayLike<number>[], multi: boolean): number[] {
  return multi ? scores.flatMap((s) => Array.from(s)) : scores.map((s) => Math.max(...Array.from(s)));
}
