import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClassifier } from '../src/node/client.js';
import type { Classification, Classifier } from '../src/types.js';

// classify(text, { explain: true }) on the shipped ko-sentiment model: leave-one-eojeol-out.
const MODEL = join(import.meta.dirname, '../../../public/models/ko-sentiment');
// Clear reviews, each with the word a reader would point at.
const CASES: [string, string][] = [
  ['이 영화 정말 감동적이에요', '감동적이에요'],
  ['배우들 연기는 좋았지만 스토리가 최악이었다', '최악이었다'],
  ['어제 친구랑 본 영화는 지루했다', '지루했다'],
  ['이번 작품은 솔직히 실망스러웠다', '실망스러웠다'],
  ['주인공 배우의 연기가 훌륭했다', '훌륭했다'],
  ['결말이 너무 뻔했다', '뻔했다'],
  ['영화 음악이 정말 아름다웠다', '아름다웠다'],
  ['극장에서 보낸 두 시간이 아까웠다', '아까웠다'],
  ['친구들에게 강력 추천합니다', '추천합니다'],
  ['전체적으로 스토리가 엉망이다', '엉망이다'],
  ['이런 영화를 만든 감독이 한심하다', '한심하다'],
];
const words = (e: NonNullable<Classification['explanation']>) => e.words;
let int8: Classifier;
let fp32: Classifier;
beforeAll(async () => {
  int8 = await createClassifier({ model: MODEL, dtype: 'int8', runtime: 'node', threads: 1 });
  fp32 = await createClassifier({ model: MODEL, dtype: 'fp32', runtime: 'node', threads: 1 });
});
afterAll(async () => {
  await int8.dispose();
  await fp32.dispose();
});

/** ln(P(toward) / P(against)) of a result's scores, computed here independently of explain.ts. */
const logOddsOf = (scores: Record<string, number>, toward: string[], against: string[]) =>
  Math.log(toward.reduce((a, l) => a + scores[l]!, 0)) - Math.log(against.reduce((a, l) => a + scores[l]!, 0));
/** A word's support for the predicted label: its contribution, turned around when the label is on the `against` side. */
const support = (e: NonNullable<Classification['explanation']>, c: number) => (e.toward.includes(e.label) ? c : -c);

