import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ortWeb from 'onnxruntime-web';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { wasmBackend } from '../src/backends/wasm.js';
import { webgpuBackend } from '../src/backends/webgpu.js';
import type { BackendDescriptor, GpuLike, OrtWithEnv } from '../src/backends/descriptor.js';
import { KoClassifyError } from '../src/errors.js';
import { loadModel as load } from '../src/loader/load-model.js';
import { ModelSource } from '../src/model/source.js';
import { memoryModelStore, type ModelStore } from '../src/model/store.js';
import type { Backend, ProgressEvent } from '../src/types.js';
import type { LoadSpec } from '../src/protocol/worker-protocol.js';
import { FIXTURE } from './helpers.js';

// loadModel through its hooks: the real onnxruntime-web WASM runtime in Node plays the `wasm` backend,
// a runtime whose sessions cannot be created plays a broken `webgpu`, and fetch serves the fixture.
const BASE = 'https://models.test/tiny/';
const spec = (o: Partial<LoadSpec> = {}): LoadSpec => ({
  modelId: 'tiny',
  modelUrl: BASE,
  revision: 'main',
  backend: 'auto',
  dtype: 'auto',
  threads: 1,
  wasmPaths: null,
  cache: false,
  keepOldRevisions: false,
  allowedOrigins: [],
  ...o,
});

const brokenWebgpu = {
  ...ortWeb,
  env: ortWeb.env,
  InferenceSession: {
    create: async (_model: Uint8Array, o?: { executionProviders?: string[] }) => {
      if (o?.executionProviders?.[0] === 'webgpu') throw new Error('no WebGPU device');
      return ortWeb.InferenceSession.create(_model, o);
    },
  },
} as unknown as OrtWithEnv;

/** What the harness injects: the browser's two backends over recorded runtimes, a fetch, a store. */
interface HarnessDeps {
  store: ModelStore | null;
  emit: (e: ProgressEvent) => void;
  fetch: typeof fetch;
  backends: BackendDescriptor[];
}

/** The loader as the worker calls it: HTTP + cache files, the GPU from `navigator` (stubbed below). */
const loadModel = (s: LoadSpec, d: HarnessDeps) =>
  load(s, {
    files: new ModelSource({ modelUrl: s.modelUrl, revision: s.revision, store: d.store, emit: d.emit, fetch: d.fetch }),
    backends: d.backends,
    env: { gpu: (globalThis.navigator as { gpu?: GpuLike }).gpu ?? null, crossOriginIsolated: false },
    emit: d.emit,
    fetch: d.fetch,
  });

interface Harness {
  deps: HarnessDeps;
  requests: string[];
  runtimes: Backend[];
  events: ProgressEvent[];
}

/** Serves the fixture's files; `answer` may replace a file's response. */
function harness(answer: (file: string, body: Uint8Array<ArrayBuffer>) => Response | null = () => null): Harness {
  const requests: string[] = [];
  const runtimes: Backend[] = [];
  const events: ProgressEvent[] = [];
  const fetchFixture = (async (input: RequestInfo | URL) => {
    const file = String(input).slice(BASE.length);
    requests.push(file);
    let body: Uint8Array<ArrayBuffer>;
    try {
      body = new Uint8Array(readFileSync(join(FIXTURE, file)));
    } catch {
      return new Response('not found', { status: 404 });
    }
    return answer(file, body) ?? new Response(body, { headers: { 'Content-Length': String(body.byteLength) } });
  }) as typeof fetch;
  // The real descriptors, with the ORT builds they import swapped: each import is recorded.
  const recorded = (d: BackendDescriptor, ort: OrtWithEnv): BackendDescriptor => ({
    ...d,
    importOrt: async () => {
      runtimes.push(d.name);
      return ort;
    },
  });
  const deps: HarnessDeps = {
    store: null,
    emit: (e) => events.push(e),
    fetch: fetchFixture,
    backends: [recorded(webgpuBackend, brokenWebgpu), recorded(wasmBackend, ortWeb as unknown as OrtWithEnv)],
  };
  return { deps, requests, runtimes, events };
}

// A WebGPU adapter exists: `auto` tries webgpu first.
const realNavigator = Object.getOwnPropertyDescriptor(globalThis, 'navigator');
beforeEach(() => {
  Object.defineProperty(globalThis, 'navigator', { configurable: true, value: { gpu: { requestAdapter: async () => ({ features: new Set<string>() }) } } });
});
afterEach(() => {
  if (realNavigator) Object.defineProperty(globalThis, 'navigator', realNavigator);
  else delete (globalThis as { navigator?: unknown }).navigator;
});

async function failure(p: Promise<unknown>): Promise<KoClassifyError> {
  const e = await p.then(() => null, (err: unknown) => err);
  expect(e).toBeInstanceOf(KoClassifyError);
  return e as KoClassifyError;
}

