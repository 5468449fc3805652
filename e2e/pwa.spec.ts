import { expect, test, type Page } from '@playwright/test';
import { serverLog } from './browser/helpers.js';

// examples/pwa-sentiment as built for production: installable, and fully offline after one visit.
async function classify(page: Page, text: string): Promise<string | undefined> {
  const review = page.getByLabel('리뷰를 써 보세요');
  await review.fill(text);
  const widget = page.locator('#widget');
  await expect(widget).toHaveAttribute('data-state', 'done');
  return widget.getAttribute('data-label').then((l) => l ?? undefined);
}

test.describe('offline PWA sentiment widget', () => {
  test('installable manifest; after one visit it loads and classifies with the network off', async ({ page, context }) => {
    await page.goto('/pwa/');
    const manifest = await page.evaluate(async () => {
      const href = document.querySelector<HTMLLinkElement>('link[rel=manifest]')?.href;
      return href ? (await fetch(href)).json() : null;
    });
    expect(manifest).toMatchObject({ display: 'standalone', start_url: '/pwa/' });
    expect(manifest.icons.map((i: { sizes: string }) => i.sizes)).toEqual(['192x192', '512x512']);

    await expect(page.getByLabel('리뷰를 써 보세요')).toBeEnabled({ timeout: 90_000 });
    await expect(page.locator('#offline-ready')).toBeVisible({ timeout: 60_000 });
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    expect(await classify(page, '정말 재미있고 감동적인 영화였어요. 또 보고 싶어요')).toBe('positive');

    await context.setOffline(true);
    await serverLog(page, true).catch(() => undefined); // the log endpoint itself is now unreachable
    const fromNetwork: string[] = [];
    page.on('response', (r) => {
      if (!r.fromServiceWorker() && r.ok()) fromNetwork.push(r.url());
    });
    await page.reload();
    await expect(page.locator('#net')).toHaveText('오프라인');
    await expect(page.getByLabel('리뷰를 써 보세요')).toBeEnabled({ timeout: 60_000 });
    expect(await classify(page, '스토리가 탄탄하고 배우들 연기가 훌륭합니다. 강력 추천!')).toBe('positive');
    expect(await classify(page, '최악의 영화. 시간 낭비였고 내용도 지루하다')).toBe('negative');
    expect(fromNetwork).toEqual([]);

    await context.setOffline(false);
    const reached = (await serverLog(page)).filter((r) => r.url.startsWith('/pwa/'));
    expect(reached).toEqual([]);
    const shot = await page.locator('main').screenshot();
    expect(shot.byteLength).toBeGreaterThan(5_000);
  });
});
