import type { Page } from '@playwright/test';
import type { ModelInfo } from '@ko-classify/core';

/**
 * Waits until a ko-classify classifier on the page is ready (its `ko-classify:ready` event) and
 * resolves with its `info()`; `model` picks one by id when the page loads several.
 *
 * @example
 * await page.goto('/');
 * const info = await waitForClassifier(page);
 * expect(info.backend).toBe('wasm');
 */
export async function waitForClassifier(page: Page, o: { model?: string; timeout?: number } = {}): Promise<ModelInfo> {
  const handle = await page.waitForFunction(
    (model) => {
      const ready = (window as unknown as { __koClassifyReady?: ModelInfo[] }).__koClassifyReady ?? [];
      return ready.find((i) => model === undefined || i.model === model) ?? null;
    },
    o.model,
    { timeout: o.timeout ?? 90_000 },
  );
  return (await handle.jsonValue()) as ModelInfo;
}

/** Records `ko-classify:ready` events from the first script on; waitForClassifier reads them. */
export async function recordReady(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const w = window as unknown as { __koClassifyReady?: unknown[] };
    w.__koClassifyReady = [];
    addEventListener('ko-classify:ready', (e) => w.__koClassifyReady!.push((e as CustomEvent).detail));
  });
}
