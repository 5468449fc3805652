import { expect, test, type Page } from '@playwright/test';

// The script-tag example and the PWA under a strict CSP (header and meta):
// default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self' blob:
async function watchViolations(page: Page): Promise<string[]> {
  const messages: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) messages.push(m.text());
  });
  page.on('worker', (w) => w.on('console', (m) => /Content Security Policy|Refused to/i.test(m.text()) && messages.push(`worker: ${m.text()}`)));
  await page.addInitScript(() => {
    const w = window as unknown as { cspViolations: string[] };
    w.cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => w.cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  return messages;
}

test.describe('strict Content-Security-Policy', () => {
  test('script tag + <ko-sentiment> classify with no violation', async ({ page }) => {
    const messages = await watchViolations(page);
    const res = await page.goto('/script-tag/');
    expect(res?.headers()['content-security-policy']).toContain("script-src 'self' 'wasm-unsafe-eval'");
    const el = page.locator('ko-sentiment');
    await expect(el).toHaveAttribute('state', 'idle', { timeout: 90_000 });
    await page.getByLabel('영화는 어땠나요?').pressSequentially('배우들 연기가 정말 최고였어요', { delay: 5 });
    await expect(el).toHaveAttribute('state', 'done');
    expect(await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations)).toEqual([]);
    expect(messages).toEqual([]);
    // Control: an inline script is refused and reported, so the empty lists above mean something.
    const control = await page.evaluate(async () => {
      const reported = new Promise((r) => document.addEventListener('securitypolicyviolation', r, { once: true }));
      const s = document.createElement('script');
      s.textContent = 'window.inlineRan = true';
      document.head.append(s);
      await reported;
      return { ran: 'inlineRan' in window, violations: (window as unknown as { cspViolations: string[] }).cspViolations };
    });
    expect(control.ran).toBe(false);
    // Reported once per enforcing policy (the header and the meta tag).
    expect(control.violations.length).toBeGreaterThanOrEqual(1);
    for (const v of control.violations) expect(v).toMatch(/^script-src/);
  });

  test('a repeat visit under the strict CSP starts ORT from the runtime cache: no runtime request, no violation', async ({ page, context }) => {
    await page.goto('/script-tag/');
    await expect(page.locator('ko-sentiment')).toHaveAttribute('state', 'idle', { timeout: 90_000 });
    await page.close();
    const again = await context.newPage();
    const messages = await watchViolations(again);
    const runtime: string[] = [];
    await again.route(/\.wasm(\?.*)?$|\/ort-wasm[^/]*\.mjs(\?.*)?$/, (route) => {
      runtime.push(route.request().url());
      return route.abort('internetdisconnected');
    });
    await again.goto('/script-tag/');
    const el = again.locator('ko-sentiment');
    await expect(el).toHaveAttribute('state', 'idle', { timeout: 90_000 });
    await again.getByLabel('영화는 어땠나요?').pressSequentially('배우들 연기가 정말 최고였어요', { delay: 5 });
    await expect(el).toHaveAttribute('state', 'done');
    expect(runtime).toEqual([]);
    expect(await again.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations)).toEqual([]);
    expect(messages).toEqual([]);
  });

  test('the PWA classifies with no violation; no request while classifying once loaded', async ({ page }) => {
    const messages = await watchViolations(page);
    await page.goto('/pwa/');
    const review = page.getByLabel('리뷰를 써 보세요');
    await expect(review).toBeEnabled({ timeout: 90_000 });
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    await review.fill('정말 감동적인 영화였습니다');
    await expect(page.locator('#widget')).toHaveAttribute('data-state', 'done');
    await review.fill('지루하고 별로였어요');
    await expect(page.locator('#widget')).toHaveAttribute('data-state', 'done');
    expect(requests).toEqual([]);
    expect(await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations)).toEqual([]);
    expect(messages).toEqual([]);
  });
});
