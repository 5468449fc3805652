import { proxy, wrap, type Remote } from 'comlink';
import { registerErrorTransfer } from './comlink-errors.js';
import { defaultWorker } from './default-worker.js';
import { KoClassifyError } from './errors.js';
import type {
  BackendOption,
  Classification,
  ClassifyOptions,
  DtypeOption,
  LoadSpec,
  ModelInfo,
  ProgressCallback,
  TextInput,
  WorkerApi,
} from './worker-protocol.js';

export interface ClassifierOptions {
  /** A built-in model id (served under `modelsBaseUrl`) or the URL of a model directory. Default `ko-sentiment`. */
  model?: string;
  /** Where built-in model ids live. Default `/models/` on the page's origin. */
  modelsBaseUrl?: string | URL;
  /** Part of the cache key; bump it when the files at the model URL change. Default `main`. */
  revision?: string;
  /** Default `auto`: WebGPU when an adapter exists, else WASM. */
  backend?: BackendOption;
  /** Default `auto`: int8 on WASM; int4, fp16 or fp32 on WebGPU. */
  dtype?: DtypeOption;
  /** WASM threads when the page is cross-origin isolated. Default min(4, hardwareConcurrency). */
  threads?: number;
  /**
   * URL prefix the ORT `.wasm` files are served from. Default: beside ORT's own chunk, where bundlers
   * (Vite, webpack 5) emit them. Set it for non-bundled pages (see `@ko-classify/core/vite` `ortDir`).
   */
  wasmPaths?: string | URL;
  /** Keep model files in IndexedDB. Default true. */
  cache?: boolean;
  /** If set, model URLs on other origins are refused with ORIGIN_NOT_ALLOWED. */
  allowedOrigins?: string[];
  /** Download/cache/compile progress, in order, ending with `ready`. */
  onProgress?: ProgressCallback;
  /** Custom worker factory (e.g. a worker URL your bundler emits). */
  createWorker?: () => Worker;
  /**
   * Share one worker with every other `createClassifier()` (and `<ko-sentiment>` element) on the page
   * that asks for the same model with the same options. Default true: one download, one worker.
   * Each caller still disposes its own handle; the worker stops when the last one is disposed.
   */
  shared?: boolean;
}

/** Per-call options; `signal` cancels the call (ABORTED) without stopping the worker. */
export interface ClassifyCallOptions extends ClassifyOptions {
  signal?: AbortSignal;
}

export interface Classifier {
  /** Classifies one text (or `{ text, textPair }`). */
  classify(input: TextInput, options?: ClassifyCallOptions): Promise<Classification>;
  /** Classifies many texts in one worker round-trip; results keep input order. */
  classify(inputs: readonly TextInput[], options?: ClassifyCallOptions): Promise<Classification[]>;
  /** Model, backend, dtype, threads, labels and why each backend was chosen or skipped. */
  info(): ModelInfo;
  /** Stops the worker; pending and later calls reject with DISPOSED. */
  dispose(): Promise<void>;
}

/**
 * Spawns the classification worker, loads the model (IndexedDB first, then network) and resolves
 * once a first run succeeded.
 *
 * @example
 * const clf = await createClassifier({ model: 'ko-sentiment' });
 * const { label, score } = await clf.classify('이 영화 정말 재밌어요!');
 * console.log(label, score); // "positive" 0.97
 * await clf.dispose();
 */
export async function createClassifier(options: ClassifierOptions = {}): Promise<Classifier> {
  registerErrorTransfer();
  const spec = resolveSpec(options);
  const createWorker = options.createWorker ?? defaultWorker;
  if (options.shared === false) {
    const c = new WorkerClassifier(spec, createWorker);
    await c.start(options.onProgress);
    return c;
  }
  return shareClassifier(spec, createWorker, options.onProgress);
}

/** One classifier per page for each (model, options, worker factory): see `ClassifierOptions.shared`. */
interface SharedEntry {
  classifier: WorkerClassifier;
  loaded: Promise<void>;
  listeners: Set<ProgressCallback>;
  handles: number;
  ready: boolean;
}
const registry = new Map<string, SharedEntry>();
const factoryIds = new WeakMap<() => Worker, number>();
let nextFactoryId = 1;

