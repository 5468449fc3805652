/** The page's view of the cache: list and delete what ko-classify keeps in IndexedDB (models, ORT's runtime, taught heads). */
import { deleteCached, listCached, type CachedModel } from '../model/cache-index.js';
import { listStoredHeads, type CachedHead } from '../model/head-store.js';
import { deleteRuntimes, listRuntimes, type CachedRuntime } from '../model/runtime-cache.js';
import { idbModelStore, type ModelStore } from '../model/store.js';
import type { ClassifierOptions } from '../types.js';
import { resolveSpec } from './client.js';

/**
 * The model revisions ko-classify keeps in this origin's IndexedDB.
 *
 * @example
 * for (const m of await listCachedModels()) console.log(m.model, m.revision, (m.bytes / 1e6).toFixed(1), 'MB');
 */
export function listCachedModels(): Promise<CachedModel[]> {
  return listCached(idbModelStore());
}

/**
 * Deletes a model's cached files: every revision, or only `revision`. `model` is an id (under
 * `modelsBaseUrl`, as in `createClassifier`) or a model URL. Resolves with the entries deleted.
 *
 * @example
 * await deleteCachedModel('ko-sentiment');                    // all revisions
 * await deleteCachedModel('ko-sentiment', { revision: 'v1' }); // one
 */
export async function deleteCachedModel(model: string, options: { revision?: string; modelsBaseUrl?: ClassifierOptions['modelsBaseUrl'] } = {}): Promise<number> {
  const { modelUrl } = resolveSpec({ model, modelsBaseUrl: options.modelsBaseUrl });
  return deleteCached(idbModelStore(), modelUrl, options.revision);
}

/** One thing ko-classify keeps in this origin's IndexedDB; `kind` says which. */
export type CacheEntry = CachedModel | CachedRuntime | CachedHead;

/**
 * Everything ko-classify keeps in this origin's IndexedDB: model revisions (`kind: 'model'`),
 * ONNX Runtime's `.wasm` files (`kind: 'runtime'`, one per onnxruntime-web version and build) and
 * taught heads (`kind: 'head'`, see `saveHead`).
 *
 * @example
 * for (const e of await listCache()) console.log(e.kind, e.kind === 'model' ? e.model : e.kind === 'head' ? e.name : e.file, (e.bytes / 1e6).toFixed(1), 'MB');
 */
export async function listCache(store: ModelStore = idbModelStore()): Promise<CacheEntry[]> {
  return [...(await listCached(store)), ...(await listRuntimes(store)), ...(await listStoredHeads(store))];
}

/**
 * Deletes cached ONNX Runtime files: every version, or only `version`. The next load downloads the
 * runtime again. Resolves with the files deleted.
 *
 * @example
 * await deleteCachedRuntime();
 */
export function deleteCachedRuntime(options: { version?: string } = {}): Promise<number> {
  return deleteRuntimes(idbModelStore(), options);
}
