import type { ClassifierState, Classification, ClassifyOptions, KoClassifyError, TextInput } from '@ko-classify/core';
import { useEffect, useState, useSyncExternalStore } from 'react';
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

interface Query {
  result: Classification | null;
  error: KoClassifyError | null;
  /** The input the result/error belongs to. */
  input: TextInput | null;
}

function createQueryStore() {
  let state: Query = { result: null, error: null, input: null };
  const listeners = new Set<() => void>();
  return {
    get: () => state,
    set(next: Query) {
      state = next;
      for (const l of listeners) l();
    },
    subscribe(l: () => void) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
  };
}

/**
 * Classifies `text` as it changes, debounced; an answer for an older text never replaces a newer one.
 *
 * @example
 * const { status, result } = useClassification(review, { debounceMs: 250 });
 * return <span>{status === 'ready' ? `${result.label} ${result.score.toFixed(2)}` : '…'}</span>;
 */
export function useClassification(text: TextInput | null | undefined, options: { debounceMs?: number } & ClassifyOptions = {}): ClassificationState {
  const { status, progress, classifier, error: loadError } = useClassifier();
  const [query] = useState(createQueryStore);
  const q = useSyncExternalStore(query.subscribe, query.get, query.get);
  const { debounceMs = 200, maxLength, batchSize } = options;
  const empty = text === null || text === undefined || (typeof text === 'string' ? text.trim() === '' : text.text.trim() === '');
  const key = empty ? '' : JSON.stringify(text);

  useEffect(() => {
    if (!classifier || empty) return;
    let cancelled = false;
    const timer = setTimeout(() => {
      classifier.classify(text as TextInput, { maxLength, batchSize }).then(
        (result) => !cancelled && query.set({ result, error: null, input: text as TextInput }),
        (e: KoClassifyError) => !cancelled && query.set({ result: null, error: e, input: text as TextInput }),
      );
    }, debounceMs);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
    // `key` stands for `text` (objects compare by content).
  }, [classifier, key, debounceMs, maxLength, batchSize]);

  if (status === 'error') return { status: 'error', progress, result: null, error: loadError };
  if (empty) return { status: 'idle', progress, result: null, error: null };
  if (status !== 'ready') return { status: 'loading', progress, result: null, error: null };
  const current = q.input !== null && JSON.stringify(q.input) === key;
  if (current && q.error) return { status: 'error', progress, result: null, error: q.error };
  return { status: current ? 'ready' : 'pending', progress, result: q.result, error: null };
}
