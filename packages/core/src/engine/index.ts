/** The environment-agnostic engine (Node and browser): tokenizer → ONNX session → post-processing. */
export { Engine, batchFeeds, logitsOutput, type BatchInput, type EngineFiles, type EngineOptions, type OrtModule } from './engine.js';
export { makeBatches, type Batch } from './batch.js';
export { parseModelConfig, defaultMaxLength, type ModelConfig } from './model-config.js';
export { decide, postprocess, softmax, sigmoid, type HeadConfig } from './postprocess.js';
export { Tokenizer, normalizeInput, type Encoded, type NormalizedInput, type TokenizerWarning } from './tokenize.js';
export { createTokenizerCore, sentencePieceCore, type TokenizerCore } from './tokenizer-core.js';
export { hangulWarnings, tokenizersJsCore } from './tokenizers-js.js';
export { KoClassifyError } from '../errors.js';
export { OPTIMIZED_KEY, onnxMetadata, sessionOptionsFor } from './onnx-metadata.js';
