import { cacheKey, latestCompleted, metaKey, recordLoad } from './cache.js';
import { KoClassifyError } from './errors.js';
import type { Manifest } from './model-layout.js';
import type { ModelStore } from './model-store.js';
import type { ProgressEvent } from './types.js';

export interface ModelSourceOptions {
  modelUrl: string;
  /** A pinned revision, or null: the revision the model's manifest declares (see `init`). */
  revision: string | null;
  store: ModelStore | null;
  emit: (e: ProgressEvent) => void;
  fetch?: typeof fetch;
  /** Attempts per file for network errors and 5xx answers (404 is final at once). */
  attempts?: number;
  retryDelayMs?: number;
  /**
   * A store operation that has not settled by then counts as failed (no cache, a warning): an
   * IndexedDB blocked by another tab's connection never answers at all. Default 5000 ms.
   */
  storeTimeoutMs?: number;
}

/**
 * Files of one model directory: read from the store when present (sha256-checked against the
 * manifest), else downloaded with progress, verified, and stored. A store that fails (blocked
 * IndexedDB, quota) degrades to no cache with a `warning` event, never to a failed load.
 */
export class ModelSource {
  manifest: Manifest | null = null;
  /** The revision this load reads and stores under: pinned, or resolved by `init()`. */
  revision: string;
  readonly sources: Record<string, 'network' | 'cache'> = {};
  private readonly o: Required<Omit<ModelSourceOptions, 'store' | 'revision'>> & { store: ModelStore | null; revision: string | null };
  /** Cache keys of the model's previous revision by file + sha256: same bytes are copied, not downloaded. */
  private reusable = new Map<string, string>();
  /** Unpinned: the revision whose load completed last (the offline fallback). */
  private latest: string | null = null;
  private planned: string[] = [];
  /** Sizes of the files this load read, for the cache's bookkeeping. */
  private readonly sizes: Record<string, number> = {};
  private loadedBytes = 0;

  constructor(options: ModelSourceOptions) {
    this.o = {
      ...options,
      fetch: options.fetch ?? globalThis.fetch.bind(globalThis),
      attempts: options.attempts ?? 3,
      retryDelayMs: options.retryDelayMs ?? 300,
      storeTimeoutMs: options.storeTimeoutMs ?? 5000,
    };
    this.revision = options.revision ?? MANIFESTLESS;
  }

  /**
   * Reads the manifest; a model without one is allowed. A pinned revision is immutable: its cached
   * manifest is used, the network asked only when there is none. Unpinned, the model's current
   * manifest is asked for on every load (revalidated, a few hundred bytes) and its `revision` names
   * the load, so new files at the same URL replace the cached ones; offline, the revision the last
   * completed load used is read from the cache.
   */
  async init(): Promise<void> {
    if (this.o.revision !== null) return this.initPinned();
    // A model without a manifest has nothing to revalidate against: it stays under MANIFESTLESS, and
    // once such a load completed, later loads do not ask for one again (and so work offline). Its
    // files change only with a new pinned revision.
    if (await this.completedWithoutManifest()) return;
    this.latest = await this.latestRevision();
    let bytes: Uint8Array | null;
    try {
      // With a cached revision to fall back on, one attempt: offline must not wait out the retries.
      bytes = await this.download('manifest.json', { optional: true, report: false, cache: 'no-cache', attempts: this.latest ? 1 : undefined });
    } catch (e) {
      if (!(await this.useLatest(`manifest.json could not be fetched (${(e as Error).message})`))) throw e;
      return;
    }
    // No manifest at the URL (a host that serves only the model files, a cache seeded by a test kit):
    // the revision that loaded last, if any; else a model without a manifest (MANIFESTLESS).
    if (!bytes) {
      await this.useLatest('the model URL serves no manifest.json');
      return;
    }
    this.revision = await revisionOf(bytes);
    this.useManifest(bytes); // validated before it is stored
    if (this.latest && this.latest !== this.revision) await this.noteReusable(this.latest);
    await this.storePut(this.key('manifest.json', undefined), bytes);
  }

  /**
   * After a failed download of the new revision's files (the host went away midway, or serves a
   * manifest ahead of its files): switch this load to the revision that loaded last, once. The caller
   * reads every file again; false when there is nothing to fall back on.
   */
  async fallBack(reason: string): Promise<boolean> {
    if (this.o.revision !== null || !this.latest || this.latest === this.revision) return false;
    this.manifest = null;
    this.reusable.clear();
    for (const f of Object.keys(this.sources)) delete this.sources[f];
    for (const f of Object.keys(this.sizes)) delete this.sizes[f];
    this.loadedBytes = 0;
    return this.useLatest(reason);
  }

