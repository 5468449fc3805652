import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ortNode from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import { Engine, type OrtModule } from '../src/engine/engine.js';
import { normalizeInput } from '../src/engine/tokenize.js';
import { fixtureFiles, maxAbsDiff } from './helpers.js';

// Every shipped model against golden data from training/export_model.py: ids from Python
// sentencepiece for 1,000 sentences, PyTorch logits for 200 of them.
const MODELS = join(import.meta.dirname, '../../../public/models');
// Classifiers only: the sentence encoder (ko-sentence) has embed.test.ts, node-encoder.test.ts and its card's scripts.
const names = readdirSync(MODELS).filter((n) => existsSync(join(MODELS, n, 'config.json')) && !('sentence_embedding' in JSON.parse(readFileSync(join(MODELS, n, 'config.json'), 'utf8'))));

describe('embedded models', () => {
  it('ko-sentiment is among them', () => expect(names).toContain('ko-sentiment'));

  it('the committed encoder and tokenizer they start from match training/encoder/SHA256SUMS', () => {
    const dir = join(import.meta.dirname, '../../../training/encoder');
    const sums = readFileSync(join(dir, 'SHA256SUMS'), 'utf8').trim().split('\n').map((l) => l.split(/\s+/));
    expect(sums.map(([, f]) => f).sort()).toEqual(['encoder-mlm.pt', 'spm.model']);
    for (const [sha, file] of sums) expect(createHash('sha256').update(readFileSync(join(dir, file!))).digest('hex'), file).toBe(sha);
  });
});

describe.each(names)('embedded model %s', (name) => {
  const dir = join(MODELS, name);
  const golden: { texts: string[]; input_ids: number[][]; logits: number[][] } = JSON.parse(
    readFileSync(join(import.meta.dirname, `fixtures/${name}-golden.json`), 'utf8'),
  );

  it('ships the files the browser loads, a manifest, a model card and its licence', () => {
    for (const f of ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'manifest.json', 'onnx/model.onnx', 'onnx/model_int8.onnx', 'onnx/model_q4.onnx', 'README.md', 'LICENSE.md']) {
      expect(existsSync(join(dir, f)), f).toBe(true);
    }
    // The encoder learned from Korean HateSpeech comments (CC BY-SA 4.0): every model carries that licence.
    expect(readFileSync(join(dir, 'LICENSE.md'), 'utf8')).toMatch(/^Attribution-ShareAlike 4\.0 International/);
    expect(readFileSync(join(dir, 'README.md'), 'utf8')).toMatch(/\| licence \| CC BY-SA 4\.0/);
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { files: Record<string, { size: number }> };
    // Under 8 MiB: the size every shipped model is held to.
    expect(manifest.files['onnx/model_int8.onnx']!.size).toBeLessThanOrEqual(8 * 2 ** 20);
  });

  it('names every label in Korean (locale "ko": the element, React and demo show these)', () => {
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as { id2label: Record<string, string>; label_display_names?: Record<string, Record<string, string>> };
    const ko = config.label_display_names?.ko ?? {};
    for (const label of Object.values(config.id2label)) expect(ko[label], label).toMatch(/^[가-힣]+$/);
  });

  it('tokenizes 1,000 sentences exactly like Python sentencepiece', async () => {
    const engine = await Engine.create(ortNode as unknown as OrtModule, fixtureFiles(dir));
    expect(golden.input_ids).toHaveLength(1000);
    golden.texts.forEach((t, i) => expect(engine.tokenizer.encode(normalizeInput(t, i)).ids, t).toEqual(golden.input_ids[i]));
    await engine.release();
  });

  it.each([
    ['onnxruntime-node', ortNode as unknown as OrtModule],
    ['onnxruntime-web', ortWeb as unknown as OrtModule],
  ])('fp32 logits match PyTorch within 1e-4 (%s)', async (_runtime, ort) => {
    const engine = await Engine.create(ort, fixtureFiles(dir));
    let worst = 0;
    for (const [i, row] of golden.logits.entries()) {
      const ids = BigInt64Array.from(golden.input_ids[i]!.map(BigInt));
      const logits = await engine.run(ids, new BigInt64Array(ids.length).fill(1n), new BigInt64Array(ids.length), 1, ids.length);
      worst = Math.max(worst, maxAbsDiff(logits, row));
    }
    await engine.release();
    expect(worst).toBeLessThan(1e-4);
  });

  // Quantization may flip a near-tie, never a clear call: labels must agree wherever fp32's call is
  // further than the margin from changing, and on nearly every sentence overall.
  it('int8 and int4 keep every clear fp32 label (margin ≥ 0.05 / ≥ 0.1, twice that multi-label) and ≥ 98.5% / ≥ 97.5% of all', async () => {
    const classify = async (file: string) => {
      const engine = await Engine.create(ortNode as unknown as OrtModule, fixtureFiles(dir, file));
      const r = await engine.classify(golden.texts, { batchSize: 1 });
      await engine.release();
      return r;
    };
    const fp32 = await classify('onnx/model.onnx');
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as { problem_type?: string; label_thresholds?: Record<string, number> };
    const multi = config.problem_type === 'multi_label_classification';
    // Single-label: the gap between the top two probabilities. Multi-label: the call is the set of
    // labels over their thresholds, and its margin the closest any score comes to its threshold.
    const margin = fp32.map((r) => {
      if (multi) return Math.min(...Object.entries(r.scores).map(([l, p]) => Math.abs(p - (config.label_thresholds?.[l] ?? 0.5))));
      const [a, b] = Object.values(r.scores).sort((x, y) => y - x);
      return a! - b!;
    });
    const call = (r: (typeof fp32)[number]) => (multi ? r.labels.map((l) => l.label).sort().join(',') : r.label);
    // A multi-label call is nine independent ones, so twice the margin (measured: int8 moves a
    // sigmoid by up to ~0.07 near a threshold, the unoptimised int8 graph as much as the shipped one).
    const k = multi ? 2 : 1;
    for (const [file, clear, overall] of [['onnx/model_int8.onnx', 0.05 * k, 0.985], ['onnx/model_q4.onnx', 0.1 * k, 0.975]] as const) {
      const q = await classify(file);
      const flipped = q.flatMap((r, i) => (call(r) === call(fp32[i]!) ? [] : [i]));
      console.log(`${name} ${file}: ${flipped.length}/1000 labels differ from fp32, at fp32 margins ${flipped.map((i) => margin[i]!.toFixed(3)).join(' ')}`);
      expect(flipped.filter((i) => margin[i]! >= clear).map((i) => golden.texts[i]), file).toEqual([]);
      expect(1 - flipped.length / q.length, file).toBeGreaterThanOrEqual(overall);
    }
  }, 120_000);
});
