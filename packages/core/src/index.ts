export { createClassifier } from './client.js';
export { defaultWorker } from './default-worker.js';
export { contributionStyle, explanationSegments, type ExplanationSegment } from './explanation-text.js';
export { createLiveClassification, type LiveClassification, type LiveOptions, type LiveState, type LiveStatus } from './live.js';
export { createClassifierStore, type ClassifierState, type ClassifierStatus, type ClassifierStore } from './classifier-store.js';
export { KoClassifyError, isKoClassifyError, type KoClassifyErrorCode } from './errors.js';
export { cacheKey, deleteCachedModel, listCachedModels, metaKey, type CachedModel } from './cache.js';
export { revisionOf } from './model-source.js';
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
  ProblemType,
  ProgressCallback,
  ProgressEvent,
  TextInput,
} from './types.js';
