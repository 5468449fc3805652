/**
 * The worker's side of the boundary, types only: what `createClassifier()` sends to load a model and
 * the API the worker exposes through Comlink. Both sides `import type` this file.
 */
import type { BackendOption, Classification, ClassifyOptions, DtypeOption, ModelInfo, ProgressCallback } from '../types.js';
import type { EmbedOptions, HeadJson, TeachExample } from '../encoder-types.js';

/** Everything the worker needs to load one model (resolved by the client from `ClassifierOptions`). */
export interface LoadSpec {
  /** Display id (the built-in name or the URL the user gave). */
  modelId: string;
  /** Absolute base URL of the model directory, ending in `/`. */
  modelUrl: string;
  /** Pinned revision, or null: the one the model's manifest declares. Part of every cache key. */
  revision: string | null;
  backend: BackendOption;
  dtype: DtypeOption;
  /** WASM threads; used only when the page is cross-origin isolated. */
  threads: number;
  /** Absolute URL prefix the ORT `.wasm` files are served from; null = beside ORT's own chunk. */
  wasmPaths: string | null;
  /** Store model files in IndexedDB and read them from there. */
  cache: boolean;
  /** Keep the model's other cached revisions after this one loaded. */
  keepOldRevisions: boolean;
  /** Origins model files may come from; empty = any. */
  allowedOrigins: string[];
}

/**
 * The API the worker exposes through Comlink. One worker hosts several models, one per `slot` (the
 * page numbers them; default 0): they share its ONNX Runtime, thread pool and runtime download.
 */
export interface WorkerApi {
  /** Loads a model into `slot`, replacing the one there once the new one works. */
  load(spec: LoadSpec, onProgress?: ProgressCallback, slot?: number): Promise<ModelInfo>;
  /** `callId` names the call for `cancel()` (unique within the worker). */
  classify(inputs: unknown[], options: ClassifyOptions, callId?: number, slot?: number): Promise<Classification[]>;
  /**
   * A sentence encoder's unit-length embeddings of `texts` (strings), in order; the rows' buffers
   * are transferred, not copied. An empty text is INVALID_INPUT.
   */
  embed(texts: string[], options: EmbedOptions, callId?: number, slot?: number): Promise<Float32Array[]>;
  /** Embeds the examples and trains a head on them. */
  teach(examples: TeachExample[], options: { name?: string }, callId?: number, slot?: number): Promise<HeadJson>;
  /** Classifies with a head taught on this encoder's space (HEAD_INVALID / HEAD_MISMATCH first; `[]` only checks it). */
  classifyHead(inputs: unknown[], head: HeadJson, options: ClassifyOptions, callId?: number, slot?: number): Promise<Classification[]>;
  /** Cancels a queued or running call: it rejects with ABORTED; the worker keeps running. */
  cancel(callId: number): void;
  /** Releases the model of `slot`, or every model without one. */
  dispose(slot?: number): Promise<void>;
  /**
   * True: this worker hosts a model per slot. A worker without it (an older build, a test double)
   * hosts one model, and the page gives every model a worker of its own.
   */
  hostsMany?(): boolean;
}
