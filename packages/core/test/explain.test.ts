import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClassifier } from '../src/node/client.js';
import type { Classifier } from '../src/types.js';

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

describe('explain: true', () => {
  it.each(CASES)('%s: the strongest word is %s', async (text, word) => {
    const r = await int8.classify(text, { explain: true });
    const strongest = [...r.explanation!.words].sort((a, b) => b.contribution - a.contribution)[0]!;
    expect(strongest.text).toBe(word);
    expect(r.explanation!.label).toBe(r.label);
  });

  it('contributions are the label probability with the word minus without it, with offsets into the text', async () => {
    const text = '배우들 연기는 좋았지만   스토리가 최악이었다';
    const r = await fp32.classify(text, { explain: true });
    const words = r.explanation!.words;
    expect(words.map((w) => text.slice(w.start, w.end))).toEqual(['배우들', '연기는', '좋았지만', '스토리가', '최악이었다']);
    const without = await fp32.classify('배우들 연기는 좋았지만 스토리가');
    expect(words[4]!.contribution).toBeCloseTo(r.scores[r.label]! - without.scores[r.label]!, 6);
    expect(r.explanation!.complete).toBe(true);
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
