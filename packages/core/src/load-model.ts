import { backendCandidates, configureOrt, loadOrt as defaultLoadOrt, type BackendCandidate, type OrtWithEnv } from './backend.js';
import { DTYPE_FILES, TEXT_FILES, autoDtypeOrder, chooseDtype } from './model-layout.js';
import { Engine, type EngineFiles } from './engine/engine.js';
import { KoClassifyError } from './errors.js';
import { ModelSource } from './model-source.js';
import type { ModelStore } from './model-store.js';
import type { Backend, Dtype, ModelInfo, ProgressEvent } from './types.js';
import type { LoadSpec } from './worker-protocol.js';

/** A tiny input whose run proves a backend works before we report it as chosen. */
const WARMUP = ['확인'];

export interface LoadDeps {
  store: ModelStore | null;
  emit: (e: ProgressEvent) => void;
  loadOrt?: (backend: Backend) => Promise<OrtWithEnv>;
  fetch?: typeof fetch;
}

/**
 * Loads a model for the first backend that works: resolves the manifest, picks the dtype per
 * backend, downloads (or reads from cache) only that ONNX file, creates the session, and does one
 * warm-up run. A backend's failure (session creation, first run) falls back to the next candidate;
 * a problem of the model (missing, corrupt, unreachable, an explicit dtype it lacks) ends the load.
 */
export async function loadModel(spec: LoadSpec, deps: LoadDeps): Promise<{ engine: Engine; info: ModelInfo }> {
  checkOrigin(spec);
  const source = new ModelSource({ modelUrl: spec.modelUrl, revision: spec.revision, store: deps.store, emit: deps.emit, fetch: deps.fetch });
  const notes: string[] = [];
  const candidates = await backendCandidates(spec.backend, notes);
  // Start the runtime (fetch and compile ORT's .wasm, start its threads: most of a warm start)
  // while the manifest is revalidated and the model files download or come out of IndexedDB.
  const early = candidates[0] ? startRuntime(candidates[0], spec, deps) : null;
  early?.catch(() => undefined); // awaited below; a download failure must not leave it unhandled
  await source.init();
  let texts: unknown[] | null = null;
  const failures: Record<string, string> = {};
  for (let i = 0; i < candidates.length; i++) {
    const c = candidates[i]!;
    const last = i === candidates.length - 1;
    const runtime = i === 0 && early ? early : startRuntime(c, spec, deps);
    runtime.catch(() => undefined);
    try {
      const { dtype, file, model } = await modelBytes(source, spec, c, async () => {
        texts ??= await Promise.all(TEXT_FILES.map((f) => source.json(f)));
      });
      const [config, tokenizer, tokenizerConfig] = texts!;
      const files: EngineFiles = { config, tokenizer, tokenizerConfig, model };
      deps.emit({ type: 'compile', backend: c.backend, dtype });
      const { ort, threads } = await runtime;
      const engine = await Engine.create(ort, files, {
        sessionOptions: { executionProviders: [c.backend], graphOptimizationLevel: 'all', logSeverityLevel: 3 },
      });
      for (const w of engine.tokenizer.warnings) deps.emit({ type: 'warning', code: w.code, message: w.message });
      try {
        await engine.classify(WARMUP);
      } catch (e) {
        await engine.release();
        throw e;
      }
      notes.push(`${c.backend}: selected (${dtype}, ${file}${c.backend === 'wasm' ? `, ${threads} thread${threads > 1 ? 's' : ''}` : ''})`);
      const info: ModelInfo = {
        model: spec.modelId,
        modelUrl: spec.modelUrl,
        revision: source.revision,
        backend: c.backend,
        dtype,
        file,
        threads,
        crossOriginIsolated: globalThis.crossOriginIsolated === true,
        labels: engine.config.labels,
        problemType: engine.config.problemType,
        thresholds: engine.config.thresholds,
        displayNames: engine.config.displayNames,
        maxLength: engine.tokenizer.maxLength,
        backendNotes: notes,
        source: { ...source.sources },
        storage: await storageInfo(),
      };
      await source.complete(spec.keepOldRevisions);
      return { engine, info };
    } catch (e) {
      const err = e instanceof KoClassifyError ? e : new KoClassifyError('BACKEND_UNAVAILABLE', `${c.backend}: ${(e as Error)?.message ?? String(e)}`);
      // The new revision's files could not be had: the one that loaded last, from the cache, instead.
      if ((err.code === 'NETWORK' || err.code === 'INTEGRITY') && (await source.fallBack(err.message))) {
        texts = null;
        i--;
        continue;
      }
      failures[c.backend] = err.message;
      if (last || isModelProblem(err, spec)) {
        if (c.backend === 'webgpu' && spec.backend === 'webgpu' && err.code !== 'DTYPE_UNAVAILABLE') {
          throw new KoClassifyError('BACKEND_UNAVAILABLE', `backend "webgpu" failed: ${err.message}`, { causes: failures });
        }
        throw err;
      }
      notes.push(`${c.backend}: failed, falling back — ${err.message}`);
    }
  }
  throw new KoClassifyError('BACKEND_UNAVAILABLE', `no backend could run the model: ${JSON.stringify(failures)}`, { causes: failures });
}

