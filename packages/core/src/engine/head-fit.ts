/**
 * The numbers of a taught head: multinomial logistic regression with L2, fitted full-batch by
 * L-BFGS in float64 (no randomness: the same rows give the same weights), temperature scaling and
 * the uncertain band from out-of-fold scores.
 */

/** One example's features: a dense block (the embedding) and a sparse block after it (n-gram buckets). */
export interface Row {
  dense: Float64Array;
  idx: Int32Array;
  val: Float64Array;
}

export interface Fitted {
  /** [labels × dim], row-major. */
  w: Float64Array;
  bias: Float64Array;
}

/** The logits of one row under weights w [labels × dim] (dim = dense length + sparse buckets). */
export function rowLogits(w: ArrayLike<number>, bias: ArrayLike<number>, dim: number, r: Row, out = new Float64Array(bias.length)): Float64Array {
  const de = r.dense.length;
  for (let c = 0; c < bias.length; c++) {
    const o = c * dim;
    let z = bias[c]!;
    for (let j = 0; j < de; j++) z += w[o + j]! * r.dense[j]!;
    for (let k = 0; k < r.idx.length; k++) z += w[o + r.idx[k]!]! * r.val[k]!;
    out[c] = z;
  }
  return out;
}

/** In place: z becomes softmax(z); returns log Σ exp(z) (of the values given). */
function softmaxInPlace(z: Float64Array): number {
  let max = -Infinity;
  for (let c = 0; c < z.length; c++) max = Math.max(max, z[c]!);
  let sum = 0;
  for (let c = 0; c < z.length; c++) sum += (z[c] = Math.exp(z[c]! - max));
  for (let c = 0; c < z.length; c++) z[c]! /= sum;
  return max + Math.log(sum);
}

/**
 * Minimises mean cross-entropy + λ/2·‖W‖² (bias unpenalised) over θ = [W, b] by L-BFGS (memory 10,
 * backtracking Armijo line search), stopping when the largest gradient component is under 1e-5 or
 * after `maxIter` iterations.
 */
export function fitSoftmax(input: readonly Row[], gold: readonly number[], labels: number, dim: number, lambda: number, maxIter = 200): Fitted {
  const nw = labels * dim;
  const n = input.length;
  // Centred dense features: the same optimum (the bias is not penalised, so it absorbs the mean),
  // but unit embeddings share a large common direction, and without it L-BFGS crawls along the bias.
  const de = input[0]?.dense.length ?? 0;
  const mean = new Float64Array(de);
  for (const r of input) for (let j = 0; j < de; j++) mean[j]! += r.dense[j]! / n;
  const rows = input.map((r) => ({ ...r, dense: r.dense.map((v, j) => v - mean[j]!) }));
  const z = new Float64Array(labels);
  const evaluate = (theta: Float64Array, grad: Float64Array): number => {
    grad.fill(0);
    let loss = 0;
    const w = theta.subarray(0, nw);
    const b = theta.subarray(nw);
    for (let i = 0; i < n; i++) {
      const r = rows[i]!;
      rowLogits(w, b, dim, r, z);
      const g = gold[i]!;
      const zg = z[g]!;
      loss += softmaxInPlace(z) - zg;
      z[g]! -= 1;
      for (let c = 0; c < labels; c++) {
        const d = z[c]! / n;
        if (d === 0) continue;
        const o = c * dim;
        for (let j = 0; j < de; j++) grad[o + j]! += d * r.dense[j]!;
        for (let k = 0; k < r.idx.length; k++) grad[o + r.idx[k]!]! += d * r.val[k]!;
        grad[nw + c]! += d;
      }
    }
    let reg = 0;
    for (let j = 0; j < nw; j++) {
      reg += theta[j]! * theta[j]!;
      grad[j]! += lambda * theta[j]!;
    }
    return loss / n + (lambda / 2) * reg;
  };
  const theta = lbfgs(evaluate, nw + labels, maxIter);
  const w = theta.slice(0, nw);
  const bias = theta.slice(nw);
  for (let c = 0; c < labels; c++) for (let j = 0; j < de; j++) bias[c]! -= w[c * dim + j]! * mean[j]!;
  return { w, bias };
}

const dot = (a: Float64Array, b: Float64Array) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
};

