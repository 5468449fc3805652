import { KoClassifyError } from '../errors.js';
import type { ProgressEvent } from '../types.js';
import { cacheKey, latestCompleted, metaKey, recordLoad } from './cache-index.js';
import { download } from './http.js';
import type { ModelFiles } from './files.js';
import type { Manifest } from './layout.js';
import { MANIFESTLESS, parseJson, revisionOf, sha256Hex } from './manifest.js';
import { GuardedStore } from './guarded-store.js';
import type { ModelStore } from './store.js';

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
export class ModelSource implements ModelFiles {
  manifest: Manifest | null = null;
  /** The revision this load reads and stores under: pinned, or resolved by `init()`. */
  revision: string;
  readonly sources: Record<string, 'network' | 'cache'> = {};
  private readonly o: Required<Omit<ModelSourceOptions, 'store' | 'revision' | 'storeTimeoutMs'>> & { revision: string | null };
  private readonly store: GuardedStore;
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
    };
    this.store = new GuardedStore(options.store, options.storeTimeoutMs ?? 5000, options.emit);
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
    await this.store.put(this.key('manifest.json', undefined), bytes);
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
    let bytes = await this.store.get(key);
    // A revision is immutable: once a load without a manifest has completed, later loads of that
    // revision do not ask for one again (and so work offline).
    if (!bytes && (await this.completedWithoutManifest())) return;
    if (!bytes) {
      bytes = (await this.download('manifest.json', { optional: true, report: false })) ?? undefined;
      if (bytes) await this.store.put(key, bytes);
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
    const cached = latest && (await this.store.get(cacheKey(this.o.modelUrl, latest, 'manifest.json')));
    if (!latest || !cached) return false;
    this.revision = latest;
    this.useManifest(cached);
    this.o.emit({ type: 'warning', code: 'STALE_REVISION', message: `${reason}: loading revision ${latest} of ${this.o.modelUrl} from the cache, the last one that loaded` });
    return true;
  }

  /** The revision of this model whose load completed last, or null. */
  private async latestRevision(): Promise<string | null> {
    return (await this.store.op((store) => latestCompleted(store, this.o.modelUrl))) ?? null;
  }

  /** Remembers the previous revision's cached files so unchanged ones are copied instead of downloaded. */
  private async noteReusable(previous: string): Promise<void> {
    const prefix = cacheKey(this.o.modelUrl, previous, '');
    for (const k of (await this.store.op((store) => store.list())) ?? []) {
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
    const cached = await this.store.get(key);
    if (cached) {
      if (!expected || (await sha256Hex(cached)) === expected.sha256) return this.fromCache(file, cached);
      this.o.emit({ type: 'warning', code: 'CACHE_CORRUPT', message: `cached ${file} failed its sha256 check; downloading it again` });
      await this.store.delete(key);
    }
    const reused = expected ? await this.fromPrevious(file, expected.sha256) : undefined;
    if (reused) {
      this.fromCache(file, reused);
      await this.store.put(key, reused);
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
    await this.store.put(key, bytes);
    return bytes;
  }

  private fromCache(file: string, bytes: Uint8Array): Uint8Array {
    this.sources[file] = 'cache';
    this.sizes[file] = bytes.byteLength;
    this.loadedBytes += bytes.byteLength;
    this.o.emit({ type: 'cached', file, bytes: bytes.byteLength, totalLoaded: this.loadedBytes, totalBytes: this.totalBytes() });
    return bytes;
  }

  /** The same file (same sha256) cached under the previous revision, checked again. */
  private async fromPrevious(file: string, sha256: string): Promise<Uint8Array | undefined> {
    const key = this.reusable.get(`${file}#${sha256}`);
    const bytes = key === undefined ? undefined : await this.store.get(key);
    return bytes && (await sha256Hex(bytes)) === sha256 ? bytes : undefined;
  }

  private async completedWithoutManifest(): Promise<boolean> {
    const meta = await this.store.get(metaKey(this.o.modelUrl, this.revision));
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
    const keys = new Set((await this.store.op((store) => store.list())) ?? []);
    return new Set(files.filter((f) => keys.has(this.key(f, undefined))));
  }

  /**
   * After a completed load: record the files it used, and drop the model's other revisions unless
   * `keepOldRevisions` (a load that fails midway never gets here, so the old revision stays).
   */
  async complete(keepOldRevisions: boolean): Promise<void> {
    await this.store.op((store) => recordLoad(store, this.o.modelUrl, this.revision, this.sizes, keepOldRevisions));
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

  /** Downloads a file (retried, see `download`), counting its bytes into this load's progress when `report`. */
  private async download(file: string, o: { optional: boolean; report: boolean; cache?: RequestCache; attempts?: number }): Promise<Uint8Array | null> {
    return download(new URL(file, this.o.modelUrl).href, file, {
      fetch: this.o.fetch,
      attempts: o.attempts ?? this.o.attempts,
      retryDelayMs: this.o.retryDelayMs,
      optional: o.optional,
      cache: o.cache,
      expectedSize: this.manifest?.files[file]?.size ?? null,
      checkLength: !this.manifest,
      onChunk: o.report
        ? (delta, loaded, total) => {
            this.loadedBytes += delta;
            if (delta > 0) this.o.emit({ type: 'download', file, loaded, total, totalLoaded: this.loadedBytes, totalBytes: this.totalBytes() });
          }
        : undefined,
    });
  }
}
