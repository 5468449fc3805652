import type { Explanation, TextInput } from '../types.js';
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

/** Each word's contribution: the label's probability with the word minus without it. */
export function explanationOf(plan: ExplainPlan, scores: Record<string, number>[]): Explanation {
  const base = scores[0]!;
  let label = Object.keys(base)[0]!;
  for (const [l, p] of Object.entries(base)) if (p > base[label]!) label = l;
  return {
    label,
    complete: plan.complete,
    words: plan.words.map((w, i) => ({ ...w, contribution: base[label]! - scores[i + 1]![label]! })),
  };
}
