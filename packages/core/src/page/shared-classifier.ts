import { KoClassifyError } from '../errors.js';
import type { Classification, Classifier, ClassifyCallOptions, ModelInfo, ProgressCallback, TextInput } from '../types.js';
import type { EmbedCallOptions, HeadJson, TeachExample } from '../encoder-types.js';
import { WorkerClassifier, type ModelHandle } from './worker-classifier.js';
import { hostFor, type HostMember } from './worker-host.js';
import type { LoadSpec } from '../protocol/worker-protocol.js';

/**
 * One classifier per page for each (model, options, worker factory), and one worker for every model
 * whose worker factory and ORT settings (backend, threads, wasm paths) match: see `ClassifierOptions.shared`.
 */
interface SharedEntry {
  classifier: Promise<WorkerClassifier>;
  /** Set once loaded. */
  loadedClassifier?: WorkerClassifier;
  loaded: Promise<void>;
  listeners: Set<ProgressCallback>;
  handles: number;
  ready: boolean;
}
const registry = new Map<string, SharedEntry>();
const functionIds = new WeakMap<object, number>();
let nextFunctionId = 1;

/** A number standing for a function (a worker factory, a callback) in page-wide registry keys: same function, same number. */
export function functionId(fn: object): number {
  if (!functionIds.has(fn)) functionIds.set(fn, nextFunctionId++);
  return functionIds.get(fn)!;
}

export async function shareClassifier(spec: LoadSpec, createWorker: () => Worker, onProgress?: ProgressCallback): Promise<ModelHandle> {
  const key = JSON.stringify([spec, functionId(createWorker)]);
  let entry = registry.get(key);
  if (!entry) {
    const listeners = new Set<ProgressCallback>();
    const classifier = joinWorker(spec, createWorker);
    const created: SharedEntry = {
      classifier,
      listeners,
      handles: 0,
      ready: false,
      loaded: classifier.then((c) => c.start((e) => listeners.forEach((l) => l(e)))).then(
        async () => {
          created.loadedClassifier = await classifier;
          created.ready = true;
        },
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
  if (onProgress && late) onProgress({ type: 'ready', info: shared.loadedClassifier!.info() });
  return new SharedHandle(shared.loadedClassifier!, () => {
    if (--shared.handles === 0) {
      registry.delete(key);
      void shared.loadedClassifier!.dispose();
    }
  });
}

/**
 * A classifier in the page's worker for these ORT settings: ORT's settings are global to its
 * runtime, so models share a worker only when the backend, threads and wasm paths match.
 */
async function joinWorker(spec: LoadSpec, createWorker: () => Worker): Promise<WorkerClassifier> {
  const key = JSON.stringify([functionId(createWorker), spec.backend, spec.threads, spec.wasmPaths, spec.cache]);
  let self: WorkerClassifier | null = null;
  // The host tells its members of a crash; this one is the classifier made just below.
  const member: HostMember = { crashed: (e) => self?.crashed(e) };
  const attached = await hostFor(key, createWorker, member);
  self = new WorkerClassifier(spec, createWorker, attached, member);
  return self;
}

/** A caller's view of a shared classifier: its own dispose(), which fails its own pending calls. */
class SharedHandle implements ModelHandle {
  private disposed = false;
  private readonly pending = new Set<(e: KoClassifyError) => void>();

  constructor(
    private readonly classifier: WorkerClassifier,
    private readonly release: () => void,
  ) {}

  classify(input: TextInput, options?: ClassifyCallOptions): Promise<Classification>;
  classify(inputs: readonly TextInput[], options?: ClassifyCallOptions): Promise<Classification[]>;
  classify(input: TextInput | readonly TextInput[], options?: ClassifyCallOptions): Promise<Classification | Classification[]> {
    return this.run(() => (this.classifier.classify as (i: unknown, o?: ClassifyCallOptions) => Promise<Classification | Classification[]>)(input, options));
  }

  embed(texts: string[], options?: EmbedCallOptions): Promise<Float32Array[]> {
    return this.run(() => this.classifier.embed(texts, options));
  }

  teach(examples: TeachExample[], options: { name?: string }, signal?: AbortSignal): Promise<HeadJson> {
    return this.run(() => this.classifier.teach(examples, options, signal));
  }

  classifyHead(inputs: unknown[], head: HeadJson, options?: ClassifyCallOptions): Promise<Classification[]> {
    return this.run(() => this.classifier.classifyHead(inputs, head, options));
  }

  /** A call of this handle: its dispose() fails it at once. */
  private run<T>(call: () => Promise<T>): Promise<T> {
    if (this.disposed) return Promise.reject(disposedError());
    return new Promise<T>((resolve, reject) => {
      this.pending.add(reject);
      call()
        .then(resolve, reject)
        .finally(() => this.pending.delete(reject));
    });
  }

  info(): ModelInfo {
    if (this.disposed) throw disposedError();
    return this.classifier.info();
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
