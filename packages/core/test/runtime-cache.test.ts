import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BackendDescriptor, OrtWithEnv } from '../src/backends/descriptor.js';
import { startRuntime } from '../src/loader/runtime.js';
import { listCached, recordLoad } from '../src/model/cache-index.js';
import { GuardedStore } from '../src/model/guarded-store.js';
import { getRuntime, listRuntimes, putRuntime, runtimeKey, storeRuntimeCache } from '../src/model/runtime-cache.js';
import { memoryModelStore, type ModelStore } from '../src/model/store.js';
import type { ProgressEvent } from '../src/types.js';

// The runtime cache around a backend's start: a fake ORT whose warm-up fetches its .wasm through the
// global fetch (as onnxruntime-web's glue does) unless `env.wasm.wasmBinary` is given.
const WASM = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, ...Array.from({ length: 64 }, (_, i) => i)]);
const URL_SEEN = 'http://host/assets/ort-wasm-simd-threaded-abc123.wasm';
let fetches: string[] = [];
const realFetch = globalThis.fetch;

beforeEach(() => {
  fetches = [];
  globalThis.fetch = (async (input: string | URL | Request) => {
    const url = String(input instanceof Request ? input.url : input);
    fetches.push(url);
    return new Response(WASM.slice(), { status: 200, headers: { 'content-type': 'application/wasm' } });
  }) as typeof fetch;
});
afterEach(() => {
  globalThis.fetch = realFetch;
});

function fakeOrt(version = '1.30.0') {
  const seen: { binary: Uint8Array | undefined }[] = [];
  const ort = { env: { versions: { web: version }, wasm: {} as { wasmBinary?: Uint8Array } } } as unknown as OrtWithEnv;
  return { ort, seen };
}

function descriptor(ort: OrtWithEnv, seen: { binary: Uint8Array | undefined }[], warm?: (binary: Uint8Array | undefined) => void): BackendDescriptor {
  return {
    name: 'wasm',
    auto: true,
    probe: async () => ({ ok: true, hasF16: false }),
    importOrt: async () => ort,
    configure: () => 1,
    sessionOptions: () => ({}),
    dtypeOrder: () => ['fp32'],
    async warmUp(o) {
      const binary = (o.env.wasm as { wasmBinary?: Uint8Array }).wasmBinary;
      seen.push({ binary });
      warm?.(binary);
      if (!binary) await (await globalThis.fetch(URL_SEEN)).arrayBuffer();
    },
    runtimeFiles: ['ort-wasm-simd-threaded.wasm', 'ort-wasm-simd-threaded.mjs'],
  };
}

const SETTINGS = { threads: 1, wasmPaths: null, crossOriginIsolated: false };
const FILE = 'ort-wasm-simd-threaded.wasm';

function cacheOver(store: ModelStore, events: ProgressEvent[] = [], locks: LockManager | null = null) {
  return storeRuntimeCache(new GuardedStore(store, 1000, (e) => events.push(e)), locks);
}

