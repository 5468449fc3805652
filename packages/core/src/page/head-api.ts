/** The page's taught heads in this origin's IndexedDB, beside the cached models (`model/head-store.ts`). */
import { getHead, listStoredHeads, putHead, removeHead, type CachedHead, type HeadJson } from '../model/head-store.js';
import { idbModelStore, type ModelStore } from '../model/store.js';

export type { CachedHead } from '../model/head-store.js';

/**
 * Stores a taught head under `name` (default: the name it was taught with), replacing one of that
 * name, so a later visit can classify with it offline. HEAD_INVALID for a malformed head;
 * INVALID_INPUT when it has no name and none is given.
 *
 * @example
 * const tone = await encoder.teach(examples);
 * await saveHead(tone.head, 'tone');
 */
export function saveHead(head: HeadJson | string, name?: string, store: ModelStore = idbModelStore()): Promise<CachedHead> {
  return putHead(store, head, name);
}

/**
 * The head stored under `name`, or null.
 *
 * @example
 * const head = await loadHead('tone');
 * const tone = head ? await encoder.classifier(head) : await encoder.teach(examples, { name: 'tone', save: true });
 */
export function loadHead(name: string, store: ModelStore = idbModelStore()): Promise<HeadJson | null> {
  return getHead(store, name);
}

/**
 * Every stored head: name, labels, the embedding space it was taught on, size and when it was saved.
 *
 * @example
 * for (const h of await listHeads()) console.log(h.name, h.labels.join('/'), new Date(h.savedAt));
 */
export function listHeads(store: ModelStore = idbModelStore()): Promise<CachedHead[]> {
  return listStoredHeads(store);
}

/**
 * Deletes the head stored under `name`; resolves with whether there was one.
 *
 * @example
 * await deleteHead('tone');
 */
export function deleteHead(name: string, store: ModelStore = idbModelStore()): Promise<boolean> {
  return removeHead(store, name);
}
