/**
 * Taught heads kept beside the model files, in the same store (IndexedDB: `IDB_LAYOUT`): one record
 * per name under `head:<name>` (the name URI-encoded, so no head key reads as a model file's), holding
 * `{ savedAt, head }` as UTF-8 JSON.
 */
import { KoClassifyError } from '../errors.js';
import { parseHead, type HeadJson } from '../engine/head.js';
import type { ModelStore } from './store.js';

export type { HeadJson } from '../engine/head.js';

/** One stored head, as `listHeads()` and `listCache()` show it. */
export interface CachedHead {
  kind: 'head';
  name: string;
  labels: string[];
  /** The embedding space it was taught on (`HeadJson.encoder.space`). */
  space: string;
  /** Size of its record. */
  bytes: number;
  /** When it was saved (ms since the epoch). */
  savedAt: number;
}

const PREFIX = 'head:';
const utf8 = new TextEncoder();

/** The store key of the head named `name`. */
export function headKey(name: string): string {
  return `${PREFIX}${encodeURIComponent(name)}`;
}

function checkName(name: unknown): string {
  if (typeof name !== 'string' || name.trim() === '') throw new KoClassifyError('INVALID_INPUT', `a head is stored under a name: give saveHead() a non-empty name (or teach it with { name }), got ${JSON.stringify(name) ?? 'undefined'}`);
  return name;
}

interface HeadRecord {
  savedAt: number;
  head: HeadJson;
}

function readRecord(bytes: Uint8Array | undefined): HeadRecord | null {
  if (!bytes) return null;
  try {
    const r = JSON.parse(new TextDecoder().decode(bytes)) as HeadRecord;
    parseHead(r.head);
    return typeof r.savedAt === 'number' ? r : null;
  } catch {
    return null; // a damaged record is no head
  }
}

const describe = (name: string, r: HeadRecord, bytes: number): CachedHead => ({ kind: 'head', name, labels: [...r.head.labels], space: r.head.encoder.space, bytes, savedAt: r.savedAt });

/**
 * Stores a head under `name` (default: `head.name`), replacing one of that name; the stored head
 * carries that name. HEAD_INVALID for a malformed head.
 */
export async function putHead(store: ModelStore, head: HeadJson | string, name?: string): Promise<CachedHead> {
  const json = parseHead(head).json;
  const key = checkName(name ?? json.name);
  const record: HeadRecord = { savedAt: Date.now(), head: { ...json, name: key } };
  const bytes = utf8.encode(JSON.stringify(record));
  await store.put(headKey(key), bytes);
  return describe(key, record, bytes.byteLength);
}

/** The head stored under `name`, or null (none, or a damaged record). */
export async function getHead(store: ModelStore, name: string): Promise<HeadJson | null> {
  return readRecord(await store.get(headKey(checkName(name))))?.head ?? null;
}

/** Every stored head, by name. */
export async function listStoredHeads(store: ModelStore): Promise<CachedHead[]> {
  const out: CachedHead[] = [];
  for (const k of await store.list()) {
    if (!k.startsWith(PREFIX)) continue;
    const bytes = await store.get(k);
    const r = readRecord(bytes);
    if (r && bytes) out.push(describe(decodeURIComponent(k.slice(PREFIX.length)), r, bytes.byteLength));
  }
  return out.sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
}

/** Deletes the head stored under `name`; resolves with whether there was one. */
export async function removeHead(store: ModelStore, name: string): Promise<boolean> {
  const key = headKey(checkName(name));
  const had = (await store.get(key)) !== undefined;
  if (had) await store.delete(key);
  return had;
}
