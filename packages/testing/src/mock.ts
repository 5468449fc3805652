import type { Page } from '@playwright/test';
import type { KoClassifyErrorCode } from '@ko-classify/core';
import { WORKER_NAME } from '@ko-classify/core/node';
import { moduleUrl, serveModules } from './modules.js';
import { MOCK_CONFIG_PATH, type MockConfig } from './wire.js';

/** One mocked answer: texts matching `match` get this result (or this error). */
export interface MockRule {
  /** A substring, or a regular expression, tested against the text. */
  match: string | RegExp;
  label?: string;
  score?: number;
  /** Every label's score; default: `label` with `score`, the others sharing the rest. */
  scores?: Record<string, number>;
  /** The result's `uncertain` (default false): the elements then show 애매함 with the leaning. */
  uncertain?: boolean;
  /** The call fails with a KoClassifyError of this code, message and details instead. */
  error?: { code: KoClassifyErrorCode; message?: string; details?: Record<string, unknown> };
}

export interface MockOptions {
  /** The model's labels, for `info()` and default scores. Default: the labels the rules name. */
  labels?: string[];
}

/** The mock worker's URL path (this package's dist/mock-worker.js, through the module server). */
export const MOCK_WORKER_PATH = moduleUrl('testing', 'dist/mock-worker.js');

/**
 * Replaces every ko-classify worker the page starts with a mock that answers from `rules` (first
 * match wins; a text no rule matches gets the last rule's answer) and loads nothing: for UI tests
 * that do not need the model. The mock speaks core's worker protocol and throws core's errors; an
 * empty or whitespace-only text gets core's empty result (`label: null`, `empty: true`).
 * Call it before the page loads.
 *
 * @example
 * await mockClassifier(page, [{ match: '최고', label: 'positive', score: 0.98 }, { match: /.?/, label: 'negative', score: 0.9 }]);
 */
export async function mockClassifier(page: Page, rules: MockRule[], o: MockOptions = {}): Promise<void> {
  if (rules.length === 0) throw new Error('mockClassifier needs at least one rule');
  const config: MockConfig = {
    // A g or y flag would make test() stateful (lastIndex): the same text would match every other time.
    rules: rules.map((r) => ({ ...r, match: r.match instanceof RegExp ? { source: r.match.source, flags: r.match.flags.replace(/[gy]/g, '') } : r.match })),
    labels: o.labels ?? [...new Set(rules.flatMap((r) => (r.scores ? Object.keys(r.scores) : r.label ? [r.label] : [])))],
  };
  await serveModules(page);
  const headers = { 'Cross-Origin-Resource-Policy': 'same-origin', 'Cache-Control': 'no-store' };
  await page.route((url) => url.pathname === MOCK_CONFIG_PATH, (route) => route.fulfill({ status: 200, contentType: 'application/json', headers, body: JSON.stringify(config) }));
  await page.addInitScript(({ mockWorker, workerName }) => {
    const Original = globalThis.Worker;
    // ko-classify names its worker; any other worker of the page is left alone.
    globalThis.Worker = class extends Original {
      constructor(url: string | URL, options?: WorkerOptions) {
        const mocked = options?.name === workerName;
        super(mocked ? new URL(mockWorker, location.href) : url, mocked ? { ...options, type: 'module' } : options);
      }
    };
  }, { mockWorker: MOCK_WORKER_PATH, workerName: WORKER_NAME });
}
