import { contributionStyle, explanationAxis, explanationSegments, type Explanation } from '@ko-classify/core';
import { useLabelNames } from './display.js';

export interface ExplainedTextProps {
  /** The text that was classified. */
  text: string;
  /** `result.explanation` from `useClassification(text, { explain: true })`. */
  explanation: Explanation | undefined;
  /** Multi-label models: show this label's contributions (`explanation.byLabel`); default the predicted label's. */
  label?: string;
  /** Overrides the provider's locale rule (see `useLabelNames`). */
  locale?: string;
}

/**
 * The classified text with each word tinted by what it pushes toward — green for the positive or
 * harmless side, red for the other, whatever the predicted label — and, so colour is not the only
 * cue, underlined solid (green) or dotted (red), with its log-odds in `title` and `aria-label`; then
 * a visible legend (`초록 실선: 긍정 쪽 · 빨강 점선: 부정 쪽 (로그 오즈, ±0.69 = 2배)`).
 *
 * @example
 * const { result } = useClassification(text, { explain: true });
 * return <ExplainedText text={text} explanation={result?.explanation} />;
 */
export function ExplainedText({ text, explanation, label, locale }: ExplainedTextProps) {
  const { locale: resolved, names } = useLabelNames(locale);
  if (!explanation) return null;
  const axis = explanationAxis(explanation, names, resolved, label);
  return (
    <div className="ko-explained">
      <p>
        {explanationSegments(text, explanation, label).map((s, i) => {
          if (s.contribution === null) return <span key={i}>{s.text}</span>;
          const style = contributionStyle(s.contribution, axis);
          return (
            <mark key={i} title={style.label} aria-label={`${s.text}: ${axis[style.colour]} ${style.label}`} data-contribution={s.contribution.toFixed(3)} data-colour={style.colour} style={{ background: style.background, textDecoration: style.textDecoration, color: 'inherit' }}>
              {s.text}
            </mark>
          );
        })}
      </p>
      <p className="ko-legend">
        <small>{axis.legend}</small>
      </p>
    </div>
  );
}
