import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClassifier, createEncoder, similarity, teach, type Encoder, type HeadJson } from '../src/node/index.js';
import { FIXTURE } from './helpers.js';

// @ko-classify/core/node's createEncoder: the Encoder contract (embed, teach, classifier(head)) on
// ko-sentence in-process; embeddings equal the engine's (golden-checked in embed.test.ts).
const DIR = process.env.KO_SENTENCE_DIR ?? join(import.meta.dirname, '../../../public/models/ko-sentence');
const golden = JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures/ko-sentence-golden.json'), 'utf8')) as { space: string; texts: string[]; embeddings: number[][] };
const reviews = readFileSync(join(import.meta.dirname, 'fixtures/nsmc-dev-sample.tsv'), 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((l) => l.split('\t'))
  .map(([, text, label]) => ({ text: text!, label: label === '1' ? '긍정' : '부정' }))
  .filter((e) => e.text.trim().length > 0);
const examples = reviews.slice(0, 200);
const held = reviews.slice(200, 260);

const norm = (v: ArrayLike<number>) => Math.sqrt(Array.from(v).reduce((s, x) => s + x * x, 0));

describe('createEncoder (Node)', () => {
  let enc: Encoder;
  beforeAll(async () => {
    enc = await createEncoder({ model: DIR, dtype: 'fp32', runtime: 'node', threads: 1 });
  }, 120_000);
  afterAll(() => enc?.dispose());

  it('info() names the embedding space; embed() gives unit rows equal to PyTorch', async () => {
    expect(enc.info().embedding).toEqual({ dim: 256, space: golden.space });
    expect(enc.info().labels).toEqual([]);
    const one = await enc.embed(golden.texts[0]!);
    expect(one).toBeInstanceOf(Float32Array);
    expect(one.length).toBe(256);
    const many = await enc.embed(golden.texts.slice(0, 5));
    expect(many).toHaveLength(5);
    // onnxruntime-node sums a batch's rows in another order than one row (embed.test.ts): within 1e-6.
    expect(Math.max(...Array.from(one, (x, k) => Math.abs(x - many[0]![k]!)))).toBeLessThan(1e-6);
    for (const [i, r] of many.entries()) {
      expect(Math.abs(norm(r) - 1)).toBeLessThan(1e-6);
      expect(Math.max(...Array.from(r, (x, k) => Math.abs(x - golden.embeddings[i]![k]!)))).toBeLessThan(1e-4);
    }
  });

  it('similarity is the cosine: 1 for the same text, refusing mismatched or zero vectors', async () => {
    const [a, b] = await enc.embed(golden.texts.slice(0, 2));
    expect(similarity(a!, a!)).toBeCloseTo(1, 6);
    const dot = Array.from(a!).reduce((s, x, i) => s + x * b![i]!, 0);
    expect(similarity(a!, b!)).toBeCloseTo(dot, 6);
    expect(() => similarity(a!, new Float32Array(3))).toThrow(/a has 256 values and b 3/);
    expect(() => similarity(new Float32Array(256), a!)).toThrow(/zero vector/);
  });

  it('refuses an empty text and a non-string, naming them', async () => {
    await expect(enc.embed(['좋아요', ' '])).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/text 1 is empty/) });
    await expect(enc.embed([1 as unknown as string])).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/text 0 is a number/) });
  });

  it('cancels through an AbortSignal', async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(enc.embed(golden.texts, { signal: ac.signal })).rejects.toMatchObject({ code: 'ABORTED' });
  });

  it('teaches 200 examples: a head of the encoder space, classify with the Classification contract', async () => {
    const t0 = performance.now();
    const clf = await enc.teach(examples, { name: 'nsmc' });
    const ms = performance.now() - t0;
    console.log(`teach 200 examples (Node, fp32, 1 thread): ${ms.toFixed(0)} ms; cvAccuracy ${clf.head.trained.cvAccuracy}`);
    expect(clf.head).toMatchObject({ format: 'ko-classify-head', version: 1, name: 'nsmc', labels: ['긍정', '부정'], encoder: { model: DIR, space: golden.space, dim: 256 } });
    expect(clf.info()).toMatchObject({ labels: ['긍정', '부정'], problemType: 'single_label_classification', head: { name: 'nsmc', labels: ['긍정', '부정'], space: golden.space }, embedding: { dim: 256, space: golden.space } });
    const results = await clf.classify([...held.map((e) => e.text), '   ']);
    for (const r of results.slice(0, -1)) {
      expect(['긍정', '부정']).toContain(r.label);
      expect(r.score).toBe(r.scores[r.label!]);
      expect(r.labels).toEqual([{ label: r.label, score: r.score }]);
      expect(typeof r.uncertain).toBe('boolean');
      expect(r.scores['긍정']! + r.scores['부정']!).toBeCloseTo(1, 6);
    }
    expect(results.at(-1)).toEqual({ label: null, score: 0, scores: {}, labels: [], uncertain: true, empty: true });
    const single = await clf.classify(held[0]!.text);
    expect(single.label).toBe(results[0]!.label);
    expect(single.score).toBeCloseTo(results[0]!.score, 5);
    await expect(clf.classify('좋아요', { explain: true })).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/explanations are not available for taught heads/) });

    // The head's JSON loads back without retraining and classifies the same.
    const back = await enc.classifier(JSON.stringify(clf.head));
    expect(await back.classify(held.map((e) => e.text))).toEqual(results.slice(0, -1));
    await clf.dispose();
    await expect(clf.classify('좋아요')).rejects.toMatchObject({ code: 'DISPOSED' });
    expect((await back.classify('좋아요')).label).not.toBeNull(); // disposing one leaves the encoder
  }, 120_000);

  it('refuses a head of another space (HEAD_MISMATCH, naming both) and a non-head (HEAD_INVALID)', async () => {
    const clf = await enc.teach(examples.slice(0, 20));
    const other: HeadJson = { ...clf.head, encoder: { ...clf.head.encoder, space: 'ko-sentence-00000000' } };
    await expect(enc.classifier(other)).rejects.toMatchObject({ code: 'HEAD_MISMATCH', message: expect.stringMatching(new RegExp(`ko-sentence-00000000.*${golden.space}.*teach it again`)) });
    await expect(enc.classifier('{"format": "something"}')).rejects.toMatchObject({ code: 'HEAD_INVALID', message: expect.stringMatching(/re-export it with teach\(\)/) });
    await expect(enc.classifier('not json')).rejects.toMatchObject({ code: 'HEAD_INVALID' });
    await expect(enc.teach([{ text: '좋아요', label: 'a' }])).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  }, 120_000);
});

