import { classificationState, createLiveClassification, type ClassificationState, type ClassifierState, type HeadJson, type KoClassifyError, type LiveOptions, type TaughtClassifier, type TeachExample, type TeachOptions, type TextInput } from '@ko-classify/core';
import { useCallback, useEffect, useMemo, useSyncExternalStore } from 'react';
import { useStore, useTaughtStore } from './provider.js';
import type { TaughtState } from './taught-store.js';

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

/** What `useTeach()` returns. */
export interface TeachState {
  /**
   * `loading` (the encoder), `idle` (loaded, no head yet), `teaching`, `ready` (classifying with
   * `head`), `error` (the encoder failed to load: `error`).
   */
  status: 'loading' | 'idle' | 'teaching' | 'ready' | 'error';
  /** The head the provider classifies with: its `labels`, `trained.cvAccuracy`, `trained.ms`… */
  head: HeadJson | null;
  /** The encoder's load error, or why the last teach (or the given head) failed; a failed teach keeps the head before it. */
  error: KoClassifyError | null;
  /**
   * Teaches a head from `examples` in the page; `useClassification` below the provider then
   * classifies with it. `{ name, save: true }` stores it in IndexedDB (give the provider that name
   * as its `head` to find it again on the next visit). Resolves with the taught classifier, or null
   * when it failed (see `error`). The classifier belongs to the provider (it disposes it when the
   * head changes): read `.head`, classify with it, but do not dispose it.
   */
  teach(examples: readonly TeachExample[], options?: TeachOptions): Promise<TaughtClassifier | null>;
}

const SERVER_TAUGHT: TaughtState = { ...SERVER_STATE, head: null, teaching: false, headLoading: false, teachError: null };

/**
 * Teach labels of your own in the page, under `<ClassifierProvider head={…}>`.
 *
 * @example
 * const { teach, status, head } = useTeach();
 * await teach([{ text: '택배가 안 와요', label: '배송' }, { text: '너무 비싸요', label: '가격' }], { name: 'shop', save: true });
 * // head.labels: ['배송', '가격']; useClassification(text) now answers with them.
 */
export function useTeach(): TeachState {
  const store = useTaughtStore();
  const s = useSyncExternalStore(store.subscribe, store.getState, () => SERVER_TAUGHT);
  const teach = useCallback((examples: readonly TeachExample[], options?: TeachOptions) => store.teach(examples, options).catch(() => null), [store]);
  const status = s.status === 'error' ? 'error' : s.teaching ? 'teaching' : s.status === 'ready' ? 'ready' : s.status === 'idle' && s.info ? 'idle' : 'loading';
  return useMemo(() => ({ status, head: s.head, error: s.error ?? s.teachError, teach }), [status, s.head, s.error, s.teachError, teach]);
}
