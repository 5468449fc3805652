import { KoClassifyError, createEncoder, loadHead, type ClassifierOptions, type ClassifierState, type ClassifierStore, type Encoder, type HeadJson, type TaughtClassifier, type TeachExample, type TeachOptions } from '@ko-classify/core';

/** A taught head: the head itself, the name it was saved under in IndexedDB (`saveHead`), or none yet. */
export type HeadSource = HeadJson | string | null;

/** The classifier state, plus the head in use and the teaching under way. */
export interface TaughtState extends ClassifierState {
  /** The head `classifier` classifies with; null before one is taught or found. */
  head: HeadJson | null;
  /** A `teach()` is running. */
  teaching: boolean;
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

const IDLE: TaughtState = { status: 'idle', progress: null, event: null, info: null, error: null, classifier: null, head: null, teaching: false, teachError: null };
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
  const listeners = new Set<() => void>();
  const set = (patch: Partial<TaughtState>) => {
    state = { ...state, ...patch };
    for (const l of listeners) l();
  };

  const use = (taught: TaughtClassifier | null, patch: Partial<TaughtState> = {}) => {
    const old = state.classifier;
    set({ status: taught ? 'ready' : 'idle', classifier: taught, head: taught?.head ?? null, ...(taught ? { info: taught.info() } : {}), ...patch });
    if (old && old !== taught) void old.dispose().catch(() => undefined);
  };

  const applyHead = (encoder: Encoder) => {
    const id = ++generation;
    const from = source;
    if (from === null) return use(null);
    void (typeof from === 'string' ? deps.loadHead(from) : Promise.resolve(from))
      .then((h) => (h ? encoder.classifier(h) : null))
      .then(
        (taught) => (id === generation ? use(taught, { teachError: null }) : void taught?.dispose()),
        (e: unknown) => id === generation && use(null, { teachError: asError(e, 'loading the head failed') }),
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
        set({ status: 'idle', info: encoder.info() });
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

  return {
    getState: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    acquire() {
      users++;
      clearTimeout(stopTimer);
      loading ??= start();
      let released = false;
      return () => {
        if (released) return;
        released = true;
        if (--users === 0) stopTimer = setTimeout(stop, 0);
      };
    },
    ready() {
      if (!loading) return Promise.reject(state.error ?? new KoClassifyError('DISPOSED', 'the classifier store is not acquired: call acquire() first'));
      return loading.then(() => state.classifier ?? Promise.reject(new KoClassifyError('INVALID_INPUT', 'no head yet: teach() one or give the name of a saved head')));
    },
    setHead(next) {
      if (next === source || (next !== null && next === state.head)) return;
      source = next;
      void loading?.then(applyHead, () => undefined);
    },
    async teach(examples, teachOptions) {
      if (!loading) throw new KoClassifyError('DISPOSED', 'the classifier store is not acquired: call acquire() first');
      const id = ++generation;
      teaching++;
      set({ teaching: true, teachError: null });
      try {
        const taught = await (await loading).teach(examples, teachOptions);
        teaching--;
        if (id === generation) use(taught, { teaching: teaching > 0 });
        else set({ teaching: teaching > 0 });
        return taught;
      } catch (e) {
        teaching--;
        const err = asError(e, 'teaching failed');
        set({ teaching: teaching > 0, ...(id === generation ? { teachError: err } : {}) });
        throw err;
      }
    },
  };
}
