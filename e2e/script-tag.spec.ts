import { expect, test } from '@playwright/test';

// examples/script-tag: a plain page with <script src="ko-classify/ko-classify.js"> (the built
// packages/embed output) and <ko-sentiment for="review">.
test.describe('script tag + <ko-sentiment>', () => {
  test('shows download progress, then a live label and score bar as the user types', async ({ page }) => {
    await page.goto('/script-tag/');
    const el = page.locator('ko-sentiment');
    await expect(el).toHaveAttribute('state', /loading|idle/);
    const sawProgress = await el.evaluate((node) => node.shadowRoot!.querySelector('[role=progressbar]') !== null);
    expect(sawProgress).toBe(true);
    await expect(el).toHaveAttribute('state', 'idle', { timeout: 90_000 });

    const review = page.getByLabel('영화는 어땠나요?');
    await review.pressSequentially('정말 감동적이고 재미있는 영화였어요. 강력 추천합니다!', { delay: 5 });
    await expect(el).toHaveAttribute('state', 'done');
    await expect(el).toHaveAttribute('label', 'positive');
    await review.fill('');
    await review.pressSequentially('최악이다. 돈 아깝고 지루해서 중간에 나왔음', { delay: 5 });
    await expect(el).toHaveAttribute('state', 'done');
    await expect(el).toHaveAttribute('label', 'negative');

    const a11y = await el.evaluate((node) => {
      const status = node.shadowRoot!.querySelector('[role=status]')!;
      return { live: status.getAttribute('aria-live'), text: status.textContent?.trim() };
    });
    expect(a11y.live).toBe('polite');
    expect(a11y.text).toContain('negative');
    expect(await page.evaluate(() => typeof (window as unknown as { KoClassify?: { createClassifier?: unknown } }).KoClassify?.createClassifier)).toBe('function');

    const shot = await el.screenshot();
    expect(shot.byteLength).toBeGreaterThan(1_000);
  });

  test('worker, wasm and model locations can be set by attributes', async ({ page }) => {
    await page.goto('/script-tag/');
    await page.evaluate(() => {
      const area = Object.assign(document.createElement('textarea'), { id: 'second' });
      const el = document.createElement('ko-sentiment');
      el.setAttribute('for', 'second');
      el.setAttribute('worker', './ko-classify/ko-classify.worker.js');
      el.setAttribute('models-base', './ko-classify/models/');
      el.setAttribute('id', 'configured');
      document.body.append(area, el);
    });
    const el = page.locator('#configured');
    await expect(el).toHaveAttribute('state', 'idle', { timeout: 90_000 });
    await page.locator('#second').pressSequentially('진짜 재밌어요 최고!', { delay: 5 });
    await expect(el).toHaveAttribute('state', 'done');
    await expect(el).toHaveAttribute('label', 'positive');
  });
});
