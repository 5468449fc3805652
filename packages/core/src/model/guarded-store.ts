import type { ProgressEvent } from '../types.js';
import type { ModelStore } from './store.js';

/**
 * A model store that never fails a load: an operation that throws or does not settle in time (an
 * IndexedDB blocked by another tab's connection never answers at all) turns the cache off for the rest
 * of the load, with one `STORAGE` warning, and answers `undefined`.
 */
export class GuardedStore {
  constructor(
    private store: ModelStore | null,
    private readonly timeoutMs: number,
    private readonly emit: (e: ProgressEvent) => void,
  ) {}

  get(key: string): Promise<Uint8Array | undefined> {
    return this.op((s) => s.get(key));
  }

  async put(key: string, bytes: Uint8Array): Promise<void> {
    await this.op((s) => s.put(key, bytes));
  }

  async delete(key: string): Promise<void> {
    await this.op((s) => s.delete(key));
  }

  /** One store operation, or `undefined` when there is no (longer a) store. */
  async op<T>(run: (store: ModelStore) => Promise<T>): Promise<T | undefined> {
    const store = this.store;
    if (!store) return undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer in ${this.timeoutMs} ms: IndexedDB blocked, e.g. by another tab's open connection?`)), this.timeoutMs);
    });
    try {
      return await Promise.race([run(store), timeout]);
    } catch (e) {
      if (this.store === store) {
        this.emit({ type: 'warning', code: 'STORAGE', message: `model cache unavailable (${(e as Error)?.message ?? String(e)}); continuing without it` });
        this.store = null;
      }
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }
}
