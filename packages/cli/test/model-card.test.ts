import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluate } from '../src/eval-command.js';

// The shipped model's card states dev scores; `eval` on the same data must reproduce them.
const MODEL = join(import.meta.dirname, '../../../public/models/ko-sentiment');
const DEV = join(import.meta.dirname, '../../../../shared/data/nsmc/dev.tsv');

describe('ko-sentiment model card', () => {
  it('eval of the shipped int8 model on NSMC dev reproduces the card', async () => {
    if (!existsSync(DEV)) throw new Error(`${DEV} is missing: the shared data must sit beside the repository (../shared)`);
    const recorded = JSON.parse(readFileSync(join(MODEL, 'eval.json'), 'utf8')) as { results: { dtype: string; accuracy: number; n: number }[] };
    const int8 = recorded.results.find((r) => r.dtype === 'int8')!;
    const r = await evaluate(MODEL, DEV, { dtype: 'int8' });
    expect(r.n).toBe(int8.n);
    const shown = (x: number) => `${(100 * x).toFixed(2)}%`;
    expect(shown(r.accuracy)).toBe(shown(int8.accuracy));
    expect(readFileSync(join(MODEL, 'README.md'), 'utf8')).toContain(`| int8 | \`onnx/model_int8.onnx\``);
    expect(readFileSync(join(MODEL, 'README.md'), 'utf8')).toContain(shown(int8.accuracy));
  }, 120_000);
});
