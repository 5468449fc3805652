/** The page's view of the model cache: list and delete what ko-classify keeps in IndexedDB. */
import { deleteCached, listCached, type CachedModel } from '../model/cache-index.js';
import { idbModelStore } from '../model/store.js';
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
