import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createClassifier } from '@ko-classify/core/node';

// "Train your own Korean classifier" (README): train_classifier.py --task tsv fine-tunes the committed
// encoder on a labelled TSV and exports a model directory; here on 300 rows for 20 steps, then the
// export classifies in Node. Python: Debian's python3-torch (npm test's bootstrap installs it).
const ROOT = join(import.meta.dirname, '../..');
const DATA = join(ROOT, '../shared/data/korean-hate-speech/train.tsv');
const python = process.env.KO_PYTHON ?? '/usr/bin/python3';

describe('train your own labels', () => {
  it('the bias column of Korean HateSpeech: train, export (int8, int4, manifest, card, licence), classify in Node', async () => {
    if (!existsSync(DATA)) throw new Error(`${DATA} is missing: the shared data must sit beside the repository (../shared)`);
    const work = mkdtempSync(join(tmpdir(), 'ko-own-'));
    const out = join(work, 'ko-bias');
    const r = spawnSync(python, [join(ROOT, 'training/train_classifier.py'), '--task', 'tsv', '--train', DATA, '--text-col', 'comments', '--label-col', 'bias',
      '--name', 'ko-bias', '--out', out, '--limit', '300', '--steps', '20', '--eval-every', '10', '--batch-size', '16'], { encoding: 'utf8', env: { ...process.env, KO_TRAIN_WORK: work } });
    expect(r.status, r.stderr.slice(-3000)).toBe(0);
    const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'));
    expect(config).toMatchObject({ id2label: { 0: 'gender', 1: 'none', 2: 'others' }, problem_type: 'single_label_classification' });
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(Object.keys(manifest.files)).toEqual(expect.arrayContaining(['onnx/model.onnx', 'onnx/model_int8.onnx', 'onnx/model_q4.onnx', 'tokenizer.json']));
    const card = readFileSync(join(out, 'README.md'), 'utf8');
    for (const row of ['| fp32 |', '| int8 |', '| int4 |']) expect(card).toContain(row);
    expect(readFileSync(join(out, 'LICENSE.md'), 'utf8')).toContain('Attribution-ShareAlike 4.0');
    // The card's fp32 row is the PyTorch checkpoint's best dev score, measured again through ONNX.
    const best = JSON.parse(readFileSync(join(work, 'ko-bias/summary.json'), 'utf8')).best as { macro_f1: number };
    expect(card).toContain(`| fp32 | \`onnx/model.onnx\``);
    expect(card).toMatch(new RegExp(`\\| ${(100 * best.macro_f1).toFixed(2)} \\|`));
    const clf = await createClassifier({ model: out });
    const result = await clf.classify('여자들은 다 그래');
    await clf.dispose();
    expect(['gender', 'none', 'others']).toContain(result.label);
    expect(Object.values(result.scores).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
  }, 300_000);
});
