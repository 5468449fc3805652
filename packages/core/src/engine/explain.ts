import type { Explanation, TextInput } from '../types.js';
import type { ModelConfig } from './model-config.js';
import type { NormalizedInput, Tokenizer } from './tokenize.js';

/** One input's occlusion plan: its eojeol inside the first window, and the texts to score. */
export interface ExplainPlan {
  words: { text: string; start: number; end: number }[];
  /** The text with every explained word, then the text without each one in turn (n + 1 texts). */
  texts: TextInput[];
  /** False when words past the first window were left out (they are never seen by the model there). */
  complete: boolean;
}

/**
 * Leave-one-eojeol-out: the eojeol (space-separated words) of the text that fit in one window of
 * `maxLength` tokens, and the n + 1 texts whose scores give each word's contribution. Offsets refer
 * to the NFC-normalised text (what `normalizeInput` returns).
 */
export function planExplanation(input: NormalizedInput, tokenizer: Tokenizer, maxLength: number): ExplainPlan {
  const all = [...input.text.matchAll(/\S+/g)].map((m) => ({ text: m[0], start: m.index, end: m.index + m[0].length }));
  const pairTokens = input.textPair === null ? 0 : tokenizer.encode({ text: input.textPair, textPair: null }, 1 << 20).ids.length;
  const specials = tokenizer.encode({ text: '', textPair: input.textPair === null ? null : '' }, 1 << 20).ids.length;
  let room = maxLength - specials - (input.textPair === null ? 0 : Math.min(pairTokens, Math.floor((maxLength - specials) / 2)));
  const words: ExplainPlan['words'] = [];
  for (const w of all) {
    // Pieces never span whitespace, so a word's tokens alone are its tokens in the sentence.
    const n = tokenizer.encode({ text: w.text, textPair: null }, 1 << 20).ids.length - tokenizer.encode({ text: '', textPair: null }, 1 << 20).ids.length;
    if (n > room) break;
    room -= n;
    words.push(w);
  }
  const join = (skip: number) => words.filter((_, i) => i !== skip).map((w) => w.text).join(' ');
  const texts = [-1, ...words.map((_, i) => i)].map((skip): TextInput => (input.textPair === null ? join(skip) : { text: join(skip), textPair: input.textPair }));
  return { words, texts, complete: words.length === all.length };
}

/** What explaining needs of the model config. */
export type ExplainHead = Pick<ModelConfig, 'labels' | 'problemType'> & Partial<Pick<ModelConfig, 'explainAxis' | 'thresholds'>>;

/** ln(p) − ln(1 − p), finite at p = 0 or 1 (sigmoids of float logits stay within 1e-300 of either). */
function logOdds(p: number): number {
  const q = Math.min(Math.max(p, 1e-300), 1 - 1e-16);
  return Math.log(q) - Math.log1p(-q);
}

/** ln of a sum of probabilities (each label's own, so a tiny sum keeps its digits), floored at 1e-300. */
function logSum(scores: Record<string, number>, labels: readonly string[]): number {
  return Math.log(Math.max(labels.reduce((a, l) => a + (scores[l] ?? 0), 0), 1e-300));
}

/**
 * Each word's contribution in log-odds (see `Explanation`): the text's ln(P(toward) / P(against))
 * with the word minus without it, so that a prediction at p = 0.9999 still ranks its words.
 * `scores[0]` are the scores of the text of every explained word, `scores[i + 1]` without word i.
 */
export function explanationOf(plan: ExplainPlan, scores: Record<string, number>[], head: ExplainHead): Explanation {
  const base = scores[0]!;
  const best = (labels: readonly string[]) => labels.reduce((a, l) => ((base[l] ?? -Infinity) > (base[a] ?? -Infinity) ? l : a), labels[0]!);
  const diff = (f: (s: Record<string, number>) => number) => plan.words.map((_, i) => f(base) - f(scores[i + 1]!));
  const words = (values: number[]) => plan.words.map((w, i) => ({ ...w, contribution: values[i]! }));
  if (head.problemType === 'regression') {
    const label = head.labels[0]!;
    return { label, scale: 'value', toward: [label], against: [], complete: plan.complete, words: words(diff((s) => s[label]!)) };
  }
  if (head.problemType === 'multi_label_classification') {
    const toward = head.explainAxis?.toward ?? [...head.labels];
    const against = head.explainAxis?.against ?? [];
    const againstOdds = (s: Record<string, number>) => (against.length ? against.reduce((a, l) => a + logOdds(s[l]!), 0) / against.length : 0);
    const toLabel = (l: string) => diff((s) => logOdds(s[l]!) - againstOdds(s));
    const shown = toward.filter((l) => base[l]! >= (head.thresholds?.[l] ?? 0.5)).sort((a, b) => base[b]! - base[a]!);
    const label = shown[0] ?? best(toward);
    const byLabel = Object.fromEntries([...new Set([label, ...shown])].map((l) => [l, toLabel(l)]));
    return { label, scale: 'log-odds', toward, against, complete: plan.complete, words: words(byLabel[label]!), byLabel };
  }
  const label = best(head.labels);
  const toward = head.explainAxis?.toward ?? [label];
  const against = head.explainAxis?.against ?? head.labels.filter((l) => l !== label);
  return { label, scale: 'log-odds', toward, against, complete: plan.complete, words: words(diff((s) => logSum(s, toward) - logSum(s, against))) };
}
