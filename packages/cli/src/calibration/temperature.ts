/**
 * Temperature scaling fitted by negative log-likelihood (Guo et al., 2017). With β = 1/T the NLL is
 * convex in β (a log-sum-exp of functions linear in β, minus a linear term), so its minimum is where
 * the derivative changes sign: found by bisection on β ∈ [1/T_MAX, 1/T_MIN].
 */

export const T_MIN = 0.05;
export const T_MAX = 20;

/** Bisection of an increasing derivative over [lo, hi]; the clamp when it does not change sign. */
function rootOfIncreasing(d: (beta: number) => number, lo: number, hi: number): number {
  if (d(lo) >= 0) return lo;
  if (d(hi) <= 0) return hi;
  for (let i = 0; i < 100 && hi - lo > 1e-12 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (d(mid) < 0) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** Mean NLL of gold labels under softmax(z / T). */
export function softmaxNll(logits: readonly ArrayLike<number>[], gold: readonly number[], t: number): number {
  let sum = 0;
  logits.forEach((z, i) => {
    let max = -Infinity;
    for (let c = 0; c < z.length; c++) max = Math.max(max, z[c]! / t);
    let lse = 0;
    for (let c = 0; c < z.length; c++) lse += Math.exp(z[c]! / t - max);
    sum += max + Math.log(lse) - z[gold[i]!]! / t;
  });
  return sum / logits.length;
}

/**
 * The single temperature T minimising the mean NLL of the gold labels under softmax(z / T).
 * dNLL/dβ = mean(E_softmax(βz)[z] − z_gold), increasing in β.
 */
export function fitSoftmaxTemperature(logits: readonly ArrayLike<number>[], gold: readonly number[]): number {
  if (logits.length === 0) throw new Error('fitting a temperature needs at least one row');
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
  return 1 / rootOfIncreasing(d, 1 / T_MAX, 1 / T_MIN);
}

const sigmoid = (x: number) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));

/** Mean binary NLL of outcomes y (0/1) under sigmoid(z / T). */
export function sigmoidNll(z: ArrayLike<number>, y: ArrayLike<number>, t: number): number {
  let sum = 0;
  for (let i = 0; i < z.length; i++) {
    const a = z[i]! / t;
    // log(1 + e^a) − y·a, stable for large |a|
    sum += Math.max(a, 0) + Math.log1p(Math.exp(-Math.abs(a))) - y[i]! * a;
  }
  return sum / z.length;
}

/** One label's temperature: T minimising the binary NLL of sigmoid(z / T); dNLL/dβ = mean((σ(βz) − y)·z). */
export function fitSigmoidTemperature(z: ArrayLike<number>, y: ArrayLike<number>): number {
  if (z.length === 0) throw new Error('fitting a temperature needs at least one row');
  const d = (beta: number) => {
    let sum = 0;
    for (let i = 0; i < z.length; i++) sum += (sigmoid(beta * z[i]!) - y[i]!) * z[i]!;
    return sum;
  };
  return 1 / rootOfIncreasing(d, 1 / T_MAX, 1 / T_MIN);
}
