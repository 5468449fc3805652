import { describe, expect, it } from 'vitest';
import { createClassifierStore } from '../src/page/classifier-store.js';

// Node has no Worker, so loading fails — which is enough to check the store's lifecycle rules.
describe('classifier store', () => {
  it('release + re-acquire in the same tick keeps one load (StrictMode); errors land in state', async () => {
    const store = createClassifierStore({ model: 'ko-sentiment', createWorker: () => { throw new Error('no Worker in Node'); } });
    const seen: string[] = [];
    store.subscribe(() => seen.push(store.getState().status));
    const release = store.acquire();
    const first = store.ready();
    release();
    const release2 = store.acquire();
    expect(store.ready()).toBe(first);
    await expect(first).rejects.toThrow(/no Worker in Node/);
    expect(store.getState().status).toBe('error');
    expect(store.getState().error?.code).toBe('BACKEND_UNAVAILABLE');
    expect(seen).toEqual(['loading', 'error']);
    release2();
    await new Promise((r) => setTimeout(r, 5));
    expect(store.getState().status).toBe('idle');
  });

  it('ready() before acquire() is a typed error', async () => {
    await expect(createClassifierStore().ready()).rejects.toMatchObject({ code: 'DISPOSED' });
  });

  it('a loader of its own: its classifier is the store\'s; released before it finished, its signal aborts and what it returns is disposed', async () => {
    let finish: (() => void) | undefined;
    let signal: AbortSignal | undefined;
    let disposed = 0;
    const clf = { classify: () => Promise.reject(new Error('unused')), info: () => ({ model: 'own', labels: ['a', 'b'] }), dispose: async () => void disposed++ };
    const store = createClassifierStore({ model: 'own' }, (o, s) => {
      signal = s;
      expect(o.model).toBe('own');
      expect(typeof o.onProgress).toBe('function');
      return new Promise((r) => (finish = () => r(clf as never)));
    });
    const release = store.acquire();
    release();
    await new Promise((r) => setTimeout(r, 5));
    expect(signal?.aborted).toBe(true);
    finish!();
    await new Promise((r) => setTimeout(r, 5));
    expect(disposed).toBe(1);
    expect(store.getState().status).toBe('idle');
    // Acquired again: a new load, ready with the loader's classifier.
    store.acquire();
    finish!();
    expect(await store.ready()).toBe(clf);
    expect(store.getState()).toMatchObject({ status: 'ready', info: { model: 'own' } });
    expect(signal?.aborted).toBe(false);
  });
});