  private async initPinned(): Promise<void> {
    const key = this.key('manifest.json', undefined);
    let bytes = await this.storeGet(key);
    // A revision is immutable: once a load without a manifest has completed, later loads of that
    // revision do not ask for one again (and so work offline).
    if (!bytes && (await this.completedWithoutManifest())) return;
    if (!bytes) {
      bytes = (await this.download('manifest.json', { optional: true, report: false })) ?? undefined;
      if (bytes) await this.storePut(key, bytes);
    }
    if (bytes) this.useManifest(bytes);
  }

  private useManifest(bytes: Uint8Array): void {
    this.sizes['manifest.json'] = bytes.byteLength;
    const parsed = parseJson(bytes, 'manifest.json', this.o.modelUrl) as Manifest;
    if (!parsed || typeof parsed.files !== 'object') {
      throw new KoClassifyError('MODEL_INVALID', `manifest.json at ${this.o.modelUrl} has no "files" object`);
    }
    this.manifest = parsed;
  }

  /** Uses the cached manifest of the revision that loaded last, with a warning saying why; false when there is none. */
  private async useLatest(reason: string): Promise<boolean> {
    const latest = this.latest;
    const cached = latest && (await this.storeGet(cacheKey(this.o.modelUrl, latest, 'manifest.json')));
    if (!latest || !cached) return false;
    this.revision = latest;
    this.useManifest(cached);
    this.o.emit({ type: 'warning', code: 'STALE_REVISION', message: `${reason}: loading revision ${latest} of ${this.o.modelUrl} from the cache, the last one that loaded` });
    return true;
  }

  /** The revision of this model whose load completed last, or null. */
  private async latestRevision(): Promise<string | null> {
    return (await this.storeOp((store) => latestCompleted(store, this.o.modelUrl))) ?? null;
  }

  /** Remembers the previous revision's cached files so unchanged ones are copied instead of downloaded. */
  private async noteReusable(previous: string): Promise<void> {
    const prefix = cacheKey(this.o.modelUrl, previous, '');
    for (const k of (await this.storeOp((store) => store.list())) ?? []) {
      const m = k.startsWith(prefix) ? /^(.+)#([0-9a-f]{64})$/.exec(k.slice(prefix.length)) : null;
      if (m) this.reusable.set(`${m[1]}#${m[2]}`, k);
    }
  }

  /** Files the manifest lists, or null without a manifest. */
  files(): string[] | null {
    return this.manifest ? Object.keys(this.manifest.files) : null;
  }

  /** Declares the files this load will read, so progress can report a total. */
  plan(files: readonly string[]): void {
    for (const f of files) if (!this.planned.includes(f)) this.planned.push(f);
    this.o.emit({ type: 'manifest', files: [...this.planned], totalBytes: this.totalBytes() });
  }

  async json(file: string): Promise<unknown> {
    return parseJson(await this.bytes(file), file, this.o.modelUrl);
  }

  async bytes(file: string): Promise<Uint8Array> {
    const expected = this.manifest?.files[file];
    if (this.manifest && !expected) {
      throw new KoClassifyError('MODEL_NOT_FOUND', `${file} is not listed in ${this.o.modelUrl}manifest.json`, { file });
    }
    const key = this.key(file, expected?.sha256);
    const cached = await this.storeGet(key);
    if (cached) {
      if (!expected || (await sha256Hex(cached)) === expected.sha256) {
        this.sources[file] = 'cache';
        this.sizes[file] = cached.byteLength;
        this.loadedBytes += cached.byteLength;
        this.o.emit({ type: 'cached', file, bytes: cached.byteLength, totalLoaded: this.loadedBytes, totalBytes: this.totalBytes() });
        return cached;
      }
      this.o.emit({ type: 'warning', code: 'CACHE_CORRUPT', message: `cached ${file} failed its sha256 check; downloading it again` });
      await this.storeDelete(key);
    }
    const reused = expected ? await this.fromPrevious(file, expected.sha256) : undefined;
    if (reused) {
      this.sources[file] = 'cache';
      this.sizes[file] = reused.byteLength;
      this.loadedBytes += reused.byteLength;
      this.o.emit({ type: 'cached', file, bytes: reused.byteLength, totalLoaded: this.loadedBytes, totalBytes: this.totalBytes() });
      await this.storePut(key, reused);
      return reused;
    }
    const before = this.loadedBytes;
    let bytes = (await this.download(file, { optional: false, report: true }))!;
    if (expected && (bytes.byteLength !== expected.size || (await sha256Hex(bytes)) !== expected.sha256)) {
      // A re-shipped file at the same URL can still sit in the browser's HTTP cache (a host sending
      // max-age): ask the server itself once before calling it corrupt.
      this.loadedBytes = before;
      bytes = (await this.download(file, { optional: false, report: true, cache: 'reload' }))!;
    }
    if (expected) {
      const actual = await sha256Hex(bytes);
      if (bytes.byteLength !== expected.size || actual !== expected.sha256) {
        throw new KoClassifyError('INTEGRITY', `${file} from ${this.o.modelUrl} does not match manifest.json (expected ${expected.size} bytes sha256 ${expected.sha256}, got ${bytes.byteLength} bytes ${actual}); nothing was cached`, { file });
      }
    }
    this.sources[file] = 'network';
    this.sizes[file] = bytes.byteLength;
    await this.storePut(key, bytes);
    return bytes;
  }

