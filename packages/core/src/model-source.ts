import { cacheKey, metaKey, recordLoad } from './cache.js';
import { KoClassifyError } from './errors.js';
import type { Manifest } from './model-layout.js';
import type { ModelStore } from './model-store.js';
import type { ProgressEvent } from './types.js';

export interface ModelSourceOptions {
  modelUrl: string;
  revision: string;
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
  readonly sources: Record<string, 'network' | 'cache'> = {};
  private readonly o: Required<Omit<ModelSourceOptions, 'store'>> & { store: ModelStore | null };
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
  }

  /** Reads the manifest (cache first, then network); a model without one is allowed. */
  async init(): Promise<void> {
    const key = this.key('manifest.json', undefined);
    const cached = await this.storeGet(key);
    let bytes = cached;
    // A revision is immutable: once a load without a manifest has completed, later loads of that
    // revision do not ask for one again (and so work offline).
    if (!bytes && (await this.completedWithoutManifest())) return;
    if (!bytes) {
      bytes = (await this.download('manifest.json', { optional: true, report: false })) ?? undefined;
      if (bytes) await this.storePut(key, bytes);
    }
    if (!bytes) return;
    this.sizes['manifest.json'] = bytes.byteLength;
    const parsed = parseJson(bytes, 'manifest.json', this.o.modelUrl) as Manifest;
    if (!parsed || typeof parsed.files !== 'object') {
      throw new KoClassifyError('MODEL_INVALID', `manifest.json at ${this.o.modelUrl} has no "files" object`);
    }
    this.manifest = parsed;
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
    const bytes = (await this.download(file, { optional: false, report: true }))!;
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

  private async completedWithoutManifest(): Promise<boolean> {
    const meta = await this.storeGet(metaKey(this.o.modelUrl, this.o.revision));
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
    await this.storeOp((store) => recordLoad(store, this.o.modelUrl, this.o.revision, this.sizes, keepOldRevisions));
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
    return cacheKey(this.o.modelUrl, this.o.revision, file, sha);
  }

  /**
   * Downloads a file with bounded retry and backoff: network errors, 5xx answers and bodies that
   * break off mid-file are retried; 404 → MODEL_NOT_FOUND at once, or null when `optional`.
   */
  private async download(file: string, o: { optional: boolean; report: boolean }): Promise<Uint8Array | null> {
    const url = new URL(file, this.o.modelUrl).href;
    let last = '';
    for (let attempt = 0; attempt < this.o.attempts; attempt++) {
      if (attempt > 0) await sleep(this.o.retryDelayMs * 3 ** (attempt - 1));
      const res = await this.attempt(url, file, o.optional);
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
    throw new KoClassifyError('NETWORK', `could not download ${url} after ${this.o.attempts} attempts (${last})`, { url, file });
  }

  /** One GET: the response, null (optional 404), or a string saying why it failed. */
  private async attempt(url: string, file: string, optional: boolean): Promise<Response | null | string> {
    let res: Response;
    try {
      res = await this.o.fetch(url, { credentials: 'same-origin' });
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

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
