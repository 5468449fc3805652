import { expect, test, type Page } from '@playwright/test';

// examples/teach as built for production: labels of your own taught on the screen over the
// ko-sentence encoder, a new text classified with them, then a reload with the network off: the
// head saved in IndexedDB classifies at once. Only texts whose label is obvious are asserted.
const DELIVERY = '택배가 일주일째 안 와요';
const PRICE = '너무 비싸요 가격 좀 내려주세요';

async function classify(page: Page, text: string): Promise<string | null> {
  await page.getByLabel('새 문장을 써 보세요').fill(text);
  const result = page.locator('#result');
  await expect(result).toHaveAttribute('data-status', 'ready');
  // What the reader sees: the label, or 애매함 with its leaning.
  const shown = (await result.locator('.ko-label').textContent()) ?? '';
  const label = await result.getAttribute('data-label');
  expect(shown).toEqual((await result.getAttribute('data-uncertain')) === null ? label : expect.stringContaining('애매함'));
  return label;
}

test.describe('teach your own labels', () => {
  test('teach 배송/가격/품질 on the screen, classify new text, then reload offline and classify with the stored head', async ({ page, context }) => {
    await page.goto('/teach/');
    const teach = page.getByRole('button', { name: '가르치기' });
    await expect(teach).toBeEnabled({ timeout: 90_000 });
    await expect(page.getByText('아직 배운 라벨이 없어요.')).toBeVisible();
    await expect(page.getByLabel('새 문장을 써 보세요')).toBeDisabled();

    // The labels are editable: add one and remove it again; add an example to 가격.
    await page.getByRole('button', { name: '라벨 추가' }).click();
    await expect(page.getByLabel('라벨 4 이름')).toHaveValue('');
    await page.getByRole('button', { name: '라벨 4 지우기' }).click();
    await expect(page.getByLabel('라벨 4 이름')).toHaveCount(0);
    const price = page.getByLabel('가격 예문');
    await price.fill(`${await price.inputValue()}\n값이 비싸서 망설여져요`);

    await teach.click();
    const taught = page.locator('#taught');
    await expect(taught).toContainText('배운 라벨: 배송 · 가격 · 품질');
    await expect(taught).toContainText('예문 10개');
    await expect(page.locator('#cv')).toHaveText(/^\d{1,3}%$/);
    await expect(page.locator('#took')).toHaveText(/^\d+\.\d\d초$/);
    test.info().annotations.push({ type: 'teach', description: `cv ${await page.locator('#cv').textContent()}, took ${await page.locator('#took').textContent()}` });

    expect(await classify(page, DELIVERY)).toBe('배송');
    expect(await classify(page, PRICE)).toBe('가격');
    await expect(page.locator('.scores li')).toHaveCount(3);

    // Offline: the service worker has the page, IndexedDB the encoder and the head.
    await page.waitForFunction(() => navigator.serviceWorker?.controller != null, null, { timeout: 60_000 });
    await context.setOffline(true);
    await page.reload();
    await expect(page.locator('#net')).toHaveText('오프라인');
    await expect(taught).toContainText('배운 라벨: 배송 · 가격 · 품질', { timeout: 60_000 });
    await expect(price).toHaveValue(/값이 비싸서 망설여져요/);
    expect(await classify(page, DELIVERY)).toBe('배송');
    expect(await classify(page, PRICE)).toBe('가격');
    await expect(page.locator('#error')).toHaveCount(0);
  });

  test('<ko-classify> classifies with a taught head: head-name (IndexedDB), head-src (a URL) and the head property', async ({ page }) => {
    await page.goto('/teach/');
    await page.getByRole('button', { name: '가르치기' }).click({ timeout: 90_000 });
    await expect(page.locator('#taught')).toContainText('배운 라벨: 배송 · 가격 · 품질');
    const head = await page.evaluate(async () => (await fetch(document.querySelector<HTMLAnchorElement>('#export')!.href)).json());
    expect(head).toMatchObject({ format: 'ko-classify-head', name: 'teach-demo', labels: ['배송', '가격', '품질'] });

    // A page of the same origin beside the script-tag example; the encoder comes from the teach app's models/.
    const html = `<!doctype html><html lang="ko"><head><meta charset="utf-8"></head><body>
      <textarea id="t"></textarea>
      <ko-classify id="by-name" for="t" head-name="teach-demo" models-base="/teach/models/"></ko-classify>
      <ko-classify id="by-src" for="t" head-src="/script-tag/shop.head.json" models-base="/teach/models/"></ko-classify>
      <ko-classify id="by-prop" for="t" models-base="/teach/models/"></ko-classify>
      <ko-classify id="missing" for="t" head-name="never-saved" models-base="/teach/models/"></ko-classify>
      <ko-classify id="not-a-head" for="t" head-src="/script-tag/index.html" models-base="/teach/models/"></ko-classify>
      <script>document.getElementById('by-prop').head = ${JSON.stringify({ ...head, name: 'from-property' })};</script>
      <script src="/script-tag/ko-classify/ko-classify.js"></script></body></html>`;
    const isolated = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };
    await page.route('**/script-tag/teach-element.html', (r) => r.fulfill({ contentType: 'text/html; charset=utf-8', headers: isolated, body: html }));
    await page.route('**/script-tag/shop.head.json', (r) => r.fulfill({ contentType: 'application/json', headers: isolated, json: { ...head, name: 'from-url' } }));
    // Elements upgraded in place set up once, after their attributes: none of them loads the default ko-sentiment.
    const asked: string[] = [];
    page.on('request', (r) => asked.push(r.url()));
    await page.goto('/script-tag/teach-element.html');
    // Set before the element was defined (an own property), and read back through its getter.
    expect(await page.evaluate(() => (document.getElementById('by-prop') as HTMLElement & { head: { name: string } }).head.name)).toBe('from-property');
    await page.locator('#t').fill(DELIVERY);
    for (const id of ['by-name', 'by-src', 'by-prop']) {
      const el = page.locator(`#${id}`);
      await expect(el).toHaveAttribute('state', 'done', { timeout: 60_000 });
      await expect(el).toHaveAttribute('label', '배송');
      await expect(el.locator('.chip')).toContainText(/배송|애매함 \(배송 쪽/);
    }
    await page.locator('#t').fill(PRICE);
    await expect(page.locator('#by-src')).toHaveAttribute('label', '가격');
    await expect(page.locator('#missing')).toHaveAttribute('state', 'error');
    await expect(page.locator('#missing .message')).toContainText('no head is saved under "never-saved"');
    await expect(page.locator('#not-a-head')).toHaveAttribute('state', 'error');
    await expect(page.locator('#not-a-head .message')).toContainText('is not a ko-classify head');
    expect(asked.filter((u) => u.includes('/ko-sentiment/'))).toEqual([]);
  });
});