function lbfgs(evaluate: (x: Float64Array, g: Float64Array) => number, size: number, maxIter: number, m = 10): Float64Array {
  let x = new Float64Array(size);
  let g = new Float64Array(size);
  let f = evaluate(x, g);
  const ss: Float64Array[] = [];
  const ys: Float64Array[] = [];
  const dir = new Float64Array(size);
  const alpha = new Float64Array(m);
  const xNew = new Float64Array(size);
  const gNew = new Float64Array(size);
  for (let iter = 0; iter < maxIter; iter++) {
    let gmax = 0;
    for (let i = 0; i < size; i++) gmax = Math.max(gmax, Math.abs(g[i]!));
    if (gmax < 1e-5) break;
    // Two-loop recursion: dir = −H·g.
    dir.set(g);
    for (let k = ss.length - 1; k >= 0; k--) {
      alpha[k] = dot(ss[k]!, dir) / dot(ys[k]!, ss[k]!);
      const y = ys[k]!;
      for (let i = 0; i < size; i++) dir[i]! -= alpha[k]! * y[i]!;
    }
    if (ss.length > 0) {
      const last = ss.length - 1;
      const gamma = dot(ss[last]!, ys[last]!) / dot(ys[last]!, ys[last]!);
      for (let i = 0; i < size; i++) dir[i]! *= gamma;
    }
    for (let k = 0; k < ss.length; k++) {
      const beta = dot(ys[k]!, dir) / dot(ys[k]!, ss[k]!);
      const s = ss[k]!;
      for (let i = 0; i < size; i++) dir[i]! += (alpha[k]! - beta) * s[i]!;
    }
    for (let i = 0; i < size; i++) dir[i] = -dir[i]!;
    let slope = dot(g, dir);
    if (!(slope < 0)) {
      // Not a descent direction (lost curvature): restart from steepest descent.
      ss.length = 0;
      ys.length = 0;
      for (let i = 0; i < size; i++) dir[i] = -g[i]!;
      slope = dot(g, dir);
    }
    let step = ss.length === 0 ? Math.min(1, 1 / Math.sqrt(-slope)) : 1;
    let fNew = Infinity;
    for (let tries = 0; tries < 40; tries++) {
      for (let i = 0; i < size; i++) xNew[i] = x[i]! + step * dir[i]!;
      fNew = evaluate(xNew, gNew);
      if (fNew <= f + 1e-4 * step * slope) break;
      step /= 2;
    }
    if (!(fNew < f)) break;
    const s = new Float64Array(size);
    const y = new Float64Array(size);
    for (let i = 0; i < size; i++) {
      s[i] = xNew[i]! - x[i]!;
      y[i] = gNew[i]! - g[i]!;
    }
    if (dot(s, y) > 1e-12) {
      ss.push(s);
      ys.push(y);
      if (ss.length > m) {
        ss.shift();
        ys.shift();
      }
    }
    const rel = (f - fNew) / Math.max(Math.abs(f), 1e-12);
    [x, g] = [Float64Array.from(xNew), Float64Array.from(gNew)];
    f = fNew;
    if (rel < 1e-10) break;
  }
  return x;
}

/**
 * Fold of each example for stratified k-fold cross-validation: each label's examples, in input
 * order, go to folds 0, 1, …, k−1, 0, … (no shuffling, so the folds are the same on every run).
 */
export function stratifiedFolds(gold: readonly number[], k: number): number[] {
  const seen = new Map<number, number>();
  return gold.map((g) => {
    const i = seen.get(g) ?? 0;
    seen.set(g, i + 1);
    return i % k;
  });
}

/**
 * The temperature T minimising the mean NLL of the gold labels under softmax(z / T), T ∈ [0.05, 20]
 * (the rule of `ko-classify calibrate`: dNLL/dβ, β = 1/T, is increasing, so bisection finds its root).
 */
export function fitTemperature(logits: readonly Float64Array[], gold: readonly number[]): number {
  const d = (beta: number) => {
    let sum = 0;
    logits.forEach((z, i) => {
      let max = -Infinity;
      for (let c = 0; c < z.length; c++) max = Math.max(max, beta * z[c]!);
      let w = 0;
      let wz = 0;
      for (let c = 0; c < z.length; c++) {
        const e = Math.exp(beta * z[c]! - max);
        w += e;
        wz += e * z[c]!;
      }
      sum += wz / w - z[gold[i]!]!;
    });
    return sum;
  };
  let lo = 1 / 20;
  let hi = 1 / 0.05;
  if (d(lo) >= 0) return 1 / lo;
  if (d(hi) <= 0) return 1 / hi;
  for (let i = 0; i < 100 && hi - lo > 1e-12 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (d(mid) < 0) lo = mid;
    else hi = mid;
  }
  return 2 / (lo + hi);
}

/**
 * `min_score` by the rule of `ko-classify calibrate`: the edge x ∈ {0, 0.001, …, 1} with the largest
 * Youden's J = (share of wrong out-of-fold rows whose best calibrated score is under x) − (share of
 * right rows under x), among edges that flag at most `maxFlagged` of all rows; the smallest on a tie.
 * No wrong row (or no right row): 0, nothing is flagged, since nothing measured says where to cut.
 */
export function youdenMinScore(best: readonly number[], right: readonly boolean[], maxFlagged = 0.2): number {
  const wrong = best.filter((_, i) => !right[i]);
  const ok = best.filter((_, i) => right[i]);
  if (wrong.length === 0 || ok.length === 0) return 0;
  const under = (xs: readonly number[], x: number) => xs.reduce((a, v) => a + (v < x ? 1 : 0), 0) / xs.length;
  let edge = 0;
  let bestJ = 0;
  for (let k = 0; k <= 1000; k++) {
    const x = k / 1000;
    if (under(best, x) > maxFlagged) break;
    const j = under(wrong, x) - under(ok, x);
    if (j > bestJ + 1e-12) [edge, bestJ] = [x, j];
  }
  return edge;
}
