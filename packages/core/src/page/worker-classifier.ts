import { proxy, type Remote } from 'comlink';
import { KoClassifyError } from '../errors.js';
import type { Classification, Classifier, ClassifyCallOptions, ModelInfo, ProgressCallback, TextInput } from '../types.js';
import type { EmbedCallOptions, HeadJson, TeachExample } from '../encoder-types.js';
import type { LoadSpec, WorkerApi } from '../protocol/worker-protocol.js';
import { WorkerHost, type HostMember } from './worker-host.js';

/** A loaded model's calls: a classifier's, and a sentence encoder's (embed, teach, a head's classify). */
export interface ModelHandle extends Classifier {
  embed(texts: string[], options?: EmbedCallOptions): Promise<Float32Array[]>;
  teach(examples: TeachExample[], options: { name?: string }, signal?: AbortSignal): Promise<HeadJson>;
  classifyHead(inputs: unknown[], head: HeadJson, options?: ClassifyCallOptions): Promise<Classification[]>;
}

/**
 * One model in a worker (its slot of a `WorkerHost`) behind its Comlink proxy: load, classify,
 * cancel, reload after the worker crashed, dispose. Without a host given it gets a worker of its own.
 */
export class WorkerClassifier implements ModelHandle, HostMember {
  private remote: Remote<WorkerApi> | null = null;
  private loaded: ModelInfo | null = null;
  private restarting: Promise<void> | null = null;
  private disposed = false;
  private crashError: KoClassifyError | null = null;
  private readonly pending = new Set<(e: KoClassifyError) => void>();
  private readonly host: WorkerHost;
  private readonly slot: number;
  /** Who joined the host for this classifier (itself, or the stand-in that joined before it existed). */
  private readonly member: HostMember;

  constructor(
    private readonly spec: LoadSpec,
    createWorker: () => Worker,
    attached?: { host: WorkerHost; slot: number },
    member?: HostMember,
  ) {
    this.member = member ?? this;
    if (attached) {
      ({ host: this.host, slot: this.slot } = attached);
    } else {
      this.host = new WorkerHost(createWorker);
      this.slot = this.host.join(this);
    }
  }

  /** Loads the model into this classifier's slot (a worker starts if none runs). */
  async start(onProgress?: ProgressCallback): Promise<void> {
    const first = this.loaded === null;
    try {
      const remote = this.host.connect();
      this.loaded = await this.track(remote.load(this.spec, onProgress ? proxy(onProgress) : undefined, this.slot));
      // The worker may have stopped while it loaded: that load went with it.
      if (!this.host.isLive(remote)) throw this.crashError ?? new KoClassifyError('WORKER_CRASHED', 'the classifier worker stopped while the model loaded');
      // Disposed while it (re)loaded: the model goes again, and the classifier stays disposed.
      if (this.disposed) {
        remote.dispose(this.slot).catch(() => undefined);
        throw new KoClassifyError('DISPOSED', 'the classifier was disposed');
      }
      this.remote = remote;
    } catch (e) {
      // A first load that failed leaves the worker (and the other models on it) as they were.
      if (first) this.host.leave(this.member, this.slot);
      throw e;
    }
  }

  classify(input: TextInput, options?: ClassifyCallOptions): Promise<Classification>;
  classify(inputs: readonly TextInput[], options?: ClassifyCallOptions): Promise<Classification[]>;
  async classify(input: TextInput | readonly TextInput[], options: ClassifyCallOptions = {}): Promise<Classification | Classification[]> {
    const { signal, ...rest } = options;
    const single = !Array.isArray(input);
    const list: readonly unknown[] = single ? [input] : (input as readonly unknown[]);
    const inputs = textInputs(list, signal);
    const results = await this.call(signal, (remote, callId) => remote.classify(inputs, rest, callId, this.slot));
    return single ? results[0]! : results;
  }

  /** Unit-length embeddings of strings (the caller checked they are), transferred from the worker. */
  embed(texts: string[], options: EmbedCallOptions = {}): Promise<Float32Array[]> {
    const { signal, ...rest } = options;
    return this.call(signal, (remote, callId) => remote.embed(texts, rest, callId, this.slot));
  }

  teach(examples: TeachExample[], options: { name?: string }, signal?: AbortSignal): Promise<HeadJson> {
    return this.call(signal, (remote, callId) => remote.teach(examples, options, callId, this.slot));
  }

  async classifyHead(inputs: unknown[], head: HeadJson, options: ClassifyCallOptions = {}): Promise<Classification[]> {
    const { signal, ...rest } = options;
    const checked = textInputs(inputs, signal);
    return this.call(signal, (remote, callId) => remote.classifyHead(checked, head, rest, callId, this.slot));
  }

  /**
   * One call in the worker: after the model is (re)loaded, cancelled through `signal` (the worker
   * stops it before its next batch), failed early by a crash or dispose.
   */
  private async call<T>(signal: AbortSignal | undefined, send: (remote: Remote<WorkerApi>, callId: number) => Promise<T>): Promise<T> {
    const aborted = () => new KoClassifyError('ABORTED', 'the call was aborted', { reason: String(signal?.reason ?? '') });
    if (signal?.aborted) throw aborted();
    const remote = await this.ready();
    // The worker may have died while this call waited for it: the call was made before the crash.
    if (remote !== this.remote) {
      if (this.disposed) throw new KoClassifyError('DISPOSED', 'the classifier was disposed');
      throw this.crashError ?? new KoClassifyError('WORKER_CRASHED', 'the classifier worker stopped before the call reached it; the next call starts a new one');
    }
    // The signal may have fired while we waited (a listener added now would never hear it).
    if (signal?.aborted) throw aborted();
    const callId = this.host.callId();
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
    const call = this.track(send(remote, callId));
    try {
      return await (cancelled ? Promise.race([call, cancelled]) : call);
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
    this.remote = null;
    this.host.leave(this.member, this.slot);
  }

  /** The worker stopped under this classifier (`WorkerHost`): its calls fail, the next one reloads. */
  crashed(err: KoClassifyError): void {
    this.remote = null;
    this.crashError = err;
    for (const reject of this.pending) reject(err);
    this.pending.clear();
  }

  /** The live worker, reloading the model (from the cache) into a new one after a crash. */
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
}

/**
 * The inputs of a classify call, checked here so that uncloneable values (functions, symbols) get
 * INVALID_INPUT, not DataCloneError. A signal that already fired wins over a bad input.
 */
function textInputs(list: readonly unknown[], signal: AbortSignal | undefined): unknown[] {
  if (signal?.aborted) return list as unknown[];
  list.forEach((v, i) => {
    const ok = typeof v === 'string' || (typeof v === 'object' && v !== null && typeof (v as { text?: unknown }).text === 'string');
    if (!ok) throw new KoClassifyError('INVALID_INPUT', `input ${i} is ${v === null ? 'null' : typeof v}: pass a string or { text, textPair? }`, { index: i });
  });
  return list as unknown[];
}
