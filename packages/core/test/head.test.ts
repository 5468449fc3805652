import { describe, expect, it } from 'vitest';
import { HEAD_FORMAT, headConfig, headLogits, parseHead, trainHead, validateExamples, type HeadJson } from '../src/engine/head.js';
import { headRows } from '../src/engine/head-features.js';
import { rowLogits } from '../src/engine/head-fit.js';
import { fitSoftmaxKernel, gram } from '../src/engine/head-kernel.js';
import { postprocess } from '../src/engine/postprocess.js';

const ENCODER = { model: 'ko-sentence', space: 'ko-sentence-0123abcd', dim: 16 };

/** mulberry32, so the synthetic data is the same on every run. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Unit vectors around one centre per label (axis c), `noise` apart. */
function clusters(perLabel: number, labels: string[], dim: number, noise: number, seed = 1) {
  const r = rng(seed);
  const embeddings: Float32Array[] = [];
  const texts: string[] = [];
  const gold: string[] = [];
  for (let i = 0; i < perLabel; i++) {
    labels.forEach((l, c) => {
      const v = Float32Array.from({ length: dim }, (_, j) => (j === c ? 1 : 0) + noise * (r() - 0.5));
      const n = Math.hypot(...v);
      embeddings.push(v.map((x) => x / n));
      texts.push(`예문 ${texts.length}`);
      gold.push(l);
    });
  }
  return { embeddings, texts, labels: gold };
}

const errorOf = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return e as { code: string; message: string };
  }
  throw new Error('did not throw');
};

describe('validateExamples', () => {
  it('returns the texts and labels in order', () => {
    expect(validateExamples([{ text: '좋아요', label: '긍정' }, { text: '싫어요', label: '부정' }])).toEqual({ texts: ['좋아요', '싫어요'], labels: ['긍정', '부정'] });
  });
  it.each([
    ['not an array', { text: 'a', label: 'x' }, /must be an array/],
    ['one label only', [{ text: '좋아요', label: '긍정' }, { text: '최고', label: '긍정' }], /add examples of a second label/],
    ['no examples', [], /add examples of at least two labels/],
    ['an empty text', [{ text: 'a', label: 'x' }, { text: 'b', label: 'y' }, { text: 'c', label: 'x' }, { text: 'd', label: 'y' }, { text: ' \u200b ', label: 'x' }], /text 4 is empty/],
    ['a non-string text', [{ text: 3, label: 'x' }, { text: 'b', label: 'y' }], /text 0 must be a string/],
    ['an empty label', [{ text: 'a', label: '' }, { text: 'b', label: 'y' }], /label 0 is empty/],
    ['a non-string label', [{ text: 'a', label: 1 }, { text: 'b', label: 'y' }], /label 0 must be a string/],
    ['a non-object example', ['a', { text: 'b', label: 'y' }], /example 0 must be an object/],
    ['257 labels', Array.from({ length: 257 }, (_, i) => ({ text: `t${i}`, label: `l${i}` })), /at most 256 labels/],
    ['10,001 examples', Array.from({ length: 10_001 }, (_, i) => ({ text: `t${i}`, label: `l${i % 2}` })), /at most 10000 examples/],
  ])('%s: INVALID_INPUT naming the fix', (_, examples, message) => {
    const e = errorOf(() => validateExamples(examples));
    expect(e.code).toBe('INVALID_INPUT');
    expect(e.message).toMatch(message);
  });
  it('keeps duplicated texts with different labels', () => {
    expect(validateExamples([{ text: '그냥', label: 'a' }, { text: '그냥', label: 'b' }]).texts).toEqual(['그냥', '그냥']);
  });
});