/** The origin's storage as the worker sees it; nulls where the browser does not say. */
async function storageInfo(): Promise<ModelInfo['storage']> {
  const storage = (globalThis.navigator as { storage?: StorageManager } | undefined)?.storage;
  const estimate = await storage?.estimate?.().catch(() => null);
  const persisted = await storage?.persisted?.().catch(() => null);
  return { usage: estimate?.usage ?? null, quota: estimate?.quota ?? null, persisted: persisted ?? null };
}

/**
 * A problem of the model itself ends the load: another backend would download the same files and
 * fail the same way. Anything else (session creation, a first run, no file this backend can use
 * under dtype `auto`) is the backend's problem, and the next backend is tried.
 */
function isModelProblem(err: KoClassifyError, spec: LoadSpec): boolean {
  if (['MODEL_NOT_FOUND', 'NETWORK', 'INTEGRITY', 'ORIGIN_NOT_ALLOWED'].includes(err.code)) return true;
  return err.code === 'DTYPE_UNAVAILABLE' && spec.dtype !== 'auto';
}

/**
 * A 70-byte ONNX model (one Identity on a float[1]): creating a session from it makes ORT load and
 * initialise its WebAssembly runtime before the real model is available.
 */
const TINY_MODEL = new Uint8Array([
  8, 8, 58, 60, 10, 21, 10, 1, 120, 18, 1, 121, 26, 1, 105, 34, 8, 73, 100, 101, 110, 116, 105, 116, 121, 58, 0, 18, 1, 119, 90, 15, 10, 1, 120, 18, 10, 10, 8, 8, 1, 18, 4,
  10, 2, 8, 1, 98, 15, 10, 1, 121, 18, 10, 10, 8, 8, 1, 18, 4, 10, 2, 8, 1, 66, 4, 10, 0, 16, 17,
]);

/** Loads and configures the ORT build for a candidate and initialises its WebAssembly runtime. */
async function startRuntime(c: BackendCandidate, spec: LoadSpec, deps: LoadDeps): Promise<{ ort: OrtWithEnv; threads: number }> {
  const fetched: RuntimeFetch[] = [];
  const restore = recordRuntimeFetches(fetched);
  try {
    const ort = await (deps.loadOrt ?? defaultLoadOrt)(c.backend);
    const threads = configureOrt(ort, spec.wasmPaths, c.backend === 'wasm' ? spec.threads : 1);
    // Only the WASM runtime is shared by every session; a WebGPU device is set up with the real one.
    const session = await ort.InferenceSession.create(TINY_MODEL, { executionProviders: ['wasm'], logSeverityLevel: 3 });
    await session.release();
    return { ort, threads };
  } catch (e) {
    throw await runtimeError(e, fetched, spec.wasmPaths);
  } finally {
    restore();
  }
}

interface RuntimeFetch {
  url: string;
  status: number | null;
  contentType: string | null;
}

/** Notes every ORT runtime file (.wasm / .mjs) fetched until `restore()`, to name one that failed. */
function recordRuntimeFetches(into: RuntimeFetch[]): () => void {
  const original = globalThis.fetch;
  if (typeof original !== 'function') return () => undefined;
  const wrapped: typeof fetch = async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const isRuntime = /\.(wasm|mjs)(\?|#|$)/.test(url);
    try {
      const r = await original(input, init);
      if (isRuntime) into.push({ url: r.url || url, status: r.status, contentType: r.headers.get('content-type') });
      return r;
    } catch (e) {
      if (isRuntime) into.push({ url, status: null, contentType: null });
      throw e;
    }
  };
  globalThis.fetch = wrapped;
  return () => {
    if (globalThis.fetch === wrapped) globalThis.fetch = original;
  };
}

