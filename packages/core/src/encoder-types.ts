/**
 * The public types of sentence embeddings and taught labels: the encoder, its options, the head a
 * teach() call trains (`HeadJson`, the file format) and the classifier it makes. Types only; every
 * value here is structured-cloneable (it crosses the worker).
 */
import type { Classifier, ClassifierOptions, ModelInfo } from './types.js';

/** How `embed()` runs: the same batching and truncation as `classify()`. */
export interface EmbedOptions {
  /** At most this many sentences per ONNX run. Default 32. */
  batchSize?: number;
  /** Max tokens per text including special tokens; longer texts are truncated. Default: the model's. */
  maxLength?: number;
}

/** Per-call options of `embed()`; `signal` cancels the call (ABORTED) without stopping the worker. */
export interface EmbedCallOptions extends EmbedOptions {
  signal?: AbortSignal;
}

/** One labelled example for `teach()`. */
export interface TeachExample {
  text: string;
  label: string;
}

export interface TeachOptions {
  signal?: AbortSignal;
  /** The head's name (`head.name`, and its key when saved). */
  name?: string;
  /** Store the head in IndexedDB under `name` (see `loadHead`). */
  save?: boolean;
}

/**
 * A head taught on an encoder's embeddings (the file `teach()` returns and `classifier(head)` reads).
 * It names the embedding space it was trained in: another encoder refuses it (HEAD_MISMATCH).
 */
export interface HeadJson {
  format: 'ko-classify-head';
  version: 1;
  name: string | null;
  encoder: { model: string; space: string; dim: number };
  labels: string[];
  /** What the head reads: the embedding, and hashed character n-grams beside it where set. */
  features: { embedding: true; ngrams: null | { n: number[]; buckets: number } };
  /** Base64 of little-endian float32 [labels.length × featureDim], row-major. */
  weights: string;
  bias: number[];
  /** Fitted on out-of-fold scores. */
  temperature: number;
  uncertainty: { min_score: number };
  trained: { examples: number; perLabel: Record<string, number>; cvAccuracy: number | null; ms: number; at: string };
}

/**
 * A classifier made of an encoder and a taught head: `classify()` keeps the `Classification`
 * contract (label, score, scores, labels, uncertain, empty). `info()` is the encoder's, with the
 * head's labels and `head`. Disposing it leaves the encoder; disposing the encoder fails its calls.
 */
export interface TaughtClassifier extends Classifier {
  readonly head: HeadJson;
}

/**
 * A sentence encoder (a model whose config.json has `sentence_embedding`, e.g. `ko-sentence`).
 *
 * @example
 * const enc = await createEncoder();
 * const [a, b] = await enc.embed(['배송이 빨라요', '택배가 금방 왔어요']);
 * similarity(a, b); // cosine, near 1 for paraphrases
 * const clf = await enc.teach([{ text: '환불해 주세요', label: 'refund' }, { text: '언제 와요?', label: 'shipping' }]);
 * (await clf.classify('돈 돌려받고 싶어요')).label; // "refund"
 */
export interface Encoder {
  /** One unit-length vector (`info().embedding.dim` floats). An empty text is INVALID_INPUT. */
  embed(text: string, options?: EmbedCallOptions): Promise<Float32Array>;
  /** One vector per text, in input order (transferred from the worker, not copied). */
  embed(texts: readonly string[], options?: EmbedCallOptions): Promise<Float32Array[]>;
  /** Trains a head on labelled examples (at least 2 labels) and returns its classifier. */
  teach(examples: readonly TeachExample[], options?: TeachOptions): Promise<TaughtClassifier>;
  /** A classifier from a head taught before (HeadJson or its JSON text), without retraining. */
  classifier(head: HeadJson | string): Promise<TaughtClassifier>;
  /** The encoder's model info; `embedding` holds its dim and space. */
  info(): ModelInfo;
  /** Releases the model (shared: this handle); its taught classifiers' later calls fail with DISPOSED. */
  dispose(): Promise<void>;
}

/** `teach()`'s options: where the encoder comes from, and the examples. */
export interface TeachClassifierOptions extends ClassifierOptions {
  examples: readonly TeachExample[];
  name?: string;
  save?: boolean;
  signal?: AbortSignal;
}
