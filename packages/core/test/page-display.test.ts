import { describe, expect, it } from 'vitest';
import { contributionStyle, explanationAxis, explanationSegments } from '../src/page/explanation-text.js';
import { describeResult, displayLocale, labelNames, unsureLabels } from '../src/page/result-text.js';
import type { Classification, Explanation } from '../src/types.js';

// What the elements, React and the demo show: the words of a result, not its numbers alone.
const names = { positive: '긍정', negative: '부정' };
const result = (over: Partial<Classification>): Classification => ({ label: 'negative', score: 0.62, scores: { negative: 0.62, positive: 0.38 }, labels: [{ label: 'negative', score: 0.62 }], uncertain: false, ...over });

describe('describeResult', () => {
  it('an uncertain result says 애매함 with its leaning, never the bare label', () => {
    expect(describeResult(result({ uncertain: true }), names, 'ko')).toEqual({ kind: 'uncertain', label: 'negative', text: '애매함 (부정 쪽 0.62)' });
    expect(describeResult(result({ uncertain: true }), {}, 'en')).toEqual({ kind: 'uncertain', label: 'negative', text: 'unsure (negative 0.62)' });
  });
  it('a sure result is its display name (the id without one); empty text shows nothing', () => {
    expect(describeResult(result({ score: 0.97 }), names, 'ko')).toEqual({ kind: 'sure', label: 'negative', text: '부정' });
    expect(describeResult(result({}), {}, null).text).toBe('negative');
    const empty: Classification = { label: null, score: 0, scores: {}, labels: [], uncertain: true, empty: true };
    expect(describeResult(empty, names, 'ko')).toEqual({ kind: 'empty', label: null, text: '' });
    expect(describeResult(null, names, 'ko').kind).toBe('empty');
  });
});

describe('unsureLabels', () => {
  const info = { problemType: 'multi_label_classification' as const, thresholds: { gender: 0.425, politics: 0.575, not_hate_speech: 0.475 }, uncertainty: { margin: 0.095 } };
  const mod = result({ label: 'politics', score: 0.96, scores: { gender: 0.4, politics: 0.96, not_hate_speech: 0.03 }, labels: [{ label: 'politics', score: 0.96 }], uncertain: true });
  it('a multi-label result is unsure about the labels near their threshold, not the others', () => {
    expect(unsureLabels(mod, info)).toEqual([{ label: 'gender', score: 0.4 }]);
    expect(unsureLabels({ ...mod, uncertain: false }, info)).toEqual([]);
    expect(unsureLabels(result({ uncertain: true }), { ...info, problemType: 'single_label_classification' })).toEqual([]);
  });
});

describe('displayLocale and labelNames', () => {
  const info = { defaultLocale: 'ko', displayNames: { ko: names } };
  it('the explicit locale, else the page lang, else the model default, else ids', () => {
    expect(displayLocale('en', 'ko', info)).toBe('en');
    expect(displayLocale(null, 'ko-KR', { defaultLocale: null })).toBe('ko-KR');
    expect(displayLocale('', '', info)).toBe('ko');
    expect(displayLocale(null, undefined, { defaultLocale: null })).toBeNull();
  });
  it('ko-KR finds the ko names; a locale the model does not name gives none', () => {
    expect(labelNames(info, 'ko-KR')).toEqual(names);
    expect(labelNames(info, 'en')).toEqual({});
    expect(labelNames(info, null)).toEqual({});
  });
});

const sentiment = (toward: string[], against: string[]): Explanation => ({
  label: 'negative',
  scale: 'log-odds',
  toward,
  against,
  words: [
    { text: '연기는', start: 0, end: 3, contribution: 1.2 },
    { text: '최악', start: 4, end: 6, contribution: -2.5 },
  ],
  complete: true,
});

describe('explanationAxis and contributionStyle: colour by what a word pushes toward', () => {
  it('sentiment: toward 긍정 is green, toward 부정 red, whatever the predicted label', () => {
    const axis = explanationAxis(sentiment(['positive'], ['negative']), names, 'ko');
    expect(axis.legend).toBe('초록 실선: 긍정 쪽 · 빨강 점선: 부정 쪽 (로그 오즈, ±0.69 = 2배)');
    expect(contributionStyle(1.2, axis)).toMatchObject({ colour: 'green', textDecoration: 'underline solid', label: '+1.20' });
    expect(contributionStyle(-2.5, axis)).toMatchObject({ colour: 'red', textDecoration: 'underline dotted', label: '−2.50' });
    // The fallback axis (predicted label vs the rest) reads the same way round.
    const fallback = explanationAxis(sentiment(['negative'], ['positive']), names, 'ko');
    expect(fallback.legend.startsWith('초록 실선: 긍정 쪽 · 빨강 점선: 부정 쪽')).toBe(true);
    expect(contributionStyle(2.5, fallback).colour).toBe('red');
  });
  it('hate speech: toward the harmful classes is red; moderation: each shown label against 해당사항없음', () => {
    const hate = explanationAxis(sentiment(['offensive', 'hate'], ['none']), { none: '없음', offensive: '공격적', hate: '혐오' }, 'ko');
    expect(hate.legend).toMatch(/^초록 실선: 없음 쪽 · 빨강 점선: 공격적\/혐오 쪽/);
    expect(contributionStyle(1, hate).colour).toBe('red');
    const mod: Explanation = { ...sentiment(['gender'], ['not_hate_speech']), byLabel: { gender: [0.5, 3], race: [-1, 0.2] } };
    const race = explanationAxis(mod, { race: '인종차별', not_hate_speech: '해당사항없음' }, 'ko', 'race');
    expect([race.green, race.red]).toEqual(['해당사항없음', '인종차별']);
    expect(race.legend).toMatch(/빨강 점선: 인종차별 쪽/);
    expect(explanationSegments('연기는 최악', mod, 'race').map((s) => s.contribution)).toEqual([-1, null, 0.2]);
    // Without an axis a multi-label model explains each label against nothing: still red toward it.
    const bare = explanationAxis({ ...mod, toward: ['gender', 'race'], against: [] }, { gender: '성차별' }, 'ko', 'gender');
    expect(bare.towardGreen).toBe(false);
    expect(bare.legend).toMatch(/^초록 실선: 성차별 아님 쪽 · 빨강 점선: 성차별 쪽/);
    // A model whose labels are neither positive nor harmless: green is toward.
    expect(explanationAxis(sentiment(['sports'], ['politics']), {}, 'en').legend).toMatch(/^green, solid: sports · red, dotted: politics/);
  });
  it('a saturated prediction still ranks words: tint strength follows |log-odds| up to 2', () => {
    expect(contributionStyle(0.02).textDecoration).toBe('none');
    expect(contributionStyle(0.5).background).toBe('rgba(34,197,94,0.27)');
    expect(contributionStyle(5).background).toBe('rgba(34,197,94,0.72)');
  });
});

describe('explanationSegments', () => {
  it('keeps the text between words and the words past the window', () => {
    expect(explanationSegments('연기는 최악 이다', sentiment(['positive'], ['negative']))).toEqual([
      { text: '연기는', contribution: 1.2 },
      { text: ' ', contribution: null },
      { text: '최악', contribution: -2.5 },
      { text: ' 이다', contribution: null },
    ]);
  });
});
