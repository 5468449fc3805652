import { expect, test, type Locator, type Page } from '@playwright/test';
import { AMBER, GREEN, RED, blend, colorShares, type Swatch } from './pixels.js';

// What a new user sees, read from screenshots (colours) and text, in the demo (examples/demo) and the
// script-tag page's <ko-sentiment> (examples/script-tag), on the real ko-sentiment model: a positive,
// a negative, a lukewarm and an empty review, then the words that pushed which way.
const POSITIVE = '이 영화 정말 최고예요! 배우들 연기도 완벽하고 또 보고 싶어요';
const NEGATIVE = '최악의 영화. 돈 아깝고 시간 낭비였다. 너무 지루해서 졸았음';
const LUKEWARM = '그럭저럭 볼만했는데 결말이 아쉽다';
const MIXED = '배우들 연기는 좋았지만 스토리가 최악이었다';
const UNSURE = /^애매함 \((긍정|부정) 쪽 0\.\d\d\)$/;

/** The shares of the label colours in a screenshot of `target`, and of `track` (the empty bar's grey, matched closely). */
async function look(page: Page, target: Locator, name: string, track: Swatch): Promise<Record<'green' | 'red' | 'amber' | 'track', number>> {
  const png = await target.screenshot({ path: test.info().outputPath(`${name}.png`) });
  const { green, red, amber } = await colorShares(page, png, { green: GREEN, red: RED, amber: AMBER });
  const grey = await colorShares(page, png, { track }, 3);
  return { green: green!, red: red!, amber: amber!, track: grey.track! };
}

/**
 * For each explained word: its colour as shown, and the colour the contract says (green when it
 * pushes toward 긍정: contribution > 0 with `toward` = [positive], or < 0 with `against` = [positive]).
 */
async function wordColours(page: Page, marks: Locator, text: string): Promise<{ text: string; shown: string; expected: string; c: number; aria: string; title: string; tint: string }[]> {
  const explanation = await page.evaluate(async (t) => {
    const w = window as unknown as { koDemo?: { classifier: { classify(t: string, o: object): Promise<{ explanation: { toward: string[] } }> } }; KoClassify?: { createClassifier(): Promise<{ classify(t: string, o: object): Promise<{ explanation: { toward: string[] } }> }> } };
    const clf = w.koDemo?.classifier ?? (await w.KoClassify!.createClassifier());
    return (await clf.classify(t, { explain: true })).explanation;
  }, text);
  const shown = await marks.evaluateAll((ms) => ms.map((m) => ({ text: m.textContent ?? '', shown: (m as HTMLElement).dataset.colour ?? '', c: Number((m as HTMLElement).dataset.contribution), aria: m.getAttribute('aria-label') ?? '', title: m.getAttribute('title') ?? '', tint: getComputedStyle(m).backgroundColor })));
  const towardPositive = explanation.toward.includes('positive');
  return shown.map((w) => ({ ...w, expected: w.c > 0 === towardPositive ? 'green' : 'red' }));
}

/** The strongest word's tint as it lands on a `background` page (its rgba blended), to find it in a screenshot. */
function tintOn(rgba: string, background: Swatch): Swatch {
  const [r, g, b, a] = rgba.match(/[\d.]+/g)!.map(Number);
  return blend([r!, g!, b!], background, a ?? 1);
}

