import { createLiveClassification, type ClassifierState, type Classification, type KoClassifyError, type LiveOptions, type TextInput } from '@ko-classify/core';
import { useEffect, useMemo, useSyncExternalStore } from 'react';
import { useStore } from './provider.js';

const SERVER_STATE: ClassifierState = { status: 'idle', progress: null, event: null, info: null, error: null, classifier: null };

/**
 * The provider's classifier: `{ status, progress, info, error, classifier }`.
 *
 * @example
 * const { status, progress, classifier } = useClassifier();
 * if (status === 'ready') await classifier.classify('좋아요');
 */
export function useClassifier(): ClassifierState {
  const store = useStore();
  return useSyncExternalStore(store.subscribe, store.getState, () => SERVER_STATE);
}

export interface ClassificationState {
  /** `idle` (no text), `loading` (model), `pending` (debouncing or classifying), `ready`, `error`. */
  status: 'idle' | 'loading' | 'pending' | 'ready' | 'error';
  /** Model download progress 0..1 while loading. */
  progress: number | null;
  /** The result for the latest text (kept while a newer one is pending). */
  result: Classification | null;
  error: KoClassifyError | null;
}

/**
 * Classifies `text` as it changes, debounced; an answer for an older text never replaces a newer one.
 *
 * @example
 * const { status, result } = useClassification(review, { debounceMs: 250 });
 * return <span>{status === 'ready' ? `${result.label} ${result.score.toFixed(2)}` : '…'}</span>;
 */
export function useClassification(text: TextInput | null | undefined, options: LiveOptions = {}): ClassificationState {
  const { status, progress, classifier, error: loadError } = useClassifier();
  // Every classify option reaches the helper; a new helper only when one really changes (an inline
  // `{ threshold: { hate: 0.4 } }` is a new object each render, so options compare by content).
  const optionsKey = JSON.stringify(options);
  const live = useMemo(() => createLiveClassification(options), [optionsKey]);
  useEffect(() => () => live.cancel(), [live]);
  const state = useSyncExternalStore(live.subscribe, live.getState, live.getState);
  const key = text == null ? '' : JSON.stringify(text);
  useEffect(() => live.setClassifier(classifier), [live, classifier]);
  // `key` stands for `text` (objects compare by content).
  useEffect(() => live.setText(text), [live, key]);
  if (status === 'error') return { status: 'error', progress, result: null, error: loadError };
  if (text == null || (typeof text === 'string' ? text : text.text).trim() === '') return { status: 'idle', progress, result: null, error: null };
  if (status !== 'ready') return { status: 'loading', progress, result: null, error: null };
  // Until the effect hands the text to the helper (and on the server) the text is pending.
  if (state.status === 'idle' || state.status === 'loading') return { status: 'pending', progress, result: state.result, error: null };
  return { status: state.status, progress, result: state.result, error: state.error };
}
