import { wrap, type Remote } from 'comlink';
import { KoClassifyError } from '../errors.js';
import type { WorkerApi } from '../protocol/worker-protocol.js';

/** A classifier attached to a worker: told when the worker stops under it. */
export interface HostMember {
  crashed(error: KoClassifyError): void;
}

/**
 * One worker and the models it hosts, one slot each (`WorkerApi`): starts the worker on first use
 * and again after a crash, tells every attached classifier when it stops, and stops it when the last
 * one leaves. Models on one worker share its ONNX Runtime: one `.wasm` compiled, one thread pool.
 */
export class WorkerHost {
  private worker: Worker | null = null;
  private remote: Remote<WorkerApi> | null = null;
  /** Whether the current (or last) worker hosts a model per slot; settles once one answered. */
  private many: Promise<boolean>;
  private firstAnswer!: (many: boolean) => void;
  /** Settles the running worker's `many` as false when it stops. */
  private stopped: () => void = () => undefined;
  private readonly members = new Set<HostMember>();
  private nextSlot = 0;
  private nextCallId = 1;
  closed = false;

  constructor(
    private readonly createWorker: () => Worker,
    private readonly onClose: () => void = () => undefined,
  ) {
    this.many = new Promise((resolve) => (this.firstAnswer = resolve));
  }

  /** Attaches a classifier; its slot number in this worker. */
  join(member: HostMember): number {
    this.members.add(member);
    return this.nextSlot++;
  }

  /** Detaches a classifier and releases its model; the worker stops with the last one. */
  leave(member: HostMember, slot: number): void {
    if (!this.members.delete(member)) return;
    if (this.members.size === 0) {
      this.close();
    } else if (this.remote) {
      this.remote.dispose(slot).catch(() => undefined);
    }
  }

  /**
   * Another model may join: no one is attached yet, or the worker hosts a model per slot (a worker
   * without `hostsMany` — an older build, a test double — hosts one).
   */
  async acceptsMore(): Promise<boolean> {
    if (this.closed) return false;
    if (this.members.size === 0) return true;
    return (await this.many) && !this.closed;
  }

  /** The live worker's proxy, starting a worker if none runs (the first use, or after a crash). */
  connect(): Remote<WorkerApi> {
    if (this.closed) throw new KoClassifyError('DISPOSED', 'the classifier was disposed: create a new one');
    if (this.remote) return this.remote;
    let worker: Worker;
    try {
      worker = this.createWorker();
    } catch (e) {
      this.firstAnswer(false);
      throw new KoClassifyError('BACKEND_UNAVAILABLE', `the classifier worker could not start: ${(e as Error)?.message ?? String(e)} (check the page's CSP worker-src, and that your bundler emitted the worker)`);
    }
    this.worker = worker;
    const remote = wrap<WorkerApi>(worker);
    this.remote = remote;
    // terminate() fires no event: whoever else holds this Worker (a createWorker factory) and kills
    // it must still fail our pending calls instead of leaving them hanging.
    const terminate = worker.terminate.bind(worker);
    worker.terminate = () => {
      terminate();
      this.crashed(worker, 'the worker was terminated');
    };
    worker.addEventListener('error', (ev) => this.crashed(worker, ev.message || 'uncaught error in the worker'));
    worker.addEventListener('messageerror', () => this.crashed(worker, 'a message from the worker could not be read'));
    // A worker without hostsMany answers the call with an error: one model per worker then. One
    // that stops before it answers never will (Comlink does not settle calls to a dead worker).
    const stopped = new Promise<boolean>((resolve) => (this.stopped = () => resolve(false)));
    this.many = Promise.race([(remote as unknown as { hostsMany(): Promise<unknown> }).hostsMany().then((v) => v === true, () => false), stopped]);
    void this.many.then(this.firstAnswer);
    return remote;
  }

  /** Whether `remote` is still the live worker's proxy (it is not after a crash or a restart). */
  isLive(remote: Remote<WorkerApi>): boolean {
    return remote === this.remote;
  }

  /** A call id unique within this worker (`cancel()` is per worker). */
  callId(): number {
    return this.nextCallId++;
  }

  private crashed(worker: Worker, message: string): void {
    if (worker !== this.worker) return;
    this.stop();
    const err = new KoClassifyError('WORKER_CRASHED', `the classifier worker stopped (${message}); the next call starts a new one`);
    for (const m of [...this.members]) m.crashed(err);
  }

  private stop(): void {
    const w = this.worker;
    this.worker = null;
    this.remote = null;
    this.stopped();
    w?.terminate();
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    this.stop();
    this.firstAnswer(false); // nobody joins a closed host, whether or not a worker ever answered
    this.onClose();
  }
}

/** Worker hosts of the page by key (worker factory and runtime settings), for `hostFor`. */
const pools = new Map<string, WorkerHost[]>();

/**
 * A worker host for a classifier whose worker factory and runtime settings make `key`: one that
 * already hosts other models and takes more, else a new one. Models whose ORT settings differ
 * (threads, wasm paths, backend) never share: ORT's settings are global to its runtime.
 */
export async function hostFor(key: string, createWorker: () => Worker, member: HostMember): Promise<{ host: WorkerHost; slot: number }> {
  for (const h of pools.get(key) ?? []) {
    // Joined in the same turn as the answer, so no other caller sees this host half-decided.
    if ((await h.acceptsMore()) && !h.closed) return { host: h, slot: h.join(member) };
  }
  const h: WorkerHost = new WorkerHost(createWorker, () => {
    const now = pools.get(key)?.filter((x) => x !== h) ?? [];
    if (now.length) pools.set(key, now);
    else pools.delete(key);
  });
  pools.set(key, [...(pools.get(key) ?? []), h]);
  return { host: h, slot: h.join(member) };
}
