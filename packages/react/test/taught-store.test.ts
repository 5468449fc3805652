import { createElement } from 'react';
import { renderToString } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { KoClassifyError, type Classification, type ClassifierOptions, type Encoder, type HeadJson, type ModelInfo, type TaughtClassifier, type TeachExample } from '@ko-classify/core';
import { createTaughtStore, type TaughtStoreDeps } from '../src/taught-store.js';
import { ClassifierProvider, useTeach } from '../src/index.js';

// The store behind <ClassifierProvider head> and useTeach(), over a fake encoder: what each step
// shows, and that an older answer never replaces a newer one.
const SPACE = 'ko-sentence-test';
const head = (labels: string[], name: string | null = null): HeadJson => ({
  format: 'ko-classify-head',
  version: 1,
  name,
  encoder: { model: 'ko-sentence', space: SPACE, dim: 2 },
  labels,
  features: { embedding: true, ngrams: null },
  weights: '',
  bias: labels.map(() => 0),
  temperature: 1,
  uncertainty: { min_score: 0.5 },
  trained: { examples: 4, perLabel: {}, cvAccuracy: 1, ms: 3, at: '2026-01-01T00:00:00Z' },
});
const info = { model: 'ko-sentence', labels: [] } as unknown as ModelInfo;

function taught(h: HeadJson, disposed: string[]): TaughtClassifier {
  return {
    head: h,
    info: () => ({ ...info, labels: h.labels }) as ModelInfo,
    classify: ((text: string) => Promise.resolve({ label: h.labels[0]!, score: 0.9, scores: {}, labels: [], uncertain: false } satisfies Classification)) as unknown as TaughtClassifier['classify'],
    dispose: () => (disposed.push(h.labels.join('/')), Promise.resolve()),
  } as TaughtClassifier;
}

interface Fake {
  deps: TaughtStoreDeps;
  disposed: string[];
  encoderDisposed: () => boolean;
  /** Resolves the pending loadHead / teach calls, in the order asked. */
  pending: ((v?: unknown) => void)[];
}

function fake(o: { stored?: Record<string, HeadJson>; slow?: boolean; failLoad?: boolean } = {}): Fake {
  const disposed: string[] = [];
  const pending: ((v?: unknown) => void)[] = [];
  let encoderDisposed = false;
  const later = <T>(v: () => T): Promise<T> => (o.slow ? new Promise((r) => pending.push(() => r(v()))) : Promise.resolve(v()));
  const encoder = {
    info: () => info,
    classifier: (h: HeadJson | string) => {
      const j = h as HeadJson;
      if (j.encoder.space !== SPACE) return Promise.reject(new KoClassifyError('HEAD_MISMATCH' as KoClassifyError['code'], `trained for ${j.encoder.space}: teach it again on ko-sentence`));
      return Promise.resolve(taught(j, disposed));
    },
    teach: (examples: readonly TeachExample[]) => {
      const labels = [...new Set(examples.map((e) => e.label))];
      if (labels.length < 2) return Promise.reject(new KoClassifyError('INVALID_INPUT', 'teach needs at least 2 labels'));
      return later(() => taught(head(labels), disposed));
    },
    dispose: () => ((encoderDisposed = true), Promise.resolve()),
  } as unknown as Encoder;
  return {
    disposed,
    pending,
    encoderDisposed: () => encoderDisposed,
    deps: {
      createEncoder: (opts: ClassifierOptions) => (o.failLoad ? Promise.reject(new KoClassifyError('MODEL_NOT_FOUND', `no ${opts.model}`)) : Promise.resolve(encoder)),
      loadHead: (name: string) => later(() => o.stored?.[name] ?? null),
    },
  };
}

const tick = () => new Promise((r) => setTimeout(r, 0));
const EXAMPLES = [
  { text: '택배가 일주일째 안 와요', label: '배송' },
  { text: '너무 비싸요', label: '가격' },
];

