import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from '@playwright/test';

/** One mocked answer: texts matching `match` get this result (or this error). */
export interface MockRule {
  /** A substring, or a regular expression, tested against the text. */
  match: string | RegExp;
  label?: string;
  score?: number;
  /** Every label's score; default: `label` with `score`, the others sharing the rest. */
  scores?: Record<string, number>;
  /** The call fails with a KoClassifyError of this code and message instead. */
  error?: { code: string; message?: string };
}

export interface MockOptions {
  /** The model's labels, for `info()` and default scores. Default: the labels the rules name. */
  labels?: string[];
}

const BASE = '/__ko-classify-testing__';

/**
 * Replaces every ko-classify worker the page starts with a mock that answers from `rules` (first
 * match wins; a text no rule matches gets the last rule's answer) and loads nothing: for UI tests
 * that do not need the model. Call it before the page loads.
 *
 * @example
 * await mockClassifier(page, [{ match: '최고', label: 'positive', score: 0.98 }, { match: /.?/, label: 'negative', score: 0.9 }]);
 */
export async function mockClassifier(page: Page, rules: MockRule[], o: MockOptions = {}): Promise<void> {
  if (rules.length === 0) throw new Error('mockClassifier needs at least one rule');
  // A g or y flag would make test() stateful (lastIndex): the same text would match every other time.
  const wire = rules.map((r) => ({ ...r, match: r.match instanceof RegExp ? { source: r.match.source, flags: r.match.flags.replace(/[gy]/g, '') } : r.match }));
  const labels = o.labels ?? [...new Set(rules.flatMap((r) => (r.scores ? Object.keys(r.scores) : r.label ? [r.label] : [])))];
  const comlink = readFileSync(createRequire(import.meta.url).resolve('comlink/dist/esm/comlink.mjs'), 'utf8');
  // A cross-origin isolated page (COEP require-corp) only starts workers whose script says the same.
  const headers = { 'Cross-Origin-Resource-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };
  await page.route(`**${BASE}/comlink.mjs`, (route) => route.fulfill({ status: 200, contentType: 'text/javascript', headers, body: comlink }));
  await page.route(`**${BASE}/mock-worker.js`, (route) => route.fulfill({ status: 200, contentType: 'text/javascript', headers, body: mockWorker(wire, labels) }));
  await page.addInitScript((base) => {
    const Original = globalThis.Worker;
    // ko-classify names its worker; any other worker of the page is left alone.
    globalThis.Worker = class extends Original {
      constructor(url: string | URL, options?: WorkerOptions) {
        super(options?.name === 'ko-classify' ? new URL(`${base}/mock-worker.js`, location.href) : url, options);
      }
    };
  }, BASE);
}

function mockWorker(rules: unknown, labels: string[]): string {
  return `import { expose, transferHandlers } from '${BASE}/comlink.mjs';
const rules = ${JSON.stringify(rules)}.map((r) => ({ ...r, match: typeof r.match === 'string' ? r.match : new RegExp(r.match.source, r.match.flags) }));
const labels = ${JSON.stringify(labels)};
// Errors cross as ko-classify's own transfer does, so the page gets a KoClassifyError with its code.
const base = transferHandlers.get('throw');
transferHandlers.set('throw', { canHandle: base.canHandle, serialize(t) { const v = t.value; return v && v.name === 'KoClassifyError' ? [{ isError: true, value: v }, []] : base.serialize(t); }, deserialize: base.deserialize });
function answer(text) {
  const rule = rules.find((r) => (typeof r.match === 'string' ? text.includes(r.match) : r.match.test(text))) ?? rules[rules.length - 1];
  if (rule.error) throw { name: 'KoClassifyError', message: rule.error.message ?? 'mocked error', code: rule.error.code, details: {} };
  // With only scores: the best of them is the label.
  const label = rule.label ?? (rule.scores ? Object.entries(rule.scores).sort((a, b) => b[1] - a[1])[0][0] : labels[0]);
  const score = rule.score ?? rule.scores?.[label] ?? 0.9;
  const names = labels.length ? labels : [label];
  const scores = rule.scores ?? Object.fromEntries(names.map((l) => [l, l === label ? score : (1 - score) / Math.max(1, names.length - 1)]));
  return { label, score, scores, labels: [{ label, score }] };
}
expose({
  async load(spec, onProgress) {
    const info = { model: spec.modelId, modelUrl: spec.modelUrl, revision: spec.revision ?? 'mock', backend: 'wasm', dtype: 'int8', file: 'mock', threads: 1, crossOriginIsolated: false,
      labels, problemType: 'single_label_classification', maxLength: 512, backendNotes: ['mock: @ko-classify/testing'], source: {},
      storage: { usage: null, quota: null, persisted: null }, thresholds: {}, displayNames: {} };
    onProgress?.({ type: 'ready', info });
    return info;
  },
  async classify(inputs) {
    return inputs.map((v) => answer(typeof v === 'string' ? v : v.text));
  },
  cancel() {},
  async dispose() {},
});
`;
}
