import { KoClassifyError, createEncoder, loadHead, type ClassifierOptions, type ClassifierState, type ClassifierStore, type Encoder, type HeadJson, type TaughtClassifier } from '@ko-classify/core';

/** Where `<ko-classify>` takes its taught head from: the `head` property, `head-name` (IndexedDB) or `head-src` (a URL). */
export type HeadFrom = { head: HeadJson } | { name: string } | { src: string };

async function resolveHead(from: HeadFrom): Promise<HeadJson> {
  if ('head' in from) return from.head;
  if ('name' in from) {
    const head = await loadHead(from.name);
    if (!head) throw new KoClassifyError('INVALID_INPUT', `no head is saved under "${from.name}" on this site: teach one with teach(examples, { name: '${from.name}', save: true })`);
    return head;
  }
  let url: string;
  try {
    url = new URL(from.src, document.baseURI).href;
  } catch {
    throw new KoClassifyError('INVALID_INPUT', `head-src "${from.src}" is not a URL: give the path or URL of a head.json (from teach() or ko-classify teach)`);
  }
  const res = await fetch(url).catch((e: unknown) => {
    throw new KoClassifyError('NETWORK', `head-src ${url}: ${e instanceof Error ? e.message : String(e)}`);
  });
  if (!res.ok) throw new KoClassifyError('NETWORK', `head-src ${url}: HTTP ${res.status}${res.status === 404 ? ': no file there, check the head-src path' : ''}`);
  const head = (await res.json().catch(() => null)) as HeadJson | null;
  // Checked before any encoder loads (an HTML fallback page is not a head); the encoder's parseHead checks the rest.
  if (head === null || typeof head !== 'object' || head.format !== 'ko-classify-head' || typeof head.encoder?.model !== 'string') {
    throw new KoClassifyError('HEAD_INVALID', `head-src ${url} is not a ko-classify head (JSON with format "ko-classify-head"): point it at a head.json written by teach() or ko-classify teach`);
  }
  return head;
}

const IDLE: ClassifierState = { status: 'idle', progress: null, event: null, info: null, error: null, classifier: null };

/**
 * A ClassifierStore (core's shape, so the element's live view is unchanged) whose classifier is a
 * taught head over its encoder: the head first, then its encoder (`options.model`, else the
 * head's own `encoder.model`), then `encoder.classifier(head)`. The encoder shares the page's worker.
 */
export function headStore(options: ClassifierOptions, from: HeadFrom): ClassifierStore {
  let state = IDLE;
  let users = 0;
  let loading: Promise<TaughtClassifier> | null = null;
  let encoder: Promise<Encoder> | null = null;
  let stopTimer: ReturnType<typeof setTimeout> | undefined;
  const listeners = new Set<() => void>();
  const set = (patch: Partial<ClassifierState>) => {
    state = { ...state, ...patch };
    for (const l of listeners) l();
  };
  const start = () => {
    set({ status: 'loading', progress: 0, error: null });
    const p: Promise<TaughtClassifier> = resolveHead(from).then(async (head) => {
      if (loading !== p) throw new KoClassifyError('DISPOSED', 'the element was removed while its head loaded');
      // The head names its encoder by id, found under models-base; a URL from a fetched file never picks where models come from.
      const named = head?.encoder?.model;
      if (!options.model && (typeof named !== 'string' || !/^[a-z0-9][a-z0-9._-]*$/.test(named))) {
        throw new KoClassifyError('HEAD_INVALID', `the head's encoder.model ${JSON.stringify(named)} is not a model id: set the element's model attribute to the encoder it was taught on`);
      }
      const mine = (encoder = createEncoder({
        ...options,
        model: options.model ?? named,
        onProgress: (e) => {
          if (e.type === 'download' || e.type === 'cached') set({ event: e, progress: e.totalBytes ? Math.min(1, e.totalLoaded / e.totalBytes) : null });
        },
      }));
      return (await mine).classifier(head);
    });
    p.then(
      (clf) => loading === p && set({ status: 'ready', progress: 1, info: clf.info(), classifier: clf }),
      (e: unknown) => loading === p && set({ status: 'error', error: e instanceof KoClassifyError ? e : new KoClassifyError('INTERNAL', String(e)) }),
    );
    return p;
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
        if (--users) return;
        stopTimer = setTimeout(() => {
          const e = encoder;
          loading = encoder = null;
          state = IDLE;
          // Disposing the encoder fails its taught classifier too.
          void e?.then((x) => x.dispose(), () => undefined);
        }, 0);
      };
    },
    ready: () => loading ?? Promise.reject(new KoClassifyError('DISPOSED', 'the classifier store is not acquired: call acquire() first')),
  };
}
