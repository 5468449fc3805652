/**
 * The module Worker entry: exposes `WorkerApi` over Comlink. Spawned by `createClassifier()`.
 * Each model lives in a `ModelHost` of its slot (serial runs); they share this worker's ONNX Runtime.
 * Files come over HTTP and from IndexedDB.
 */
import { expose, releaseProxy, transfer, type Remote } from 'comlink';
import type { GpuLike } from '../backends/descriptor.js';
import { browserBackends } from '../backends/browser.js';
import { exclusiveLock } from '../engine/engine.js';
import { KoClassifyError } from '../errors.js';
import { createModelHost, type ModelHost } from '../loader/host.js';
import { GuardedStore } from '../model/guarded-store.js';
import { storeRuntimeCache } from '../model/runtime-cache.js';
import { ModelSource } from '../model/source.js';
import { idbModelStore } from '../model/store.js';
import { registerErrorTransfer } from '../protocol/comlink-errors.js';
import type { LoadSpec, WorkerApi } from '../protocol/worker-protocol.js';
import type { ClassifyOptions, ModelInfo, ProgressCallback, ProgressEvent } from '../types.js';
import type { EmbedOptions, HeadJson, TeachExample } from '../encoder-types.js';

registerErrorTransfer();

/** Every ORT call of every slot runs alone (ORT-web's WebGPU backend fails on two sessions' runs at once). */
const exclusive = exclusiveLock();
/** The models this worker hosts, by the page's slot number. */
const hosts = new Map<number, ModelHost>();
const hostOf = (slot: number): ModelHost => {
  let h = hosts.get(slot);
  if (!h) hosts.set(slot, (h = createModelHost()));
  return h;
};
/** Calls cancelled by the page: checked before a call starts and between its batches. */
const cancelled = new Set<number>();

/**
 * ORT's run() resolves through microtasks, so a long batch loop would never return to the event
 * loop and a cancel message would wait for the whole call. Yield a macrotask every ~16 ms; a
 * MessageChannel round trip is not clamped like nested setTimeout.
 */
const tick = new MessageChannel();
/** Calls waiting for the next macrotask (models of several slots may wait at once). */
const waiting: (() => void)[] = [];
tick.port1.onmessage = () => waiting.shift()?.();
let lastYield = 0;
async function yieldToEventLoop(): Promise<void> {
  if (performance.now() - lastYield < 16) return;
  await new Promise<void>((resolve) => {
    waiting.push(resolve);
    tick.port2.postMessage(null);
  });
  lastYield = performance.now();
}

/** The origin's storage as the worker sees it; nulls where the browser does not say. */
async function storageInfo(): Promise<ModelInfo['storage']> {
  const storage = (globalThis.navigator as { storage?: StorageManager } | undefined)?.storage;
  const estimate = await storage?.estimate?.().catch(() => null);
  const persisted = await storage?.persisted?.().catch(() => null);
  return { usage: estimate?.usage ?? null, quota: estimate?.quota ?? null, persisted: persisted ?? null };
}

/** A call on the model of `slot`; the page's cancel of `callId` stops it before its next batch. */
function call<T>(slot: number, callId: number | undefined, task: (host: ModelHost, stop: () => Promise<void>) => Promise<T>): Promise<T> {
  const stop = async () => {
    await yieldToEventLoop();
    if (callId !== undefined && cancelled.has(callId)) throw new KoClassifyError('ABORTED', 'the call was aborted');
  };
  const host = hosts.get(slot);
  if (!host) return Promise.reject(new KoClassifyError('DISPOSED', `no model is loaded in slot ${slot} of this worker`));
  return task(host, stop).finally(() => {
    if (callId !== undefined) cancelled.delete(callId);
  });
}

const api: WorkerApi = {
  async load(spec: LoadSpec, onProgress?: ProgressCallback, slot = 0) {
    const remote = onProgress as Remote<ProgressCallback> | undefined;
    // Fire and forget: progress must never slow the download or block on the page.
    const emit = (e: ProgressEvent) => void remote?.(e)?.catch?.(() => undefined);
    try {
      const files = new ModelSource({ modelUrl: spec.modelUrl, revision: spec.revision, store: spec.cache ? idbModelStore() : null, emit });
      const gpu = (globalThis.navigator as { gpu?: GpuLike } | undefined)?.gpu ?? null;
      const env = { gpu, crossOriginIsolated: globalThis.crossOriginIsolated === true };
      // ORT's .wasm is kept beside the models (the same cache switch), one download per origin.
      const locks = (globalThis.navigator as { locks?: LockManager } | undefined)?.locks;
      const runtimeCache = spec.cache ? storeRuntimeCache(new GuardedStore(idbModelStore(), 5000, emit), locks) : null;
      // This worker's code (and ORT's chunk beside it) from another origin: the script tag from a CDN.
      const crossOriginGlue = new URL(import.meta.url).origin !== new URL(globalThis.location.href).origin;
      const info = await hostOf(slot).load(spec, { files, backends: browserBackends, env, emit, storage: storageInfo, runtimeCache, crossOriginGlue, exclusive });
      emit({ type: 'ready', info });
      return info;
    } finally {
      remote?.[releaseProxy]();
    }
  },

  classify(inputs: unknown[], options: ClassifyOptions, callId?: number, slot = 0) {
    return call(slot, callId, (host, stop) => host.classify(inputs, options, stop));
  },

  async embed(texts: string[], options: EmbedOptions, callId?: number, slot = 0) {
    const rows = await call(slot, callId, (host, stop) => host.embed(texts, options, stop));
    return transfer(rows, rows.map((r) => r.buffer as ArrayBuffer));
  },

  teach(examples: TeachExample[], options: { name?: string }, callId?: number, slot = 0) {
    return call(slot, callId, (host, stop) => host.teach(examples, options, stop));
  },

  classifyHead(inputs: unknown[], head: HeadJson, options: ClassifyOptions, callId?: number, slot = 0) {
    return call(slot, callId, (host, stop) => host.classifyHead(inputs, head, options, stop));
  },

  cancel(callId: number) {
    cancelled.add(callId);
  },

  async dispose(slot?: number) {
    const slots = slot === undefined ? [...hosts.keys()] : [slot];
    await Promise.all(slots.map((k) => {
      const h = hosts.get(k);
      hosts.delete(k);
      return h?.dispose();
    }));
  },

  hostsMany: () => true,
};

expose(api);
