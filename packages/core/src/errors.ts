/**
 * Every failure ko-classify reports is a `KoClassifyError` with a machine-readable `code`.
 * The code survives the worker boundary (see `comlink-errors.ts`).
 */
export type KoClassifyErrorCode =
  /** The model directory or one of its required files answered 404 (or a non-model response). */
  | 'MODEL_NOT_FOUND'
  /** A model file could not be downloaded (offline, DNS, CORS, 5xx after retries). */
  | 'NETWORK'
  /** A downloaded or cached file does not match the sha256 in `manifest.json`. */
  | 'INTEGRITY'
  /** `config.json`, `tokenizer.json` or the ONNX graph cannot be used (malformed, unsupported). */
  | 'MODEL_INVALID'
  /** The requested dtype has no file in the model directory. */
  | 'DTYPE_UNAVAILABLE'
  /** The requested backend cannot run here (no adapter, session creation or first run failed). */
  | 'BACKEND_UNAVAILABLE'
  /** The caller passed something that is not classifiable text or a valid option. */
  | 'INVALID_INPUT'
  /** The call was cancelled through its `AbortSignal`. */
  | 'ABORTED'
  /** The classifier was disposed before or during the call. */
  | 'DISPOSED'
  /** The worker died (terminated, out of memory, uncaught error) while the call was pending. */
  | 'WORKER_CRASHED'
  /** A model URL outside `allowedOrigins`. */
  | 'ORIGIN_NOT_ALLOWED'
  /** Not a taught head (`HeadJson`): another format, an unknown version, or corrupt weights. Re-export it with teach(). */
  | 'HEAD_INVALID'
  /** A head taught on another encoder's embedding space (or dim): teach it again on this model. */
  | 'HEAD_MISMATCH'
  /** A bug in ko-classify: please report it with the message. */
  | 'INTERNAL';

/**
 * The one error class of ko-classify.
 *
 * @example
 * try {
 *   await classifier.classify(text);
 * } catch (e) {
 *   if (e instanceof KoClassifyError && e.code === 'INVALID_INPUT') showHint(e.message);
 * }
 */
export class KoClassifyError extends Error {
  override readonly name = 'KoClassifyError';
  readonly code: KoClassifyErrorCode;
  /** Structured-cloneable extra facts (status code, file name, causes per backend, ...). */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: KoClassifyErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.code = code;
    this.details = details;
  }
}

/** True for a `KoClassifyError`, also one rebuilt on the other side of the worker boundary. */
export function isKoClassifyError(e: unknown): e is KoClassifyError {
  return e instanceof KoClassifyError;
}

/** Wraps any thrown value as a KoClassifyError, keeping one that already is. */
export function toKoClassifyError(e: unknown, fallback: KoClassifyErrorCode, context: string): KoClassifyError {
  if (e instanceof KoClassifyError) return e;
  const message = e instanceof Error ? e.message : String(e);
  return new KoClassifyError(fallback, `${context}: ${message}`);
}
