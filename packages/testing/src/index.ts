/**
 * Playwright helpers for apps that use ko-classify.
 *
 * @example
 * import { test, expect } from '@ko-classify/testing';
 * test('the review box shows the sentiment', async ({ page, koClassify }) => {
 *   await koClassify.seedModelCache({ model: 'ko-sentiment' }); // no model download in this test
 *   await page.goto('/');
 *   await koClassify.waitForClassifier();
 *   await page.getByLabel('리뷰').fill('정말 최고의 영화');
 *   await expect(page.locator('output')).toContainText('positive');
 * });
 */
import { test as base, type Page } from '@playwright/test';
import { mockClassifier, type MockOptions, type MockRule } from './mock.js';
import { seedModelCache, type SeedOptions } from './seed.js';
import { serveModels, type ServeOptions } from './serve.js';
import { recordReady, waitForClassifier } from './wait.js';

export { mockClassifier, recordReady, seedModelCache, serveModels, waitForClassifier };
export type { MockOptions, MockRule, SeedOptions, ServeOptions };
export { expect } from '@playwright/test';

/** The helpers bound to the test's page. */
export interface KoClassifyFixture {
  serveModels(o: ServeOptions): Promise<string[]>;
  /** `origin` defaults to the test's `baseURL`. */
  seedModelCache(o: Omit<SeedOptions, 'origin'> & { origin?: string }): Promise<void>;
  mockClassifier(rules: MockRule[], o?: MockOptions): Promise<void>;
  waitForClassifier(o?: { model?: string; timeout?: number }): ReturnType<typeof waitForClassifier>;
}

/** Playwright's `test` with a `koClassify` fixture (ready events are recorded from the first script on). */
export const test = base.extend<{ koClassify: KoClassifyFixture }>({
  koClassify: async ({ page, baseURL }, use) => {
    await recordReady(page);
    const bound = (p: Page): KoClassifyFixture => ({
      serveModels: (o) => serveModels(p, o),
      seedModelCache: (o) => {
        const origin = o.origin ?? (baseURL ? new URL(baseURL).origin : undefined);
        if (!origin) throw new Error('seedModelCache needs `origin` (or a baseURL in the Playwright config)');
        return seedModelCache(p, { ...o, origin });
      },
      mockClassifier: (rules, o) => mockClassifier(p, rules, o),
      waitForClassifier: (o) => waitForClassifier(p, o),
    });
    await use(bound(page));
  },
});
