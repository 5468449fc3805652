/**
 * Where a worker's runtime start goes, for one way of getting ORT's .wasm: `http` (ORT fetches it; the
 * server's caching decides), `idb` (bytes from IndexedDB as `env.wasm.wasmBinary`), `cache-bytes`
 * (bytes from Cache Storage as wasmBinary) or `cache-stream` (ORT's own fetch answered from Cache
 * Storage, so V8 compiles the Response as it streams and may use its code cache), or `compile` (the
 * compile alone: WebAssembly.compile of the bytes, then compileStreaming of a Cache Storage Response).
 * Then a session of the shipped model and its first run (4 tokens).
 */
export interface RuntimeRequest {
  variant: 'http' | 'idb' | 'cache-bytes' | 'cache-stream' | 'compile';
  threads: number;
  /** Where ORT's .wasm is served. */
  wasmUrl: string;
  modelUrl?: string;
  graphOptimizationLevel?: 'all' | 'disabled';
}
export interface RuntimeResult {
  importMs: number;
  bytesMs: number;
  runtimeMs: number;
  sessionMs: number;
  /** The model's first run (4 tokens): ORT's kernels start, lazily compiled, on their first call. */
  firstRunMs?: number;
  hit: boolean;
  totalMs?: number;
}

const TINY_MODEL = new Uint8Array([
  8, 8, 58, 60, 10, 21, 10, 1, 120, 18, 1, 121, 26, 1, 105, 34, 8, 73, 100, 101, 110, 116, 105, 116, 121, 58, 0, 18, 1, 119, 90, 15, 10, 1, 120, 18, 10, 10, 8, 8, 1, 18, 4,
  10, 2, 8, 1, 98, 15, 10, 1, 121, 18, 10, 10, 8, 8, 1, 18, 4, 10, 2, 8, 1, 66, 4, 10, 0, 16, 17,
]);

function idb(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const r = indexedDB.open('bench-runtime', 1);
    r.onupgradeneeded = () => r.result.createObjectStore('files');
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}
async function idbGet(key: string): Promise<ArrayBuffer | undefined> {
  const db = await idb();
  return new Promise((resolve, reject) => {
    const r = db.transaction('files').objectStore('files').get(key);
    r.onsuccess = () => resolve(r.result as ArrayBuffer | undefined);
    r.onerror = () => reject(r.error);
  });
}
async function idbPut(key: string, v: ArrayBuffer): Promise<void> {
  const db = await idb();
  await new Promise<void>((resolve, reject) => {
    const t = db.transaction('files', 'readwrite');
    t.objectStore('files').put(v, key);
    t.oncomplete = () => resolve();
    t.onerror = () => reject(t.error);
  });
}

self.onmessage = async ({ data }: MessageEvent<RuntimeRequest>) => {
  try {
    let t = performance.now();
    const ort = await import('onnxruntime-web/wasm');
    const importMs = performance.now() - t;
    ort.env.wasm.numThreads = data.threads;
    ort.env.logLevel = 'error';
    const wasmUrl = data.wasmUrl;
    t = performance.now();
    let hit = false;
    const original = globalThis.fetch;
    if (data.variant === 'idb') {
      let b = await idbGet('wasm');
      hit = !!b;
      if (!b) {
        b = await (await fetch(wasmUrl)).arrayBuffer();
        await idbPut('wasm', b);
      }
      ort.env.wasm.wasmBinary = new Uint8Array(b);
    } else if (data.variant === 'cache-bytes') {
      const cache = await caches.open('bench-runtime');
      let r = await cache.match(wasmUrl);
      hit = !!r;
      if (!r) {
        await cache.put(wasmUrl, await fetch(wasmUrl));
        r = (await cache.match(wasmUrl))!;
      }
      ort.env.wasm.wasmBinary = new Uint8Array(await r.arrayBuffer());
    } else if (data.variant === 'cache-stream') {
      const cache = await caches.open('bench-runtime');
      hit = !!(await cache.match(wasmUrl));
      if (!hit) await cache.put(wasmUrl, await fetch(wasmUrl));
      globalThis.fetch = async (input, init) => {
        const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
        if (url.endsWith('.wasm')) return (await cache.match(url)) ?? original(input, init);
        return original(input, init);
      };
    }
    if (data.variant === 'compile') {
      const b = await (await fetch(wasmUrl)).arrayBuffer();
      const bytesMs = performance.now() - t;
      t = performance.now();
      await WebAssembly.compile(b);
      const runtimeMs = performance.now() - t;
      t = performance.now();
      const cache = await caches.open('bench-runtime');
      hit = !!(await cache.match(wasmUrl));
      if (!hit) await cache.put(wasmUrl, await fetch(wasmUrl));
      await WebAssembly.compileStreaming((await cache.match(wasmUrl))!);
      const sessionMs = performance.now() - t;
      self.postMessage({ result: { importMs, bytesMs, runtimeMs, sessionMs, hit } });
      return;
    }
    const bytesMs = performance.now() - t;
    t = performance.now();
    await (await ort.InferenceSession.create(TINY_MODEL, { executionProviders: ['wasm'] })).release();
    const runtimeMs = performance.now() - t;
    globalThis.fetch = original;
    let sessionMs = 0;
    let firstRunMs = 0;
    if (data.modelUrl) {
      const model = new Uint8Array(await (await fetch(data.modelUrl)).arrayBuffer());
      t = performance.now();
      const session = await ort.InferenceSession.create(model, { executionProviders: ['wasm'], graphOptimizationLevel: data.graphOptimizationLevel ?? 'all' });
      sessionMs = performance.now() - t;
      // [CLS] 확인 [SEP]-sized input, as the loader's warm-up run.
      const ids = new ort.Tensor('int64', BigInt64Array.from([1n, 300n, 301n, 2n]), [1, 4]);
      const mask = new ort.Tensor('int64', BigInt64Array.from([1n, 1n, 1n, 1n]), [1, 4]);
      t = performance.now();
      await session.run({ input_ids: ids, attention_mask: mask });
      firstRunMs = performance.now() - t;
      await session.release();
    }
    self.postMessage({ result: { importMs, bytesMs, runtimeMs, sessionMs, firstRunMs, hit } satisfies RuntimeResult });
  } catch (e) {
    self.postMessage({ error: String((e as Error)?.stack ?? e) });
  }
};