describe('models of the other kind', () => {
  it('createEncoder on a classifier is INVALID_INPUT naming createClassifier()', async () => {
    await expect(createEncoder({ model: FIXTURE, runtime: 'node' })).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/is a classifier, not a sentence encoder: use createClassifier\(\)/) });
  });

  it('classify() on an encoder is INVALID_INPUT naming createEncoder()', async () => {
    const clf = await createClassifier({ model: DIR, dtype: 'fp32', runtime: 'node' });
    try {
      await expect(clf.classify('좋아요')).rejects.toMatchObject({ code: 'INVALID_INPUT', message: `${DIR} is a sentence encoder: use createEncoder()/embed(), or teach() a head` });
    } finally {
      await clf.dispose();
    }
  });

  it('teach() loads an encoder and owns it; disposing the encoder fails its taught classifiers', async () => {
    const clf = await teach({ model: DIR, dtype: 'fp32', runtime: 'node', examples: examples.slice(0, 40) });
    expect(clf.info().labels).toEqual(['긍정', '부정']);
    await clf.dispose();
    await expect(clf.classify('좋아요')).rejects.toMatchObject({ code: 'DISPOSED' });
    const enc = await createEncoder({ model: DIR, dtype: 'fp32', runtime: 'node' });
    const taught = await enc.teach(examples.slice(0, 40));
    await enc.dispose();
    await expect(taught.classify('좋아요')).rejects.toMatchObject({ code: 'DISPOSED' });
    await expect(enc.embed('좋아요')).rejects.toMatchObject({ code: 'DISPOSED' });
  }, 120_000);
});