describe('explain: true', () => {
  it.each(CASES)('%s: the strongest word is %s', async (text, word) => {
    const r = await int8.classify(text, { explain: true });
    const e = r.explanation!;
    const strongest = [...e.words].sort((a, b) => support(e, b.contribution) - support(e, a.contribution))[0]!;
    expect(strongest.text).toBe(word);
    expect(e.label).toBe(r.label);
    expect(e.scale).toBe('log-odds');
  });

  it('contributions are ln(P(toward) / P(against)) with the word minus without it, with offsets into the text', async () => {
    const text = '배우들 연기는 좋았지만   스토리가 최악이었다';
    const r = await fp32.classify(text, { explain: true });
    const e = r.explanation!;
    expect(words(e).map((w) => text.slice(w.start, w.end))).toEqual(['배우들', '연기는', '좋았지만', '스토리가', '최악이었다']);
    expect([...e.toward, ...e.against].sort()).toEqual(['negative', 'positive']);
    const without = await fp32.classify('배우들 연기는 좋았지만 스토리가');
    expect(e.words[4]!.contribution).toBeCloseTo(logOddsOf(r.scores, e.toward, e.against) - logOddsOf(without.scores, e.toward, e.against), 5);
    expect(e.complete).toBe(true);
  });

  // Probability differences saturate: at p > 0.99 the words read ±0.00. Log-odds keep ranking them.
  // Plain scores (calibrated: false) keep these figures independent of the model's temperature.
  it.each([
    ['시간 아까움. 최악', '최악', 0.05],
    ['정말 재밌고 감동적인 영화', '재밌고', 0.5],
    ['돈 아깝고 지루한 영화', '아깝고', 0.3],
  ])('a saturated prediction (%s) still ranks its words: %s moves the odds most', async (text, word, min) => {
    const r = await fp32.classify(text, { explain: true, calibrated: false });
    const e = r.explanation!;
    expect(r.score).toBeGreaterThan(0.99);
    const ranked = [...e.words].sort((a, b) => support(e, b.contribution) - support(e, a.contribution));
    expect(ranked[0]!.text).toBe(word);
    expect(support(e, ranked[0]!.contribution)).toBeGreaterThan(min);
    // As the elements show them (2 decimals): every word its own figure, the deciding one never 0.00.
    const shown = e.words.map((w) => w.contribution.toFixed(2));
    expect(new Set(shown).size).toBe(shown.length);
    expect(Math.abs(Number(ranked[0]!.contribution.toFixed(2)))).toBeGreaterThan(0);
  });

  it("with the model's temperature, a two-label model's contributions are the plain ones divided by it", async () => {
    const text = '정말 재밌고 감동적인 영화';
    const plain = (await fp32.classify(text, { explain: true, calibrated: false })).explanation!.words.map((w) => w.contribution);
    const calibrated = (await fp32.classify(text, { explain: true })).explanation!.words.map((w) => w.contribution);
    const t = fp32.info().calibration?.temperature ?? 1;
    expect(typeof t).toBe('number');
    calibrated.forEach((c, i) => expect(c).toBeCloseTo(plain[i]! / (t as number), 4));
  });

  it('the sign says what a word pushes toward, whatever the label: a word for positive in a negative review', async () => {
    const r = await fp32.classify('최고의 배우 최악의 각본', { explain: true });
    const e = r.explanation!;
    expect(r.label).toBe('negative');
    const toPositive = (c: number) => (e.toward.includes('positive') ? c : -c);
    const by = Object.fromEntries(e.words.map((w) => [w.text, toPositive(w.contribution)]));
    expect(by['최고의']).toBeGreaterThan(0);
    expect(by['최악의']).toBeLessThan(0);
  });

  it('an empty or whitespace-only text gets no class and no explanation; the others keep their order', async () => {
    const rs = await fp32.classify(['좋아요', '', '  \n\t ', '\u200b', '별로예요'], { explain: true });
    expect(rs.map((r) => r.label)).toEqual(['positive', null, null, null, 'negative']);
    for (const r of rs.slice(1, 4)) expect(r).toEqual({ label: null, score: 0, scores: {}, labels: [], uncertain: true, empty: true });
    expect(rs[0]!.explanation!.words.map((w) => w.text)).toEqual(['좋아요']);
    expect(rs[4]!.empty).toBeUndefined();
  });

  it("int8's batch dependence never flips the sign of a contribution above 0.05", async () => {
    const flips: string[] = [];
    for (const [text] of CASES) {
      const batched = (await int8.classify(text, { explain: true })).explanation!.words;
      const alone = (await int8.classify(text, { explain: true, batchSize: 1 })).explanation!.words;
      batched.forEach((w, i) => {
        if (Math.abs(w.contribution) > 0.05 && Math.sign(w.contribution) !== Math.sign(alone[i]!.contribution)) flips.push(`${text}: ${w.text}`);
      });
    }
    expect(flips).toEqual([]);
  });

  it('a text longer than one window explains the words of the first window and says so', async () => {
    const text = Array.from({ length: 150 }, (_, i) => `단어${i}`).join(' ');
    const r = await fp32.classify(text, { explain: true, maxLength: 32 });
    expect(r.explanation!.complete).toBe(false);
    expect(r.explanation!.words.length).toBeGreaterThan(3);
    expect(r.explanation!.words.length).toBeLessThan(30);
    expect(r.explanation!.words[0]!.text).toBe('단어0');
  });
});

describe('explain: true on the multi-label ko-moderation', () => {
  const logit = (p: number) => Math.log(p) - Math.log1p(-p);
  it('each shown harmful label gets its own contributions (byLabel); words carry the explained label', async () => {
    const mod = await createClassifier({ model: join(import.meta.dirname, '../../../public/models/ko-moderation'), dtype: 'fp32', runtime: 'node', threads: 1 });
    try {
      const text = '좌빨 새끼들은 다 북한으로 꺼져라';
      const r = await mod.classify(text, { explain: true, calibrated: false });
      const e = r.explanation!;
      const shown = r.labels.map((l) => l.label).filter((l) => e.toward.includes(l));
      expect(shown).toContain('politics');
      expect(Object.keys(e.byLabel!).sort()).toEqual([...new Set([e.label, ...shown])].sort());
      expect(e.label).toBe(shown[0]);
      expect(e.words.map((w) => w.contribution)).toEqual(e.byLabel![e.label]);
      // Independently: ln odds of politics minus the mean ln odds of the against labels, with − without 북한으로.
      const i = e.words.findIndex((w) => w.text === '북한으로');
      const without = await mod.classify('좌빨 새끼들은 다 꺼져라', { calibrated: false });
      const side = (s: Record<string, number>) => logit(s.politics!) - (e.against.length ? e.against.reduce((a, l) => a + logit(s[l]!), 0) / e.against.length : 0);
      expect(e.byLabel!.politics![i]).toBeCloseTo(side(r.scores) - side(without.scores), 4);
      expect(e.byLabel!.politics![i]).toBeGreaterThan(0);
    } finally {
      await mod.dispose();
    }
  });
});
