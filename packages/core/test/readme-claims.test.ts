import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import * as ortNode from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import { Engine, type OrtModule } from '../src/engine/engine.js';
import { createClassifier } from '../src/node/client.js';
import { writeManifest } from '../src/node/model-dir.js';
import { FIXTURE, fixtureFiles, golden, maxAbsDiff } from './helpers.js';

// README statements about results, each with a test that fails when the statement stops being true.
const ROOT = join(import.meta.dirname, '../../..');
const sample = readFileSync(join(import.meta.dirname, 'fixtures/nsmc-dev-sample.tsv'), 'utf8').trim().split('\n').slice(1, 97).map((l) => l.split('\t')[1]!);

/** A copy of the fixture with `edit` applied to its files; its manifest is rewritten to match unless `stale`. */
function fixtureCopy(edit: (dir: string) => void, { stale = false } = {}): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'ko-claims-')), 'model');
  cpSync(FIXTURE, dir, { recursive: true });
  edit(dir);
  if (!stale && existsSync(join(dir, 'manifest.json'))) writeManifest(dir);
  return dir;
}

describe('"fp32/int4 results do not depend on batching" (int8 does, a little)', () => {
  it.each([
    ['fp32', 'onnx/model.onnx', ortNode],
    ['int4', 'onnx/model_q4.onnx', ortNode],
    ['int4 (onnxruntime-web)', 'onnx/model_q4.onnx', ortWeb],
  ] as const)('%s: one sentence per run and runs of 32 give the same scores', async (_name, file, ort) => {
    const engine = await Engine.create(ort as unknown as OrtModule, fixtureFiles(FIXTURE, file));
    const alone = await engine.classify(sample, { batchSize: 1 });
    const batched = await engine.classify(sample, { batchSize: 32 });
    await engine.release();
    const worst = Math.max(...alone.map((r, i) => maxAbsDiff(Object.values(r.scores), Object.values(batched[i]!.scores))));
    expect(worst).toBeLessThan(1e-5);
  });

  it('int8 quantizes activations per run, so batch neighbours move its scores (why the README says so)', async () => {
    const engine = await Engine.create(ortNode as unknown as OrtModule, fixtureFiles(FIXTURE, 'onnx/model_int8.onnx'));
    const alone = await engine.classify(sample, { batchSize: 1 });
    const batched = await engine.classify(sample, { batchSize: 32 });
    await engine.release();
    expect(Math.max(...alone.map((r, i) => maxAbsDiff(Object.values(r.scores), Object.values(batched[i]!.scores))))).toBeGreaterThan(1e-4);
  });
});

describe('"sigmoid for multi_label_classification" end to end', () => {
  it('a config.json with problem_type multi_label gives each label its own sigmoid of the PyTorch logit', async () => {
    const dir = fixtureCopy((d) => {
      const config = JSON.parse(readFileSync(join(d, 'config.json'), 'utf8'));
      writeFileSync(join(d, 'config.json'), JSON.stringify({ ...config, problem_type: 'multi_label_classification' }));
    });
    const clf = await createClassifier({ model: dir, dtype: 'fp32' });
    expect(clf.info().problemType).toBe('multi_label_classification');
    const c = golden.cases[0]!;
    const r = await clf.classify(c.text, { maxLength: golden.max_length });
    await clf.dispose();
    const expected = c.logits.map((l) => 1 / (1 + Math.exp(-l)));
    expect(maxAbsDiff(Object.values(r.scores), expected)).toBeLessThan(1e-4);
    expect(Object.values(r.scores).reduce((a, b) => a + b, 0)).not.toBeCloseTo(1, 2);
  });
});

