/**
 * The module Worker entry: exposes `WorkerApi` over Comlink. Spawned by `createClassifier()`.
 * Runs are serialised: one ORT session never runs two batches at once.
 */
import { expose, releaseProxy, type Remote } from 'comlink';
import { registerErrorTransfer } from './comlink-errors.js';
import type { Engine } from './engine/engine.js';
import { KoClassifyError, toKoClassifyError } from './errors.js';
import { loadModel } from './load-model.js';
import { idbModelStore } from './model-store.js';
import type { ClassifyOptions, ProgressCallback, ProgressEvent } from './types.js';
import type { LoadSpec, WorkerApi } from './worker-protocol.js';

registerErrorTransfer();

let engine: Engine | null = null;
let queue: Promise<unknown> = Promise.resolve();
/** Calls cancelled by the page: checked before a call starts and between its batches. */
const cancelled = new Set<number>();

/**
 * ORT's run() resolves through microtasks, so a long batch loop would never return to the event
 * loop and a cancel message would wait for the whole call. Yield a macrotask every ~16 ms; a
 * MessageChannel round trip is not clamped like nested setTimeout.
 */
const tick = new MessageChannel();
let lastYield = 0;
async function yieldToEventLoop(): Promise<void> {
  if (performance.now() - lastYield < 16) return;
  await new Promise<void>((resolve) => {
    tick.port1.onmessage = () => resolve();
    tick.port2.postMessage(null);
  });
  lastYield = performance.now();
}

function serial<T>(task: () => Promise<T>): Promise<T> {
  const next = queue.then(task, task);
  queue = next.catch(() => undefined);
  return next;
}

const api: WorkerApi = {
  async load(spec: LoadSpec, onProgress?: ProgressCallback) {
    const remote = onProgress as Remote<ProgressCallback> | undefined;
    // Fire and forget: progress must never slow the download or block on the page.
    const emit = (e: ProgressEvent) => void remote?.(e)?.catch?.(() => undefined);
    try {
      const loaded = await serial(() => loadModel(spec, { store: spec.cache ? idbModelStore() : null, emit }));
      await engine?.release();
      engine = loaded.engine;
      emit({ type: 'ready', info: loaded.info });
      return loaded.info;
    } finally {
      remote?.[releaseProxy]();
    }
  },

  classify(inputs: unknown[], options: ClassifyOptions, callId?: number) {
    const stop = async () => {
      await yieldToEventLoop();
      if (callId !== undefined && cancelled.has(callId)) throw new KoClassifyError('ABORTED', 'the call was aborted');
    };
    return serial(async () => {
      try {
        await stop();
        if (!engine) throw new KoClassifyError('INTERNAL', 'classify() before load() finished');
        return await engine.classify(inputs, options, stop);
      } catch (e) {
        throw toKoClassifyError(e, 'INTERNAL', 'classification failed');
      } finally {
        if (callId !== undefined) cancelled.delete(callId);
      }
    });
  },

  cancel(callId: number) {
    cancelled.add(callId);
  },

  async dispose() {
    await serial(async () => {
      await engine?.release();
      engine = null;
    });
  },
};

expose(api);
