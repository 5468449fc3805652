/**
 * The same logistic regression as `fitSoftmax`, solved in the span of the examples when there are
 * fewer examples than features (hashed n-grams make thousands): with K = ΦΦᵀ = LLᵀ (Cholesky), the
 * rows of L have the examples' inner products, so fitting on them is the same problem (L-BFGS from
 * zero is rotation-invariant) in n dimensions instead of thousands; the weights come back as
 * W = Aᵀ Φ with A = L⁻ᵀ W_L.
 */
import { fitSoftmax, type Fitted, type Row } from './head-fit.js';

/** Inner product of two rows (dense part, then the sparse parts' common indices). */
function rowDot(a: Row, b: Row): number {
  let s = 0;
  for (let j = 0; j < a.dense.length; j++) s += a.dense[j]! * b.dense[j]!;
  let i = 0;
  let k = 0;
  while (i < a.idx.length && k < b.idx.length) {
    const x = a.idx[i]!;
    const y = b.idx[k]!;
    if (x === y) s += a.val[i++]! * b.val[k++]!;
    else if (x < y) i++;
    else k++;
  }
  return s;
}

/** K[i·n + j] = rows[i] · rows[j]. */
export function gram(rows: readonly Row[]): Float64Array {
  const n = rows.length;
  const k = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) k[i * n + j] = k[j * n + i] = rowDot(rows[i]!, rows[j]!);
  }
  return k;
}

/**
 * Lower-triangular L with LLᵀ = K restricted to `idx`. A row that is (numerically) a combination of
 * the earlier ones, such as a repeated text, gets a zero pivot, and its column stays zero.
 */
function cholesky(k: Float64Array, n: number, idx: readonly number[]): Float64Array {
  const m = idx.length;
  const l = new Float64Array(m * m);
  let maxDiag = 0;
  for (const i of idx) maxDiag = Math.max(maxDiag, k[i * n + i]!);
  const eps = 1e-10 * maxDiag;
  for (let j = 0; j < m; j++) {
    let d = k[idx[j]! * n + idx[j]!]!;
    for (let p = 0; p < j; p++) d -= l[j * m + p]! ** 2;
    if (d <= eps) continue;
    const pivot = Math.sqrt(d);
    l[j * m + j] = pivot;
    for (let i = j + 1; i < m; i++) {
      let s = k[idx[i]! * n + idx[j]!]!;
      for (let p = 0; p < j; p++) s -= l[i * m + p]! * l[j * m + p]!;
      l[i * m + j] = s / pivot;
    }
  }
  return l;
}

/**
 * `fitSoftmax` on the rows `idx` of `rows` (gold labels `gold[idx[i]]`), through their Gram matrix
 * `k` (of all rows, n × n); returns weights over the original features.
 */
export function fitSoftmaxKernel(rows: readonly Row[], k: Float64Array, idx: readonly number[], gold: readonly number[], labels: number, dim: number, lambda: number): Fitted {
  const n = rows.length;
  const m = idx.length;
  const l = cholesky(k, n, idx);
  const lRows: Row[] = idx.map((_, i) => ({ dense: l.slice(i * m, (i + 1) * m), idx: new Int32Array(0), val: new Float64Array(0) }));
  const fit = fitSoftmax(lRows, idx.map((i) => gold[i]!), labels, m, lambda);
  // A = L⁻ᵀ W_Lᵀ by back substitution, one label at a time; zero pivots have zero weight.
  const a = new Float64Array(m * labels);
  for (let c = 0; c < labels; c++) {
    for (let j = m - 1; j >= 0; j--) {
      const pivot = l[j * m + j]!;
      if (pivot === 0) continue;
      let s = fit.w[c * m + j]!;
      for (let i = j + 1; i < m; i++) s -= l[i * m + j]! * a[i * labels + c]!;
      a[j * labels + c] = s / pivot;
    }
  }
  const w = new Float64Array(labels * dim);
  idx.forEach((src, i) => {
    const r = rows[src]!;
    for (let c = 0; c < labels; c++) {
      const coef = a[i * labels + c]!;
      if (coef === 0) continue;
      const o = c * dim;
      for (let j = 0; j < r.dense.length; j++) w[o + j]! += coef * r.dense[j]!;
      for (let p = 0; p < r.idx.length; p++) w[o + r.idx[p]!]! += coef * r.val[p]!;
    }
  });
  return { w, bias: fit.bias };
}
