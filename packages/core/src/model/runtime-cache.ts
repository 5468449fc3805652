/**
 * ONNX Runtime's `.wasm` kept beside the models (same IndexedDB object store), so a repeat visit, an
 * offline one, or a second model's worker on the page makes no runtime request. An entry is keyed by
 * onnxruntime-web's version and the file's name (`runtime:1.30.0/ort-wasm-simd-threaded.wasm`): a page
 * that ships another ORT version misses and stores its own, and the older version is deleted then.
 * Its bookkeeping record (`meta:runtime:…`) keeps the sha256, size, URL and last use.
 */
import type { GuardedStore } from './guarded-store.js';
import type { ModelStore } from './store.js';

/**
 * Where a page keeps ORT's `.wasm` between visits, as the runtime's start uses it. A failing or
 * hanging store answers "not cached" (GuardedStore), so the worst case is a download, never a failure.
 */
export interface RuntimeCache {
  get(version: string, file: string): Promise<Uint8Array | undefined>;
  put(version: string, file: string, bytes: Uint8Array, url: string | null): Promise<void>;
  delete(version: string, file: string): Promise<void>;
  /**
   * Runs `fn` while no other worker of this origin holds `name` (Web Locks): the first of several
   * workers starting at once downloads the runtime and stores it; the others then read its copy.
   */
  exclusive<T>(name: string, fn: () => Promise<T>): Promise<T>;
}

/** How long a worker waits for another one's runtime download before fetching its own. */
const LOCK_WAIT_MS = 30_000;

/** The worker's runtime cache: the model store (guarded) plus the origin's Web Locks where there are. */
export function storeRuntimeCache(store: GuardedStore, locks: LockManager | null | undefined): RuntimeCache {
  return {
    get: async (version, file) => store.op((s) => getRuntime(s, version, file)),
    put: async (version, file, bytes, url) => void (await store.op((s) => putRuntime(s, version, file, bytes, url))),
    delete: async (version, file) => void (await store.op((s) => deleteRuntimes(s, { version, file }))),
    async exclusive(name, fn) {
      if (!locks) return fn();
      const signal = typeof AbortSignal.timeout === 'function' ? AbortSignal.timeout(LOCK_WAIT_MS) : undefined;
      try {
        return await locks.request(name, { signal }, fn);
      } catch (e) {
        // Waited long enough for another worker's download (or no lock to be had): fetch our own.
        if ((e as Error)?.name === 'AbortError' || (e as Error)?.name === 'TimeoutError') return fn();
        throw e;
      }
    },
  };
}

const PREFIX = 'runtime:';
const META = 'meta:';

/** One cached ONNX Runtime file. */
export interface CachedRuntime {
  kind: 'runtime';
  /** onnxruntime-web's version (`ort.env.versions.web`). */
  version: string;
  /** The file's name in onnxruntime-web's dist, e.g. `ort-wasm-simd-threaded.wasm`. */
  file: string;
  /** Where it was first fetched from. */
  url: string | null;
  bytes: number;
  sha256: string | null;
  lastUsed: number | null;
}

interface RuntimeMeta {
  url: string | null;
  bytes: number;
  sha256: string | null;
  lastUsed: number;
}

export function runtimeKey(version: string, file: string): string {
  return `${PREFIX}${version}/${file}`;
}

function parseRuntimeKey(key: string): { version: string; file: string } | null {
  const m = /^runtime:([^/]+)\/(.+)$/.exec(key);
  return m ? { version: m[1]!, file: m[2]! } : null;
}

/**
 * A `.wasm` must start with WebAssembly's magic number (a damaged entry is never handed to ORT: its
 * failed start is final for the worker); the glue `.mjs` must be non-empty text; both the recorded size.
 */
function looksRight(file: string, b: Uint8Array | undefined, size: number | null): b is Uint8Array {
  if (!b || b.byteLength < 8 || (size !== null && b.byteLength !== size)) return false;
  return file.endsWith('.wasm') ? b[0] === 0 && b[1] === 0x61 && b[2] === 0x73 && b[3] === 0x6d : !b.includes(0);
}

async function readMeta(store: ModelStore, key: string): Promise<RuntimeMeta | null> {
  const raw = await store.get(META + key);
  try {
    return raw ? (JSON.parse(new TextDecoder().decode(raw)) as RuntimeMeta) : null;
  } catch {
    return null;
  }
}

/** The cached bytes of a runtime file, or undefined (a missing, damaged or mismatched entry). */
export async function getRuntime(store: ModelStore, version: string, file: string): Promise<Uint8Array | undefined> {
  const key = runtimeKey(version, file);
  const [bytes, meta] = await Promise.all([store.get(key), readMeta(store, key)]);
  if (!meta || !looksRight(file, bytes, meta.bytes)) return undefined;
  // Last use is bookkeeping only: written after the answer, and its failure is nobody's problem.
  void store.put(META + key, record({ ...meta, lastUsed: Date.now() })).catch(() => undefined);
  return bytes;
}

/** Stores a runtime file and deletes the other versions of that file. */
export async function putRuntime(store: ModelStore, version: string, file: string, bytes: Uint8Array, url: string | null): Promise<void> {
  if (!looksRight(file, bytes, null)) return;
  const key = runtimeKey(version, file);
  const digest = await globalThis.crypto?.subtle?.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>).catch(() => null);
  const sha256 = digest ? [...new Uint8Array(digest)].map((x) => x.toString(16).padStart(2, '0')).join('') : null;
  await store.put(key, bytes);
  await store.put(META + key, record({ url, bytes: bytes.byteLength, sha256, lastUsed: Date.now() }));
  for (const k of await store.list()) {
    const p = parseRuntimeKey(k.startsWith(META) ? k.slice(META.length) : k);
    if (p && p.file === file && p.version !== version) await store.delete(k);
  }
}

/** Every cached runtime file. */
export async function listRuntimes(store: ModelStore): Promise<CachedRuntime[]> {
  const out: CachedRuntime[] = [];
  for (const k of await store.list()) {
    const p = parseRuntimeKey(k);
    if (!p) continue;
    const meta = await readMeta(store, k);
    out.push({ kind: 'runtime', version: p.version, file: p.file, url: meta?.url ?? null, bytes: meta?.bytes ?? (await store.get(k))?.byteLength ?? 0, sha256: meta?.sha256 ?? null, lastUsed: meta?.lastUsed ?? null });
  }
  return out.sort((a, b) => a.file.localeCompare(b.file));
}

/** Deletes cached runtime files (all, or one version / file); resolves with how many files. */
export async function deleteRuntimes(store: ModelStore, match: { version?: string; file?: string } = {}): Promise<number> {
  let deleted = 0;
  for (const k of await store.list()) {
    const isMeta = k.startsWith(META);
    const p = parseRuntimeKey(isMeta ? k.slice(META.length) : k);
    if (!p || (match.version !== undefined && p.version !== match.version) || (match.file !== undefined && p.file !== match.file)) continue;
    await store.delete(k);
    if (!isMeta) deleted++;
  }
  return deleted;
}

function record(m: RuntimeMeta): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(m));
}
