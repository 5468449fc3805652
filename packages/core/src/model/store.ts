import { createStore, del, get, keys, set, type UseStore } from 'idb-keyval';

/** Where the browser cache lives: one IndexedDB database and object store per origin. */
export const IDB_LAYOUT = { database: 'ko-classify', objectStore: 'model-files' } as const;

/**
 * Where model files are kept between page loads. Keys carry model URL + revision + file (+ sha256
 * when a manifest gives one), so a new revision never reads a stale file.
 */
export interface ModelStore {
  get(key: string): Promise<Uint8Array | undefined>;
  put(key: string, bytes: Uint8Array): Promise<void>;
  delete(key: string): Promise<void>;
  list(): Promise<string[]>;
}

/**
 * IndexedDB store (one idb-keyval custom store, so nothing else in the origin's default store is touched).
 *
 * @example
 * const store = idbModelStore();
 * await store.put('https://x/models/a@main/config.json', bytes);
 */
export function idbModelStore(dbName: string = IDB_LAYOUT.database, storeName: string = IDB_LAYOUT.objectStore): ModelStore {
  let db: UseStore | undefined;
  // Opening is deferred to first use: an unavailable IndexedDB then fails a call (which the loader
  // turns into "no cache" plus a warning) instead of throwing at construction.
  const store = (): UseStore => (db ??= createStore(dbName, storeName));
  return {
    async get(key) {
      const v: unknown = await get(key, store());
      return v instanceof Uint8Array ? v : v instanceof ArrayBuffer ? new Uint8Array(v) : undefined;
    },
    put: (key, bytes) => set(key, bytes, store()),
    delete: (key) => del(key, store()),
    list: async () => (await keys(store())).map(String),
  };
}

/** An in-memory store (Node, tests). */
export function memoryModelStore(): ModelStore {
  const m = new Map<string, Uint8Array>();
  return {
    get: async (key) => m.get(key),
    put: async (key, bytes) => void m.set(key, bytes),
    delete: async (key) => void m.delete(key),
    list: async () => [...m.keys()],
  };
}
