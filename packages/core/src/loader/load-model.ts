/**
 * The one loader, for the page's worker and the Node client alike: the file source (HTTP + cache,
 * or a directory) and the backends (with the environment they probe) are injected.
 */
import { selectBackends, type BackendDescriptor, type BackendEnv, type Candidate } from '../backends/descriptor.js';
import { Engine, type EngineFiles, type Exclusive } from '../engine/engine.js';
import { KoClassifyError } from '../errors.js';
import type { ModelFiles } from '../model/files.js';
import { DTYPE_FILES, TEXT_FILES, chooseDtype } from '../model/layout.js';
import type { LoadSpec } from '../protocol/worker-protocol.js';
import type { Dtype, ModelInfo, ProgressEvent } from '../types.js';
import type { RuntimeCache } from '../model/runtime-cache.js';
import { startRuntime } from './runtime.js';

/** A tiny input whose run proves a backend works before we report it as chosen. */
const WARMUP = ['확인'];

export interface LoadDeps {
  /** Where the model's files come from. */
  files: ModelFiles;
  /** The backends `spec.backend` chooses among, in `auto` order. */
  backends: readonly BackendDescriptor[];
  /** What the backends probe (the GPU, cross-origin isolation). */
  env: BackendEnv;
  emit: (e: ProgressEvent) => void;
  /** Used to name a runtime file that failed to load. Default: the global fetch. */
  fetch?: typeof fetch;
  /** Where ORT's `.wasm` is kept between page loads (the worker's IndexedDB); none in Node. */
  runtimeCache?: RuntimeCache | null;
  /** ORT's chunk is on another origin (a CDN), so its glue `.mjs` is cached too (`RuntimeDeps`). */
  crossOriginGlue?: boolean;
  /** The storage `info()` reports. Default: unknown. */
  storage?: () => Promise<ModelInfo['storage']>;
  /** Max tokens instead of the tokenizer's (the quantizer's calibration). */
  maxLength?: number;
  /** ONNX bytes to run instead of the dtype file (the quantizer's calibration graph). */
  model?: Uint8Array;
  /** The lock of every session sharing this ORT (a worker hosting several models): `EngineOptions.exclusive`. */
  exclusive?: Exclusive;
}

/**
 * Loads a model for the first backend that works: resolves the manifest, picks the dtype per
 * backend, reads only that ONNX file, creates the session, and does one warm-up run. A backend's
 * failure (session creation, first run) falls back to the next candidate; a problem of the model
 * (missing, corrupt, unreachable, an explicit dtype it lacks) ends the load.
 */
