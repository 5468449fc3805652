import { createClassifier } from './client.js';
import { functionId } from './shared-classifier.js';
import { KoClassifyError, toKoClassifyError } from '../errors.js';
import type { Classifier, ClassifierOptions, ModelInfo, ProgressEvent } from '../types.js';

export type ClassifierStatus = 'idle' | 'loading' | 'ready' | 'error';

/** An immutable snapshot: a new object on every change, so `useSyncExternalStore` can compare by identity. */
export interface ClassifierState {
  status: ClassifierStatus;
  /** Download progress 0..1 while loading (null until sizes are known); 1 once compiling. */
  progress: number | null;
  /** The latest progress event. */
  event: ProgressEvent | null;
  info: ModelInfo | null;
  error: KoClassifyError | null;
  /** The loaded classifier (status `ready`), else null. */
  classifier: Classifier | null;
}

/**
 * A classifier's lifecycle as a subscribable store, for UI adapters (React hooks, custom elements).
 * `acquire()` starts the worker on first use and returns a release function; the worker stops only
 * when the last user released it and none re-acquired within the same tick — so a component that
 * mounts, unmounts and mounts again at once (React StrictMode) keeps one worker.
 */
export interface ClassifierStore {
  getState(): ClassifierState;
  subscribe(listener: () => void): () => void;
  acquire(): () => void;
  /** Resolves with the classifier once loaded; rejects with the load error. */
  ready(): Promise<Classifier>;
}

const IDLE: ClassifierState = { status: 'idle', progress: null, event: null, info: null, error: null, classifier: null };

/**
 * How a store loads its classifier: `createClassifier` by default; a view's own loader for another
 * kind (e.g. a taught head over its encoder). `signal` aborts when the last user released the store
 * before the load finished (the store disposes what the loader returns anyway).
 */
export type ClassifierLoader = (options: ClassifierOptions, signal: AbortSignal) => Promise<Classifier>;

/**
 * @example
 * const store = createClassifierStore({ model: 'ko-sentiment' });
 * const release = store.acquire();
 * store.subscribe(() => console.log(store.getState().status));
 * const clf = await store.ready();
 */
export function createClassifierStore(options: ClassifierOptions = {}, load: ClassifierLoader = (o) => createClassifier(o)): ClassifierStore {
  let state = IDLE;
  let users = 0;
  let loading: Promise<Classifier> | null = null;
  let stopLoad: AbortController | null = null;
  let stopTimer: ReturnType<typeof setTimeout> | undefined;
  const listeners = new Set<() => void>();
  const set = (patch: Partial<ClassifierState>) => {
    state = { ...state, ...patch };
    for (const l of listeners) l();
  };

  const onProgress = (e: ProgressEvent) => {
    options.onProgress?.(e);
    if (e.type === 'download' || e.type === 'cached') {
      set({ event: e, progress: e.totalBytes ? Math.min(1, e.totalLoaded / e.totalBytes) : null });
    } else if (e.type === 'compile') {
      set({ event: e, progress: 1 });
    } else {
      set({ event: e });
    }
  };

  const start = (): Promise<Classifier> => {
    set({ status: 'loading', progress: 0, error: null });
    const ctl = (stopLoad = new AbortController());
    const p = load({ ...options, onProgress }, ctl.signal).then(
      (clf) => {
        if (loading === p) set({ status: 'ready', info: clf.info(), classifier: clf });
        return clf;
      },
      (e: unknown) => {
        const err = toKoClassifyError(e, 'INTERNAL', 'loading the classifier failed');
        if (loading === p) {
          loading = null;
          set({ status: 'error', error: err });
        }
        throw err;
      },
    );
    // Errors are reported through state; ready() callers get the rejection.
    p.catch(() => undefined);
    return p;
  };

  const stop = () => {
    const p = loading;
    loading = null;
    stopLoad?.abort();
    stopLoad = null;
    state = IDLE;
    for (const l of listeners) l();
    void p?.then((clf) => clf.dispose(), () => undefined);
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
      if (!loading) return Promise.reject(new KoClassifyError('DISPOSED', 'the classifier store is not acquired: call acquire() first'));
      return loading;
    },
  };
}

const pageStores = new Map<string, ClassifierStore>();

/** `v` with every object's keys in order, so options compare by content whatever order they were written in. */
function sorted(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sorted);
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sorted((v as Record<string, unknown>)[k])]));
}

/**
 * The page's one store for these options (model, URLs, backend, worker factory…): every caller with
 * equal options gets the same store, so several elements or components showing one model share its
 * load state and its worker. Options compare by content (in any key order); `createWorker` and `onProgress` by identity.
 *
 * @example
 * const a = pageClassifierStore({ model: 'ko-sentiment' });
 * a === pageClassifierStore({ model: 'ko-sentiment' }); // true
 */
export function pageClassifierStore(options: ClassifierOptions = {}): ClassifierStore {
  const { createWorker, onProgress, ...rest } = options;
  const key = JSON.stringify([sorted(rest), createWorker ? functionId(createWorker) : 0, onProgress ? functionId(onProgress) : 0]);
  let store = pageStores.get(key);
  if (!store) pageStores.set(key, (store = createClassifierStore(options)));
  return store;
}
