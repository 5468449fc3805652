import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { listCached } from '../src/model/cache-index.js';
import { KoClassifyError } from '../src/errors.js';
import { revisionOf } from '../src/model/manifest.js';
import { ModelSource } from '../src/model/source.js';
import { memoryModelStore, type ModelStore } from '../src/model/store.js';
import { manifestOf } from '../src/node/model-dir.js';

// A model URL whose files change between loads, as when a model package is upgraded: an in-memory
// server (a fetch function) that records what was asked for, and can go offline.
const BASE = 'https://models.example/ko-test/';
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

function release(files: Record<string, string>): Map<string, Uint8Array> {
  const bytes = new Map(Object.entries(files).map(([f, text]) => [f, new TextEncoder().encode(text)]));
  const manifest = manifestOf(Object.fromEntries([...bytes].map(([f, b]) => [f, { size: b.byteLength, sha256: sha(b) }])));
  bytes.set('manifest.json', new TextEncoder().encode(JSON.stringify(manifest)));
  return bytes;
}

const V1 = release({ 'config.json': '{"a":1}', 'tokenizer.json': '{"t":1}', 'onnx/model_int8.onnx': 'int8 weights, first release' });
const V2 = release({ 'config.json': '{"a":1}', 'tokenizer.json': '{"t":1}', 'onnx/model_int8.onnx': 'int8 weights, second release' });

function host(files: () => Map<string, Uint8Array> | 'offline') {
  const requests: { file: string; cache: RequestCache | undefined }[] = [];
  const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const file = String(input).slice(BASE.length);
    requests.push({ file, cache: init?.cache });
    const served = files();
    if (served === 'offline') throw new TypeError('Failed to fetch');
    const body = served.get(file);
    return body ? new Response(body as Uint8Array<ArrayBuffer>) : new Response('not found', { status: 404 });
  }) as typeof globalThis.fetch;
  return { fetch, requests };
}

async function load(store: ModelStore, fetch: typeof globalThis.fetch, revision: string | null = null): Promise<{ source: ModelSource; texts: string[] }> {
  const source = new ModelSource({ modelUrl: BASE, revision, store, emit: () => undefined, fetch, retryDelayMs: 1 });
  await source.init();
  const texts = [];
  for (const f of ['config.json', 'tokenizer.json', 'onnx/model_int8.onnx']) texts.push(new TextDecoder().decode(await source.bytes(f)));
  await source.complete(false);
  return { source, texts };
}

describe('revision from the manifest (no revision option)', () => {
  it('names the load after the manifest and revalidates the manifest on every load', async () => {
    const store = memoryModelStore();
    const server = host(() => V1);
    const first = await load(store, server.fetch);
    expect(first.source.revision).toBe(JSON.parse(new TextDecoder().decode(V1.get('manifest.json')!)).revision);
    expect(first.source.revision).toMatch(/^[0-9a-f]{16}$/);
    server.requests.length = 0;
    const second = await load(store, server.fetch);
    // Only the manifest is asked for, past the HTTP cache; every model file comes from the store.
    expect(server.requests).toEqual([{ file: 'manifest.json', cache: 'no-cache' }]);
    expect(Object.values(second.source.sources)).toEqual(['cache', 'cache', 'cache']);
  });

  it('new files at the same URL: the changed file downloads, unchanged ones are copied, the old revision is dropped', async () => {
    const store = memoryModelStore();
    let served = V1;
    const server = host(() => served);
    const v1 = await load(store, server.fetch);
    served = V2;
    server.requests.length = 0;
    const v2 = await load(store, server.fetch);
    expect(v2.source.revision).not.toBe(v1.source.revision);
    expect(v2.texts[2]).toBe('int8 weights, second release');
    expect(server.requests.map((r) => r.file)).toEqual(['manifest.json', 'onnx/model_int8.onnx']);
    expect(v2.source.sources).toEqual({ 'config.json': 'cache', 'tokenizer.json': 'cache', 'onnx/model_int8.onnx': 'network' });
    const cached = await listCached(store);
    expect(cached.map((m) => m.revision)).toEqual([v2.source.revision]);
    expect(cached[0]!.files).toEqual(['config.json', 'manifest.json', 'onnx/model_int8.onnx', 'tokenizer.json']);
    expect((await store.list()).filter((k) => k.includes(v1.source.revision))).toEqual([]);
  });

  it('offline: the revision the last completed load used, from the store, after one attempt', async () => {
    const store = memoryModelStore();
    let served: Map<string, Uint8Array> | 'offline' = V1;
    const server = host(() => served);
    const online = await load(store, server.fetch);
    served = 'offline';
    server.requests.length = 0;
    const offline = await load(store, server.fetch);
    expect(offline.source.revision).toBe(online.source.revision);
    expect(offline.texts[2]).toBe('int8 weights, first release');
    expect(server.requests.map((r) => r.file)).toEqual(['manifest.json']);
  });

  it('no manifest at the URL any more (a host that serves only model files): the cached revision', async () => {
    const store = memoryModelStore();
    let served = V1;
    const server = host(() => served);
    const online = await load(store, server.fetch);
    served = new Map([...V1].filter(([f]) => f !== 'manifest.json'));
    const again = await load(store, server.fetch);
    expect(again.source.revision).toBe(online.source.revision);
    expect(Object.values(again.source.sources)).toEqual(['cache', 'cache', 'cache']);
  });

  it('offline with nothing cached: a NETWORK error, after the usual retries', async () => {
    const server = host(() => 'offline');
    const error = await load(memoryModelStore(), server.fetch).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KoClassifyError);
    expect((error as KoClassifyError).code).toBe('NETWORK');
    expect(server.requests.length).toBe(3);
  });

  it('a pinned revision keeps its cached manifest and files, even when the URL serves new ones', async () => {
    const store = memoryModelStore();
    let served = V1;
    const server = host(() => served);
    await load(store, server.fetch, 'v1');
    served = V2;
    server.requests.length = 0;
    const again = await load(store, server.fetch, 'v1');
    expect(again.texts[2]).toBe('int8 weights, first release');
    expect(server.requests).toEqual([]);
  });

  it('a manifest without a revision field stands for the hash of its bytes', async () => {
    const bytes = new TextEncoder().encode('{"files":{}}');
    expect(await revisionOf(bytes)).toBe(sha(bytes).slice(0, 16));
    expect(await revisionOf(new TextEncoder().encode('{"revision":"2026-12-a","files":{}}'))).toBe('2026-12-a');
    // A revision that would break cache keys is not taken as one.
    expect(await revisionOf(new TextEncoder().encode('{"revision":"a/b","files":{}}'))).toMatch(/^[0-9a-f]{16}$/);
  });
});

describe('a manifest that is not JSON (an HTML fallback page where no model is)', () => {
  it('is MODEL_NOT_FOUND naming the URL and, for a model asked for by id, the package and koClassify({ models }) that ship it', async () => {
    const { parseJson } = await import('../src/model/manifest.js');
    const html = new TextEncoder().encode('<!doctype html><title>app</title>');
    expect(() => parseJson(html, 'manifest.json', 'http://localhost:5173/models/ko-sentence/')).toThrow(
      expect.objectContaining({ code: 'MODEL_NOT_FOUND', message: expect.stringContaining("npm i @ko-classify/model-ko-sentence and koClassify({ models: ['ko-sentence'] })") }),
    );
    expect(() => parseJson(html, 'manifest.json', 'https://cdn.example/')).toThrow(expect.objectContaining({ code: 'MODEL_NOT_FOUND', message: expect.not.stringContaining('npm i') }));
  });
});