export async function loadModel(spec: LoadSpec, deps: LoadDeps): Promise<{ engine: Engine; info: ModelInfo }> {
  checkOrigin(spec);
  const source = deps.files;
  const notes: string[] = [];
  const candidates = await selectBackends(spec.backend, deps.backends, deps.env, notes);
  const settings = { threads: spec.threads, wasmPaths: spec.wasmPaths, crossOriginIsolated: deps.env.crossOriginIsolated };
  const start = (c: Candidate) => startRuntime(c.descriptor, settings, { fetch: deps.fetch, cache: deps.runtimeCache, emit: deps.emit, crossOriginGlue: deps.crossOriginGlue });
  // Start the runtime (fetch and compile ORT's .wasm, start its threads: most of a warm start)
  // while the manifest is revalidated and the model files download or come out of the cache.
  const early = candidates[0] ? start(candidates[0]) : null;
  early?.catch(() => undefined); // awaited below; a download failure must not leave it unhandled
  await source.init();
  let texts: unknown[] | null = null;
  const failures: Record<string, string> = {};
  for (let i = 0; i < candidates.length; i++) {
    const c = candidates[i]!;
    const name = c.descriptor.name;
    const last = i === candidates.length - 1;
    const runtime = i === 0 && early ? early : start(c);
    runtime.catch(() => undefined);
    try {
      const { dtype, file, model } = await modelBytes(source, spec, c, deps.model, async () => {
        texts ??= await Promise.all(TEXT_FILES.map((f) => source.json(f)));
      });
      const [config, tokenizer, tokenizerConfig] = texts!;
      const files: EngineFiles = { config, tokenizer, tokenizerConfig, model };
      deps.emit({ type: 'compile', backend: name, dtype });
      const { ort, threads, runtime: runtimeInfo } = await runtime;
      deps.emit({ type: 'runtime', backend: name, runtime: runtimeInfo });
      const engine = await Engine.create(ort, files, { maxLength: deps.maxLength, sessionOptions: c.descriptor.sessionOptions(threads), exclusive: deps.exclusive });
      for (const w of engine.tokenizer.warnings) deps.emit({ type: 'warning', code: w.code, message: w.message });
      try {
        await (engine.config.embedding ? engine.embed(WARMUP) : engine.classify(WARMUP));
      } catch (e) {
        await engine.release();
        throw e;
      }
      notes.push(`${name}: selected (${dtype}, ${file}${c.descriptor.selectedNote?.(threads) ?? ''})`);
      const info: ModelInfo = {
        model: spec.modelId,
        modelUrl: spec.modelUrl,
        revision: source.revision,
        backend: name,
        dtype,
        file,
        threads,
        crossOriginIsolated: deps.env.crossOriginIsolated,
        labels: engine.config.labels,
        problemType: engine.config.problemType,
        thresholds: engine.config.thresholds,
        displayNames: engine.config.displayNames,
        defaultLocale: engine.config.defaultLocale,
        calibration: engine.config.calibration,
        uncertainty: engine.config.uncertainty,
        maxLength: engine.tokenizer.maxLength,
        backendNotes: notes,
        source: { ...source.sources },
        runtime: runtimeInfo,
        storage: (await deps.storage?.()) ?? { usage: null, quota: null, persisted: null },
        embedding: engine.config.embedding ? { dim: engine.config.embedding.dim, space: engine.config.embedding.space } : null,
      };
      await source.complete(spec.keepOldRevisions);
      return { engine, info };
    } catch (e) {
      const err = e instanceof KoClassifyError ? e : new KoClassifyError('BACKEND_UNAVAILABLE', `${name}: ${(e as Error)?.message ?? String(e)}`);
      // The new revision's files could not be had: the one that loaded last, from the cache, instead.
      if ((err.code === 'NETWORK' || err.code === 'INTEGRITY') && (await source.fallBack(err.message))) {
        texts = null;
        i--;
        continue;
      }
      failures[name] = err.message;
      if (last || isModelProblem(err, spec)) {
        // An explicitly requested backend that could not run the model (session creation, first run).
        if (spec.backend !== 'auto' && !isModelProblem(err, spec) && err.code !== 'DTYPE_UNAVAILABLE') {
          throw new KoClassifyError('BACKEND_UNAVAILABLE', `backend "${name}" failed: ${err.message}`, { causes: failures });
        }
        throw err;
      }
      notes.push(`${name}: failed, falling back — ${err.message}`);
    }
  }
  throw new KoClassifyError('BACKEND_UNAVAILABLE', `no backend could run the model: ${JSON.stringify(failures)}`, { causes: failures });
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
 * The ONNX bytes for a backend. With a file list the dtype is chosen from it; without one,
 * candidate files are tried in preference order until one exists.
 */
async function modelBytes(source: ModelFiles, spec: LoadSpec, c: Candidate, given: Uint8Array | undefined, loadTexts: () => Promise<void>): Promise<{ dtype: Dtype; file: string; model: Uint8Array }> {
  if (given) {
    source.plan(TEXT_FILES);
    await loadTexts();
    return { dtype: 'fp32', file: '(in memory)', model: given };
  }
  const listed = source.files();
  if (listed) {
    const { dtype, file } = chooseDtype(spec.dtype, c.descriptor, listed, c.hasF16);
    source.plan([...TEXT_FILES, file]);
    await loadTexts();
    return { dtype, file, model: await source.bytes(file) };
  }
  source.plan(TEXT_FILES);
  await loadTexts();
  const order = spec.dtype === 'auto' ? c.descriptor.dtypeOrder(c.hasF16) : [spec.dtype];
  const tried: string[] = [];
  // A file an earlier completed load found is read from the cache first, without probing the names
  // before it again (no 404s, and it works offline); the rest keep their order of preference.
  const candidates = order.flatMap((dtype) => DTYPE_FILES[dtype].map((file) => ({ dtype, file })));
  const cached = await source.cachedAmong(candidates.map((x) => x.file));
  for (const { dtype, file } of [...candidates.filter((x) => cached.has(x.file)), ...candidates.filter((x) => !cached.has(x.file))]) {
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
