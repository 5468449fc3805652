import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluate } from '../src/eval-command.js';
import { decodeModel } from '../src/onnx/proto.js';
import { column, readTsv } from '../src/tsv.js';
import { loadEngine } from '@ko-classify/core/node';

// Each shipped model's card states its scores. The fp32 ONNX export must reproduce the PyTorch scores
// recorded in its checkpoint (training/cards/<name>.json, an independent reference), and the card's
// numbers must be what `eval` measures on the same data.
const ROOT = join(import.meta.dirname, '../../..');
const MODELS = ['ko-sentiment', 'ko-hate-speech', 'ko-moderation'];

describe.each(MODELS)('%s model card', (name) => {
  const dir = join(ROOT, 'public/models', name);
  const meta = JSON.parse(readFileSync(join(ROOT, 'training/cards', `${name}.json`), 'utf8')) as {
    evalPath: string;
    evalArgs?: string;
    checkpointScores: { accuracy?: number; macro_f1: number; micro_f1?: number; exact_match?: number };
  };
  const data = join(ROOT, meta.evalPath);
  const cols = meta.evalArgs ? { textCol: meta.evalArgs.split(' ')[1], labelCol: meta.evalArgs.split(' ')[3] } : {};
  const card = readFileSync(join(dir, 'README.md'), 'utf8');
  const pct = (x: number) => (100 * x).toFixed(2);

  it('fp32 reproduces the checkpoint\'s PyTorch scores; int8 and int4 reproduce the card', async () => {
    if (!existsSync(data)) throw new Error(`${data} is missing: the shared data must sit beside the repository (../shared)`);
    const fp32 = await evaluate(dir, data, { dtype: 'fp32', ...cols });
    const multi = fp32.multi_label;
    if (multi) {
      // Multi-label: micro-F1, macro-F1 and exact match with the tuned thresholds.
      expect(Math.abs(multi.micro_f1 - meta.checkpointScores.micro_f1!)).toBeLessThan(5e-4);
      expect(Math.abs(multi.exact_match - meta.checkpointScores.exact_match!)).toBeLessThan(5e-4);
    } else expect(Math.abs(fp32.accuracy - meta.checkpointScores.accuracy!)).toBeLessThan(5e-4);
    expect(Math.abs(fp32.macro_f1 - meta.checkpointScores.macro_f1)).toBeLessThan(5e-4);
    for (const [dtype, file] of [['fp32', 'onnx/model.onnx'], ['int8', 'onnx/model_int8.onnx'], ['int4', 'onnx/model_q4.onnx']] as const) {
      const r = dtype === 'fp32' ? fp32 : await evaluate(dir, data, { dtype, ...cols });
      const row = r.multi_label
        ? `${pct(r.multi_label.micro_f1)} \\| ${pct(r.macro_f1)} \\| ${pct(r.multi_label.exact_match)}%`
        : `${pct(r.accuracy)}% \\| ${pct(r.macro_f1)}`;
      expect(card).toMatch(new RegExp(`\\| ${dtype} \\| \`${file}\` \\| [\\d.]+ MB \\| ${row} \\|`));
    }
  }, 180_000);

  // The card's int8 figures hold on every machine only if no CPU kernel saturates: AVX2 without VNNI
  // sums pairs of u8×s8 products into int16 (vpmaddubsw), so the GEMM weights must fit 7 bits. On an
  // AVX2 machine the 8-bit files gave onnxruntime-node other labels than WASM (6 of 790 hate-speech rows).
  it('int8 GEMM weights fit 7 bits, and onnxruntime-node and onnxruntime-web label all but ≤ 0.1% of eval rows alike', async () => {
    const m = decodeModel(readFileSync(join(dir, 'onnx/model_int8.onnx')));
    const inits = new Map(m.graph!.initializer.map((t) => [t.name, t]));
    const gemms = m.graph!.node.filter((n) => n.opType === 'MatMulIntegerToFloat');
    expect(gemms.length).toBeGreaterThanOrEqual(20);
    for (const n of gemms) {
      const w = inits.get(n.input[1]!)!;
      const q = new Int8Array(w.rawData.buffer, w.rawData.byteOffset, w.rawData.byteLength);
      expect(2 * 255 * q.reduce((a, v) => Math.max(a, Math.abs(v)), 0), w.name).toBeLessThanOrEqual(32767);
    }
    // The integer GEMMs are now exact on every CPU and in WASM; the fp32 ops around them (LayerNorm,
    // GELU, Softmax) still round differently per runtime, so a row at a decision boundary may flip.
    // Measured on an AVX2 machine, on the card's first 2,000 rows: 0 (sentiment), 0 (hate speech) and
    // 1 (moderation) rows differ; with 8-bit weights, 6 of 790 hate-speech rows did.
    const tsv = readTsv(data);
    const ti = column(tsv.header, cols.textCol ?? 'document', data);
    const texts = tsv.rows.slice(0, 2000).map((r) => r[ti] ?? '');
    const predicted: string[][] = [];
    for (const runtime of ['node', 'web'] as const) {
      const { engine } = await loadEngine(dir, { dtype: 'int8', runtime });
      predicted.push((await engine.classify(texts)).map((r) => r.labels.map((l) => l.label).join(',') || (r.label ?? '')));
      await engine.release();
    }
    const differ = texts.filter((_, i) => predicted[0]![i] !== predicted[1]![i]).length;
    console.log(`${name}: ${differ} of ${texts.length} rows labelled differently by onnxruntime-node and onnxruntime-web`);
    expect(differ).toBeLessThanOrEqual(Math.ceil(texts.length * 0.001));
  }, 180_000);

  it('says CC BY-SA 4.0 and ships the licence text', () => {
    expect(card).toMatch(/\| licence \| CC BY-SA 4\.0/);
    expect(readFileSync(join(dir, 'LICENSE.md'), 'utf8')).toContain('Attribution-ShareAlike 4.0 International Public License');
  });
});
