export { ClassifierProvider, type ClassifierProviderProps } from './provider.js';
export { useClassifier, useClassification, type ClassificationState } from './hooks.js';
export type { Classification, ClassifierOptions, ClassifierState, KoClassifyError, ModelInfo, ProgressEvent, TextInput } from '@ko-classify/core';
export { ExplainedText, type ExplainedTextProps } from './explained-text.js';
export { ClassificationLabel, useLabelNames, type ClassificationLabelProps } from './display.js';
