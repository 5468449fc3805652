import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { KoClassifyError } from '../src/errors.js';
import { ModelSource } from '../src/model/source.js';
import { memoryModelStore, type ModelStore } from '../src/model/store.js';
import type { ProgressEvent } from '../src/types.js';
import { FIXTURE } from './helpers.js';

// A real HTTP server on loopback that serves the fixture and misbehaves on command.
let server: Server;
let base = '';
let requests: string[] = [];
let faults: Record<string, { status?: number; times?: number; corrupt?: boolean; drop?: boolean }> = {};

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url!, 'http://x').pathname).replace(/^\/m\//, '');
    requests.push(path);
    const f = faults[path];
    if (f?.status && (f.times ?? Infinity) > 0) {
      f.times = (f.times ?? Infinity) - 1;
      res.statusCode = f.status;
      return res.end('fault');
    }
    try {
      const body = readFileSync(join(FIXTURE, path));
      if (f?.corrupt) body[body.length - 1] = body[body.length - 1]! ^ 0xff;
      res.setHeader('Content-Length', body.byteLength);
      if (f?.drop && (f.times ?? Infinity) > 0) {
        f.times = (f.times ?? Infinity) - 1;
        res.write(body.subarray(0, body.length >> 1), () => res.destroy());
        return;
      }
      res.end(body);
    } catch {
      res.statusCode = 404;
      res.end('not found');
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}/m/`;
});
afterAll(() => server.close());
beforeEach(() => {
  requests = [];
  faults = {};
});

function source(store: ModelStore | null, events: ProgressEvent[] = []) {
  return new ModelSource({ modelUrl: base, revision: 'r1', store, emit: (e) => events.push(e), retryDelayMs: 1 });
}

const sha = (p: string) => createHash('sha256').update(readFileSync(join(FIXTURE, p))).digest('hex');

describe('ModelSource', () => {
  it('downloads, verifies against manifest.json, and serves the second load from the store', async () => {
    const store = memoryModelStore();
    const first = source(store);
    await first.init();
    first.plan(['config.json', 'onnx/model.onnx']);
    const model = await first.bytes('onnx/model.onnx');
    expect(createHash('sha256').update(model).digest('hex')).toBe(sha('onnx/model.onnx'));
    expect(first.sources['onnx/model.onnx']).toBe('network');
    expect((await store.list()).some((k) => k.endsWith(`onnx/model.onnx#${sha('onnx/model.onnx')}`))).toBe(true);

    requests = [];
    const events: ProgressEvent[] = [];
    const second = source(store, events);
    await second.init();
    await second.bytes('onnx/model.onnx');
    expect(requests).toEqual([]);
    expect(second.sources['onnx/model.onnx']).toBe('cache');
    expect(events.map((e) => e.type)).toEqual(['cached']);
  });

  it('reports per-file and total progress that ends at the manifest total', async () => {
    const events: ProgressEvent[] = [];
    const s = source(null, events);
    await s.init();
    s.plan(['config.json', 'onnx/model.onnx']);
    await s.json('config.json');
    await s.bytes('onnx/model.onnx');
    const manifest = JSON.parse(readFileSync(join(FIXTURE, 'manifest.json'), 'utf8'));
    const total = manifest.files['config.json'].size + manifest.files['onnx/model.onnx'].size;
    const downloads = events.filter((e) => e.type === 'download');
    expect(events[0]).toEqual({ type: 'manifest', files: ['config.json', 'onnx/model.onnx'], totalBytes: total });
    expect(downloads.at(-1)).toMatchObject({ file: 'onnx/model.onnx', totalLoaded: total, totalBytes: total });
  });

  it('corrupted bytes give INTEGRITY and nothing is stored', async () => {
    const store = memoryModelStore();
    faults['onnx/model.onnx'] = { corrupt: true };
    const s = source(store);
    await s.init();
    await expect(s.bytes('onnx/model.onnx')).rejects.toMatchObject({ code: 'INTEGRITY' });
    expect((await store.list()).filter((k) => k.includes('model.onnx'))).toEqual([]);
  });

  it('a corrupted cache entry is detected and replaced from the network', async () => {
    const store = memoryModelStore();
    const s = source(store);
    await s.init();
    await s.bytes('config.json');
    const key = (await store.list()).find((k) => k.includes('config.json'))!;
    await store.put(key, new TextEncoder().encode('{"tampered": true}'));
    const events: ProgressEvent[] = [];
    const again = source(store, events);
    await again.init();
    const bytes = await again.bytes('config.json');
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(sha('config.json'));
    expect(events.some((e) => e.type === 'warning' && e.code === 'CACHE_CORRUPT')).toBe(true);
  });

  it('retries 5xx with backoff, then succeeds', async () => {
    faults['config.json'] = { status: 503, times: 2 };
    const s = source(null);
    await s.init();
    await expect(s.json('config.json')).resolves.toMatchObject({ model_type: 'deberta-v2' });
    expect(requests.filter((r) => r === 'config.json')).toHaveLength(3);
  });

  it('a connection dropped mid-file is retried and progress does not double count', async () => {
    faults['onnx/model.onnx'] = { drop: true, times: 1 };
    const events: ProgressEvent[] = [];
    const s = source(memoryModelStore(), events);
    await s.init();
    s.plan(['onnx/model.onnx']);
    const bytes = await s.bytes('onnx/model.onnx');
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(sha('onnx/model.onnx'));
    expect(requests.filter((r) => r === 'onnx/model.onnx')).toHaveLength(2);
    const last = events.filter((e) => e.type === 'download').at(-1)!;
    expect(last).toMatchObject({ totalLoaded: bytes.byteLength, totalBytes: bytes.byteLength });
  });

  it('gives up after bounded attempts with NETWORK', async () => {
    faults['config.json'] = { status: 500 };
    const s = source(null);
    await s.init();
    await expect(s.json('config.json')).rejects.toMatchObject({ code: 'NETWORK' });
    expect(requests.filter((r) => r === 'config.json')).toHaveLength(3);
  });

  it('404 is MODEL_NOT_FOUND at once; a model without manifest.json still loads', async () => {
    faults['manifest.json'] = { status: 404 };
    const s = source(null);
    await s.init();
    expect(s.files()).toBeNull();
    await expect(s.json('config.json')).resolves.toBeTruthy();
    const err = await s.bytes('onnx/nope.onnx').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KoClassifyError);
    expect((err as KoClassifyError).code).toBe('MODEL_NOT_FOUND');
    expect(requests.filter((r) => r === 'onnx/nope.onnx')).toHaveLength(1);
  });

  it('a failing store degrades to no cache with a warning, never a failed load', async () => {
    const broken: ModelStore = {
      get: () => Promise.reject(new Error('QuotaExceededError')),
      put: () => Promise.reject(new Error('QuotaExceededError')),
      delete: () => Promise.reject(new Error('QuotaExceededError')),
      list: () => Promise.reject(new Error('QuotaExceededError')),
    };
    const events: ProgressEvent[] = [];
    const s = source(broken, events);
    await s.init();
    await expect(s.bytes('onnx/model.onnx')).resolves.toBeInstanceOf(Uint8Array);
    expect(events.filter((e) => e.type === 'warning' && e.code === 'STORAGE')).toHaveLength(1);
  });

  it('a store that never answers (IndexedDB blocked) counts as failed after storeTimeoutMs: a STORAGE warning, files from the network', async () => {
    const events: ProgressEvent[] = [];
    const never = new Promise<never>(() => undefined);
    const hung: ModelStore = { get: () => never, put: () => never, delete: () => never, list: () => never };
    const s = new ModelSource({ modelUrl: base, revision: 'r1', store: hung, emit: (e) => events.push(e), retryDelayMs: 1, storeTimeoutMs: 50 });
    await s.init();
    expect(JSON.parse(new TextDecoder().decode(await s.bytes('config.json')))).toHaveProperty('id2label');
    expect(events.filter((e) => e.type === 'warning').map((e) => (e as { code: string }).code)).toEqual(['STORAGE']);
    expect(s.sources['config.json']).toBe('network');
  });
});
