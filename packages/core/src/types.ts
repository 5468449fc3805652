/**
 * The public types of ko-classify: options, inputs, results, progress, model info, the classifier.
 * Types only; everything a result or event holds is structured-cloneable (it crosses the worker).
 */

/**
 * An execution backend that actually ran (`cpu`: onnxruntime-node, in the Node client), or the name
 * of a backend descriptor the host registered (see `BackendDescriptor`).
 */
export type Backend = 'webgpu' | 'wasm' | 'cpu' | (string & {});
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
/** One label of a result, with its score and, on request, its display name. */
export interface LabelScore {
  label: string;
  score: number;
  /** The label in the requested `locale`, where the model names it (`label_display_names`). */
  displayName?: string;
}

/** One classified text. */
export interface Classification {
  /** The best label (`id2label`); for regression the single output's label. A stable id. */
  label: string;
  /** Probability of `label` (softmax or sigmoid); the raw value for regression. */
  score: number;
  /** Every label's probability (or raw value for regression), in `id2label` order. */
  scores: Record<string, number>;
  /**
   * Multi-label models: every label whose score reaches its threshold (the model's
   * `label_thresholds`, else 0.5; `threshold` overrides per call), best first — possibly none.
   * Single-label models and regression: just `label`.
   */
  labels: LabelScore[];
  /** `label` in the requested `locale`, where the model names it. */
  displayName?: string;
  /** With `explain: true`: how much each word moved the predicted label. */
  explanation?: Explanation;
}

/**
 * Leave-one-eojeol-out occlusion: for each space-separated word, the predicted label's probability
 * with the word minus without it (positive: the word supports the label). Offsets refer to the
 * NFC-normalised text. Only words inside the first window of `maxLength` tokens are explained.
 */
export interface Explanation {
  /** The label explained: the best label of the text made of the explained words. */
  label: string;
  words: { text: string; start: number; end: number; contribution: number }[];
  /** False when the text is longer than one window and later words were not explained. */
  complete: boolean;
}

export interface ClassifyOptions {
  /** Max tokens per text including special tokens; longer texts are truncated. Default: the model's. */
  maxLength?: number;
  /** At most this many sentences per ONNX run; runs are cut shorter where padding would cost more. Default 32. */
  batchSize?: number;
  /**
   * Texts longer than `maxLength` tokens: `truncate` (default) keeps the start; `window` classifies
   * overlapping windows over the whole text (stride 3/4 of a window) and averages their scores.
   * Windowing applies to single texts; sentence pairs are always truncated.
   */
  longText?: 'truncate' | 'window';
  /**
   * Multi-label models: the score a label needs to be in `labels`, for every label or per label
   * (`{ politics: 0.3 }`; labels left out keep the model's threshold). Each must be in [0, 1].
   */
  threshold?: number | Record<string, number>;
  /** Add `displayName`s in this locale (e.g. `ko`) where the model has them; `label` stays the id. */
  locale?: string;
  /**
   * Add `explanation`: each eojeol's contribution, scored by leaving it out — all n + 1 variants in
   * the same call's batches (a 30-word review costs one batch of 31 rows).
   */
  explain?: boolean;
}

/**
 * Progress of `load`: `manifest` (again whenever the files to read grow), per-file `download` or
 * `cached`, `compile` (again when a backend fails and the next one is tried), `runtime` once that
 * backend's ONNX Runtime has started (`info().runtime`; null in Node), `warning` at any time, and
 * `ready` last.
 */
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
  | { type: 'runtime'; backend: Backend; runtime: RuntimeInfo | null }
  | { type: 'ready'; info: ModelInfo }
  | { type: 'warning'; code: string; message: string };

export type ProgressCallback = (event: ProgressEvent) => void;

/** What `info()` reports about a loaded classifier. */
/** Which onnxruntime-web `.wasm` a page's worker runs, and whether it came from the runtime cache. */
export interface RuntimeInfo {
  /** onnxruntime-web's version. */
  version: string;
  /** The file in onnxruntime-web's dist, e.g. `ort-wasm-simd-threaded.wasm`. */
  file: string;
  source: 'network' | 'cache';
}

export interface ModelInfo {
  model: string;
  modelUrl: string;
  /** The revision that loaded (pinned, or the manifest's; `main` for a model without one). */
  revision: string;
  backend: Backend;
  dtype: Dtype;
  /** The ONNX file that runs, relative to the model directory. */
  file: string;
  threads: number;
  crossOriginIsolated: boolean;
  labels: string[];
  problemType: ProblemType;
  /** Multi-label decision thresholds per label (config.json `label_thresholds`; 0.5 where unset). */
  thresholds: Record<string, number>;
  /** Label display names per locale (config.json `label_display_names`), e.g. `{ ko: { positive: '긍정' } }`. */
  displayNames: Record<string, Record<string, string>>;
  maxLength: number;
  /** One line per backend considered: which one won, why the others were skipped. */
  backendNotes: string[];
  /** Where each file came from on this load (`disk`: the Node client's model directory). */
  source: Record<string, 'network' | 'cache' | 'disk'>;
  /** ONNX Runtime's `.wasm` on this load: its version and file, and where it came from; null in Node. */
  runtime: RuntimeInfo | null;
  /** The origin's storage (`navigator.storage`): bytes used and available, and whether it is persistent. */
  storage: { usage: number | null; quota: number | null; persisted: boolean | null };
}

export interface ClassifierOptions {
  /** A built-in model id (served under `modelsBaseUrl`) or the URL of a model directory. Default `ko-sentiment`. */
  model?: string;
  /** Where built-in model ids live. Default `/models/` on the page's origin. */
  modelsBaseUrl?: string | URL;
  /**
   * Part of the cache key. Default: the revision the model's `manifest.json` declares
   * (`ko-classify manifest` derives it from the files), asked for on every load, so new model files
   * at the same URL replace the cached ones once they have loaded; offline (or when the new files
   * cannot be had) the last revision that loaded is read from the cache, with a `STALE_REVISION`
   * warning. A model without a manifest is cached as `main` and, once loaded, read from the cache
   * without asking (give a new `revision` to replace its files). A revision you give is pinned: it
   * never changes under you, and its cached manifest is not asked for again.
   */
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
  /**
   * Keep the model's other cached revisions after this revision has loaded completely. Default false:
   * they are deleted then (see `listCachedModels()`, `deleteCachedModel()`).
   */
  keepOldRevisions?: boolean;
  /** Ask the browser to keep the cache through storage pressure (`navigator.storage.persist()`). */
  persist?: boolean;
  /** If set, model URLs on other origins are refused with ORIGIN_NOT_ALLOWED. */
  allowedOrigins?: string[];
  /** Load progress (see `ProgressEvent`), ending with `ready`. */
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
