import { KoClassifyError, createEncoder, loadHead, type ClassifierOptions, type ClassifierState, type ClassifierStore, type Encoder, type HeadJson, type TaughtClassifier, type TeachExample, type TeachOptions } from '@ko-classify/core';

/** A taught head: the head itself, the name it was saved under in IndexedDB (`saveHead`), or none yet. */
export type HeadSource = HeadJson | string | null;

/** The classifier state, plus the head in use and the teaching under way. */
export interface TaughtState extends ClassifierState {
  /** The head `classifier` classifies with; null before one is taught or found. */
  head: HeadJson | null;
  /** A `teach()` is running. */
  teaching: boolean;
  /** The head given (a saved name or a HeadJson) is being looked up or checked against the encoder. */
  headLoading: boolean;
  /** Why the last `teach()` failed (e.g. only one label), or why the head could not be used (another encoder). */
  teachError: KoClassifyError | null;
}

/**
 * A classifier store over an encoder: `classifier` is the taught classifier of the current head
 * (status `ready`), or null with status `idle` while the encoder is loaded but has no head yet.
 * `teach()` replaces the head; an answer for an older head or teach never replaces a newer one.
 */
export interface TaughtStore extends ClassifierStore {
  getState(): TaughtState;
  setHead(head: HeadSource): void;
  teach(examples: readonly TeachExample[], options?: TeachOptions): Promise<TaughtClassifier>;
}

export interface TaughtStoreDeps {
  createEncoder: (options: ClassifierOptions) => Promise<Encoder>;
  loadHead: (name: string) => Promise<HeadJson | null>;
}

const IDLE: TaughtState = { status: 'idle', progress: null, event: null, info: null, error: null, classifier: null, head: null, teaching: false, headLoading: false, teachError: null };
/** The same head: the same weights, trained at the same time, for the same space (a parsed or inline HeadJson is a new object on every render). */
const sameHead = (a: HeadSource, b: HeadSource): boolean =>
  a === b || (a !== null && b !== null && typeof a === 'object' && typeof b === 'object' && a.weights === b.weights && a.trained?.at === b.trained?.at && a.name === b.name && a.encoder?.space === b.encoder?.space);
const asError = (e: unknown, context: string): KoClassifyError => (e instanceof KoClassifyError ? e : new KoClassifyError('INTERNAL', `${context}: ${e instanceof Error ? e.message : String(e)}`));

/**
 * @example
 * const store = createTaughtStore({ model: 'ko-sentence' }, 'my-labels');
 * const release = store.acquire();
 * await store.teach([{ text: '택배가 안 와요', label: '배송' }, { text: '너무 비싸요', label: '가격' }], { name: 'my-labels', save: true });
 * await store.getState().classifier?.classify('배송이 늦어요');
 */
export function createTaughtStore(options: ClassifierOptions = {}, head: HeadSource = null, deps: TaughtStoreDeps = { createEncoder, loadHead }): TaughtStore {
  let state = IDLE;
  let source = head;
  let users = 0;
  let loading: Promise<Encoder> | null = null;
  let stopTimer: ReturnType<typeof setTimeout> | undefined;
  // Bumped by every setHead/teach: only the newest one's answer is shown.
  let generation = 0;
  let teaching = 0;
  // The newest applyHead: ready() waits for it (a saved head is looked up after the encoder loads).
  let applying: Promise<void> = Promise.resolve();
  const listeners = new Set<() => void>();
  const set = (patch: Partial<TaughtState>) => {
    state = { ...state, ...patch };
    for (const l of listeners) l();
  };

  const use = (taught: TaughtClassifier | null, patch: Partial<TaughtState> = {}) => {
    const old = state.classifier;
    set({ status: taught ? 'ready' : 'idle', headLoading: false, classifier: taught, head: taught?.head ?? null, ...(taught ? { info: taught.info() } : {}), ...patch });
    if (old && old !== taught) void old.dispose().catch(() => undefined);
  };

  const applyHead = (encoder: Encoder) => {
    const id = ++generation;
    const from = source;
    if (from === null) {
      use(null);
      return;
    }
    // Until the head is found and checked the store is loading, not "no head yet".
    if (!state.classifier) set({ status: 'loading', headLoading: true });
    else set({ headLoading: true });
    applying = (typeof from === 'string' ? deps.loadHead(from) : Promise.resolve(from))
      .then((h) => (h ? encoder.classifier(h) : null))
      .then(
        (taught) => (id === generation ? use(taught, { teachError: null }) : void taught?.dispose()),
        (e: unknown) => {
          if (id === generation) use(null, { teachError: asError(e, 'loading the head failed') });
        },
      );
  };

  const start = (): Promise<Encoder> => {
    set({ status: 'loading', progress: 0, error: null });
    const p = deps.createEncoder({
      ...options,
      onProgress: (e) => {
        options.onProgress?.(e);
        if (e.type === 'download' || e.type === 'cached') set({ event: e, progress: e.totalBytes ? Math.min(1, e.totalLoaded / e.totalBytes) : null });
        else set({ event: e, ...(e.type === 'compile' ? { progress: 1 } : {}) });
      },
    }).then(
      (encoder) => {
        if (loading !== p) return encoder;
        set({ status: source === null ? 'idle' : 'loading', info: encoder.info() });
        applyHead(encoder);
        return encoder;
      },
      (e: unknown) => {
        const err = asError(e, 'loading the encoder failed');
        if (loading === p) {
          loading = null;
          set({ status: 'error', error: err });
        }
        throw err;
      },
    );
    p.catch(() => undefined);
    return p;
  };

  const stop = () => {
    const p = loading;
    loading = null;
    generation++;
    state = IDLE;
    for (const l of listeners) l();
    // Disposing the encoder fails its taught classifiers too.
    void p?.then((encoder) => encoder.dispose(), () => undefined);
  };

  const acquire = () => {
    users++;
    clearTimeout(stopTimer);
    loading ??= start();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--users === 0) stopTimer = setTimeout(stop, 0);
    };
  };

  return {
    getState: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    acquire,
    ready() {
      if (!loading) return Promise.reject(state.error ?? new KoClassifyError('DISPOSED', 'the classifier store is not acquired: call acquire() first'));
      return loading.then(() => applying).then(() => state.classifier ?? Promise.reject(new KoClassifyError('INVALID_INPUT', 'no head yet: teach() one or give the name of a saved head')));
    },
    setHead(next) {
      if (sameHead(next, source) || (next !== null && sameHead(next, state.head))) return;
      source = next;
      void loading?.then(applyHead, () => undefined);
    },
    async teach(examples, teachOptions) {
      // Held for the call: a teach() from a child's mount effect runs before the provider's acquire().
      const release = acquire();
      teaching++;
      set({ teaching: true, teachError: null });
      let id = -1;
      try {
        const encoder = await loading!;
        // Numbered once the encoder is there: its own first head lookup (applyHead) is older than this teach.
        id = ++generation;
        const taught = await encoder.teach(examples, teachOptions);
        teaching--;
        if (id === generation) use(taught, { teaching: teaching > 0 });
        else set({ teaching: teaching > 0 });
        return taught;
      } catch (e) {
        teaching--;
        const err = asError(e, 'teaching failed');
        set({ teaching: teaching > 0, ...(id === generation || id === -1 ? { teachError: err } : {}) });
        throw err;
      } finally {
        release();
      }
    },
  };
}
