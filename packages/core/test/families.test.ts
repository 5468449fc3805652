import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ortNode from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import { Engine, type OrtModule } from '../src/engine/engine.js';
import { Tokenizer, normalizeInput } from '../src/engine/tokenize.js';
import { createClassifier } from '../src/node/client.js';
import { loadEngine } from '../src/node/load-engine.js';
import { writeManifest } from '../src/node/model-dir.js';
import type { ProgressEvent } from '../src/types.js';
import { fixtureFiles, maxAbsDiff } from './helpers.js';

// The other model families, from training/make_family_fixtures.py: ids from an independent reference
// (BERT's WordPiece algorithm in Python; Python sentencepiece for the 250,000-piece Unigram model),
// logits from PyTorch.
const FIXTURES = join(import.meta.dirname, 'fixtures');
interface Case { text: string; textPair?: string; input_ids: number[]; token_type_ids: number[]; logits: number[] }
const FAMILIES = ['tiny-bert', 'tiny-electra', 'tiny-mdeberta'] as const;
const runtimes: [string, OrtModule][] = [
  ['onnxruntime-node', ortNode as unknown as OrtModule],
  ['onnxruntime-web', ortWeb as unknown as OrtModule],
];

describe.each(FAMILIES)('%s', (name) => {
  const dir = join(FIXTURES, name);
  const golden: { max_length: number; cases: Case[] } = JSON.parse(readFileSync(join(dir, 'golden.json'), 'utf8'));
  const input = (c: Case) => normalizeInput(c.textPair === undefined ? c.text : { text: c.text, textPair: c.textPair }, 0);

  it('tokenizes like the reference: ids and token types', async () => {
    const engine = await Engine.create(ortNode as unknown as OrtModule, fixtureFiles(dir), { maxLength: golden.max_length });
    for (const c of golden.cases) expect(engine.tokenizer.encode(input(c)), c.text).toEqual({ ids: c.input_ids, typeIds: c.token_type_ids });
    expect(engine.tokenizer.warnings).toEqual([]);
    await engine.release();
  });

  it.each(runtimes)('gives PyTorch logits within 1e-4 (%s); the labels spread over the classes', async (_r, ort) => {
    const engine = await Engine.create(ort, fixtureFiles(dir), { maxLength: golden.max_length });
    for (const c of golden.cases) {
      const ids = BigInt64Array.from(c.input_ids.map(BigInt));
      const logits = await engine.run(ids, new BigInt64Array(ids.length).fill(1n), BigInt64Array.from(c.token_type_ids.map(BigInt)), 1, ids.length);
      expect(maxAbsDiff(logits, c.logits), c.text).toBeLessThan(1e-4);
    }
    const results = await engine.classify(golden.cases.map((c) => (c.textPair === undefined ? c.text : { text: c.text, textPair: c.textPair })), { maxLength: golden.max_length });
    expect(results.map((r) => r.label)).toEqual(golden.cases.map((c) => engine.config.labels[c.logits.indexOf(Math.max(...c.logits))]));
    expect(new Set(results.map((r) => r.label)).size).toBe(3);
    await engine.release();
  });
});

describe('Optimum / transformers.js layout (tiny-electra: no manifest.json, onnx/model_quantized.onnx)', () => {
  it('loads by directory; dtype int8 picks model_quantized.onnx; auto does too', async () => {
    const dir = join(FIXTURES, 'tiny-electra');
    expect(existsSync(join(dir, 'manifest.json'))).toBe(false);
    const int8 = await loadEngine(dir, { dtype: 'int8' });
    expect(int8.file).toBe('onnx/model_quantized.onnx');
    expect(int8.engine.config.labels).toEqual(['negative', 'neutral', 'positive']);
    await int8.engine.release();
    const clf = await createClassifier({ model: dir });
    expect(clf.info()).toMatchObject({ dtype: 'int8', file: 'onnx/model_quantized.onnx' });
    expect((await clf.classify('정말 재미있다')).label).toMatch(/negative|neutral|positive/);
    await clf.dispose();
  });
});

describe('Hangul-safe tokenizers', () => {
  const bert = JSON.parse(readFileSync(join(FIXTURES, 'tiny-bert/tokenizer.json'), 'utf8'));
  const config = JSON.parse(readFileSync(join(FIXTURES, 'tiny-bert/tokenizer_config.json'), 'utf8'));
  const withNormalizer = (normalizer: object) => Tokenizer.create({ ...bert, normalizer: { ...bert.normalizer, ...normalizer } }, config, 64);

  it('an uncased, accent-stripping normalizer decomposes Hangul into jamo: a HANGUL_DECOMPOSED warning', async () => {
    const uncased = await withNormalizer({ lowercase: true, strip_accents: null });
    expect(uncased.warnings.map((w) => w.code)).toEqual(['HANGUL_DECOMPOSED']);
    expect(uncased.warnings[0]!.message).toMatch(/jamo.*strip_accents/);
    // What the warning is about: the syllables really come apart.
    const pieces = (t: Tokenizer) => t.encode(normalizeInput('한국어', 0)).ids;
    expect(pieces(uncased)).not.toEqual(pieces(await withNormalizer({})));
    expect((await withNormalizer({ strip_accents: true })).warnings).toHaveLength(1);
  });

  it('no warning for a cased WordPiece model, lowercase with strip_accents: false, or our SentencePiece models', async () => {
    expect((await withNormalizer({})).warnings).toEqual([]);
    expect((await withNormalizer({ lowercase: true, strip_accents: false })).warnings).toEqual([]);
    const ours = join(import.meta.dirname, '../../../public/models/ko-sentiment');
    expect((await Tokenizer.create(JSON.parse(readFileSync(join(ours, 'tokenizer.json'), 'utf8')), JSON.parse(readFileSync(join(ours, 'tokenizer_config.json'), 'utf8')), 128)).warnings).toEqual([]);
  });

  it('the Node client reports the warning as a warning event', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'ko-uncased-')), 'm');
    cpSync(join(FIXTURES, 'tiny-bert'), dir, { recursive: true });
    writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify({ ...bert, normalizer: { ...bert.normalizer, lowercase: true } }));
    if (existsSync(join(dir, 'manifest.json'))) writeManifest(dir);
    const events: ProgressEvent[] = [];
    const clf = await createClassifier({ model: dir, dtype: 'fp32', onProgress: (e) => events.push(e) });
    await clf.dispose();
    expect(events.map((e) => e.type === 'warning' && e.code)).toEqual(['HANGUL_DECOMPOSED']);
  });
});
