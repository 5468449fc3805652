import type { KoClassifyError } from '../errors.js';
import type { Classification, TextInput } from '../types.js';
import type { ClassifierState } from './classifier-store.js';
import type { LiveState } from './live.js';

/** What a UI shows for one followed text: the model's load state and the live classification, combined. */
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
 * The one derivation of a UI's status from a classifier store and a live helper (the React hook and
 * the custom elements both show this): a load error first, then no text, then the model loading,
 * then the live helper's own state (idle or waiting for its classifier counts as pending).
 *
 * @example
 * const s = classificationState(store.getState(), live.getState(), textarea.value);
 * if (s.status === 'ready') show(s.result);
 */
export function classificationState(model: ClassifierState, live: LiveState, text: TextInput | null | undefined): ClassificationState {
  const { status, progress, error } = model;
  if (status === 'error') return { status: 'error', progress, result: null, error };
  if (text == null || (typeof text === 'string' ? text : text.text).trim() === '') return { status: 'idle', progress, result: null, error: null };
  if (status !== 'ready') return { status: 'loading', progress, result: null, error: null };
  // Until the text reaches the helper (and on the server) the text is pending.
  if (live.status === 'idle' || live.status === 'loading') return { status: 'pending', progress, result: live.result, error: null };
  return { status: live.status, progress, result: live.result, error: live.error };
}
