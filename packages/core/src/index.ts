export { createClassifier } from './page/client.js';
export { createEncoder, teach } from './page/encoder.js';
export { ownEncoder, similarity } from './encoder-api.js';
export type { EmbedCallOptions, EmbedOptions, Encoder, HeadJson, TaughtClassifier, TeachClassifierOptions, TeachExample, TeachOptions } from './encoder-types.js';
export { defaultWorker } from './page/default-worker.js';
export { WORKER_NAME } from './protocol/worker-name.js';
export { contributionStyle, explanationAxis, explanationSegments, type ExplanationAxis, type ExplanationSegment } from './page/explanation-text.js';
export { describeResult, displayLocale, labelNames, unsureLabels, type ResultText } from './page/result-text.js';
export { createLiveClassification, type LiveClassification, type LiveOptions, type LiveState, type LiveStatus } from './page/live.js';
export { createClassifierStore, pageClassifierStore, type ClassifierLoader, type ClassifierState, type ClassifierStatus, type ClassifierStore } from './page/classifier-store.js';
export { classificationState, type ClassificationState } from './page/classification-state.js';
export { KoClassifyError, isKoClassifyError, type KoClassifyErrorCode } from './errors.js';
export { deleteCachedModel, deleteCachedRuntime, listCache, listCachedModels, type CacheEntry } from './page/cache-api.js';
export { IDB_LAYOUT, cacheKey, metaKey, metaRecord, type CachedModel } from './model/cache-index.js';
export { runtimeKey, type CachedRuntime } from './model/runtime-cache.js';
export { revisionOf } from './model/manifest.js';
export { WIRE_ERROR_NAME, toWireError, type WireError } from './protocol/comlink-errors.js';
export type { LoadSpec, WorkerApi } from './protocol/worker-protocol.js';
export type {
  Classifier,
  ClassifierOptions,
  ClassifyCallOptions,
  Backend,
  BackendOption,
  Classification,
  Explanation,
  LabelScore,
  ClassifyOptions,
  Dtype,
  DtypeOption,
  ModelInfo,
  RuntimeInfo,
  ProblemType,
  ProgressCallback,
  ProgressEvent,
  TextInput,
} from './types.js';
export type { Availability, BackendDescriptor, BackendEnv, RuntimeSettings } from './backends/descriptor.js';
export { deleteHead, listHeads, loadHead, saveHead, type CachedHead } from './page/head-api.js';