  /** The same file (same sha256) cached under the previous revision, checked again. */
  private async fromPrevious(file: string, sha256: string): Promise<Uint8Array | undefined> {
    const key = this.reusable.get(`${file}#${sha256}`);
    const bytes = key === undefined ? undefined : await this.storeGet(key);
    return bytes && (await sha256Hex(bytes)) === sha256 ? bytes : undefined;
  }

  private async completedWithoutManifest(): Promise<boolean> {
    const meta = await this.storeGet(metaKey(this.o.modelUrl, this.revision));
    if (!meta) return false;
    try {
      const files = (JSON.parse(new TextDecoder().decode(meta)) as { files?: Record<string, number> }).files ?? {};
      return !('manifest.json' in files) && Object.keys(files).some((f) => f.endsWith('.onnx'));
    } catch {
      return false;
    }
  }

  /** Which of `files` this revision already has in the cache (keys only; nothing is read). Without a manifest. */
  async cachedAmong(files: readonly string[]): Promise<Set<string>> {
    const keys = new Set((await this.storeOp((store) => store.list())) ?? []);
    return new Set(files.filter((f) => keys.has(this.key(f, undefined))));
  }

  /**
   * After a completed load: record the files it used, and drop the model's other revisions unless
   * `keepOldRevisions` (a load that fails midway never gets here, so the old revision stays).
   */
  async complete(keepOldRevisions: boolean): Promise<void> {
    await this.storeOp((store) => recordLoad(store, this.o.modelUrl, this.revision, this.sizes, keepOldRevisions));
  }

  private totalBytes(): number | null {
    if (!this.manifest) return null;
    let sum = 0;
    for (const f of this.planned) {
      const entry = this.manifest.files[f];
      if (!entry) return null;
      sum += entry.size;
    }
    return sum;
  }

  private key(file: string, sha: string | undefined): string {
    return cacheKey(this.o.modelUrl, this.revision, file, sha);
  }

  /**
   * Downloads a file with bounded retry and backoff: network errors, 5xx answers and bodies that
   * break off mid-file are retried; 404 → MODEL_NOT_FOUND at once, or null when `optional`.
   */
  private async download(file: string, o: { optional: boolean; report: boolean; cache?: RequestCache; attempts?: number }): Promise<Uint8Array | null> {
    const url = new URL(file, this.o.modelUrl).href;
    const attempts = o.attempts ?? this.o.attempts;
    let last = '';
    for (let attempt = 0; attempt < attempts; attempt++) {
      if (attempt > 0) await sleep(this.o.retryDelayMs * 3 ** (attempt - 1));
      const res = await this.attempt(url, file, o.optional, o.cache);
      if (res === null) return null;
      if (typeof res === 'string') {
        last = res;
        if (res.startsWith('HTTP 4')) break;
        continue;
      }
      const before = this.loadedBytes;
      try {
        return await this.readBody(file, res, o.report);
      } catch (e) {
        this.loadedBytes = before; // the partial bytes of this attempt do not count
        last = (e as Error).message;
      }
    }
    throw new KoClassifyError('NETWORK', `could not download ${url} after ${attempts} attempt${attempts > 1 ? 's' : ''} (${last})`, { url, file });
  }