describe('createTaughtStore', () => {
  it('no head yet: idle with the encoder info; teach() makes it ready with the head; a failed teach keeps it', async () => {
    const f = fake();
    const store = createTaughtStore({ model: 'ko-sentence' }, null, f.deps);
    expect(store.getState().status).toBe('idle');
    const release = store.acquire();
    expect(store.getState().status).toBe('loading');
    await tick();
    expect(store.getState()).toMatchObject({ status: 'idle', classifier: null, head: null, info });
    const clf = await store.teach(EXAMPLES, { name: 'shop', save: true });
    expect(store.getState()).toMatchObject({ status: 'ready', teaching: false, head: { labels: ['배송', '가격'] } });
    expect(store.getState().classifier).toBe(clf);
    expect(store.getState().info?.labels).toEqual(['배송', '가격']);
    await expect(store.teach([{ text: '하나뿐', label: '배송' }])).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect(store.getState()).toMatchObject({ status: 'ready', head: { labels: ['배송', '가격'] }, teachError: { code: 'INVALID_INPUT' } });
    release();
    await tick();
    expect(f.encoderDisposed()).toBe(true);
    expect(store.getState().status).toBe('idle');
  });

  it('a stored head by name classifies at once; an unknown name is no head; a head of another space is refused, not fatal', async () => {
    const f = fake({ stored: { shop: head(['배송', '가격', '품질'], 'shop') } });
    const store = createTaughtStore({}, 'shop', f.deps);
    store.acquire();
    await tick();
    await tick();
    expect(store.getState()).toMatchObject({ status: 'ready', head: { name: 'shop', labels: ['배송', '가격', '품질'] } });
    store.setHead('nothing-saved');
    await tick();
    await tick();
    expect(store.getState()).toMatchObject({ status: 'idle', head: null, classifier: null });
    expect(f.disposed).toEqual(['배송/가격/품질']);
    store.setHead({ ...head(['a', 'b']), encoder: { model: 'ko-sentence', space: 'ko-sentence-older', dim: 2 } });
    await tick();
    expect(store.getState()).toMatchObject({ status: 'idle', error: null, teachError: { code: 'HEAD_MISMATCH' } });
    await store.teach(EXAMPLES);
    expect(store.getState()).toMatchObject({ status: 'ready', teachError: null });
  });

  it('an older answer never replaces a newer one: a slow stored head loses to a teach started after it', async () => {
    const f = fake({ stored: { shop: head(['old', 'labels']) }, slow: true });
    const store = createTaughtStore({}, 'shop', f.deps);
    store.acquire();
    await tick();
    const teaching = store.teach(EXAMPLES);
    expect(store.getState().teaching).toBe(true);
    await tick();
    expect(f.pending).toHaveLength(2);
    // Resolve the teach first, then the stored head asked for before it.
    f.pending[1]!();
    await teaching;
    f.pending[0]!();
    await tick();
    await tick();
    expect(store.getState()).toMatchObject({ status: 'ready', teaching: false, head: { labels: ['배송', '가격'] } });
    expect(f.disposed).toEqual(['old/labels']);
  });

  it('a teach() asked while the encoder loads, or before any acquire(), is the head shown (not lost to the first head lookup)', async () => {
    const f = fake({ stored: { shop: head(['old', 'labels']) } });
    const store = createTaughtStore({}, 'shop', f.deps);
    // Before the provider's effect has acquired the store (a child's mount effect runs first).
    const first = store.teach(EXAMPLES);
    const release = store.acquire();
    await first;
    await tick();
    await tick();
    expect(store.getState()).toMatchObject({ status: 'ready', teaching: false, head: { labels: ['배송', '가격'] }, teachError: null });
    expect(store.getState().classifier).toBe(await first);
    release();
    await tick();
    // A fresh load: the teach is asked while the encoder is still loading.
    const again = createTaughtStore({}, null, fake().deps);
    again.acquire();
    const during = again.teach([{ text: '환불해 주세요', label: '환불' }, { text: '언제 와요', label: '배송' }]);
    expect(again.getState()).toMatchObject({ status: 'loading', teaching: true });
    await during;
    await tick();
    expect(again.getState()).toMatchObject({ status: 'ready', head: { labels: ['환불', '배송'] } });
  });

  it('while a saved head is looked up the store is loading, not "no head yet"; ready() waits for it; the same head again is no restart', async () => {
    const stored = head(['배송', '가격'], 'shop');
    const f = fake({ stored: { shop: stored }, slow: true });
    const store = createTaughtStore({}, 'shop', f.deps);
    store.acquire();
    const ready = store.ready();
    await tick();
    expect(store.getState()).toMatchObject({ status: 'loading', headLoading: true, head: null });
    f.pending[0]!();
    const clf = (await ready) as TaughtClassifier;
    expect(clf.head.name).toBe('shop');
    expect(store.getState()).toMatchObject({ status: 'ready', headLoading: false });
    // A parsed copy of the same head (a new object each render) neither reloads it nor cancels a teach.
    const teaching = store.teach(EXAMPLES);
    await tick();
    store.setHead(JSON.parse(JSON.stringify(stored)) as HeadJson);
    store.setHead(JSON.parse(JSON.stringify(clf.head)) as HeadJson);
    f.pending.at(-1)!();
    await teaching;
    await tick();
    expect(store.getState()).toMatchObject({ status: 'ready', head: { labels: ['배송', '가격'], name: null } });
  });

  it('a failed encoder load is the store error', async () => {
    const store = createTaughtStore({ model: 'nope' }, null, fake({ failLoad: true }).deps);
    store.acquire();
    await tick();
    expect(store.getState()).toMatchObject({ status: 'error', error: { code: 'MODEL_NOT_FOUND' } });
    await expect(store.ready()).rejects.toMatchObject({ code: 'MODEL_NOT_FOUND' });
  });
});

describe('useTeach', () => {
  function Probe() {
    const t = useTeach();
    return createElement('p', null, `${t.status}/${t.head?.labels.join(',') ?? '-'}`);
  }
  it('renders loading on the server without starting a worker; needs a provider given a head', () => {
    expect(renderToString(createElement(ClassifierProvider, { options: { model: 'ko-sentence' }, head: 'shop' }, createElement(Probe)))).toContain('loading/-');
    expect(() => renderToString(createElement(ClassifierProvider, { options: { model: 'ko-sentiment' } }, createElement(Probe)))).toThrow(/head=\{null\}/);
  });
});
