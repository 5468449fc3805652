import type { Explanation } from '../types.js';

/** A stretch of the explained text: a word with its contribution, or the text between words. */
export interface ExplanationSegment {
  text: string;
  /** Null between words and for words past the explained window. */
  contribution: number | null;
}

/**
 * The explained text cut into segments for display: each explained word with its contribution, in
 * order, with the text between (and after) them kept as it was.
 *
 * @example
 * for (const s of explanationSegments(text, result.explanation)) {
 *   const span = document.createElement('span');
 *   span.textContent = s.text;
 *   if (s.contribution !== null) span.title = s.contribution.toFixed(2);
 * }
 */
export function explanationSegments(text: string, explanation: Explanation): ExplanationSegment[] {
  const nfc = text.normalize('NFC');
  const out: ExplanationSegment[] = [];
  let at = 0;
  for (const w of explanation.words) {
    if (w.start > at) out.push({ text: nfc.slice(at, w.start), contribution: null });
    out.push({ text: nfc.slice(w.start, w.end), contribution: w.contribution });
    at = w.end;
  }
  if (at < nfc.length) out.push({ text: nfc.slice(at), contribution: null });
  return out;
}

/**
 * How to show a contribution without relying on colour alone: a tint whose strength follows |c|, a
 * solid underline for words that support the label and a dotted one for words against it, and a
 * text equivalent (`+0.21`) for `title` / `aria-label`.
 */
export function contributionStyle(c: number, max = 0.3): { background: string; textDecoration: string; label: string } {
  const strength = Math.min(1, Math.abs(c) / max);
  const rgb = c >= 0 ? '34, 197, 94' : '239, 68, 68';
  return {
    background: `rgba(${rgb}, ${(0.12 + 0.6 * strength).toFixed(2)})`,
    textDecoration: Math.abs(c) < 0.01 ? 'none' : c >= 0 ? 'underline solid' : 'underline dotted',
    label: `${c >= 0 ? '+' : '−'}${Math.abs(c).toFixed(2)}`,
  };
}