describe('the runtime cache', () => {
  it('a first start lets ORT fetch its .wasm and stores a copy (sha256, size, URL); the next start hands ORT those bytes and fetches nothing', async () => {
    const store = memoryModelStore();
    const a = fakeOrt();
    const first = await startRuntime(descriptor(a.ort, a.seen), SETTINGS, { cache: cacheOver(store) });
    expect(first.runtime).toEqual({ version: '1.30.0', file: FILE, source: 'network' });
    expect(fetches).toEqual([URL_SEEN]);
    const [entry] = await listRuntimes(store);
    expect(entry).toEqual({ kind: 'runtime', version: '1.30.0', file: FILE, url: URL_SEEN, bytes: WASM.byteLength, sha256: createHash('sha256').update(WASM).digest('hex'), lastUsed: expect.any(Number) });

    fetches = [];
    const b = fakeOrt();
    const second = await startRuntime(descriptor(b.ort, b.seen), SETTINGS, { cache: cacheOver(store) });
    expect(second.runtime).toEqual({ version: '1.30.0', file: FILE, source: 'cache' });
    expect(fetches).toEqual([]);
    expect([...b.seen[0]!.binary!]).toEqual([...WASM]);
    // Compiled by then: ORT's env no longer holds the 14 MB.
    expect((b.ort.env.wasm as { wasmBinary?: Uint8Array }).wasmBinary).toBeUndefined();
  });

  it('another onnxruntime-web version misses, stores its own and deletes the old one', async () => {
    const store = memoryModelStore();
    const a = fakeOrt('1.29.0');
    await startRuntime(descriptor(a.ort, a.seen), SETTINGS, { cache: cacheOver(store) });
    const b = fakeOrt('1.30.0');
    const r = await startRuntime(descriptor(b.ort, b.seen), SETTINGS, { cache: cacheOver(store) });
    expect(r.runtime?.source).toBe('network');
    expect((await listRuntimes(store)).map((e) => e.version)).toEqual(['1.30.0']);
    expect(await store.list()).not.toContain(runtimeKey('1.29.0', FILE));
  });

  it('a damaged entry (not WebAssembly, or not the recorded size) is never handed to ORT', async () => {
    const store = memoryModelStore();
    await putRuntime(store, '1.30.0', FILE, WASM, null);
    await store.put(runtimeKey('1.30.0', FILE), WASM.slice(0, 40));
    expect(await getRuntime(store, '1.30.0', FILE)).toBeUndefined();
    await store.put(runtimeKey('1.30.0', FILE), new Uint8Array(WASM.byteLength));
    const a = fakeOrt();
    const r = await startRuntime(descriptor(a.ort, a.seen), SETTINGS, { cache: cacheOver(store) });
    expect(a.seen[0]!.binary).toBeUndefined();
    expect(r.runtime?.source).toBe('network');
    expect([...(await getRuntime(store, '1.30.0', FILE))!]).toEqual([...WASM]);
  });

  it('a store that fails to write means no cache and one STORAGE warning, never a failed start', async () => {
    const broken: ModelStore = { ...memoryModelStore(), put: async () => Promise.reject(new Error('QuotaExceededError')) };
    const events: ProgressEvent[] = [];
    const a = fakeOrt();
    const r = await startRuntime(descriptor(a.ort, a.seen), SETTINGS, { cache: cacheOver(broken, events), emit: (e) => events.push(e) });
    expect(r.runtime?.source).toBe('network');
    expect(events.filter((e) => e.type === 'warning').map((e) => (e as { code: string }).code)).toEqual(['STORAGE']);
    expect(await listRuntimes(broken)).toEqual([]);
  });

  it('cached bytes ORT cannot start are deleted, so the next start downloads a fresh copy', async () => {
    const store = memoryModelStore();
    await putRuntime(store, '1.30.0', FILE, WASM, null);
    const a = fakeOrt();
    const failing = descriptor(a.ort, a.seen, (binary) => {
      if (binary) throw new Error('WebAssembly.instantiate(): expected magic word');
    });
    await expect(startRuntime(failing, SETTINGS, { cache: cacheOver(store) })).rejects.toThrow(/magic word/);
    expect(await listRuntimes(store)).toEqual([]);
  });

  it('workers starting together wait for the first one\'s download (Web Locks) and read its copy: one fetch', async () => {
    const store = memoryModelStore();
    const held = new Map<string, Promise<unknown>>();
    const locks = {
      async request(name: string, _o: unknown, fn: () => Promise<unknown>) {
        const before = held.get(name) ?? Promise.resolve();
        const run = before.then(fn, fn);
        held.set(name, run.catch(() => undefined));
        return run;
      },
    } as unknown as LockManager;
    const starts = [fakeOrt(), fakeOrt(), fakeOrt()].map((x) => startRuntime(descriptor(x.ort, x.seen), SETTINGS, { cache: cacheOver(store, [], locks) }));
    const sources = (await Promise.all(starts)).map((r) => r.runtime?.source);
    expect(fetches).toEqual([URL_SEEN]);
    expect(sources).toEqual(['network', 'cache', 'cache']);
  });

  it("with ORT's chunk on another origin (a CDN), its glue .mjs is cached too and given back as a blob: URL; same-origin builds never store or use one", async () => {
    const GLUE = new TextEncoder().encode('export default async function ortWasmThreaded() {}\n');
    const withGlue = (ort: OrtWithEnv, seen: { binary: Uint8Array | undefined }[]): BackendDescriptor => ({
      ...descriptor(ort, seen),
      async warmUp(o) {
        const wasm = o.env.wasm as { wasmBinary?: Uint8Array; wasmPaths?: { mjs?: string } };
        seen.push({ binary: wasm.wasmBinary });
        // As onnxruntime-web does from another origin: the glue fetched (then imported as a blob), unless given.
        if (!wasm.wasmPaths?.mjs) await (await globalThis.fetch('http://cdn/assets/ort-wasm-simd-threaded.mjs')).arrayBuffer();
        if (!wasm.wasmBinary) await (await globalThis.fetch(URL_SEEN)).arrayBuffer();
      },
    });
    globalThis.fetch = (async (input: string | URL | Request) => {
      const url = String(input instanceof Request ? input.url : input);
      fetches.push(url);
      return new Response((url.endsWith('.mjs') ? GLUE : WASM).slice(), { status: 200 });
    }) as typeof fetch;
    const store = memoryModelStore();
    const a = fakeOrt();
    await startRuntime(withGlue(a.ort, a.seen), SETTINGS, { cache: cacheOver(store), crossOriginGlue: true });
    expect((await listRuntimes(store)).map((e) => e.file)).toEqual(['ort-wasm-simd-threaded.mjs', FILE]);
    fetches = [];
    const b = fakeOrt();
    const r = await startRuntime(withGlue(b.ort, b.seen), SETTINGS, { cache: cacheOver(store), crossOriginGlue: true });
    expect(r.runtime?.source).toBe('cache');
    expect(fetches).toEqual([]);
    expect((b.ort.env.wasm as { wasmPaths?: { mjs?: string } }).wasmPaths?.mjs).toMatch(/^blob:/);
    // A same-origin build on that origin keeps ORT's embedded glue (no blob: its CSP may refuse).
    const c = fakeOrt();
    await startRuntime(descriptor(c.ort, c.seen), SETTINGS, { cache: cacheOver(store) });
    expect((c.ort.env.wasm as { wasmPaths?: unknown }).wasmPaths).toBeUndefined();
    const fresh = memoryModelStore();
    const d = fakeOrt();
    await startRuntime(descriptor(d.ort, d.seen), SETTINGS, { cache: cacheOver(fresh) });
    expect((await listRuntimes(fresh)).map((e) => e.file)).toEqual([FILE]);
    // A CDN page on that origin then starts from the cached .wasm and keeps the glue ORT fetched.
    const e = fakeOrt();
    expect((await startRuntime(withGlue(e.ort, e.seen), SETTINGS, { cache: cacheOver(fresh), crossOriginGlue: true })).runtime?.source).toBe('cache');
    expect((await listRuntimes(fresh)).map((x) => x.file)).toEqual(['ort-wasm-simd-threaded.mjs', FILE]);
  });

  it('without a cache (Node, cache: false) nothing is stored and no runtime is reported', async () => {
    const a = fakeOrt();
    const r = await startRuntime(descriptor(a.ort, a.seen), SETTINGS, { cache: null });
    expect(r.runtime).toBeNull();
    expect(fetches).toEqual([URL_SEEN]);
  });

  it("the model listing ignores runtime entries and keeps the models'; each entry says its kind", async () => {
    const store = memoryModelStore();
    await putRuntime(store, '1.30.0', FILE, WASM, URL_SEEN);
    await store.put('https://x/models/a/@r1/config.json', new Uint8Array([123, 125]));
    await recordLoad(store, 'https://x/models/a/', 'r1', { 'config.json': 2 }, false);
    expect((await listCached(store)).map((m) => [m.kind, m.model, m.revision])).toEqual([['model', 'https://x/models/a/', 'r1']]);
    expect((await listRuntimes(store)).map((m) => m.kind)).toEqual(['runtime']);
    // A model's completed load (which drops its other revisions) leaves the runtime alone.
    await recordLoad(store, 'https://x/models/a/', 'r2', {}, false);
    expect(await getRuntime(store, '1.30.0', FILE)).toBeDefined();
  });
});