  /** One GET: the response, null (optional 404), or a string saying why it failed. */
  private async attempt(url: string, file: string, optional: boolean, cache: RequestCache | undefined): Promise<Response | null | string> {
    let res: Response;
    try {
      // `no-cache`: the HTTP cache may answer only after the server confirmed its copy (ETag → 304).
      res = await this.o.fetch(url, cache ? { credentials: 'same-origin', cache } : { credentials: 'same-origin' });
    } catch (e) {
      return (e as Error).message;
    }
    if (res.ok) return res;
    if (res.status === 404 || res.status === 410) {
      if (optional) return null;
      throw new KoClassifyError('MODEL_NOT_FOUND', `${url} answered ${res.status}: check the model URL (it must be a directory with config.json, tokenizer.json and onnx/)`, { url, status: res.status, file });
    }
    return `HTTP ${res.status}`;
  }

  /** Reads a response body, emitting `download` progress per chunk when `report` is set. */
  private async readBody(file: string, res: Response, report: boolean): Promise<Uint8Array> {
    const header = Number(res.headers.get('content-length'));
    const total = Number.isFinite(header) && header > 0 && !res.headers.get('content-encoding') ? header : this.manifest?.files[file]?.size ?? null;
    if (!res.body) return new Uint8Array(await res.arrayBuffer());
    const reader = res.body.getReader();
    const chunks: Uint8Array[] = [];
    let loaded = 0;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(value);
        loaded += value.byteLength;
        this.loadedBytes += report ? value.byteLength : 0;
        if (report) this.o.emit({ type: 'download', file, loaded, total, totalLoaded: this.loadedBytes, totalBytes: this.totalBytes() });
      }
    } catch (e) {
      throw new KoClassifyError('NETWORK', `download of ${file} broke off after ${loaded} bytes: ${(e as Error).message}`, { file });
    }
    if (total !== null && loaded < total && !this.manifest) {
      throw new KoClassifyError('NETWORK', `download of ${file} ended after ${loaded} of ${total} bytes`, { file });
    }
    const out = new Uint8Array(loaded);
    let offset = 0;
    for (const c of chunks) {
      out.set(c, offset);
      offset += c.byteLength;
    }
    return out;
  }

  private async storeGet(key: string): Promise<Uint8Array | undefined> {
    return this.storeOp((store) => store.get(key));
  }

  private async storePut(key: string, bytes: Uint8Array): Promise<void> {
    await this.storeOp((store) => store.put(key, bytes));
  }

  private async storeDelete(key: string): Promise<void> {
    await this.storeOp((store) => store.delete(key));
  }

  /** One store operation; a failure or no answer in time means no cache for the rest of this load. */
  private async storeOp<T>(op: (store: ModelStore) => Promise<T>): Promise<T | undefined> {
    const store = this.o.store;
    if (!store) return undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer in ${this.o.storeTimeoutMs} ms: IndexedDB blocked, e.g. by another tab's open connection?`)), this.o.storeTimeoutMs);
    });
    try {
      return await Promise.race([op(store), timeout]);
    } catch (e) {
      if (this.o.store === store) this.storageFailed(e);
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }

  private storageFailed(e: unknown): void {
    this.o.emit({ type: 'warning', code: 'STORAGE', message: `model cache unavailable (${(e as Error)?.message ?? String(e)}); continuing without it` });
    this.o.store = null;
  }
}

function parseJson(bytes: Uint8Array, file: string, base: string): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw new KoClassifyError('MODEL_NOT_FOUND', `${file} at ${base} is not JSON: check the model URL (a web server may have answered with an HTML page)`, { file });
  }
}

/** The revision files of a model without a manifest are cached under. */
export const MANIFESTLESS = 'main';

/**
 * A manifest's revision: its `revision` field (`ko-classify manifest` writes one from the files it
 * lists), or for a manifest without one the first 16 hex digits of its bytes' sha256.
 *
 * @example
 * const revision = await revisionOf(await (await fetch('/models/ko-sentiment/manifest.json')).bytes());
 * // the revision createClassifier({ model: 'ko-sentiment' }) caches its files under
 */
export async function revisionOf(manifestBytes: Uint8Array): Promise<string> {
  let declared: unknown;
  try {
    declared = (JSON.parse(new TextDecoder().decode(manifestBytes)) as { revision?: unknown }).revision;
  } catch {
    declared = undefined; // not JSON: useManifest says so
  }
  return typeof declared === 'string' && /^[\w.-]{1,64}$/.test(declared) ? declared : (await sha256Hex(manifestBytes)).slice(0, 16);
}

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
