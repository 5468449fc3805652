import { classificationState, createLiveClassification, type ClassificationState, type ClassifierState, type LiveOptions, type TextInput } from '@ko-classify/core';
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

/** `{ status, progress, result, error }`: core's combined state of the model and the followed text. */
export type { ClassificationState };

/**
 * Classifies `text` as it changes, debounced; an answer for an older text never replaces a newer one.
 *
 * @example
 * const { status, result } = useClassification(review, { debounceMs: 250 });
 * return <span>{status === 'ready' ? `${result.label} ${result.score.toFixed(2)}` : '…'}</span>;
 */
export function useClassification(text: TextInput | null | undefined, options: LiveOptions = {}): ClassificationState {
  const model = useClassifier();
  const { classifier } = model;
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
  return classificationState(model, state, text);
}
