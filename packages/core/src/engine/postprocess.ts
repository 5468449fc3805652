import type { Classification, ProblemType } from '../types.js';

/**
 * Turns one row of logits into a result, as transformers' text-classification pipeline does:
 * softmax for single-label, sigmoid for multi-label, the raw value for regression.
 */
export function postprocess(logits: ArrayLike<number>, labels: readonly string[], problemType: ProblemType): Classification {
  const values = Array.from(logits);
  const probs =
    problemType === 'single_label_classification'
      ? softmax(values)
      : problemType === 'multi_label_classification'
        ? values.map(sigmoid)
        : values;
  let best = 0;
  for (let i = 1; i < probs.length; i++) if (probs[i]! > probs[best]!) best = i;
  const scores: Record<string, number> = {};
  probs.forEach((p, i) => (scores[labels[i] ?? `LABEL_${i}`] = p));
  return { label: labels[best] ?? `LABEL_${best}`, score: probs[best]!, scores };
}

export function softmax(values: readonly number[]): number[] {
  const max = Math.max(...values);
  const exps = values.map((v) => Math.exp(v - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

export function sigmoid(v: number): number {
  return v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v));
}
