/**
 * The parts of `ko-classify calibrate` that choose numbers from scores: the fit/report halves, the
 * uncertain band and multi-label thresholds.
 */

/** mulberry32: a small seeded PRNG, so a split is the same on every machine and Node version. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Splits rows into a fit half and a report half, stratified by label set: the rows of each label set
 * (sorted keys, e.g. "0", "2,5") are shuffled (Fisher–Yates, mulberry32(seed), one stream over the
 * sets in key order) and the first ⌈n/2⌉ go to the fit half. Returns row indices, ascending.
 */
export function splitHalves(keys: readonly string[], seed = 42): { fit: number[]; report: number[] } {
  const groups = new Map<string, number[]>();
  keys.forEach((k, i) => (groups.get(k) ?? groups.set(k, []).get(k)!).push(i));
  const rand = mulberry32(seed);
  const fit: number[] = [];
  const report: number[] = [];
  for (const k of [...groups.keys()].sort()) {
    const rows = groups.get(k)!;
    for (let i = rows.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [rows[i], rows[j]] = [rows[j]!, rows[i]!];
    }
    const half = Math.ceil(rows.length / 2);
    fit.push(...rows.slice(0, half));
    report.push(...rows.slice(half));
  }
  return { fit: fit.sort((a, b) => a - b), report: report.sort((a, b) => a - b) };
}

/** The key `splitHalves` stratifies by: a row's gold label indices, sorted. */
export const labelSetKey = (gold: readonly number[]) => [...gold].sort((a, b) => a - b).join(',');

/**
 * The band edge x (flag a case when its statistic is < x, as the engine does) that best separates
 * cases that should be flagged from the others: the largest Youden's J = (share of `flag` under x) −
 * (share of `keep` under x), over x = 0, 0.001, …, `max`; the smallest such x on a tie. With
 * `budget`, only edges that flag at most `budget.share` of `budget.of` are considered.
 */
export function youdenEdge(flag: readonly number[], keep: readonly number[], max: number, budget?: { of: readonly number[]; share: number }): { edge: number; j: number } {
  if (flag.length === 0 || keep.length === 0) throw new Error(`fitting a band needs cases on both sides (${flag.length} to flag, ${keep.length} to keep)`);
  const under = (xs: readonly number[], x: number) => xs.reduce((a, v) => a + (v < x ? 1 : 0), 0) / xs.length;
  let best = { edge: 0, j: 0 };
  for (let k = 0; k <= Math.round(max * 1000); k++) {
    const x = k / 1000;
    if (budget && under(budget.of, x) > budget.share) break;
    const j = under(flag, x) - under(keep, x);
    if (j > best.j + 1e-12) best = { edge: x, j };
  }
  return best;
}

/** A multi-label row's distance to its nearest decision: min over labels of |score − threshold|. */
export function marginOf(scores: ArrayLike<number>, thresholds: readonly number[]): number {
  let m = Infinity;
  for (let c = 0; c < scores.length; c++) m = Math.min(m, Math.abs(scores[c]! - thresholds[c]!));
  return m;
}

/** The thresholds grid of training/ko_train/metrics.py `tune_thresholds`: 0.05, 0.075, …, 0.95. */
export const THRESHOLD_GRID = Array.from({ length: 37 }, (_, i) => Math.round((0.05 + 0.025 * i) * 1000) / 1000);

/** Per label, the grid threshold with the best F1 on these rows (the first on a tie, as tune_thresholds). */
export function tuneThresholds(scores: readonly ArrayLike<number>[], gold: readonly (readonly number[])[], labels: number): number[] {
  return Array.from({ length: labels }, (_, c) => {
    let best = { t: 0.5, f1: -1 };
    for (const t of THRESHOLD_GRID) {
      let tp = 0;
      let pred = 0;
      let pos = 0;
      scores.forEach((s, i) => {
        const p = s[c]! >= t;
        const g = gold[i]!.includes(c);
        if (p) pred++;
        if (g) pos++;
        if (p && g) tp++;
      });
      const f1 = (2 * tp) / Math.max(pred + pos, 1);
      if (f1 > best.f1) best = { t, f1 };
    }
    return best.t;
  });
}
