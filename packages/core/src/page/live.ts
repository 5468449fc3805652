import { toKoClassifyError, type KoClassifyError } from '../errors.js';
import type { Classification, Classifier, ClassifyOptions, TextInput } from '../types.js';

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
  /** When following a list (`setText([...])`): one result per non-empty entry, in order. */
  results: Classification[] | null;
  error: KoClassifyError | null;
}

export interface LiveClassification {
  getState(): LiveState;
  subscribe(listener: () => void): () => void;
  /**
   * The text to follow (as the user types), or a list of texts (one call for all; empty entries are
   * skipped): classified after `debounceMs` of quiet.
   */
  setText(text: TextInput | readonly TextInput[] | null | undefined): void;
  /** The classifier to use once loaded (null while loading). */
  setClassifier(classifier: Classifier | null): void;
  /** Cancels the pending classification (its answer is ignored); setText() starts again. */
  cancel(): void;
}

export interface LiveOptions extends ClassifyOptions {
  /** Quiet time after the last change before classifying. Default 200 ms. */
  debounceMs?: number;
}

const blank = (t: TextInput): boolean => (typeof t === 'string' ? t : t.text).trim() === '';
const IDLE: LiveState = { status: 'idle', result: null, results: null, error: null };

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
  let state: LiveState = IDLE;
  let text: TextInput | readonly TextInput[] | null | undefined = null;
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
    const list = Array.isArray(text) ? (text as readonly TextInput[]).filter((t) => !blank(t)) : null;
    if (text == null || (list ? list.length === 0 : blank(text as TextInput))) return set(IDLE);
    if (!classifier) return set({ ...state, status: 'loading', error: null });
    set({ ...state, status: 'pending', error: null });
    const clf = classifier;
    const single = text as TextInput;
    timer = setTimeout(() => {
      const call = list ? clf.classify(list, classifyOptions).then((results) => ({ ...IDLE, status: 'ready' as const, results })) : clf.classify(single, classifyOptions).then((result) => ({ ...IDLE, status: 'ready' as const, result }));
      call.then(
        (next) => id === generation && set(next),
        (e: unknown) => id === generation && set({ ...IDLE, status: 'error', error: toKoClassifyError(e, 'INTERNAL', 'classification failed') }),
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

