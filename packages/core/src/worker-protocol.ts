/**
 * Types only: the API the worker exposes and every shape that crosses the worker boundary.
 * Everything here is structured-cloneable. Both sides `import type` this file.
 */

/** An execution backend that actually ran (`cpu`: onnxruntime-node, in the Node client). */
export type Backend = 'webgpu' | 'wasm' | 'cpu';
/** `auto` tries WebGPU first (when an adapter exists), then WASM. */
export type BackendOption = 'auto' | 'webgpu' | 'wasm';
/** Weight precision of the ONNX file; each maps to one file in `onnx/`. */
export type Dtype = 'fp32' | 'fp16' | 'int8' | 'int4';
/** `auto`: int8 on WASM; on WebGPU int4, fp16 where the adapter has shader-f16, else fp32. */
export type DtypeOption = 'auto' | Dtype;

/** One text, or a sentence pair for models trained on pairs. */
export type TextInput = string | { text: string; textPair?: string };

/** What the model's `config.json` says the head computes. */
export type ProblemType = 'single_label_classification' | 'multi_label_classification' | 'regression';

/** One classified text. */
export interface Classification {
  /** The best label (`id2label`); for regression the single output's label. */
  label: string;
  /** Probability of `label` (softmax or sigmoid); the raw value for regression. */
  score: number;
  /** Every label's probability (or raw value for regression), in `id2label` order. */
  scores: Record<string, number>;
}

export interface ClassifyOptions {
  /** Max tokens per text including special tokens; longer texts are truncated. Default: the model's. */
  maxLength?: number;
  /** Sentences per ONNX run. Default 32. */
  batchSize?: number;
  /**
   * Texts longer than `maxLength` tokens: `truncate` (default) keeps the start; `window` classifies
   * overlapping windows over the whole text (stride 3/4 of a window) and averages their scores.
   * Windowing applies to single texts; sentence pairs are always truncated.
   */
  longText?: 'truncate' | 'window';
}

/** Everything the worker needs to load one model (resolved by the client from `ClassifierOptions`). */
export interface LoadSpec {
  /** Display id (the built-in name or the URL the user gave). */
  modelId: string;
  /** Absolute base URL of the model directory, ending in `/`. */
  modelUrl: string;
  /** Part of every cache key: a new revision never reads a stale file. */
  revision: string;
  backend: BackendOption;
  dtype: DtypeOption;
  /** WASM threads; used only when the page is cross-origin isolated. */
  threads: number;
  /** Absolute URL prefix the ORT `.wasm` files are served from; null = beside ORT's own chunk. */
  wasmPaths: string | null;
  /** Store model files in IndexedDB and read them from there. */
  cache: boolean;
  /** Origins model files may come from; empty = any. */
  allowedOrigins: string[];
}

/** Progress of `load`, in order: `manifest`, per-file `download` or `cached`, `compile`, `ready`. */
export type ProgressEvent =
  | { type: 'manifest'; files: string[]; totalBytes: number | null }
  | {
      type: 'download';
      file: string;
      loaded: number;
      total: number | null;
      /** Bytes of all files so far (downloaded + cached). */
      totalLoaded: number;
      /** Sum of all file sizes when known (from the manifest or Content-Length). */
      totalBytes: number | null;
    }
  | { type: 'cached'; file: string; bytes: number; totalLoaded: number; totalBytes: number | null }
  | { type: 'compile'; backend: Backend; dtype: Dtype }
  | { type: 'ready'; info: ModelInfo }
  | { type: 'warning'; code: string; message: string };

export type ProgressCallback = (event: ProgressEvent) => void;

/** What `info()` reports about a loaded classifier. */
export interface ModelInfo {
  model: string;
  modelUrl: string;
  backend: Backend;
  dtype: Dtype;
  /** The ONNX file that runs, relative to the model directory. */
  file: string;
  threads: number;
  crossOriginIsolated: boolean;
  labels: string[];
  problemType: ProblemType;
  maxLength: number;
  /** One line per backend considered: which one won, why the others were skipped. */
  backendNotes: string[];
  /** Where each file came from on this load (`disk`: the Node client's model directory). */
  source: Record<string, 'network' | 'cache' | 'disk'>;
}

/** The API the worker exposes through Comlink. */
export interface WorkerApi {
  load(spec: LoadSpec, onProgress?: ProgressCallback): Promise<ModelInfo>;
  /** `callId` names the call for `cancel()`. */
  classify(inputs: unknown[], options: ClassifyOptions, callId?: number): Promise<Classification[]>;
  /** Cancels a queued or running call: it rejects with ABORTED; the worker keeps running. */
  cancel(callId: number): void;
  dispose(): Promise<void>;
}
