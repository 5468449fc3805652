import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { GREEN, RED, colorShares } from './pixels.js';

// examples/pwa-sentiment as built for production: installable, and fully offline after one visit.
async function classify(page: Page, text: string): Promise<string | undefined> {
  const review = page.getByLabel('리뷰를 써 보세요');
  await review.fill(text);
  const widget = page.locator('#widget');
  await expect(widget).toHaveAttribute('data-state', 'done');
  return widget.getAttribute('data-label').then((l) => l ?? undefined);
}

// This test runs its own server and stops it: offline emulation alone does not cover the browser's
// service-worker update checks, while a stopped server is unreachable for every request.
const PORT = 4391;
const ORIGIN = `http://127.0.0.1:${PORT}`;
let server: ChildProcess | null = null;

async function startServer(): Promise<void> {
  server = spawn(process.execPath, [join(import.meta.dirname, 'server.mjs'), String(PORT)], { stdio: 'ignore' });
  for (let i = 0; i < 50; i++) {
    try {
      if ((await fetch(`${ORIGIN}/__log`)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('PWA test server did not start');
}

test.afterAll(() => server?.kill());

test.describe('offline PWA sentiment widget', () => {
  test('installable manifest; after one visit it loads and classifies with the network off', async ({ page, context }) => {
    await startServer();
    await page.goto(`${ORIGIN}/pwa/`);
    const manifest = await page.evaluate(async () => {
      const href = document.querySelector<HTMLLinkElement>('link[rel=manifest]')?.href;
      return href ? (await fetch(href)).json() : null;
    });
    expect(manifest).toMatchObject({ display: 'standalone', start_url: '/pwa/' });
    expect(manifest.icons.map((i: { sizes: string }) => i.sizes)).toEqual(['192x192', '512x512']);

    await expect(page.locator('#progress')).toBeVisible();
    await expect(page.getByLabel('리뷰를 써 보세요')).toBeEnabled({ timeout: 90_000 });
    await expect(page.locator('#progress')).toBeHidden();
    await expect(page.locator('#offline-ready')).toBeVisible({ timeout: 60_000 });
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    expect(await classify(page, '정말 재미있고 감동적인 영화였어요. 또 보고 싶어요')).toBe('positive');

    await context.setOffline(true);
    server!.kill();
    await expect.poll(() => fetch(`${ORIGIN}/__log`).then(() => 'up', () => 'down')).toBe('down');
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
    // What the screenshot shows for the last (negative) review: the red meter, no green.
    const shares = await colorShares(page, await page.locator('main').screenshot({ path: test.info().outputPath('pwa.png') }), { green: GREEN, red: RED });
    expect(shares.red).toBeGreaterThan(0.002);
    expect(shares.green).toBe(0);
  });
});
