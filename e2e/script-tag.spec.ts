import { expect, test } from '@playwright/test';
import { GREEN, RED, colorShares } from './pixels.js';

// examples/script-tag: a plain page with <script src="ko-classify/ko-classify.js"> (the built
// packages/embed output) and <ko-sentiment for="review">.
test.describe('script tag + <ko-sentiment>', () => {
  test('shows download progress, then a live label and score bar as the user types', async ({ page }) => {
    // Every state and progress value the element shows, recorded as it changes.
    await page.addInitScript(() => {
      const seen: { states: string[]; progress: number[] } = { states: [], progress: [] };
      (window as unknown as { seen: typeof seen }).seen = seen;
      const watch = () => {
        const el = document.querySelector('ko-sentiment');
        const bar = el?.shadowRoot?.querySelector('[role=progressbar]');
        if (!el || !bar) return void requestAnimationFrame(watch);
        const record = () => {
          const state = el.getAttribute('state') ?? '';
          if (seen.states.at(-1) !== state) seen.states.push(state);
          if (!(bar as HTMLElement).hidden) seen.progress.push(Number(bar.getAttribute('aria-valuenow')));
        };
        record();
        new MutationObserver(record).observe(el, { attributes: true });
        new MutationObserver(record).observe(bar, { attributes: true });
      };
      watch();
    });
    await page.goto('/script-tag/');
    const el = page.locator('ko-sentiment');
    await expect(el).toHaveAttribute('state', 'idle', { timeout: 90_000 });
    const seen = await page.evaluate(() => (window as unknown as { seen: { states: string[]; progress: number[] } }).seen);
    expect(seen.states.slice(0, 2)).toEqual(['loading', 'idle']);
    expect(seen.progress.length).toBeGreaterThan(1);
    expect(seen.progress.every((v, i) => i === 0 || v >= seen.progress[i - 1]!)).toBe(true);
    expect(seen.progress.some((v) => v > 0 && v < 100)).toBe(true);
    expect(seen.progress.at(-1)).toBe(100);
    await expect(el.locator('[role=progressbar]')).toBeHidden();

    const review = page.getByLabel('영화는 어땠나요?');
    await review.pressSequentially('정말 감동적이고 재미있는 영화였어요. 강력 추천합니다!', { delay: 5 });
    await expect(el).toHaveAttribute('state', 'done');
    await expect(el).toHaveAttribute('label', 'positive');
    const positive = await colorShares(page, await el.screenshot(), { green: GREEN, red: RED });
    expect(positive.green).toBeGreaterThan(0.05);
    expect(positive.red).toBe(0);
    await review.fill('');
    await review.pressSequentially('최악이다. 돈 아깝고 지루해서 중간에 나왔음', { delay: 5 });
    await expect(el).toHaveAttribute('state', 'done');
    await expect(el).toHaveAttribute('label', 'negative');

    const a11y = await el.evaluate((node) => {
      const status = node.shadowRoot!.querySelector('[role=status]')!;
      return { live: status.getAttribute('aria-live'), text: status.textContent?.trim() };
    });
    expect(a11y.live).toBe('polite');
    expect(a11y.text).toContain('부정'); // the page's lang="ko", no locale attribute
    expect(await page.evaluate(() => typeof (window as unknown as { KoClassify?: { createClassifier?: unknown } }).KoClassify?.createClassifier)).toBe('function');

    // What a reader sees: the bar is red for the negative review (and was green for the positive one).
    const shares = await colorShares(page, await el.screenshot({ path: test.info().outputPath('widget.png') }), { green: GREEN, red: RED });
    expect(shares.red).toBeGreaterThan(0.05);
    expect(shares.green).toBe(0);
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

  test('explain and locale attributes: Korean label and the words that pushed it, not by colour alone', async ({ page }) => {
    await page.goto('/script-tag/');
    await page.evaluate(() => {
      const area = Object.assign(document.createElement('textarea'), { id: 'fourth' });
      const el = Object.assign(document.createElement('ko-sentiment'), { id: 'explained' });
      el.setAttribute('for', 'fourth');
      el.setAttribute('explain', '');
      el.setAttribute('locale', 'ko');
      document.body.append(area, el);
    });
    const el = page.locator('#explained');
    await expect(el).toHaveAttribute('state', 'idle', { timeout: 90_000 });
    await page.locator('#fourth').pressSequentially('배우들 연기는 좋았지만 스토리가 최악이었다', { delay: 5 });
    await expect(el).toHaveAttribute('label', 'negative');
    await expect(el.locator('.label')).toHaveText('부정');
    const words = await el.evaluate((node) => [...node.shadowRoot!.querySelectorAll('mark')].map((m) => ({ text: m.textContent, c: Number(m.dataset.contribution), aria: m.getAttribute('aria-label'), line: getComputedStyle(m).textDecorationStyle })));
    expect(words.map((w) => w.text)).toEqual(['배우들', '연기는', '좋았지만', '스토리가', '최악이었다']);
    const strongest = [...words].sort((a, b) => Math.abs(b.c) - Math.abs(a.c))[0]!;
    expect(strongest.text).toBe('최악이었다');
    // It pushes toward 부정: red, so a dotted underline, and its log-odds in words.
    expect(strongest.aria).toMatch(/^최악이었다: 부정 [+−]\d+\.\d\d$/);
    expect(strongest.line).toBe('dotted');
  });
});
