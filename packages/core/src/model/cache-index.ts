/**
 * What the model cache holds, by model and revision. File entries are keyed
 * `<model URL>@<revision>/<file>[#sha256]`; beside them, one record per model and revision says which
 * files a completed load used, their sizes and when it was last used. A completed load of a new
 * revision removes the model's other revisions (unless `keepOldRevisions`).
 */
import type { ModelStore } from './store.js';

export { IDB_LAYOUT } from './store.js';

/** One model revision in the cache. */
export interface CachedModel {
  kind: 'model';
  /** The model directory's URL. */
  model: string;
  revision: string;
  /** Files stored for it (relative to the model directory). */
  files: string[];
  /** Their total size. */
  bytes: number;
  /** When a load last completed from or into this cache entry (ms since the epoch); null if unknown. */
  lastUsed: number | null;
}

const META = 'meta:';

/** The IndexedDB key of a model file: model URL + revision + file (+ sha256 from the manifest). */
export function cacheKey(modelUrl: string, revision: string, file: string, sha256?: string): string {
  return `${modelUrl}@${revision}/${file}${sha256 ? `#${sha256}` : ''}`;
}

/** The key of a model revision's bookkeeping record (files, sizes, last use). */
export function metaKey(modelUrl: string, revision: string): string {
  return `${META}${modelUrl}@${revision}`;
}
const utf8 = new TextEncoder();

interface Meta {
  files: Record<string, number>;
  lastUsed: number;
}

function parseKey(key: string): { model: string; revision: string; file: string } | null {
  const m = /^(.*\/)@([^/]*)\/([^#]+)(?:#[0-9a-f]+)?$/.exec(key);
  return m ? { model: m[1]!, revision: m[2]!, file: m[3]! } : null;
}

/** After a completed load: note the files it used, then drop the model's other revisions. */
export async function recordLoad(store: ModelStore, modelUrl: string, revision: string, files: Record<string, number>, keepOldRevisions: boolean): Promise<void> {
  const key = metaKey(modelUrl, revision);
  const old = await store.get(key);
  const before: Meta | null = old ? (JSON.parse(new TextDecoder().decode(old)) as Meta) : null;
  const meta: Meta = { files: { ...before?.files, ...files }, lastUsed: Date.now() };
  await store.put(key, metaRecord(meta.files, meta.lastUsed));
  if (keepOldRevisions) return;
  for (const k of await store.list()) {
    const owner = k.startsWith(META) ? parseKey(`${k.slice(META.length)}/x`) : parseKey(k);
    if (owner && owner.model === modelUrl && owner.revision !== revision) await store.delete(k);
  }
}

/** The revision of `modelUrl` whose load completed most recently, or null. */
export async function latestCompleted(store: ModelStore, modelUrl: string): Promise<string | null> {
  const prefix = metaKey(modelUrl, '');
  let best: { revision: string; lastUsed: number } | null = null;
  for (const k of await store.list()) {
    if (!k.startsWith(prefix)) continue;
    const raw = await store.get(k);
    let lastUsed = 0;
    try {
      lastUsed = raw ? (JSON.parse(new TextDecoder().decode(raw)) as Meta).lastUsed : 0;
    } catch {
      continue; // a damaged record names no usable revision
    }
    const revision = k.slice(prefix.length);
    if (!best || lastUsed > best.lastUsed) best = { revision, lastUsed };
  }
  return best?.revision ?? null;
}

/** Every model revision in a store, with its files, size and last use. */
export async function listCached(store: ModelStore): Promise<CachedModel[]> {
  const byRevision = new Map<string, CachedModel>();
  const keys = await store.list();
  for (const k of keys) {
    if (k.startsWith(META)) continue;
    const p = parseKey(k);
    if (!p) continue;
    const id = `${p.model}@${p.revision}`;
    const entry = byRevision.get(id) ?? { kind: 'model' as const, model: p.model, revision: p.revision, files: [], bytes: 0, lastUsed: null };
    entry.files.push(p.file);
    byRevision.set(id, entry);
  }
  for (const [id, entry] of byRevision) {
    const raw = await store.get(`${META}${id}`);
    const meta = raw ? (JSON.parse(new TextDecoder().decode(raw)) as Meta) : null;
    entry.lastUsed = meta?.lastUsed ?? null;
    for (const f of entry.files) entry.bytes += meta?.files[f] ?? (await store.get(keys.find((k) => parseKey(k)?.file === f && k.startsWith(id))!))?.byteLength ?? 0;
    entry.files.sort();
  }
  return [...byRevision.values()];
}

/** Deletes a model's entries (every revision, or only `revision`) from a store; resolves with how many. */
export async function deleteCached(store: ModelStore, modelUrl: string, revision?: string): Promise<number> {
  let deleted = 0;
  for (const k of await store.list()) {
    const owner = k.startsWith(META) ? parseKey(`${k.slice(META.length)}/x`) : parseKey(k);
    if (owner?.model === modelUrl && (revision === undefined || owner.revision === revision)) {
      await store.delete(k);
      deleted++;
    }
  }
  return deleted;
}

/** The bytes of a model revision's bookkeeping record (see `metaKey`): file sizes and last use. */
export function metaRecord(files: Record<string, number>, lastUsed = Date.now()): Uint8Array {
  return utf8.encode(JSON.stringify({ files, lastUsed } satisfies Meta));
}
