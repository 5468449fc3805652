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

/** One label of a result, with its score and, on request, its display name. */
export interface LabelScore {
  label: string;
  score: number;
  /** The label in the requested `locale`, where the model names it (`label_display_names`). */
  displayName?: string;
}

/** One classified text. */
export interface Classification {
  /**
   * The best label (`id2label`); for regression the single output's label. A stable id.
   * `null` only for an empty or whitespace-only text (`empty: true`): such a text gets no class.
   */
  label: string | null;
  /**
   * Calibrated probability of `label` (softmax or sigmoid of the logits divided by the model's
   * `calibration` temperature; see `ClassifyOptions.calibrated`); the raw value for regression; 0
   * for an empty text.
   */
  score: number;
  /** Every label's probability (or raw value for regression), in `id2label` order; `{}` for an empty text. */
  scores: Record<string, number>;
  /**
   * Multi-label models: every label whose score reaches its threshold (the model's
   * `label_thresholds`, else 0.5; `threshold` overrides per call), best first — possibly none.
   * Single-label models and regression: just `label`. Empty text: none.
   */
  labels: LabelScore[];
  /**
   * The model is not sure: the calibrated scores fall inside the model's uncertain band (config.json
   * `uncertainty`: for single-label a best score under `min_score`; for multi-label a label within
   * `margin` of its threshold), or the text is empty. Show it as such (the elements say 애매함),
   * not as a confident label. Always false for a model without an `uncertainty` band.
   */
  uncertain: boolean;
  /** Present (true) for an empty or whitespace-only text: `label` is null, `scores` `{}`, `labels` []. */
  empty?: true;
  /** `label` in the requested `locale`, where the model names it. */
  displayName?: string;
  /** With `explain: true`: how much each word moved the prediction, in log-odds (see `Explanation`). */
  explanation?: Explanation;
}

/**
 * Leave-one-eojeol-out occlusion, in log-odds so that confident predictions still rank words: for
 * each space-separated word, ln(P(toward) / P(against)) of the text with the word minus the same
 * without it (natural log; +0.69 doubles the odds). Positive: the word pushes toward `toward`,
 * whatever the predicted label; negative: toward `against`. The axis is the model's config.json
 * `explain_axis` (sentiment: toward `positive`, against `negative`; hate speech: toward the harmful
 * classes, against `none`), else the predicted label against the others. Probabilities are the
 * calibrated ones. Offsets refer to the NFC-normalised text. Only words inside the first window of
 * `maxLength` tokens are explained.
 */
export interface Explanation {
  /**
   * The label `words` explain. Single-label: the predicted label of the text made of the explained
   * words. Multi-label: the best shown label among `toward`, else the best-scoring `toward` label.
   */
  label: string;
  /** The scale of `contribution`: natural-log odds (regression: the output's own units, `value`). */
  scale: 'log-odds' | 'value';
  /** Labels whose summed probability a positive contribution raises. */
  toward: string[];
  /** Labels whose summed probability a negative contribution raises. */
  against: string[];
  words: { text: string; start: number; end: number; contribution: number }[];
  /**
   * Multi-label models: for each shown label (`labels`) of `toward`, each word's contribution toward
   * that label against `against` (the change in ln odds of its sigmoid minus the mean ln odds of the
   * `against` labels' sigmoids), in `words` order. `words[i].contribution` is `byLabel[label][i]`
   * where `label` is shown. Without an `explain_axis`, `toward` is every label and `against` none.
   */
  byLabel?: Record<string, number[]>;
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
  /**
   * Default true: scores use the model's `calibration` (temperature scaling). False: the plain
   * softmax / sigmoid of the logits, as transformers' pipeline gives, with `uncertain` computed
   * from those plain scores.
   */
  calibrated?: boolean;
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

/** Which onnxruntime-web `.wasm` a page's worker runs, and whether it came from the runtime cache. */
export interface RuntimeInfo {
  /** onnxruntime-web's version. */
  version: string;
  /** The file in onnxruntime-web's dist, e.g. `ort-wasm-simd-threaded.wasm`. */
  file: string;
  source: 'network' | 'cache';
}

/** What `info()` reports about a loaded classifier (or encoder). */
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
  /**
   * The locale the model's labels are shown in when the page names none (config.json
   * `default_locale`, e.g. `ko`); null: show the label ids. Elements use the nearest `lang` first.
   */
  defaultLocale: string | null;
  /** The calibration applied to every score (config.json `calibration`); null: none (temperature 1). */
  calibration: Calibration | null;
  /** When a result is `uncertain` (config.json `uncertainty`); null: never, except empty text. */
  uncertainty: UncertaintyBand | null;
  maxLength: number;
  /** One line per backend considered: which one won, why the others were skipped. */
  backendNotes: string[];
  /** Where each file came from on this load (`disk`: the Node client's model directory). */
  source: Record<string, 'network' | 'cache' | 'disk'>;
  /** ONNX Runtime's `.wasm` on this load: its version and file, and where it came from; null in Node. */
  runtime: RuntimeInfo | null;
  /** The origin's storage (`navigator.storage`): bytes used and available, and whether it is persistent. */
  storage: { usage: number | null; quota: number | null; persisted: boolean | null };
  /** A sentence encoder (config.json `sentence_embedding`): its vectors' size and space. Null (or absent): a classifier. */
  embedding?: { dim: number; space: string } | null;
  /** A taught classifier (`Encoder.teach`, `Encoder.classifier`): its head's name, labels and space. */
  head?: { name: string | null; labels: string[]; space: string };
}

/**
 * Temperature scaling (config.json `calibration`): logits are divided by the temperature before the
 * softmax (single-label: one temperature) or each label's sigmoid (multi-label: one per label).
 */
export interface Calibration {
  method: 'temperature';
  temperature: number | Record<string, number>;
}

/**
 * config.json `uncertainty`: single-label models are unsure when the best calibrated score is under
 * `minScore` (`min_score`); multi-label models when some label's calibrated score is within
 * `margin` of its threshold.
 */
export interface UncertaintyBand {
  minScore?: number;
  margin?: number;
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
   * Default true: share with the rest of the page. Every `createClassifier()` (and element) asking
   * for the same model with the same options gets the same loaded model; other models whose
   * `createWorker`, `backend`, `threads`, `wasmPaths` and `cache` match are hosted by the same worker
   * (one ONNX Runtime, one thread pool: less memory and faster calls than a worker each; see
   * BENCHMARKS.md). Each caller still disposes its own handle; a model is released when its last
   * handle is, and the worker stops with its last model. A worker crash fails the pending calls of
   * every model on it; their next calls start one new worker. False: a worker of its own (pass your
   * own `createWorker` to keep a group of models apart instead).
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
