export { ClassifierProvider, type ClassifierProviderProps } from './provider.js';
export { useClassifier, useClassification, useTeach, type ClassificationState, type TeachState } from './hooks.js';
export type { HeadSource } from './taught-store.js';
export type { Classification, ClassifierOptions, ClassifierState, HeadJson, KoClassifyError, ModelInfo, ProgressEvent, TaughtClassifier, TeachExample, TeachOptions, TextInput } from '@ko-classify/core';
export { ExplainedText, type ExplainedTextProps } from './explained-text.js';
export { ClassificationLabel, useLabelNames, type ClassificationLabelProps } from './display.js';
