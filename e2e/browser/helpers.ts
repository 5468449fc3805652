import type { Page } from '@playwright/test';
import type { ModelInfo } from '@ko-classify/core';

export const FIXTURE_URL = '/fixtures/tiny-deberta/';

/** Requests the e2e server saw since the last clear. */
export async function serverLog(page: Page, clear = false): Promise<{ url: string; status: number }[]> {
  const res = await page.request.get(`/__log${clear ? '?clear' : ''}`);
  return res.json();
}

export async function openHarness(page: Page): Promise<void> {
  await page.goto('/e2e/harness/');
  await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready');
}

export function softmax(row: number[]): number[] {
  const max = Math.max(...row);
  const exps = row.map((v) => Math.exp(v - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

/** info() of the fixture loaded with backend and dtype `auto` (then disposed). */
export function autoInfo(page: Page): Promise<ModelInfo> {
  return page.evaluate(async (url) => {
    const clf = await window.koClassify.createClassifier({ model: url, cache: false });
    const info = clf.info();
    await clf.dispose();
    return info;
  }, FIXTURE_URL);
}