describe('typed errors: MODEL_INVALID and INTERNAL', () => {
  it('a corrupt ONNX file or a config without id2label is MODEL_INVALID', async () => {
    const corrupt = fixtureCopy((d) => writeFileSync(join(d, 'onnx/model.onnx'), readFileSync(join(d, 'onnx/model.onnx')).subarray(0, 5000)));
    await expect(createClassifier({ model: corrupt, dtype: 'fp32' })).rejects.toMatchObject({ code: 'MODEL_INVALID', message: /ONNX model could not be loaded/ });
    const noLabels = fixtureCopy((d) => writeFileSync(join(d, 'config.json'), JSON.stringify({ model_type: 'deberta-v2' })));
    await expect(createClassifier({ model: noLabels, dtype: 'fp32' })).rejects.toMatchObject({ code: 'MODEL_INVALID', message: /no id2label/ });
  });

  it('in Node too, a file that no longer matches manifest.json is INTEGRITY naming the command that fixes it', async () => {
    const edited = fixtureCopy((d) => writeFileSync(join(d, 'onnx/model.onnx'), readFileSync(join(d, 'onnx/model.onnx')).subarray(0, 5000)), { stale: true });
    await expect(createClassifier({ model: edited, dtype: 'fp32' })).rejects.toMatchObject({ code: 'INTEGRITY', message: /onnx\/model\.onnx does not match manifest\.json.*ko-classify manifest/ });
  });

  it('a run that fails inside ONNX Runtime is INTERNAL with the cause, and the classifier keeps working', async () => {
    // A tokenizer piece whose id is past the embedding table: the graph's Gather fails at run time.
    const dir = fixtureCopy((d) => {
      const tok = JSON.parse(readFileSync(join(d, 'tokenizer.json'), 'utf8'));
      tok.model.vocab.push(['▁범위밖토큰', 0]);
      writeFileSync(join(d, 'tokenizer.json'), JSON.stringify(tok));
    });
    const clf = await createClassifier({ model: dir, dtype: 'fp32', runtime: 'node' });
    await expect(clf.classify('범위밖토큰')).rejects.toMatchObject({ code: 'INTERNAL', message: /classification failed/ });
    expect((await clf.classify('보통 문장')).label).toMatch(/\w/);
    await clf.dispose();
  });
});

describe('"@ko-classify/embed builds ko-classify.js (N KB gz)"', () => {
  it('the README figure, the size budget and the built file agree', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const claimed = Number(/`ko-classify\.js` \((\d+) KB gz/.exec(readme)?.[1]);
    const budgets = JSON.parse(readFileSync(join(ROOT, '.size-limit.json'), 'utf8')) as { path: string; limit: string }[];
    const budget = budgets.find((b) => b.path === 'packages/embed/dist/ko-classify.js')!;
    expect(`${claimed} KB`).toBe(budget.limit);
    const gz = gzipSync(readFileSync(join(ROOT, 'packages/embed/dist/ko-classify.js')), { level: 9 }).byteLength;
    expect(gz).toBeLessThanOrEqual(claimed * 1024);
    expect(gz).toBeGreaterThan((claimed - 2) * 1024);
  });
});

describe("README's table of embedded models", () => {
  it('states each int8 file size and score as its model card measured them', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const rows = [...readme.matchAll(/^\| `(ko-[\w-]+)`[^|]*\|[^|]*\|[^|]*\| ([\d.]+) MB \| ([\d.]+)(%?) (accuracy|macro-F1|micro-F1)/gm)];
    expect(rows.map((r) => r[1]).sort()).toEqual(['ko-hate-speech', 'ko-moderation', 'ko-sentiment']);
    for (const [, id, size, score, , metric] of rows) {
      const card = readFileSync(join(ROOT, 'public/models', id!, 'README.md'), 'utf8');
      const int8 = /^\| int8 \| `onnx\/model_int8\.onnx` \| ([\d.]+) MB \| (.*) \|$/m.exec(card)!;
      expect(Number(size), id).toBeCloseTo(Number(int8[1]), 1);
      const cells = int8[2]!.split(' | ').map((c) => Number(c.replace('%', '')));
      // Single-label cards: accuracy, macro-F1. Multi-label: micro-F1, macro-F1, exact match.
      const measured = metric === 'accuracy' ? cells[0]! : metric === 'macro-F1' ? cells[1]! : cells[0]!;
      expect(Math.abs(Number(score) - measured), `${id} ${metric}`).toBeLessThan(0.051);
    }
  });
});
