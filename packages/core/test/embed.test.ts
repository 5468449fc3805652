import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ortNode from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine, type OrtModule } from '../src/engine/engine.js';
import { parseModelConfig } from '../src/engine/model-config.js';
import { KoClassifyError } from '../src/errors.js';
import { fixtureFiles, FIXTURE, maxAbsDiff } from './helpers.js';

// ko-sentence's embeddings against PyTorch (the lead's golden: Python sentencepiece ids and fp32
// embeddings of the literal Hugging Face attention), int8 close to them, every row unit length, and
// the same text's int8 embedding bit-identical alone and inside a batch of texts of other lengths.
const DIR = process.env.KO_SENTENCE_DIR ?? join(import.meta.dirname, '../../../public/models/ko-sentence');
const golden = JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures/ko-sentence-golden.json'), 'utf8')) as {
  model: string;
  space: string;
  max_length: number;
  texts: string[];
  input_ids: number[][];
  embeddings: number[][];
};

const norm = (v: ArrayLike<number>) => Math.sqrt(Array.from(v).reduce((s, x) => s + x * x, 0));
const cosine = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((s, x, i) => s + x * b[i]!, 0) / (norm(a) * norm(b));

describe('ko-sentence config', () => {
  it('reads sentence_embedding: no labels, the dim, space and output', () => {
    const c = parseModelConfig(JSON.parse(readFileSync(join(DIR, 'config.json'), 'utf8')));
    expect(c.labels).toEqual([]);
    expect(c.embedding).toEqual({ dim: 256, space: golden.space, output: 'sentence_embedding' });
    expect(c.defaultLocale).toBe('ko');
  });

  it('refuses a malformed sentence_embedding, naming the field', () => {
    const base = { model_type: 'deberta-v2' };
    expect(() => parseModelConfig({ ...base, sentence_embedding: { dim: 0, space: 's' } })).toThrow(/sentence_embedding.dim/);
    expect(() => parseModelConfig({ ...base, sentence_embedding: { dim: 8 } })).toThrow(/sentence_embedding.space/);
    expect(() => parseModelConfig({ ...base, sentence_embedding: 'mean' })).toThrow(/sentence_embedding must be/);
    expect(parseModelConfig({ ...base, sentence_embedding: { dim: 8, space: 's' } }).embedding).toEqual({ dim: 8, space: 's', output: 'sentence_embedding' });
  });
});

// onnxruntime-web (the browser's WASM kernels) gives a text's int8 embedding bit-identical alone and
// in any batch. onnxruntime-node's CPU ReduceSum (the graph's mean pooling) adds a batch's rows in
// another order than one row's, so there the same text differs by an ulp or two (every token's state
// is bit-identical: measured on the pooling's input); the test holds it to 1e-6.
describe.each([
  ['onnxruntime-node', ortNode as unknown as OrtModule, 1e-6],
  ['onnxruntime-web', ortWeb as unknown as OrtModule, 0],
])('ko-sentence on %s', (_name, ort, tolerance) => {
  let fp32: Engine;
  let int8: Engine;
  beforeAll(async () => {
    fp32 = await Engine.create(ort, fixtureFiles(DIR, 'onnx/model.onnx'));
    int8 = await Engine.create(ort, fixtureFiles(DIR, 'onnx/model_int8.onnx'));
  }, 120_000);
  afterAll(async () => {
    await fp32?.release();
    await int8?.release();
  });

  it('tokenizes as Python sentencepiece does', () => {
    expect(fp32.tokenizer.maxLength).toBe(golden.max_length);
    expect(fp32.encode(golden.texts).map((e) => e.ids)).toEqual(golden.input_ids);
  });

  it('fp32 embeddings match PyTorch within 1e-4, unit length', async () => {
    const rows = await fp32.embed(golden.texts);
    expect(rows).toHaveLength(golden.texts.length);
    const worst = Math.max(...rows.map((r, i) => maxAbsDiff(r, golden.embeddings[i]!)));
    expect(worst).toBeLessThan(1e-4);
    for (const r of rows) {
      expect(r).toBeInstanceOf(Float32Array);
      expect(r.length).toBe(256);
      expect(Math.abs(norm(r) - 1)).toBeLessThan(1e-6);
    }
  }, 120_000);

  it('int8 embeddings: cosine ≥ 0.98 to PyTorch, unit length', async () => {
    const rows = await int8.embed(golden.texts);
    const cos = rows.map((r, i) => cosine(r, golden.embeddings[i]!));
    expect(Math.min(...cos)).toBeGreaterThanOrEqual(0.98);
    for (const r of rows) expect(Math.abs(norm(r) - 1)).toBeLessThan(1e-6);
  }, 120_000);

  it(`int8: the same text alone and inside batches of other lengths gives ${tolerance ? `an embedding within ${tolerance}` : 'a bit-identical embedding'}`, async () => {
    const texts = golden.texts;
    const alone: Float32Array[] = [];
    for (const t of texts) alone.push((await int8.embed([t]))[0]!);
    const whole = await int8.embed(texts, { batchSize: 64 });
    const reversed = (await int8.embed([...texts].reverse(), { batchSize: 7 })).reverse();
    const same = (a: Float32Array, b: Float32Array) => a.length === b.length && a.every((x, i) => (tolerance ? Math.abs(x - b[i]!) <= tolerance : Object.is(x, b[i]!)));
    expect(texts.filter((_, i) => !same(alone[i]!, whole[i]!))).toEqual([]);
    expect(texts.filter((_, i) => !same(alone[i]!, reversed[i]!))).toEqual([]);
  }, 300_000);

  it('refuses an empty text, a non-string and classify(), each naming the fix', async () => {
    await expect(fp32.embed(['좋아요', '  \u200b '])).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/text 1 is empty: an empty text has no embedding/) });
    await expect(fp32.embed(['좋아요', 3])).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/text 1 is a number/) });
    await expect(fp32.embed(['좋아요'], { batchSize: 0 })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(fp32.classify(['좋아요'])).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/sentence encoder: use createEncoder\(\)\/embed\(\), or teach\(\) a head/) });
    expect(await fp32.embed([])).toEqual([]);
  });

  it('stops between batches when the checkpoint throws', async () => {
    let calls = 0;
    const stop = () => {
      if (++calls === 2) throw new KoClassifyError('ABORTED', 'the call was aborted');
    };
    await expect(fp32.embed(golden.texts, { batchSize: 4 }, stop)).rejects.toMatchObject({ code: 'ABORTED' });
    expect(calls).toBe(2);
  });
});

describe('a classifier model', () => {
  it('refuses embed(), naming classify()', async () => {
    if (!existsSync(FIXTURE)) return;
    const engine = await Engine.create(ortNode as unknown as OrtModule, fixtureFiles());
    try {
      expect(engine.config.embedding).toBeNull();
      await expect(engine.embed(['좋아요'])).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/classify\(\)/) });
    } finally {
      await engine.release();
    }
  });
});