test.describe('readable results', () => {
  test('demo: 긍정 green, 부정 red, a lukewarm review 애매함 in amber, nothing (no grey bar) for empty text', async ({ page }) => {
    await page.goto('/examples/demo/');
    await expect(page.locator('body')).toHaveAttribute('data-ready', 'true', { timeout: 90_000 });
    const result = page.locator('#result');
    const TRACK: Swatch = [0xe3, 0xe6, 0xea];
    // Before any input: no label and no empty bar that reads as a stalled progress bar.
    expect(await look(page, result, 'demo-start', TRACK)).toEqual({ green: 0, red: 0, amber: 0, track: 0 });

    const type = async (text: string) => {
      await page.locator('#input').fill(text);
      await expect(result).toHaveAttribute('data-state', text.trim() ? 'done' : 'idle');
    };
    await type(POSITIVE);
    await expect(page.locator('#label')).toHaveText('긍정');
    await expect(result).not.toHaveAttribute('data-uncertain');
    const positive = await look(page, result, 'demo-positive', TRACK);
    expect(positive.green).toBeGreaterThan(0.02);
    expect([positive.red, positive.amber]).toEqual([0, 0]);

    await type(NEGATIVE);
    await expect(page.locator('#label')).toHaveText('부정');
    const negative = await look(page, result, 'demo-negative', TRACK);
    expect(negative.red).toBeGreaterThan(0.02);
    expect([negative.green, negative.amber]).toEqual([0, 0]);

    await type(LUKEWARM);
    await expect(result).toHaveAttribute('data-uncertain', '');
    await expect(page.locator('#label')).toHaveText(UNSURE);
    await expect(page.locator('#explain')).toContainText('확신하지 못해요');
    const lukewarm = await look(page, result, 'demo-lukewarm', TRACK);
    expect(lukewarm.amber).toBeGreaterThan(0.01);
    expect([lukewarm.green, lukewarm.red]).toEqual([0, 0]);

    await type('   ');
    await expect(result).not.toHaveAttribute('data-label');
    await expect(page.locator('#label')).toHaveText('');
    expect(await look(page, result, 'demo-empty', TRACK)).toEqual({ green: 0, red: 0, amber: 0, track: 0 });
  });

  test('demo: each word coloured by the side it pushes toward, with a visible legend and its log-odds', async ({ page }) => {
    await page.goto('/examples/demo/');
    await expect(page.locator('body')).toHaveAttribute('data-ready', 'true', { timeout: 90_000 });
    await page.locator('#input').fill(MIXED);
    await expect(page.locator('#result')).toHaveAttribute('data-state', 'done');
    await expect(page.locator('#legend')).toBeVisible();
    await expect(page.locator('#legend')).toContainText('초록 실선: 긍정 쪽 · 빨강 점선: 부정 쪽');
    await expect(page.locator('#legend')).toContainText('로그 오즈');
    const words = await wordColours(page, page.locator('#why mark'), MIXED);
    expect(words.map((w) => w.text)).toEqual(['배우들', '연기는', '좋았지만', '스토리가', '최악이었다']);
    for (const w of words) {
      expect(w.shown, w.text).toBe(w.expected);
      expect(w.title).toMatch(/^[+−]\d+\.\d\d$/);
      expect(w.aria).toBe(`${w.text}: ${w.shown === 'green' ? '긍정' : '부정'} 쪽 ${w.title}`);
    }
    // Log-odds rank words even on a confident prediction: the strongest is the one a reader would pick, red, and visibly so.
    const strongest = [...words].sort((a, b) => Math.abs(b.c) - Math.abs(a.c))[0]!;
    expect(strongest.text).toBe('최악이었다');
    expect(strongest.shown).toBe('red');
    expect(Math.abs(strongest.c)).toBeGreaterThan(0.5);
    const shot = await page.locator('#why').screenshot({ path: test.info().outputPath('demo-why.png') });
    const tint = tintOn(strongest.tint, [0xf6, 0xf7, 0xf9]);
    expect((await colorShares(page, shot, { tint }, 6)).tint).toBeGreaterThan(0.01);
  });

  test('<ko-sentiment> on a lang="ko" page: 긍정/부정 without a locale attribute, 애매함 for a lukewarm review, nothing for empty text', async ({ page }) => {
    await page.goto('/script-tag/');
    const el = page.locator('ko-sentiment');
    await expect(el).toHaveAttribute('state', 'idle', { timeout: 90_000 });
    const TRACK: Swatch = [0xe5, 0xe7, 0xeb];
    expect(await look(page, el, 'element-start', TRACK)).toEqual({ green: 0, red: 0, amber: 0, track: 0 });
    const review = page.getByLabel('영화는 어땠나요?');
    const type = async (text: string) => {
      await review.fill(text);
      await expect(el).toHaveAttribute('state', text.trim() ? 'done' : 'idle');
    };
    await type(POSITIVE);
    await expect(el).toHaveAttribute('label', 'positive');
    await expect(el.locator('.label')).toHaveText('긍정');
    await expect(el).not.toHaveAttribute('uncertain');
    const positive = await look(page, el, 'element-positive', TRACK);
    expect(positive.green).toBeGreaterThan(0.03);
    expect([positive.red, positive.amber]).toEqual([0, 0]);

    await type(NEGATIVE);
    await expect(el.locator('.label')).toHaveText('부정');
    const negative = await look(page, el, 'element-negative', TRACK);
    expect(negative.red).toBeGreaterThan(0.03);
    expect([negative.green, negative.amber]).toEqual([0, 0]);

    await type(LUKEWARM);
    await expect(el).toHaveAttribute('uncertain', '');
    await expect(el).toHaveAttribute('label', /^(positive|negative)$/);
    await expect(el.locator('.label')).toHaveText(UNSURE);
    await expect(el.locator('.score')).toHaveText('');
    const lukewarm = await look(page, el, 'element-lukewarm', TRACK);
    expect(lukewarm.amber).toBeGreaterThan(0.03);
    expect([lukewarm.green, lukewarm.red]).toEqual([0, 0]);

    await type('');
    await expect(el).not.toHaveAttribute('label');
    await expect(el).not.toHaveAttribute('uncertain');
    expect(await look(page, el, 'element-empty', TRACK)).toEqual({ green: 0, red: 0, amber: 0, track: 0 });
  });

  test('<ko-sentiment>: locale attribute, else the nearest lang, else the model default, else label ids', async ({ page }) => {
    await page.goto('/script-tag/');
    await page.evaluate(() => {
      const add = (id: string, wrap: Record<string, string>, attrs: Record<string, string>) => {
        const box = document.createElement('div');
        for (const [k, v] of Object.entries(wrap)) box.setAttribute(k, v);
        const area = Object.assign(document.createElement('textarea'), { id: `t-${id}` });
        const el = Object.assign(document.createElement('ko-sentiment'), { id });
        el.setAttribute('for', area.id);
        for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
        box.append(area, el);
        document.body.append(box);
      };
      add('english', { lang: 'en' }, {});
      add('forced', { lang: 'en' }, { locale: 'ko' });
      add('regional', { lang: 'ko-KR' }, {});
      // No lang anywhere above it: the model's default_locale.
      document.documentElement.lang = '';
      add('bare', {}, {});
    });
    for (const id of ['english', 'forced', 'regional', 'bare']) {
      await expect(page.locator(`#${id}`)).toHaveAttribute('state', 'idle', { timeout: 90_000 });
      await page.locator(`#t-${id}`).fill(POSITIVE);
    }
    await expect(page.locator('#english .label')).toHaveText('positive');
    await expect(page.locator('#forced .label')).toHaveText('긍정');
    await expect(page.locator('#regional .label')).toHaveText('긍정');
    expect(await page.evaluate(() => (window as unknown as { KoClassify: { createClassifier(): Promise<{ info(): { defaultLocale: string | null } }> } }).KoClassify.createClassifier().then((c) => c.info().defaultLocale))).toBe('ko');
    await expect(page.locator('#bare .label')).toHaveText('긍정');
  });

  test('<ko-sentiment explain>: the legend in the element, words coloured by the side they push toward', async ({ page }) => {
    await page.goto('/script-tag/');
    await page.evaluate(() => {
      const area = Object.assign(document.createElement('textarea'), { id: 'why-text' });
      const el = Object.assign(document.createElement('ko-sentiment'), { id: 'why' });
      el.setAttribute('for', 'why-text');
      el.setAttribute('explain', '');
      document.body.append(area, el);
    });
    const el = page.locator('#why');
    await expect(el).toHaveAttribute('state', 'idle', { timeout: 90_000 });
    await page.locator('#why-text').fill(MIXED);
    await expect(el).toHaveAttribute('state', 'done');
    const legend = el.locator('[part=legend]');
    await expect(legend).toBeVisible();
    await expect(legend).toHaveText('초록 실선: 긍정 쪽 · 빨강 점선: 부정 쪽 (로그 오즈, ±0.69 = 2배)');
    const words = await wordColours(page, el.locator('mark'), MIXED);
    expect(words).toHaveLength(5);
    for (const w of words) expect(w.shown, w.text).toBe(w.expected);
    const strongest = [...words].sort((a, b) => Math.abs(b.c) - Math.abs(a.c))[0]!;
    expect([strongest.text, strongest.shown]).toEqual(['최악이었다', 'red']);
    expect(strongest.aria).toMatch(/^최악이었다: 부정 [+−]\d+\.\d\d$/);
    const shot = await el.locator('[part=explanation]').screenshot({ path: test.info().outputPath('element-why.png') });
    expect((await colorShares(page, shot, { tint: tintOn(strongest.tint, [255, 255, 255]) }, 6)).tint).toBeGreaterThan(0.01);
  });
  test('<ko-classify model="ko-moderation" explain>: Korean chips, one coloured line per shown label (red toward it), each with its legend', async ({ page }) => {
    await page.goto('/script-tag/');
    await page.evaluate(() => {
      const area = Object.assign(document.createElement('textarea'), { id: 'comment' });
      const el = Object.assign(document.createElement('ko-classify'), { id: 'mod' });
      for (const [k, v] of Object.entries({ for: 'comment', model: 'ko-moderation', 'models-base': '/models/', explain: '' })) el.setAttribute(k, v);
      document.body.append(area, el);
    });
    const el = page.locator('#mod');
    await expect(el).toHaveAttribute('state', 'idle', { timeout: 90_000 });
    const comment = '여자들은 운전을 못하니까 집에나 있어라';
    await page.locator('#comment').fill(comment);
    await expect(el).toHaveAttribute('state', 'done');
    const chips = await el.locator('[part=chip]').evaluateAll((cs) => cs.map((c) => ({ label: (c as HTMLElement).dataset.label!, text: c.firstChild?.textContent ?? '' })));
    expect(chips.map((c) => c.label)).toContain('gender');
    expect(chips.find((c) => c.label === 'gender')!.text).toBe('성차별');
    const expected = await page.evaluate(async (t) => {
      const clf = await (window as unknown as { KoClassify: { createClassifier(o: object): Promise<{ classify(t: string, o: object): Promise<{ labels: { label: string }[]; explanation: { against: string[]; byLabel: Record<string, number[]> } }> }> } }).KoClassify.createClassifier({ model: 'ko-moderation', modelsBaseUrl: '/models/' });
      const r = await clf.classify(t, { explain: true });
      // Toward a harmful label is red: green exactly where a word pushes toward 해당사항없음.
      return { against: r.explanation.against, colours: r.labels.map((l) => r.explanation.byLabel[l.label]!.map((c) => (c < 0 ? 'green' : 'red'))) };
    }, comment);
    // The other side: 해당사항없음 once the model names its axis, else "not this label".
    const other = (name: string) => (expected.against.includes('not_hate_speech') ? '해당사항없음' : `${name} 아님`);
    const lines = el.locator('[part=explanation]');
    await expect(lines).toHaveCount(chips.length);
    const legends = await el.locator('[part=legend]').allTextContents();
    expect(legends).toEqual(chips.map((c) => `초록 실선: ${other(c.text)} 쪽 · 빨강 점선: ${c.text} 쪽 (로그 오즈, ±0.69 = 2배)`));
    for (let i = 0; i < chips.length; i++) {
      const shown = await lines.nth(i).locator('mark').evaluateAll((ms) => ms.map((m) => (m as HTMLElement).dataset.colour));
      expect(shown, chips[i]!.label).toEqual(expected.colours[i]);
    }
  });
  test('<ko-classify model="ko-hate-speech" explain>: 혐오 in Korean, words red toward the harmful classes, green toward 없음', async ({ page }) => {
    await page.goto('/script-tag/');
    await page.evaluate(() => {
      const area = Object.assign(document.createElement('textarea'), { id: 'hate-text' });
      const el = Object.assign(document.createElement('ko-classify'), { id: 'hate' });
      for (const [k, v] of Object.entries({ for: 'hate-text', model: 'ko-hate-speech', 'models-base': '/models/', explain: '' })) el.setAttribute(k, v);
      document.body.append(area, el);
    });
    const el = page.locator('#hate');
    await expect(el).toHaveAttribute('state', 'idle', { timeout: 90_000 });
    const comment = '좌빨 새끼들은 다 북한으로 꺼져라';
    await page.locator('#hate-text').fill(comment);
    await expect(el).toHaveAttribute('state', 'done');
    await expect(el).toHaveAttribute('label', 'hate');
    await expect(el.locator('[part=chip]')).toHaveCount(1);
    expect(await el.locator('[part=chip]').evaluate((c) => c.firstChild?.textContent)).toBe('혐오');
    await expect(el.locator('[part=legend]')).toHaveText('초록 실선: 없음 쪽 · 빨강 점선: 공격적/혐오 쪽 (로그 오즈, ±0.69 = 2배)');
    const expected = await page.evaluate(async (t) => {
      const clf = await (window as unknown as { KoClassify: { createClassifier(o: object): Promise<{ classify(t: string, o: object): Promise<{ explanation: { toward: string[]; words: { contribution: number }[] } }> }> } }).KoClassify.createClassifier({ model: 'ko-hate-speech', modelsBaseUrl: '/models/' });
      const { explanation } = await clf.classify(t, { explain: true });
      return { toward: explanation.toward, colours: explanation.words.map((w) => (w.contribution > 0 ? 'red' : 'green')) };
    }, comment);
    expect(expected.toward).toEqual(['offensive', 'hate']);
    expect(await el.locator('mark').evaluateAll((ms) => ms.map((m) => (m as HTMLElement).dataset.colour))).toEqual(expected.colours);
    expect(expected.colours).toContain('red');
  });
  test('<ko-classify>: unsure results in amber — the hate-speech class it leans to, or the moderation labels near their threshold beside the sure ones', async ({ page }) => {
    await page.goto('/script-tag/');
    await page.evaluate(() => {
      for (const model of ['ko-hate-speech', 'ko-moderation']) {
        const area = Object.assign(document.createElement('textarea'), { id: `${model}-text` });
        const el = Object.assign(document.createElement('ko-classify'), { id: model });
        for (const [k, v] of Object.entries({ for: area.id, model, 'models-base': '/models/' })) el.setAttribute(k, v);
        document.body.append(area, el);
      }
    });
    const CHIP_AMBER: Swatch = [0xfe, 0xf3, 0xc7];
    const hate = page.locator('#ko-hate-speech');
    await expect(hate).toHaveAttribute('state', 'idle', { timeout: 90_000 });
    await page.locator('#ko-hate-speech-text').fill('이 바보야');
    await expect(hate).toHaveAttribute('state', 'done');
    await expect(hate).toHaveAttribute('uncertain', '');
    await expect(hate.locator('[part=chip]')).toHaveCount(1);
    await expect(hate.locator('[part=chip]')).toHaveText(/^애매함 \((공격적|혐오|없음) 쪽 0\.\d\d\)$/);
    const shot = await hate.screenshot({ path: test.info().outputPath('hate-unsure.png') });
    expect((await colorShares(page, shot, { amber: CHIP_AMBER }, 8)).amber).toBeGreaterThan(0.01);

    const mod = page.locator('#ko-moderation');
    await expect(mod).toHaveAttribute('state', 'idle', { timeout: 90_000 });
    const comment = '여자가 무슨 운전이야';
    await page.locator('#ko-moderation-text').fill(comment);
    await expect(mod).toHaveAttribute('state', 'done');
    await expect(mod).toHaveAttribute('uncertain', '');
    // Which labels are near their threshold, from the model's own band (info()), not from the element.
    const near = await page.evaluate(async (t) => {
      const clf = await (window as unknown as { KoClassify: { createClassifier(o: object): Promise<{ info(): { thresholds: Record<string, number>; uncertainty: { margin: number } }; classify(t: string): Promise<{ scores: Record<string, number>; labels: { label: string }[] }> }> } }).KoClassify.createClassifier({ model: 'ko-moderation', modelsBaseUrl: '/models/' });
      const { thresholds, uncertainty } = clf.info();
      const r = await clf.classify(t);
      const close = Object.keys(r.scores).filter((l) => Math.abs(r.scores[l]! - thresholds[l]!) < uncertainty.margin);
      return { close, sure: r.labels.map((l) => l.label).filter((l) => !close.includes(l)) };
    }, comment);
    expect(near.close.length).toBeGreaterThan(0);
    const chips = await mod.locator('[part=chip]').evaluateAll((cs) => cs.map((c) => ({ label: (c as HTMLElement).dataset.label!, unsure: c.classList.contains('unsure'), text: c.textContent ?? '' })));
    expect(chips.filter((c) => c.unsure).map((c) => c.label).sort()).toEqual([...near.close].sort());
    expect(chips.filter((c) => !c.unsure).map((c) => c.label)).toEqual(near.sure);
    for (const c of chips.filter((x) => x.unsure)) expect(c.text).toMatch(/^애매함 \(\S+ 쪽 0\.\d\d\)$/);
    const modShot = await mod.screenshot({ path: test.info().outputPath('moderation-unsure.png') });
    expect((await colorShares(page, modShot, { amber: CHIP_AMBER }, 8)).amber).toBeGreaterThan(0.01);
  });
});