async function shareClassifier(spec: LoadSpec, createWorker: () => Worker, onProgress?: ProgressCallback): Promise<Classifier> {
  if (!factoryIds.has(createWorker)) factoryIds.set(createWorker, nextFactoryId++);
  const key = JSON.stringify([spec, factoryIds.get(createWorker)]);
  let entry = registry.get(key);
  if (!entry) {
    const listeners = new Set<ProgressCallback>();
    const classifier = new WorkerClassifier(spec, createWorker);
    const created: SharedEntry = {
      classifier,
      listeners,
      handles: 0,
      ready: false,
      loaded: classifier.start((e) => listeners.forEach((l) => l(e))).then(
        () => void (created.ready = true),
        (e: unknown) => {
          registry.delete(key); // a later call tries again
          throw e;
        },
      ),
    };
    registry.set(key, (entry = created));
  }
  const shared = entry;
  const late = shared.ready;
  shared.handles++;
  if (onProgress) shared.listeners.add(onProgress);
  try {
    await shared.loaded;
  } catch (e) {
    shared.handles--;
    throw e;
  } finally {
    if (onProgress) shared.listeners.delete(onProgress);
  }
  // A caller that joined after the load still hears that it is ready.
  if (onProgress && late) onProgress({ type: 'ready', info: shared.classifier.info() });
  return new SharedHandle(shared, () => {
    if (--shared.handles === 0) {
      registry.delete(key);
      void shared.classifier.dispose();
    }
  });
}

/** A caller's view of a shared classifier: its own dispose(), which fails its own pending calls. */
class SharedHandle implements Classifier {
  private disposed = false;
  private readonly pending = new Set<(e: KoClassifyError) => void>();

  constructor(
    private readonly shared: SharedEntry,
    private readonly release: () => void,
  ) {}

  classify(input: TextInput, options?: ClassifyCallOptions): Promise<Classification>;
  classify(inputs: readonly TextInput[], options?: ClassifyCallOptions): Promise<Classification[]>;
  classify(input: TextInput | readonly TextInput[], options?: ClassifyCallOptions): Promise<Classification | Classification[]> {
    if (this.disposed) return Promise.reject(disposedError());
    return new Promise((resolve, reject) => {
      this.pending.add(reject);
      (this.shared.classifier.classify as (i: unknown, o?: ClassifyCallOptions) => Promise<Classification | Classification[]>)(input, options)
        .then(resolve, reject)
        .finally(() => this.pending.delete(reject));
    });
  }

  info(): ModelInfo {
    if (this.disposed) throw disposedError();
    return this.shared.classifier.info();
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    const err = disposedError();
    for (const reject of this.pending) reject(err);
    this.pending.clear();
    this.release();
  }
}

const disposedError = () => new KoClassifyError('DISPOSED', 'the classifier was disposed: create a new one');

export function resolveSpec(o: ClassifierOptions): LoadSpec {
  const here = globalThis.location?.href ?? 'http://localhost/';
  const model = o.model ?? 'ko-sentiment';
  if (typeof model !== 'string' || model.length === 0) {
    throw new KoClassifyError('INVALID_INPUT', 'options.model must be a model id or a URL string');
  }
  const isUrl = /[/:]/.test(model);
  const raw = isUrl ? new URL(model, here) : new URL(`${encodeURIComponent(model)}/`, new URL(o.modelsBaseUrl ?? '/models/', here));
  const modelUrl = raw.href.endsWith('/') ? raw.href : `${raw.href}/`;
  const cores = globalThis.navigator?.hardwareConcurrency ?? 1;
  return {
    modelId: model,
    modelUrl,
    revision: o.revision ?? 'main',
    backend: oneOf(o.backend ?? 'auto', ['auto', 'webgpu', 'wasm'], 'backend'),
    dtype: oneOf(o.dtype ?? 'auto', ['auto', 'fp32', 'fp16', 'int8', 'int4'], 'dtype'),
    threads: o.threads ?? Math.min(4, cores),
    wasmPaths: o.wasmPaths === undefined ? null : new URL(o.wasmPaths, here).href,
    cache: o.cache ?? true,
    allowedOrigins: (o.allowedOrigins ?? []).map((u) => new URL(u, here).origin),
  };
}

function oneOf<T extends string>(v: T, allowed: readonly T[], name: string): T {
  if (!allowed.includes(v)) throw new KoClassifyError('INVALID_INPUT', `options.${name} must be one of ${allowed.join(', ')}, got ${JSON.stringify(v)}`);
  return v;
}

class WorkerClassifier implements Classifier {
  private worker: Worker | null = null;
  private remote: Remote<WorkerApi> | null = null;
  private loaded: ModelInfo | null = null;
  private restarting: Promise<void> | null = null;
  private disposed = false;
  private crashError: KoClassifyError | null = null;
  private nextCallId = 1;
  private readonly pending = new Set<(e: KoClassifyError) => void>();

  constructor(
    private readonly spec: LoadSpec,
    private readonly createWorker: () => Worker,
  ) {}