describe('trainHead', () => {
  const data = clusters(12, ['긍정', '부정', '중립'], ENCODER.dim, 0.8);
  const head = trainHead(data.embeddings, data.texts, data.labels, ENCODER, { name: 'tone' });

  it('writes a version-1 head naming its encoder, labels in order of first appearance, and what it was trained on', () => {
    expect(head).toMatchObject({ format: HEAD_FORMAT, version: 1, name: 'tone', encoder: ENCODER, labels: ['긍정', '부정', '중립'], features: { embedding: true } });
    expect(head.trained).toMatchObject({ examples: 36, perLabel: { 긍정: 12, 부정: 12, 중립: 12 } });
    expect(head.trained.cvAccuracy).toBeGreaterThan(0.9);
    expect(head.temperature).toBeGreaterThan(0);
    expect(head.uncertainty.min_score).toBeGreaterThanOrEqual(0);
    expect(JSON.parse(JSON.stringify(head))).toEqual(head);
  });

  it('is deterministic: the same examples give the same JSON but for trained.ms and .at', () => {
    const again = trainHead(data.embeddings, data.texts, data.labels, ENCODER, { name: 'tone' });
    const strip = (h: HeadJson) => JSON.stringify({ ...h, trained: { ...h.trained, ms: 0, at: '' } });
    expect(strip(again)).toBe(strip(head));
  });

  it('classifies new points of each cluster, through postprocess with headConfig (softmax of logits / temperature)', () => {
    const fresh = clusters(4, ['긍정', '부정', '중립'], ENCODER.dim, 0.8, 99);
    const parsed = parseHead(head, ENCODER);
    const logits = headLogits(parsed, fresh.embeddings, fresh.texts);
    const results = logits.map((z) => postprocess(z, headConfig(parsed)));
    expect(results.map((r) => r.label)).toEqual(fresh.labels);
    const z = logits[0]!;
    const e = Array.from(z, (v) => Math.exp(v / head.temperature));
    expect(results[0]!.score).toBeCloseTo(e[0]! / e.reduce((a, b) => a + b, 0), 6);
    expect(results[0]!.uncertain).toBe(results[0]!.score < head.uncertainty.min_score);
  });

  it('a label with one example: no folds, so cvAccuracy null, temperature 1, nothing flagged', () => {
    const h = trainHead(data.embeddings.slice(0, 3), data.texts.slice(0, 3), data.labels.slice(0, 3), ENCODER);
    expect(h.trained.cvAccuracy).toBeNull();
    expect(h.temperature).toBe(1);
    expect(h.uncertainty.min_score).toBe(0);
  });

  it('overlapping clusters: out-of-fold errors give an uncertain band that flags the wrong more than the right', () => {
    const noisy = clusters(30, ['a', 'b'], ENCODER.dim, 2.5, 7);
    const h = trainHead(noisy.embeddings, noisy.texts, noisy.labels, ENCODER);
    expect(h.trained.cvAccuracy).toBeLessThan(1);
    expect(h.uncertainty.min_score).toBeGreaterThan(0.5);
  });

  it('with hashed n-grams it reads the text too: one embedding for all, the words decide (weights of 16 + 256 features)', () => {
    const same = Float32Array.from({ length: ENCODER.dim }, () => 1 / Math.sqrt(ENCODER.dim));
    const texts = ['배송이 빨라요', '배송 정말 빨라요', '빨라서 좋아요 배송', '포장이 엉망이에요', '포장 엉망', '엉망인 포장'];
    const labels = ['배송', '배송', '배송', '포장', '포장', '포장'];
    const ngrams = { n: [1, 2, 3], buckets: 256 };
    const h = trainHead(texts.map(() => same), texts, labels, ENCODER, { ngrams, ngramWeight: 2, lambda: 1e-2 });
    expect(h.features.ngrams).toEqual(ngrams);
    const parsed = parseHead(JSON.parse(JSON.stringify(h)), ENCODER);
    expect(parsed.featureDim).toBe(16 + 256);
    const fresh = ['배송은 빨랐어요', '포장 상태가 엉망'];
    const out = headLogits(parsed, fresh.map(() => same), fresh).map((z) => postprocess(z, headConfig(parsed)).label);
    expect(out).toEqual(['배송', '포장']);
    // The stored weights read plain n-gram features: the same logits as the fit on features scaled by ngramWeight.
    const scaled = headRows(texts.map(() => same), texts, ngrams, 2);
    const gold = labels.map((l) => (l === '배송' ? 0 : 1));
    const ref = fitSoftmaxKernel(scaled, gram(scaled), [0, 1, 2, 3, 4, 5], gold, 2, 16 + 256, 1e-2);
    const mine = headLogits(parsed, texts.map(() => same), texts);
    scaled.forEach((r, i) => rowLogits(ref.w, ref.bias, 16 + 256, r).forEach((z, c) => expect(mine[i]![c]).toBeCloseTo(z, 4)));
    const plain = trainHead(texts.map(() => same), texts, labels, ENCODER, { ngrams: null });
    expect(headLogits(parseHead(plain), [same], ['배송은 빨랐어요'])[0]![0]).toBeCloseTo(headLogits(parseHead(plain), [same], ['포장 상태가 엉망'])[0]![0]!, 6);
  });

  it('chooses the n-gram weight by out-of-fold NLL: more when the words decide, less when the embedding does', () => {
    const ngrams = { n: [1, 2, 3], buckets: 256 };
    const strip = (h: HeadJson) => JSON.stringify({ ...h, trained: { ...h.trained, ms: 0, at: '' } });
    const same = Float32Array.from({ length: ENCODER.dim }, () => 1 / Math.sqrt(ENCODER.dim));
    const words = ['배송이 빨라요', '배송 정말 빨라요', '빨라서 좋아요 배송', '배송 빠름', '포장이 엉망이에요', '포장 엉망', '엉망인 포장', '포장 별로'];
    const wl = ['배송', '배송', '배송', '배송', '포장', '포장', '포장', '포장'];
    const pick = trainHead(words.map(() => same), words, wl, ENCODER, { ngrams, ngramWeight: [0.5, 2] });
    expect(strip(pick)).toBe(strip(trainHead(words.map(() => same), words, wl, ENCODER, { ngrams, ngramWeight: 2 })));
    const emb = clusters(6, ['a', 'b'], ENCODER.dim, 0.5, 3);
    const pickEmb = trainHead(emb.embeddings, emb.texts, emb.labels, ENCODER, { ngrams, ngramWeight: [2, 0.5] });
    expect(strip(pickEmb)).toBe(strip(trainHead(emb.embeddings, emb.texts, emb.labels, ENCODER, { ngrams, ngramWeight: 0.5 })));
  });

  it('refuses embeddings of another dim, and counts that do not match', () => {
    expect(errorOf(() => trainHead([new Float32Array(3), new Float32Array(3)], ['a', 'b'], ['x', 'y'], ENCODER)).message).toMatch(/embedding 0 has 3 values, the encoder's dim is 16/);
    expect(errorOf(() => trainHead(data.embeddings.slice(0, 1), ['a', 'b'], ['x', 'y'], ENCODER)).code).toBe('INVALID_INPUT');
  });
});

describe('parseHead', () => {
  const data = clusters(3, ['x', 'y'], ENCODER.dim, 0.5);
  const head = trainHead(data.embeddings, data.texts, data.labels, ENCODER);

  it('reads a head or its JSON text, decoding the weights', () => {
    const parsed = parseHead(JSON.stringify(head));
    expect(parsed.json).toEqual(head);
    expect(parsed.weights.length).toBe(2 * parsed.featureDim);
  });

  it.each([
    ['not JSON', '{', /not JSON/],
    ['not an object', [1], /not a JSON object/],
    ['another format', { ...head, format: 'onnx' }, /format is "onnx"/],
    ['an unknown version', { ...head, version: 2 }, /version 2 is not one/],
    ['weights of the wrong size', { ...head, weights: head.weights.slice(0, 8) }, /weights must be base64 of 2 × 4112/],
    ['weights that are not base64', { ...head, weights: '@@@@' }, /weights must be base64/],
    ['one label', { ...head, labels: ['x'] }, /labels must be/],
    ['a bias per label missing', { ...head, bias: [0] }, /bias must be 2 numbers/],
    ['a non-positive temperature', { ...head, temperature: 0 }, /temperature/],
    ['no encoder', { ...head, encoder: null }, /encoder must be/],
  ])('%s: HEAD_INVALID, naming teach() as the fix', (_, json, message) => {
    const e = errorOf(() => parseHead(json));
    expect(e.code).toBe('HEAD_INVALID');
    expect(e.message).toMatch(message);
    expect(e.message).toMatch(/re-export it with teach\(\)/);
  });

  it('HEAD_MISMATCH for a head of another space or dim, naming both spaces', () => {
    const e = errorOf(() => parseHead(head, { space: 'ko-sentence-ffffffff', dim: 16, model: 'ko-sentence' }));
    expect(e.code).toBe('HEAD_MISMATCH');
    expect(e.message).toMatch(/ko-sentence-0123abcd.*ko-sentence-ffffffff.*teach it again on ko-sentence/);
    expect(errorOf(() => parseHead(head, { space: ENCODER.space, dim: 32 })).code).toBe('HEAD_MISMATCH');
  });
});
