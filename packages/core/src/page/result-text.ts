import type { Classification, ModelInfo } from '../types.js';

/** What the elements, React and the examples show for a result (`describeResult`). */
export interface ResultText {
  /** `empty`: no text, show nothing; `uncertain`: the model is not sure; `sure`: a label. */
  kind: 'empty' | 'uncertain' | 'sure';
  /** The label id shown, or leant toward when uncertain; null for empty text. */
  label: string | null;
  /** E.g. `긍정`, or `애매함 (부정 쪽 0.62)` when uncertain; `''` for empty text. */
  text: string;
}

/**
 * The locale labels are shown in, by the elements' rule: the explicit one (a `locale` attribute or
 * option), else the page's (the nearest `lang`), else the model's `defaultLocale` (config.json
 * `default_locale`), else null (show label ids). Empty strings count as absent.
 *
 * @example
 * displayLocale(el.getAttribute('locale'), el.closest('[lang]')?.getAttribute('lang'), clf.info()); // 'ko'
 */
export function displayLocale(explicit: string | null | undefined, pageLang: string | null | undefined, info: Pick<ModelInfo, 'defaultLocale'> | null): string | null {
  return explicit || pageLang || info?.defaultLocale || null;
}

/**
 * The model's display names for `locale` (`ko-KR` falls back to `ko`); `{}` where it names none,
 * so callers show the label ids.
 *
 * @example
 * labelNames(clf.info(), 'ko-KR').positive; // '긍정'
 */
export function labelNames(info: Pick<ModelInfo, 'displayNames'> | null, locale: string | null): Record<string, string> {
  if (!info || !locale) return {};
  return info.displayNames[locale] ?? info.displayNames[locale.split('-')[0]!.toLowerCase()] ?? {};
}

const isKo = (locale: string | null) => /^ko\b/i.test(locale ?? '');

/**
 * What to show for `r`: nothing for empty text, `애매함 (부정 쪽 0.62)` (Korean locales) or
 * `unsure (negative 0.62)` when the model is not sure, else the label's display name.
 * For a multi-label result the leaning is its best label.
 *
 * @example
 * describeResult(r, labelNames(info, 'ko'), 'ko'); // { kind: 'uncertain', label: 'negative', text: '애매함 (부정 쪽 0.62)' }
 */
export function describeResult(r: Classification | null, names: Record<string, string>, locale: string | null): ResultText {
  if (!r || r.empty || r.label === null) return { kind: 'empty', label: null, text: '' };
  const name = names[r.label] ?? r.label;
  if (!r.uncertain) return { kind: 'sure', label: r.label, text: name };
  const score = r.score.toFixed(2);
  return { kind: 'uncertain', label: r.label, text: isKo(locale) ? `애매함 (${name} 쪽 ${score})` : `unsure (${name} ${score})` };
}

/**
 * The labels of a multi-label result that made it uncertain: those whose score is within the model's
 * `uncertainty.margin` of their threshold (`info().thresholds`), best first. Empty for single-label
 * models and for sure results, so a view shows these as unsure and the others as labels.
 *
 * @example
 * unsureLabels(r, clf.info()); // [{ label: 'gender', score: 0.41 }]: show 애매함 (성차별 쪽 0.41)
 */
export function unsureLabels(r: Classification | null, info: Pick<ModelInfo, 'problemType' | 'thresholds' | 'uncertainty'> | null): { label: string; score: number }[] {
  const margin = info?.uncertainty?.margin;
  if (!r?.uncertain || info?.problemType !== 'multi_label_classification' || margin === undefined) return [];
  return Object.entries(r.scores)
    .filter(([l, p]) => Math.abs(p - (info.thresholds[l] ?? 0.5)) < margin)
    .sort((a, b) => b[1] - a[1])
    .map(([label, score]) => ({ label, score }));
}
