import * as ortNode from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import { Engine, type OrtModule } from '../src/engine/engine.js';
import { normalizeInput } from '../src/engine/tokenize.js';
import { fixtureFiles, golden, maxAbsDiff } from './helpers.js';

// Golden ids come from Python sentencepiece and golden logits from PyTorch (training/make_fixture.py):
// an independent reference, never this code.
const runtimes: [string, OrtModule][] = [
  ['onnxruntime-node', ortNode as unknown as OrtModule],
  ['onnxruntime-web (wasm in Node)', ortWeb as unknown as OrtModule],
];

describe.each(runtimes)('engine on the tiny DeBERTa-v2 fixture via %s', (_name, ort) => {
  const enginePromise = Engine.create(ort, fixtureFiles(), { maxLength: golden.max_length });

  it('tokenizes exactly like Python sentencepiece (ids and type ids)', async () => {
    const engine = await enginePromise;
    for (const c of golden.cases) {
      const enc = engine.tokenizer.encode(normalizeInput(c.textPair === undefined ? c.text : { text: c.text, textPair: c.textPair }, 0));
      expect(enc.ids, JSON.stringify(c.text)).toEqual(c.input_ids);
      expect(enc.typeIds, JSON.stringify(c.text)).toEqual(c.token_type_ids);
    }
  });

  it('gives PyTorch logits within 1e-4, one sentence per run', async () => {
    const engine = await enginePromise;
    for (const c of golden.cases) {
      const ids = BigInt64Array.from(c.input_ids.map(BigInt));
      const mask = new BigInt64Array(ids.length).fill(1n);
      const types = BigInt64Array.from(c.token_type_ids.map(BigInt));
      const logits = await engine.run(ids, mask, types, 1, ids.length);
      expect(maxAbsDiff(logits, c.logits), JSON.stringify(c.text)).toBeLessThan(1e-4);
    }
  });

  it('gives the same logits in a padded, length-sorted batch', async () => {
    const engine = await enginePromise;
    const texts = golden.padded_batch.indices.map((i) => golden.cases[i]!.text);
    const results = await engine.classify(texts, { batchSize: 8 });
    golden.padded_batch.logits.forEach((row, i) => {
      const probs = results[i]!.scores;
      const max = Math.max(...row);
      const exps = row.map((v) => Math.exp(v - max));
      const sum = exps.reduce((a, b) => a + b, 0);
      const expected = exps.map((e) => e / sum);
      expect(maxAbsDiff(Object.values(probs), expected)).toBeLessThan(1e-4);
    });
  });

  it('classifies NFD Hangul exactly like NFC', async () => {
    const engine = await enginePromise;
    const nfd = golden.cases.find((c) => c.nfd_of !== undefined)!;
    expect(nfd.text).not.toEqual(nfd.text.normalize('NFC'));
    const [a, b] = await engine.classify([nfd.text, golden.cases[nfd.nfd_of!]!.text]);
    expect(a).toEqual(b);
  });

  it('maps labels from config.json id2label with softmax scores', async () => {
    const engine = await enginePromise;
    const [r] = await engine.classify([golden.cases[0]!.text]);
    expect(Object.keys(r!.scores)).toEqual(['negative', 'neutral', 'positive']);
    const total = Object.values(r!.scores).reduce((a, b) => a + b, 0);
    expect(total).toBeCloseTo(1, 6);
    const best = Object.entries(r!.scores).sort((x, y) => y[1] - x[1])[0]!;
    expect(r!.label).toBe(best[0]);
    expect(r!.score).toBe(best[1]);
  });

  it('returns results in input order for many inputs across batches', async () => {
    const engine = await enginePromise;
    const texts = golden.cases.map((c) => c.text);
    const many = Array.from({ length: 70 }, (_, i) => texts[i % texts.length]!);
    const batched = await engine.classify(many, { batchSize: 4 });
    const single = await Promise.all(texts.map(async (t) => (await engine.classify([t]))[0]!));
    batched.forEach((r, i) => {
      const s = single[i % texts.length]!;
      expect(r.label).toBe(s.label);
      expect(maxAbsDiff(Object.values(r.scores), Object.values(s.scores))).toBeLessThan(1e-5);
    });
  });
});

describe('longText: window', () => {
  const enginePromise = Engine.create(ortNode as unknown as OrtModule, fixtureFiles(), { maxLength: golden.max_length });

  it("averages the window scores PyTorch gives for Python's windows over the whole text", async () => {
    const engine = await enginePromise;
    const { text, windows, logits } = golden.window_case;
    expect(windows.length).toBeGreaterThan(2);
    // The windows themselves: Python's ids, cut by the documented rule (make_fixture.py).
    expect(engine.tokenizer.encodeWindows(normalizeInput(text, 0)).map((w) => w.ids)).toEqual(windows);
    const probs = logits.map((row) => {
      const e = row.map((v) => Math.exp(v - Math.max(...row)));
      const sum = e.reduce((x, y) => x + y, 0);
      return e.map((v) => v / sum);
    });
    const mean = probs[0]!.map((_, j) => probs.reduce((acc, p) => acc + p[j]!, 0) / probs.length);
    const [r] = await engine.classify([text], { longText: 'window' });
    expect(maxAbsDiff(Object.values(r!.scores), mean)).toBeLessThan(1e-4);
    const [truncated] = await engine.classify([text]);
    expect(truncated!.scores).not.toEqual(r!.scores);
    const [short] = await engine.classify(['짧은 문장'], { longText: 'window' });
    const [shortPlain] = await engine.classify(['짧은 문장']);
    expect(short).toEqual(shortPlain);
  });

  it('rejects an unknown longText mode', async () => {
    const engine = await enginePromise;
    await expect(engine.classify(['x'], { longText: 'summarize' as 'window' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });
});

describe('whole-text tokenization in chunks', () => {
  it('gives the same windows as tokenizing in one piece, and handles texts far past one chunk', async () => {
    const engine = await Engine.create(ortNode as unknown as OrtModule, fixtureFiles(), { maxLength: golden.max_length });
    const text = Array.from({ length: 3000 }, (_, i) => `문장${i} 재미있다ㅋㅋ`).join(' ');
    const windows = engine.tokenizer.encodeWindows(normalizeInput(text, 0));
    const direct = engine.tokenizer.encode(normalizeInput(text, 0), 100_000);
    expect(windows[0]!.ids.slice(0, 20)).toEqual(direct.ids.slice(0, 20));
    const tokenCount = direct.ids.length - 2;
    const room = golden.max_length - 2;
    const stride = Math.floor((room * 3) / 4);
    expect(windows.length).toBe(Math.ceil((tokenCount - room) / stride) + 1);
    const huge = engine.tokenizer.encodeWindows(normalizeInput('ㅋ '.repeat(400_000), 0));
    expect(huge.length).toBeGreaterThan(1000);
  });
});