describe('loadModel fallback policy', () => {
  it('a backend problem (webgpu session cannot be created) falls back to wasm and says why', async () => {
    const h = harness();
    const { engine, info } = await loadModel(spec(), h.deps);
    expect(h.runtimes).toEqual(['webgpu', 'wasm']);
    expect(info).toMatchObject({ backend: 'wasm', dtype: 'int8', file: 'onnx/model_int8.onnx' });
    expect(info.backendNotes[0]).toMatch(/^webgpu: failed, falling back — .*no WebGPU device/);
    expect(info.backendNotes.at(-1)).toMatch(/^wasm: selected \(int8/);
    // The text files are read once for both attempts; each backend downloads only its own ONNX file.
    expect(h.requests.filter((f) => f === 'config.json')).toHaveLength(1);
    expect(h.requests.filter((f) => f.startsWith('onnx/'))).toEqual(['onnx/model_q4.onnx', 'onnx/model_int8.onnx']);
    expect((await engine.classify(['좋아요']))[0]!.label).toMatch(/\w/);
    await engine.release();
  });

  it.each([
    ['MODEL_NOT_FOUND', (f: string) => (f === 'config.json' ? new Response('gone', { status: 404 }) : null)],
    ['NETWORK', (f: string) => (f === 'tokenizer.json' ? new Response('down', { status: 503 }) : null)],
    ['INTEGRITY', (f: string, body: Uint8Array<ArrayBuffer>) => (f === 'onnx/model_q4.onnx' ? new Response(body.map((b, i) => (i === 100 ? b ^ 0xff : b))) : null)],
  ] as const)('a model problem (%s) on webgpu ends the load: no second download on wasm', async (code, answer) => {
    const h = harness(answer);
    const e = await failure(loadModel(spec(), { ...h.deps }));
    expect(e.code).toBe(code);
    expect(h.runtimes).toEqual(['webgpu']);
  });

  it('an explicit dtype the model lacks ends the load; under auto, no usable file on one backend falls back', async () => {
    const onlyInt8 = (f: string) => (f === 'manifest.json' ? Response.json(dropFiles(['onnx/model_q4.onnx', 'onnx/model.onnx'])) : null);
    const h = harness(onlyInt8);
    expect((await failure(loadModel(spec({ dtype: 'int4' }), h.deps))).code).toBe('DTYPE_UNAVAILABLE');
    expect(h.runtimes).toEqual(['webgpu']);
    const auto = harness(onlyInt8);
    const { engine, info } = await loadModel(spec(), auto.deps);
    expect(info).toMatchObject({ backend: 'wasm', dtype: 'int8' });
    expect(info.backendNotes[0]).toMatch(/^webgpu: failed, falling back — .*no ONNX file usable on webgpu/);
    await engine.release();
  });

  it('an explicit webgpu backend that fails is BACKEND_UNAVAILABLE naming the cause, never a fallback', async () => {
    const h = harness();
    const e = await failure(loadModel(spec({ backend: 'webgpu' }), h.deps));
    expect(e.code).toBe('BACKEND_UNAVAILABLE');
    expect(e.message).toContain('no WebGPU device');
    expect(h.runtimes).toEqual(['webgpu']);
  });

  it('progress: manifest first, ready-to-compile after the files, compile names the backend that runs', async () => {
    const h = harness();
    const { engine } = await loadModel(spec({ backend: 'wasm' }), h.deps);
    const types = h.events.map((e) => e.type);
    expect(types[0]).toBe('manifest');
    expect(h.events.filter((e) => e.type === 'compile')).toEqual([{ type: 'compile', backend: 'wasm', dtype: 'int8' }]);
    expect(types.lastIndexOf('download')).toBeLessThan(types.indexOf('compile'));
    // Once the chosen backend's runtime has started (no runtime cache here: nothing to report).
    expect(h.events.filter((e) => e.type === 'runtime')).toEqual([{ type: 'runtime', backend: 'wasm', runtime: null }]);
    expect(types.indexOf('runtime')).toBeGreaterThan(types.indexOf('compile'));
    await engine.release();
  });
});

describe('loadModel and model revisions', () => {
  // A deploy that published the new manifest.json before its new int8 file: the new revision cannot
  // load, so the load uses the revision that loaded last, from IndexedDB, and says so.
  it('the new revision\'s file fails its check: the last revision that loaded, with a STALE_REVISION warning', async () => {
    const store = memoryModelStore();
    const first = harness();
    const loaded = await loadModel(spec({ revision: null, backend: 'wasm' }), { ...first.deps, store });
    await loaded.engine.release();
    const next = JSON.parse(readFileSync(join(FIXTURE, 'manifest.json'), 'utf8')) as { revision?: string; files: Record<string, { size: number; sha256: string }> };
    next.revision = 'next-release';
    next.files['onnx/model_int8.onnx'] = { size: 1234, sha256: 'f'.repeat(64) };
    const second = harness((f) => (f === 'manifest.json' ? Response.json(next) : null));
    const { engine, info } = await loadModel(spec({ revision: null, backend: 'wasm' }), { ...second.deps, store });
    expect(info.revision).toBe(loaded.info.revision);
    expect(info.source['onnx/model_int8.onnx']).toBe('cache');
    const warning = second.events.find((e) => e.type === 'warning');
    expect(warning).toMatchObject({ code: 'STALE_REVISION' });
    expect((warning as { message: string }).message).toMatch(/does not match manifest\.json.*loading revision .* from the cache/);
    // The new int8 was asked for twice (the second time past the HTTP cache) before giving up on it.
    expect(second.requests.filter((f) => f === 'onnx/model_int8.onnx')).toHaveLength(2);
    expect((await engine.classify(['다시 시도']))[0]!.label).toMatch(/\w/);
    await engine.release();
  });
});

function dropFiles(files: string[]): unknown {
  const m = JSON.parse(readFileSync(join(FIXTURE, 'manifest.json'), 'utf8')) as { files: Record<string, unknown> };
  for (const f of files) delete m.files[f];
  return m;
}
