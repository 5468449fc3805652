import { contributionStyle, explanationSegments, type Explanation } from '@ko-classify/core';

export interface ExplainedTextProps {
  /** The text that was classified. */
  text: string;
  /** `result.explanation` from `useClassification(text, { explain: true })`. */
  explanation: Explanation | undefined;
}

/**
 * The classified text with each word tinted by how much it moved the label — and, so colour is not
 * the only cue, underlined solid (for) or dotted (against), with the number in `title` and `aria-label`.
 *
 * @example
 * const { result } = useClassification(text, { explain: true });
 * return <ExplainedText text={text} explanation={result?.explanation} />;
 */
export function ExplainedText({ text, explanation }: ExplainedTextProps) {
  if (!explanation) return null;
  return (
    <p className="ko-explained">
      {explanationSegments(text, explanation).map((s, i) => {
        if (s.contribution === null) return <span key={i}>{s.text}</span>;
        const style = contributionStyle(s.contribution);
        return (
          <mark key={i} title={style.label} aria-label={`${s.text} ${style.label}`} data-contribution={s.contribution.toFixed(3)} style={{ background: style.background, textDecoration: style.textDecoration, color: 'inherit' }}>
            {s.text}
          </mark>
        );
      })}
    </p>
  );
}
