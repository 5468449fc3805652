export { createClassifier, type Classifier, type ClassifierOptions, type ClassifyCallOptions } from './client.js';
export { defaultWorker } from './default-worker.js';
export { createClassifierStore, type ClassifierState, type ClassifierStatus, type ClassifierStore } from './classifier-store.js';
export { KoClassifyError, isKoClassifyError, type KoClassifyErrorCode } from './errors.js';
export { idbModelStore, memoryModelStore, type ModelStore } from './model-store.js';
export type {
  Backend,
  BackendOption,
  Classification,
  ClassifyOptions,
  Dtype,
  DtypeOption,
  ModelInfo,
  ProblemType,
  ProgressCallback,
  ProgressEvent,
  TextInput,
} from './worker-protocol.js';