/**
 * A runtime start that failed because a runtime file was missing or mis-served says which URL, what
 * it answered, and how to fix it — not ORT's "expected magic word 00 61 73 6d".
 */
async function runtimeError(e: unknown, fetched: RuntimeFetch[], wasmPaths: string | null): Promise<unknown> {
  const message = (e as Error)?.message ?? String(e);
  const imported = /dynamically imported module:?\s*(\S+)/i.exec(message)?.[1];
  if (imported && !fetched.some((f) => f.url === imported)) {
    let status: number | null = null;
    try {
      status = (await globalThis.fetch(imported, { method: 'HEAD' })).status;
    } catch {
      // unreachable: reported as a network failure
    }
    fetched.push({ url: imported, status, contentType: null });
  }
  const bad = fetched.find((f) => f.status === null || f.status >= 400 || (f.url.includes('.wasm') && f.contentType !== null && !f.contentType.includes('wasm') && !f.contentType.includes('octet-stream')));
  if (!bad) return e;
  if (bad.url.startsWith('blob:')) {
    return new KoClassifyError('BACKEND_UNAVAILABLE', `ONNX Runtime could not import its runtime from a blob: URL (${message}): loaded from another origin, ORT starts its threads' runtime through blob: URLs, so a Content-Security-Policy must allow blob: in script-src`, { url: bad.url, cause: message });
  }
  const what = bad.status === null ? 'could not be fetched (network error, CORS or a Content-Security-Policy)' : bad.status >= 400 ? `answered HTTP ${bad.status}` : `was served as ${bad.contentType}, not WebAssembly (an HTML fallback page?)`;
  const fix = wasmPaths
    ? `wasmPaths is ${wasmPaths}: that folder must serve ORT's runtime files (ort-wasm-simd-threaded.wasm / .mjs; the Vite plugin's ortDir option copies them there)`
    : "serve the runtime files beside ORT's chunk as your build emitted them (the script-tag folder's assets/ next to ko-classify.js), or set wasmPaths to a folder that serves ort-wasm-simd-threaded.wasm / .mjs (the Vite plugin's ortDir option copies them)";
  return new KoClassifyError('BACKEND_UNAVAILABLE', `the ONNX Runtime file ${bad.url} ${what}: ${fix}`, { url: bad.url, status: bad.status, cause: message });
}

/**
 * The ONNX bytes for a backend. With a manifest the dtype is chosen from the files it lists;
 * without one, candidate files are tried in preference order until one exists.
 */
async function modelBytes(source: ModelSource, spec: LoadSpec, c: BackendCandidate, loadTexts: () => Promise<void>): Promise<{ dtype: Dtype; file: string; model: Uint8Array }> {
  const listed = source.files();
  if (listed) {
    const { dtype, file } = chooseDtype(spec.dtype, c.backend, listed, c.hasF16);
    source.plan([...TEXT_FILES, file]);
    await loadTexts();
    return { dtype, file, model: await source.bytes(file) };
  }
  source.plan(TEXT_FILES);
  await loadTexts();
  const order = spec.dtype === 'auto' ? autoDtypeOrder(c.backend, c.hasF16) : [spec.dtype];
  const tried: string[] = [];
  // A file an earlier completed load found is read from the cache first, without probing the names
  // before it again (no 404s, and it works offline); the rest keep their order of preference.
  const candidates = order.flatMap((dtype) => DTYPE_FILES[dtype].map((file) => ({ dtype, file })));
  const cached = await source.cachedAmong(candidates.map((c) => c.file));
  for (const { dtype, file } of [...candidates.filter((c) => cached.has(c.file)), ...candidates.filter((c) => !cached.has(c.file))]) {
    try {
      return { dtype, file, model: await source.bytes(file) };
    } catch (e) {
      if (!(e instanceof KoClassifyError && e.code === 'MODEL_NOT_FOUND')) throw e;
      tried.push(file);
    }
  }
  throw new KoClassifyError('DTYPE_UNAVAILABLE', `${spec.modelUrl} has no manifest.json and none of ${tried.join(', ')} exists`, { tried });
}

function checkOrigin(spec: LoadSpec): void {
  if (spec.allowedOrigins.length === 0) return;
  const origin = new URL(spec.modelUrl).origin;
  if (!spec.allowedOrigins.includes(origin)) {
    throw new KoClassifyError('ORIGIN_NOT_ALLOWED', `model URL ${spec.modelUrl} is outside allowedOrigins (${spec.allowedOrigins.join(', ')})`, { origin });
  }
}
