/**
 * The mock worker `mockClassifier()` puts in place of ko-classify's: the same `WorkerApi`, answering
 * from the rules of `/__ko-classify-testing__/mock-config.json` and loading no model. Loaded in the
 * browser through the module server (modules.ts), never in Node.
 */
import { expose, releaseProxy, type Remote } from 'comlink';
import type { Classification, ClassifyOptions, LoadSpec, ModelInfo, ProgressCallback, ProgressEvent, WorkerApi } from '@ko-classify/core';
// Core's own error class and wire format (not copies): the module server serves core's dist at
// `../../core/dist/` from this file's URL, and the same relative path is core's dist on disk (a
// sibling package, in this repo and in node_modules/@ko-classify/ alike), where tsc reads its types.
import { KoClassifyError } from '../../core/dist/errors.js';
import { registerErrorTransfer } from '../../core/dist/protocol/comlink-errors.js';
import { MOCK_CONFIG_PATH, type MockConfig, type WireRule } from './wire.js';

registerErrorTransfer();

interface Rule extends Omit<WireRule, 'match'> {
  match: string | RegExp;
}
interface Mock {
  rules: Rule[];
  labels: string[];
}

/** The mock's rules, fetched once by load(); null before it (and after dispose). */
let mock: Promise<Mock> | null = null;
const cancelled = new Set<number>();

async function fetchConfig(): Promise<Mock> {
  const res = await fetch(MOCK_CONFIG_PATH);
  if (!res.ok) throw new KoClassifyError('INTERNAL', `mockClassifier: ${MOCK_CONFIG_PATH} answered ${res.status}`);
  const config = (await res.json()) as MockConfig;
  const rules = config.rules.map((r) => ({ ...r, match: typeof r.match === 'string' ? r.match : new RegExp(r.match.source, r.match.flags) }));
  return { rules, labels: config.labels };
}

/** First match wins; a text no rule matches gets the last rule's answer. */
function answer({ rules, labels }: Mock, text: string): Classification {
  // As the real engine answers an empty or whitespace-only text: no class.
  if (text.trim() === '') return { label: null, score: 0, scores: {}, labels: [], uncertain: true, empty: true };
  const rule = rules.find((r) => (typeof r.match === 'string' ? text.includes(r.match) : r.match.test(text))) ?? rules[rules.length - 1]!;
  if (rule.error) throw new KoClassifyError(rule.error.code, rule.error.message ?? 'mocked error', rule.error.details ?? {});
  // With only scores: the best of them is the label.
  const label = rule.label ?? (rule.scores ? Object.entries(rule.scores).sort((a, b) => b[1] - a[1])[0]![0] : labels[0]!);
  const score = rule.score ?? rule.scores?.[label] ?? 0.9;
  const names = labels.length ? labels : [label];
  const scores = rule.scores ?? Object.fromEntries(names.map((l) => [l, l === label ? score : (1 - score) / Math.max(1, names.length - 1)]));
  return { label, score, scores, labels: [{ label, score }], uncertain: rule.uncertain ?? false };
}

function infoOf(spec: LoadSpec, labels: string[]): ModelInfo {
  return {
    model: spec.modelId,
    modelUrl: spec.modelUrl,
    revision: spec.revision ?? 'mock',
    backend: 'wasm',
    dtype: 'int8',
    file: 'mock',
    threads: 1,
    crossOriginIsolated: false,
    labels,
    problemType: 'single_label_classification',
    thresholds: {},
    displayNames: {},
    defaultLocale: null,
    calibration: null,
    uncertainty: null,
    maxLength: 512,
    backendNotes: ['mock: @ko-classify/testing'],
    source: {},
    storage: { usage: null, quota: null, persisted: null },
    runtime: null,
  };
}

const api = {
  async load(spec: LoadSpec, onProgress?: ProgressCallback) {
    const remote = onProgress as Remote<ProgressCallback> | undefined;
    try {
      mock = fetchConfig();
      const info = infoOf(spec, (await mock).labels);
      // As the real worker does: fire and forget, then let go of the page's callback.
      const ready: ProgressEvent = { type: 'ready', info };
      void remote?.(ready)?.catch?.(() => undefined);
      return info;
    } catch (e) {
      mock = null;
      throw e;
    } finally {
      remote?.[releaseProxy]();
    }
  },

  async classify(inputs: unknown[], _options: ClassifyOptions, callId?: number) {
    try {
      if (!mock) throw new KoClassifyError('INTERNAL', 'classify() before load() finished');
      const m = await mock;
      if (callId !== undefined && cancelled.has(callId)) throw new KoClassifyError('ABORTED', 'the call was aborted');
      return inputs.map((v) => answer(m, typeof v === 'string' ? v : (v as { text: string }).text));
    } finally {
      if (callId !== undefined) cancelled.delete(callId);
    }
  },

  // A mock model is a classifier: the encoder's calls answer as core's do for one.
  embed: () => Promise.reject(new KoClassifyError('INVALID_INPUT', 'the mock model is a classifier, not a sentence encoder: use createClassifier() and classify()')),
  teach: () => Promise.reject(new KoClassifyError('INVALID_INPUT', 'the mock model is a classifier, not a sentence encoder: use createClassifier() and classify()')),
  classifyHead: () => Promise.reject(new KoClassifyError('INVALID_INPUT', 'the mock model is a classifier, not a sentence encoder: use createClassifier() and classify()')),

  cancel(callId: number) {
    cancelled.add(callId);
  },

  async dispose() {
    mock = null;
  },
} satisfies WorkerApi;

expose(api);