  async start(onProgress?: ProgressCallback): Promise<void> {
    let worker: Worker;
    try {
      worker = this.createWorker();
    } catch (e) {
      throw new KoClassifyError('BACKEND_UNAVAILABLE', `the classifier worker could not start: ${(e as Error)?.message ?? String(e)} (check the page's CSP worker-src, and that your bundler emitted the worker)`);
    }
    this.worker = worker;
    this.remote = wrap<WorkerApi>(worker);
    // terminate() fires no event: whoever else holds this Worker (a createWorker factory) and kills
    // it must still fail our pending calls instead of leaving them hanging.
    const terminate = worker.terminate.bind(worker);
    worker.terminate = () => {
      terminate();
      this.crashed(worker, 'the worker was terminated');
    };
    worker.addEventListener('error', (ev) => this.crashed(worker, ev.message || 'uncaught error in the worker'));
    worker.addEventListener('messageerror', () => this.crashed(worker, 'a message from the worker could not be read'));
    try {
      this.loaded = await this.track(this.remote.load(this.spec, onProgress ? proxy(onProgress) : undefined));
    } catch (e) {
      this.stopWorker();
      throw e;
    }
  }

  classify(input: TextInput, options?: ClassifyCallOptions): Promise<Classification>;
  classify(inputs: readonly TextInput[], options?: ClassifyCallOptions): Promise<Classification[]>;
  async classify(input: TextInput | readonly TextInput[], options: ClassifyCallOptions = {}): Promise<Classification | Classification[]> {
    const { signal, ...rest } = options;
    const aborted = () => new KoClassifyError('ABORTED', 'the call was aborted', { reason: String(signal?.reason ?? '') });
    if (signal?.aborted) throw aborted();
    const single = !Array.isArray(input);
    const list: readonly unknown[] = single ? [input] : (input as readonly unknown[]);
    // Cheap shape check here so uncloneable values (functions, symbols) get INVALID_INPUT, not DataCloneError.
    list.forEach((v, i) => {
      const ok = typeof v === 'string' || (typeof v === 'object' && v !== null && typeof (v as { text?: unknown }).text === 'string');
      if (!ok) throw new KoClassifyError('INVALID_INPUT', `input ${i} is ${v === null ? 'null' : typeof v}: pass a string or { text, textPair? }`, { index: i });
    });
    const remote = await this.ready();
    // The worker may have died while this call waited for it: the call was made before the crash.
    if (remote !== this.remote) {
      if (this.disposed) throw new KoClassifyError('DISPOSED', 'the classifier was disposed');
      throw this.crashError ?? new KoClassifyError('WORKER_CRASHED', 'the classifier worker stopped before the call reached it; the next call starts a new one');
    }
    // The signal may have fired while we waited (a listener added now would never hear it).
    if (signal?.aborted) throw aborted();
    const callId = this.nextCallId++;
    let onAbort: (() => void) | undefined;
    const cancelled = signal
      ? new Promise<never>((_, reject) => {
          onAbort = () => {
            void remote.cancel(callId);
            reject(aborted());
          };
          signal.addEventListener('abort', onAbort, { once: true });
        })
      : null;
    const call = this.track(remote.classify(list as unknown[], rest, callId));
    try {
      const results = await (cancelled ? Promise.race([call, cancelled]) : call);
      return single ? results[0]! : results;
    } finally {
      if (onAbort) signal!.removeEventListener('abort', onAbort);
      call.catch(() => undefined); // an aborted call still settles in the worker
    }
  }

  info(): ModelInfo {
    if (!this.loaded) throw new KoClassifyError('DISPOSED', 'the classifier is not loaded');
    return this.loaded;
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    const err = new KoClassifyError('DISPOSED', 'the classifier was disposed');
    for (const reject of this.pending) reject(err);
    this.pending.clear();
    this.stopWorker();
  }

  /** The live worker, restarting it (model from cache) after a crash. */
  private async ready(): Promise<Remote<WorkerApi>> {
    if (this.disposed) throw new KoClassifyError('DISPOSED', 'the classifier was disposed: create a new one');
    if (!this.remote) {
      this.restarting ??= this.start().finally(() => (this.restarting = null));
      await this.restarting;
    }
    return this.remote!;
  }

  /** Settles with the call, or rejects early if the worker dies or the classifier is disposed. */
  private track<T>(call: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const fail = (e: KoClassifyError) => reject(e);
      this.pending.add(fail);
      call.then(resolve, reject).finally(() => this.pending.delete(fail));
    });
  }

  private crashed(worker: Worker, message: string): void {
    if (worker !== this.worker) return;
    this.stopWorker();
    const err = new KoClassifyError('WORKER_CRASHED', `the classifier worker stopped (${message}); the next call starts a new one`);
    this.crashError = err;
    for (const reject of this.pending) reject(err);
    this.pending.clear();
  }

  private stopWorker(): void {
    const w = this.worker;
    this.worker = null;
    this.remote = null;
    w?.terminate();
  }
}
