import { expect, test } from '@playwright/test';
import { colorShares } from './pixels.js';

// The React example as built for production (examples/react-app/dist), consuming
// @ko-classify/react through its package exports, rendered in StrictMode.
test.describe('React app', () => {
  test('StrictMode spawns one worker; shows progress, then classifies positive and negative reviews', async ({ page }) => {
    await page.addInitScript(() => {
      const w = window as unknown as { workersCreated: number };
      w.workersCreated = 0;
      const Native = window.Worker;
      window.Worker = class extends Native {
        constructor(url: string | URL, options?: WorkerOptions) {
          super(url, options);
          w.workersCreated++;
        }
      };
    });
    await page.goto('/react-app/');
    await expect(page.getByTestId('progress')).toBeVisible();
    const review = page.getByLabel('리뷰');
    await expect(review).toBeEnabled({ timeout: 90_000 });
    await expect(page.getByTestId('info')).toContainText('ko-sentiment');

    const result = page.getByTestId('result');
    await review.fill('이 영화 정말 최고예요! 배우들 연기도 완벽하고 또 보고 싶어요');
    await expect(result).toHaveAttribute('data-status', 'ready');
    await expect(result).toHaveAttribute('data-label', 'positive');
    await review.fill('최악의 영화. 돈 아깝고 시간 낭비였다. 너무 지루해서 졸았음');
    await expect(result).toHaveAttribute('data-status', 'ready');
    await expect(result).toHaveAttribute('data-label', 'negative');

    expect(await page.evaluate(() => (window as unknown as { workersCreated: number }).workersCreated)).toBe(1);
    // The screenshot shows dark text on a light page (not a blank or failed render).
    const shares = await colorShares(page, await page.locator('main').screenshot(), { ink: [0, 0, 0], paper: [255, 255, 255] }, 60);
    expect(shares.ink).toBeGreaterThan(0.01);
    expect(shares.paper).toBeGreaterThan(0.5);
    await expect(result.locator('strong')).toHaveText('부정'); // no locale option: the page's lang="ko"
    // The legend says what the colours mean, in the model's Korean names.
    await expect(page.locator('.ko-legend')).toHaveText('초록 실선: 긍정 쪽 · 빨강 점선: 부정 쪽 (로그 오즈, ±0.69 = 2배)');
    // explain: true — the words, tinted and labelled with their contribution; the strongest is the one a reader would pick.
    const marks = page.locator('.ko-explained mark');
    await expect(marks.first()).toBeVisible();
    const words = await marks.evaluateAll((ms) => ms.map((m) => ({ text: m.textContent, c: Number(m.getAttribute('data-contribution')), aria: m.getAttribute('aria-label') })));
    expect(words.map((w) => w.text).join(' ')).toBe('최악의 영화. 돈 아깝고 시간 낭비였다. 너무 지루해서 졸았음');
    expect(words.every((w) => /^\S+: (긍정|부정) [+−]\d+\.\d\d$/.test(w.aria ?? ''))).toBe(true);
    // Empty text: no label at all, not a stale one or a status word.
    await review.fill('');
    await expect(result).toHaveAttribute('data-status', 'idle');
    await expect(result).toHaveText('');
  });
});
