import { createElement } from 'react';
import { renderToString } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { Classification, Explanation } from '@ko-classify/core';
import { ClassificationLabel, ClassifierProvider, ExplainedText } from '../src/index.js';

// What the components show, rendered as the server would (no model there: label ids, no names).
const result = (over: Partial<Classification>): Classification => ({ label: 'negative', score: 0.62, scores: { negative: 0.62, positive: 0.38 }, labels: [{ label: 'negative', score: 0.62 }], uncertain: false, ...over });
const inProvider = (child: ReturnType<typeof createElement>) => renderToString(createElement(ClassifierProvider, { options: { model: 'ko-sentiment' }, locale: 'ko' }, child));

describe('<ClassificationLabel>', () => {
  it('an uncertain result reads 애매함 with its leaning; a sure one its label; empty text nothing', () => {
    expect(inProvider(createElement(ClassificationLabel, { result: result({ uncertain: true }) }))).toContain('애매함 (negative 쪽 0.62)');
    expect(inProvider(createElement(ClassificationLabel, { result: result({ uncertain: true }) }))).toContain('data-uncertain=""');
    expect(inProvider(createElement(ClassificationLabel, { result: result({ score: 0.98 }) }))).toMatch(/data-label="negative"[^>]*>negative</);
    expect(inProvider(createElement(ClassificationLabel, { result: { label: null, score: 0, scores: {}, labels: [], uncertain: true, empty: true } }))).toBe('');
  });
});

describe('<ExplainedText>', () => {
  it('colours by the side a word pushes toward, with the legend visible; works outside a provider', () => {
    const explanation: Explanation = { label: 'negative', scale: 'log-odds', toward: ['positive'], against: ['negative'], complete: true, words: [{ text: '좋았지만', start: 0, end: 4, contribution: 1.5 }, { text: '최악', start: 5, end: 7, contribution: -3 }] };
    const html = inProvider(createElement(ExplainedText, { text: '좋았지만 최악', explanation }));
    expect(html).toContain('초록 실선: positive 쪽 · 빨강 점선: negative 쪽 (로그 오즈, ±0.69 = 2배)');
    expect(html).toMatch(/aria-label="좋았지만: positive \+1\.50"[^>]*data-colour="green"/);
    expect(html).toMatch(/aria-label="최악: negative −3\.00"[^>]*data-colour="red"/);
    expect(renderToString(createElement(ExplainedText, { text: '좋았지만 최악', explanation, locale: 'en' }))).toContain('green, solid: positive · red, dotted: negative');
  });
});
