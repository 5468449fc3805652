import { expect, test } from '@playwright/test';
import { GREEN, RED, colorShares } from './pixels.js';

// examples/moderation: comments typed or pasted one per line, each flagged live with its K-MHaS
// categories as Korean-first chips (ko-moderation, a multi-label model).
test('comments are flagged live with Korean-first category chips', async ({ page }) => {
  await page.goto('/moderation/');
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true', { timeout: 90_000 });
  const comments = [
    '오늘 날씨가 정말 좋네요 산책하기 딱 좋아요',
    '좌빨 새끼들은 다 북한으로 꺼져라',
    '여자들은 운전을 못하니까 집에나 있어라',
  ];
  await page.getByLabel('댓글 (한 줄에 하나)').fill(comments.join('\n'));
  const items = page.locator('#list li');
  await expect(items).toHaveCount(3);
  await expect(page.locator('#list')).toHaveAttribute('data-state', 'ready');
  const rows = await items.evaluateAll((lis) => lis.map((li) => ({ flagged: li.getAttribute('data-flagged'), labels: li.getAttribute('data-labels'), chips: [...li.querySelectorAll('.chip')].map((c) => c.firstChild?.textContent ?? '') })));
  expect(rows.map((r) => r.flagged)).toEqual(['false', 'true', 'true']);
  expect(rows[0]!.chips).toEqual(['해당사항없음']);
  expect(rows[1]!.labels).toContain('politics');
  expect(rows[1]!.chips).toContain('정치성향차별');
  expect(rows[2]!.labels).toContain('gender');
  expect(rows[2]!.chips).toContain('성차별');
  await expect(page.locator('#summary')).toContainText('3개 중 2개');
  // Typing more re-classifies the list; clearing it empties it.
  await page.getByLabel('댓글 (한 줄에 하나)').press('End');
  await page.getByLabel('댓글 (한 줄에 하나)').pressSequentially('\n이 식당 음식 맛있어요', { delay: 5 });
  await expect(items).toHaveCount(4);
  const shot = await page.locator('main').screenshot({ path: test.info().outputPath('moderation.png') });
  const shares = await colorShares(page, shot, { flagged: RED, clean: GREEN });
  expect(shares.flagged).toBeGreaterThan(0.0005);
  expect(shares.clean).toBeGreaterThan(0.0005);
  await page.getByLabel('댓글 (한 줄에 하나)').fill('  \n ');
  await expect(items).toHaveCount(0);
});

test('a comment the model is not sure of gets amber 애매함 chips for the labels near their threshold, under it too', async ({ page }) => {
  await page.goto('/moderation/');
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true', { timeout: 90_000 });
  // ko-moderation: gender 0.40 against its threshold 0.425, not_hate_speech 0.54 against 0.475 (band 0.095).
  await page.getByLabel('댓글 (한 줄에 하나)').fill('남자들은 원래 다 그래\n좌빨 새끼들은 다 북한으로 꺼져라');
  const items = page.locator('#list li');
  await expect(items).toHaveCount(2);
  await expect(page.locator('#list')).toHaveAttribute('data-state', 'ready');
  const rows = await items.evaluateAll((lis) => lis.map((li) => ({ uncertain: li.getAttribute('data-uncertain'), unsure: [...li.querySelectorAll('.chip.unsure')].map((c) => c.textContent ?? ''), sure: [...li.querySelectorAll('.chip:not(.unsure)')].map((c) => c.firstChild?.textContent ?? '') })));
  expect(rows.map((r) => r.uncertain)).toEqual(['true', 'false']);
  expect(rows[0]!.unsure.some((t) => t.startsWith('성차별') && t.includes('애매함'))).toBe(true);
  expect(rows[1]!.unsure).toEqual([]);
  expect(rows[1]!.sure).toContain('정치성향차별');
  // Amber, as the elements show unsure results.
  const bg = await page.locator('#list li').first().locator('.chip.unsure').first().evaluate((c) => getComputedStyle(c).backgroundColor);
  expect(bg).toBe('rgb(254, 243, 199)');
});
