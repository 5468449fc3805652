import { proxy, wrap, type Remote } from 'comlink';
import { KoClassifyError } from '../errors.js';
import type { Classification, Classifier, ClassifyCallOptions, ModelInfo, ProgressCallback, TextInput } from '../types.js';
import type { LoadSpec, WorkerApi } from '../protocol/worker-protocol.js';

/** One worker and its Comlink proxy: load, classify, cancel, restart after a crash, dispose. */
export class WorkerClassifier implements Classifier {
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
