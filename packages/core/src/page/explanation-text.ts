import type { Explanation } from '../types.js';

/** A stretch of the explained text: a word with its contribution, or the text between words. */
export interface ExplanationSegment {
  text: string;
  /** Null between words and for words past the explained window. */
  contribution: number | null;
}

/**
 * The explained text cut into segments for display: each explained word with its contribution, in
 * order, with the text between (and after) them kept as it was. For a multi-label result, `label`
 * picks that label's contributions (`explanation.byLabel[label]`); default `explanation.words`.
 *
 * @example
 * for (const s of explanationSegments(text, result.explanation)) {
 *   const span = document.createElement('span');
 *   span.textContent = s.text;
 *   if (s.contribution !== null) span.title = s.contribution.toFixed(2);
 * }
 */
export function explanationSegments(text: string, explanation: Explanation, label?: string): ExplanationSegment[] {
  const nfc = text.normalize('NFC');
  const values = (label !== undefined && explanation.byLabel?.[label]) || explanation.words.map((w) => w.contribution);
  const out: ExplanationSegment[] = [];
  let at = 0;
  explanation.words.forEach((w, i) => {
    if (w.start > at) out.push({ text: nfc.slice(at, w.start), contribution: null });
    out.push({ text: nfc.slice(w.start, w.end), contribution: values[i] ?? 0 });
    at = w.end;
  });
  if (at < nfc.length) out.push({ text: nfc.slice(at), contribution: null });
  return out;
}

/** How the two sides of an explanation are shown (`explanationAxis`). */
export interface ExplanationAxis {
  /** True when words pushing toward `explanation.toward` are green (the positive or harmless side), false for red. */
  towardGreen: boolean;
  /** Display names of the green and the red side (`긍정`; `공격적/혐오`). */
  green: string;
  red: string;
  /** The visible legend, e.g. `초록 실선: 긍정 쪽 · 빨강 점선: 부정 쪽 (로그 오즈, ±0.69 = 2배)`. */
  legend: string;
}

/** Label ids shown green (the side a reader is glad to see); the other side of the axis is red. */
const GREEN_LABELS = ['positive', 'none', 'not_hate_speech'];

/**
 * The axis of `explanation` for display: green for the positive or harmless side (`positive`,
 * `none`, `not_hate_speech`), red for the other, whatever the predicted label (with no such label on
 * either side, green is `toward`; a multi-label label explained against nothing is red); names from the
 * model's display names (`labelNames`), the legend in Korean for `ko` locales. For a multi-label
 * result, `label` takes that label against `explanation.against` (`byLabel`).
 *
 * @example
 * const axis = explanationAxis(r.explanation, labelNames(info, 'ko'), 'ko');
 * axis.legend; // '초록 실선: 긍정 쪽 · 빨강 점선: 부정 쪽 (로그 오즈, ±0.69 = 2배)'
 */
export function explanationAxis(explanation: Explanation, names: Record<string, string>, locale: string | null, label?: string): ExplanationAxis {
  const ko = /^ko\b/i.test(locale ?? '');
  const name = (ls: string[]) => ls.map((l) => names[l] ?? l).join('/');
  const labels = label !== undefined && explanation.byLabel?.[label] ? [label] : explanation.toward;
  const toward = name(labels);
  // A multi-label model without an axis explains each label against nothing: its other side is "not it".
  const against = explanation.against.length ? name(explanation.against) : ko ? `${toward} 아님` : `not ${toward}`;
  const green = (ls: string[]) => ls.some((l) => GREEN_LABELS.includes(l));
  const towardGreen = green(labels) || (explanation.against.length > 0 && !green(explanation.against));
  const [g, r] = towardGreen ? [toward, against] : [against, toward];
  const legend = ko ? `초록 실선: ${g} 쪽 · 빨강 점선: ${r} 쪽 (로그 오즈, ±0.69 = 2배)` : `green, solid: ${g} · red, dotted: ${r} (log-odds, ±0.69 = 2×)`;
  return { towardGreen, green: g, red: r, legend };
}

/**
 * How to show a contribution (log-odds) without relying on colour alone: green or red by the side it
 * pushes toward (`axis.towardGreen`), a tint whose strength follows |c| up to `max` (default 2,
 * odds ×7.4), a solid underline for green and a dotted one for red (none under 0.05), and a text
 * equivalent (`+1.20`) for `title` / `aria-label`.
 *
 * @example
 * const axis = explanationAxis(r.explanation, names, 'ko');
 * const s = contributionStyle(word.contribution, axis);
 * mark.setAttribute('aria-label', `${word.text}: ${axis[s.colour]} 쪽 ${s.label}`);
 */
export function contributionStyle(c: number, axis: Pick<ExplanationAxis, 'towardGreen'> = { towardGreen: true }, max = 2): { background: string; textDecoration: string; label: string; colour: 'green' | 'red' } {
  const green = c >= 0 === axis.towardGreen;
  return {
    background: `rgba(${green ? '34,197,94' : '239,68,68'},${(0.12 + 0.6 * Math.min(1, Math.abs(c) / max)).toFixed(2)})`,
    textDecoration: Math.abs(c) < 0.05 ? 'none' : `underline ${green ? 'solid' : 'dotted'}`,
    label: `${c >= 0 ? '+' : '−'}${Math.abs(c).toFixed(2)}`,
    colour: green ? 'green' : 'red',
  };
}
