/** ko-classify on Node: the browser client's `classify()` contract, model directories on disk. */
export { createClassifier, type NodeClassifierOptions } from './client.js';
export { createEncoder, teach, type NodeTeachOptions } from './encoder.js';
export { similarity } from '../encoder-api.js';
export type { EmbedCallOptions, EmbedOptions, Encoder, HeadJson, TaughtClassifier, TeachExample, TeachOptions } from '../encoder-types.js';
export { loadEngine, loadRuntime, type LoadEngineOptions, type LoadedEngine, type Runtime, type RuntimeOption } from './load-engine.js';
export { buildManifest, copyBrowserModel, manifestOf, modelPackageName, resolveModelDir, walkFiles, writeManifest } from './model-dir.js';
export type { Classifier, ClassifyCallOptions } from '../types.js';
export type { Manifest } from '../model/layout.js';
export { KoClassifyError, isKoClassifyError } from '../errors.js';
export { DiskFiles, readModelConfig, readModelJson } from './disk-files.js';
export { cpuBackend, nodeBackends, nodeWasmBackend } from './backends.js';
export { BROWSER_RUNTIME_FILES, browserBackends } from '../backends/browser.js';
export { WORKER_NAME } from '../protocol/worker-name.js';
export type { Availability, BackendDescriptor, BackendEnv, OrtWithEnv, RuntimeSettings } from '../backends/descriptor.js';
