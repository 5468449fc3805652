import { toKoClassifyError, type KoClassifyError } from './errors.js';
import type { Classification, Classifier, ClassifyOptions, TextInput } from './types.js';

/**
 * `idle` — no text (empty or only whitespace: nothing is shown, though the API would answer);
 * `loading` — text, but no classifier yet; `pending` — debouncing or classifying the newest text;
 * `ready` — `result` belongs to the newest text; `error` — classifying it failed.
 */
export type LiveStatus = 'idle' | 'loading' | 'pending' | 'ready' | 'error';

/** An immutable snapshot: a new object on every change (`useSyncExternalStore` compares by identity). */
export interface LiveState {
  status: LiveStatus;
  /** The latest result; kept while a newer text is pending, cleared when the text is emptied. */
  result: Classification | null;
  error: KoClassifyError | null;
}

export interface LiveClassification {
  getState(): LiveState;
  subscribe(listener: () => void): () => void;
  /** The text to follow (as the user types): classified after `debounceMs` of quiet. */
  setText(text: TextInput | null | undefined): void;
  /** The classifier to use once loaded (null while loading). */
  setClassifier(classifier: Classifier | null): void;
  /** Cancels the pending classification (its answer is ignored); setText() starts again. */
  cancel(): void;
}

export interface LiveOptions extends ClassifyOptions {
  /** Quiet time after the last change before classifying. Default 200 ms. */
  debounceMs?: number;
}

const isEmpty = (t: TextInput | null | undefined): boolean => t == null || (typeof t === 'string' ? t : t.text).trim() === '';

/**
 * "Debounce, latest answer wins" for live UIs, framework-free: the React hook, the `<ko-sentiment>`
 * element and the examples are views over it. An answer for an older text never replaces a newer one.
 *
 * @example
 * const live = createLiveClassification({ debounceMs: 250 });
 * live.setClassifier(await createClassifier());
 * live.subscribe(() => render(live.getState()));
 * textarea.addEventListener('input', () => live.setText(textarea.value));
 */
export function createLiveClassification(options: LiveOptions = {}): LiveClassification {
  const { debounceMs = 200, ...classifyOptions } = options;
  let state: LiveState = { status: 'idle', result: null, error: null };
  let text: TextInput | null | undefined = null;
  let classifier: Classifier | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let generation = 0;
  const listeners = new Set<() => void>();
  const set = (next: LiveState) => {
    state = next;
    for (const l of listeners) l();
  };

  const schedule = (delay: number) => {
    clearTimeout(timer);
    const id = ++generation;
    if (isEmpty(text)) return set({ status: 'idle', result: null, error: null });
    if (!classifier) return set({ ...state, status: 'loading', error: null });
    set({ ...state, status: 'pending', error: null });
    const clf = classifier;
    const input = text as TextInput;
    timer = setTimeout(() => {
      clf.classify(input, classifyOptions).then(
        (result) => id === generation && set({ status: 'ready', result, error: null }),
        (e: unknown) => id === generation && set({ status: 'error', result: null, error: toKoClassifyError(e, 'INTERNAL', 'classification failed') }),
      );
    }, delay);
  };

  return {
    getState: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    setText(next) {
      text = next;
      schedule(debounceMs);
    },
    setClassifier(next) {
      if (next === classifier) return;
      classifier = next;
      // The model just arrived: classify the text the user already typed at once.
      schedule(0);
    },
    cancel() {
      clearTimeout(timer);
      generation++;
    },
  };
}

