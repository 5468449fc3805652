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
const names = readdirSync(MODELS).filter((n) => existsSync(join(MODELS, n, 'config.json')));

describe('embedded models', () => {
  it('ko-sentiment is among them', () => expect(names).toContain('ko-sentiment'));
});

describe.each(names)('embedded model %s', (name) => {
  const dir = join(MODELS, name);
  const golden: { texts: string[]; input_ids: number[][]; logits: number[][] } = JSON.parse(
    readFileSync(join(import.meta.dirname, `fixtures/${name}-golden.json`), 'utf8'),
  );

  it('ships the files the browser loads, a manifest and a model card', () => {
    for (const f of ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'manifest.json', 'onnx/model.onnx', 'onnx/model_int8.onnx', 'onnx/model_q4.onnx', 'README.md']) {
      expect(existsSync(join(dir, f)), f).toBe(true);
    }
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { files: Record<string, { size: number }> };
    expect(manifest.files['onnx/model_int8.onnx']!.size).toBeLessThanOrEqual(8e6);
  });

  it('tokenizes 1,000 sentences exactly like Python sentencepiece', async () => {
    const engine = await Engine.create(ortNode as unknown as OrtModule, fixtureFiles(dir));
    expect(golden.input_ids).toHaveLength(1000);
    golden.texts.forEach((t, i) => expect(engine.encoder.encode(normalizeInput(t, i)).ids, t).toEqual(golden.input_ids[i]));
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

  it('int8 and int4 agree with fp32 on ≥ 99% / ≥ 98% of the 1,000 sentences', async () => {
    const labelsOf = async (file: string) => {
      const engine = await Engine.create(ortNode as unknown as OrtModule, fixtureFiles(dir, file));
      const r = await engine.classify(golden.texts, { batchSize: 1 });
      await engine.release();
      return r.map((x) => x.label);
    };
    const fp32 = await labelsOf('onnx/model.onnx');
    const agree = (l: string[]) => l.filter((x, i) => x === fp32[i]).length / l.length;
    const int8 = agree(await labelsOf('onnx/model_int8.onnx'));
    const int4 = agree(await labelsOf('onnx/model_q4.onnx'));
    console.log(`${name}: int8/fp32 label agreement ${(100 * int8).toFixed(1)}%, int4/fp32 ${(100 * int4).toFixed(1)}%`);
    expect(int8).toBeGreaterThanOrEqual(0.99);
    expect(int4).toBeGreaterThanOrEqual(0.98);
  }, 60_000);
});
