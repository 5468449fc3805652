import { backendCandidates, configureOrt, loadOrt as defaultLoadOrt, type BackendCandidate, type OrtWithEnv } from './backend.js';
import { DTYPE_FILES, autoDtypeOrder, chooseDtype } from './dtype.js';
import { Engine, type EngineFiles } from './engine/engine.js';
import { KoClassifyError } from './errors.js';
import { ModelSource } from './model-source.js';
import type { ModelStore } from './model-store.js';
import type { Backend, Dtype, LoadSpec, ModelInfo, ProgressEvent } from './worker-protocol.js';

const TEXT_FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json'] as const;
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
 * warm-up run. Failures at session creation or first run fall back to the next candidate.
 */
export async function loadModel(spec: LoadSpec, deps: LoadDeps): Promise<{ engine: Engine; info: ModelInfo }> {
  checkOrigin(spec);
  const source = new ModelSource({ modelUrl: spec.modelUrl, revision: spec.revision, store: deps.store, emit: deps.emit, fetch: deps.fetch });
  await source.init();
  const notes: string[] = [];
  const candidates = await backendCandidates(spec.backend, notes);
  let texts: unknown[] | null = null;
  const failures: Record<string, string> = {};
  for (const [i, c] of candidates.entries()) {
    const last = i === candidates.length - 1;
    // Start the runtime (fetch and compile ORT's .wasm, start its threads: most of a warm start)
    // while the model files download or come out of IndexedDB, not after.
    const runtime = startRuntime(c, spec, deps);
    runtime.catch(() => undefined); // awaited below; a download failure must not leave it unhandled
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
        backend: c.backend,
        dtype,
        file,
        threads,
        crossOriginIsolated: globalThis.crossOriginIsolated === true,
        labels: engine.config.labels,
        problemType: engine.config.problemType,
        maxLength: engine.encoder.maxLength,
        backendNotes: notes,
        source: { ...source.sources },
      };
      return { engine, info };
    } catch (e) {
      const err = e instanceof KoClassifyError ? e : new KoClassifyError('BACKEND_UNAVAILABLE', `${c.backend}: ${(e as Error)?.message ?? String(e)}`);
      // Problems of the model itself (not of the backend) end the load on any backend.
      const modelProblem = ['MODEL_NOT_FOUND', 'NETWORK', 'INTEGRITY', 'DTYPE_UNAVAILABLE'].includes(err.code) && c.backend === 'wasm';
      failures[c.backend] = err.message;
      if (last || modelProblem) {
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
  const ort = await (deps.loadOrt ?? defaultLoadOrt)(c.backend);
  const threads = configureOrt(ort, spec.wasmPaths, c.backend === 'wasm' ? spec.threads : 1);
  // Only the WASM runtime is shared by every session; a WebGPU device is set up with the real one.
  const session = await ort.InferenceSession.create(TINY_MODEL, { executionProviders: ['wasm'], logSeverityLevel: 3 });
  await session.release();
  return { ort, threads };
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
  for (const dtype of order) {
    for (const file of DTYPE_FILES[dtype]) {
      try {
        return { dtype, file, model: await source.bytes(file) };
      } catch (e) {
        if (!(e instanceof KoClassifyError && e.code === 'MODEL_NOT_FOUND')) throw e;
        tried.push(file);
      }
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
