import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluate } from '../src/eval-command.js';

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

  it('says CC BY-SA 4.0 and ships the licence text', () => {
    expect(card).toMatch(/\| licence \| CC BY-SA 4\.0/);
    expect(readFileSync(join(dir, 'LICENSE.md'), 'utf8')).toContain('Attribution-ShareAlike 4.0 International Public License');
  });
});
