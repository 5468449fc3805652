import { describeResult, displayLocale, labelNames, type Classification, type ClassifierState } from '@ko-classify/core';
import { useSyncExternalStore } from 'react';
import { useProvided } from './provider.js';

const noSubscribe = () => () => undefined;
const htmlLang = () => document.documentElement.lang || null;
const IDLE = { subscribe: noSubscribe, getState: (): ClassifierState | null => null };

/**
 * The display locale and the model's names in it, by the elements' rule: `locale`, else the
 * provider's `locale`, else `<html lang>` (client only: null while server rendering), else the
 * model's `info().defaultLocale`, else null (label ids). Works outside a provider too (no names).
 *
 * @example
 * const { locale, names } = useLabelNames();
 * names.positive; // '긍정' on a lang="ko" page
 */
export function useLabelNames(locale?: string): { locale: string | null; names: Record<string, string> } {
  const provided = useProvided();
  const store = provided?.store ?? IDLE;
  const info = useSyncExternalStore(store.subscribe, () => store.getState()?.info ?? null, () => null);
  const lang = useSyncExternalStore(noSubscribe, htmlLang, () => null);
  const resolved = displayLocale(locale ?? provided?.locale, lang, info);
  return { locale: resolved, names: labelNames(info, resolved) };
}

export interface ClassificationLabelProps {
  result: Classification | null | undefined;
  /** Overrides the provider's locale rule (see `useLabelNames`). */
  locale?: string;
}

/**
 * The label of `result` as a reader should see it: `긍정`, or `애매함 (부정 쪽 0.62)` when the model
 * is not sure; nothing for empty text. `data-label` (the label, or the one leant toward) and
 * `data-uncertain` let CSS colour it.
 *
 * @example
 * const { result } = useClassification(text);
 * return <ClassificationLabel result={result} />;
 */
export function ClassificationLabel({ result, locale }: ClassificationLabelProps) {
  const { locale: resolved, names } = useLabelNames(locale);
  const shown = describeResult(result ?? null, names, resolved);
  if (shown.kind === 'empty') return null;
  return (
    <strong className="ko-label" data-label={shown.label ?? ''} data-uncertain={shown.kind === 'uncertain' ? '' : undefined}>
      {shown.text}
    </strong>
  );
}
