import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ortNode from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import { Engine, type OrtModule } from '@ko-classify/core/engine';
import { fixtureFiles, golden } from '../../core/test/helpers.js';
import { decodeModel } from '../src/onnx/proto.js';
import { bench } from '../src/bench-command.js';
import { evaluate, formatEval } from '../src/eval-command.js';
import { inspectPath, type ModelDirSummary } from '../src/inspect-command.js';
import { OPTIONS, USAGE, main } from '../src/cli.js';
import { quantizeFile } from '../src/quantize-command.js';

const FIXTURE = join(import.meta.dirname, '../../core/test/fixtures/tiny-deberta');
const SAMPLE = join(import.meta.dirname, '../../core/test/fixtures/nsmc-dev-sample.tsv');
let dir = '';

beforeAll(async () => {
  dir = join(mkdtempSync(join(tmpdir(), 'ko-cli-')), 'm');
  cpSync(FIXTURE, dir, { recursive: true });
  await quantizeFile(join(dir, 'onnx/model.onnx'), { mode: 'int8' });
  await quantizeFile(join(dir, 'onnx/model.onnx'), { mode: 'int4' });
});

describe('eval', () => {
  it('scores a TSV through the engine; the numbers agree with the confusion matrix', async () => {
    const r = await evaluate(dir, SAMPLE, { limit: 300, dtype: 'fp32' });
    expect(r.n).toBe(300);
    expect(r.file).toBe('onnx/model.onnx');
    const total = r.confusion.flat().reduce((a, b) => a + b, 0);
    expect(total).toBe(300);
    const diag = r.confusion.reduce((a, row, i) => a + row[i]!, 0);
    expect(r.accuracy).toBeCloseTo(diag / 300, 12);
    expect(r.sentences_per_second).toBeGreaterThan(0);
    // NSMC labels are indices into id2label
    const gold = readFileSync(SAMPLE, 'utf8').trim().split('\n').slice(1, 301).map((l) => Number(l.split('\t')[2]));
    expect(r.confusion.map((row) => row.reduce((a, b) => a + b, 0))).toEqual([0, 1, 2].map((c) => gold.filter((g) => g === c).length));
  });

  it('each dtype and runtime scores what the engine predicts: the confusion matrix equals an independent tally', async () => {
    const rows = readFileSync(SAMPLE, 'utf8').trim().split('\n').slice(1, 201).map((l) => l.split('\t'));
    const gold = rows.map((r) => Number(r[2]));
    for (const [dtype, runtime, ort, file] of [['fp32', 'node', ortNode, 'onnx/model.onnx'], ['int8', 'web', ortWeb, 'onnx/model_int8.onnx']] as const) {
      const r = await evaluate(dir, SAMPLE, { limit: 200, dtype, runtime });
      expect([r.file, r.runtime]).toEqual([file, runtime]);
      const engine = await Engine.create(ort as unknown as OrtModule, fixtureFiles(dir, file));
      const predicted = (await engine.classify(rows.map((x) => x[1]!), { batchSize: 32 })).map((x) => engine.config.labels.indexOf(x.label ?? ''));
      await engine.release();
      const expected = [0, 1, 2].map((t) => [0, 1, 2].map((p) => gold.filter((g, i) => g === t && predicted[i] === p).length));
      expect(r.confusion).toEqual(expected);
      // The fixture's predictions spread over its labels, so a shifted label index would not pass.
      expect(new Set(predicted).size).toBe(3);
    }
  });

  it('--json prints the result: values, not only keys', async () => {
    const out: string[] = [];
    const log = console.log;
    console.log = (s: string) => out.push(s);
    try {
      expect(await main(['eval', dir, SAMPLE, '--limit', '50', '--json', '--dtype', 'fp32'])).toBe(0);
    } finally {
      console.log = log;
    }
    const j = JSON.parse(out.join('\n')) as Awaited<ReturnType<typeof evaluate>>;
    const direct = await evaluate(dir, SAMPLE, { limit: 50, dtype: 'fp32' });
    expect({ ...j, sentences_per_second: 0 }).toEqual({ ...direct, sentences_per_second: 0 });
    expect(j.n).toBe(50);
    const f1 = j.labels.map((_, c) => {
      const tp = j.confusion[c]![c]!;
      const fp = j.confusion.reduce((a, row, t) => a + (t === c ? 0 : row[c]!), 0);
      const fn = j.confusion[c]!.reduce((a, v, p) => a + (p === c ? 0 : v), 0);
      return tp ? (2 * tp) / (2 * tp + fp + fn) : 0;
    });
    expect(j.macro_f1).toBeCloseTo(f1.reduce((a, b) => a + b, 0) / 3, 12);
  });

  it('reads label names and other columns (--text-col/--label-col); dtype auto picks int8, as the browser WASM does', async () => {
    const named = join(dir, 'named.tsv');
    const rows = readFileSync(SAMPLE, 'utf8').trim().split('\n').slice(1, 61).map((l) => l.split('\t'));
    const names = ['negative', 'neutral', 'positive'];
    writeFileSync(named, `review\tgold\n${rows.map((r) => `${r[1]}\t${names[Number(r[2])]}`).join('\n')}\n`);
    const byName = await evaluate(dir, named, { textCol: 'review', labelCol: 'gold' });
    const byIndex = await evaluate(dir, SAMPLE, { limit: 60 });
    expect(byName.file).toBe('onnx/model_int8.onnx');
    expect(byName.confusion).toEqual(byIndex.confusion);
    writeFileSync(named, 'review\tgold\n좋아요\tnot-a-label\n');
    await expect(evaluate(dir, named, { textCol: 'review', labelCol: 'gold' })).rejects.toThrow(/label "not-a-label" is neither an index nor one of negative, neutral, positive/);
    await expect(evaluate(dir, named, { textCol: 'document' })).rejects.toThrow(/no column "document"/);
  });
});

describe('inspect', () => {
  it('reports config, io, ops and the ops WebGPU has no kernel for', () => {
    const s = inspectPath(dir) as ModelDirSummary;
    expect(s.labels).toEqual(['negative', 'neutral', 'positive']);
    expect(s.tokenizer).toBe('Unigram');
    const byFile = Object.fromEntries(s.onnx.map((o) => [o.file.split('/').pop(), o]));
    expect(byFile['model.onnx']!.inputs.map((i: { name: string }) => i.name)).toEqual(['input_ids', 'attention_mask', 'token_type_ids']);
    expect(byFile['model.onnx']!.opsets['ai.onnx']).toBe(17);
    expect(byFile['model_int8.onnx']!.noWebGpuKernel).toEqual(expect.arrayContaining(['QuantizeLinear', 'com.microsoft:MatMulIntegerToFloat']));
    expect(byFile['model_q4.onnx']!.noWebGpuKernel).not.toContain('com.microsoft:MatMulNBits');
    expect(byFile['model_q4.onnx']!.ops['com.microsoft:MatMulNBits']).toBe(18);
    expect(byFile['model_int8.onnx']!.weightBytesByDtype.int8).toBeGreaterThan(0);
  });
});

describe('bench', () => {
  it('times n sentences in batches, then `latencyRuns` single-sentence calls: the figures add up to the wall time', async () => {
    const t0 = performance.now();
    const r = await bench(dir, { n: 256, latencyRuns: 40, batchSize: 16 });
    const wall = performance.now() - t0;
    expect(r).toMatchObject({ n: 256, batch: 16, latency_ms: { runs: 40 } });
    const batchMs = (r.n / r.sentences_per_second) * 1000;
    // The batch run and 40 calls at no less than p50 each (half of them) both happened inside this call.
    expect(batchMs + 20 * r.latency_ms.p50).toBeLessThan(wall);
    expect(r.latency_ms.p50).toBeLessThanOrEqual(r.latency_ms.p95);
    expect(r.latency_ms.p50).toBeGreaterThan(0);
  });
});

describe('the command line', () => {
  it('--help lists every flag of every command, in that command\'s own entry', () => {
    const entries = USAGE.split(/\n(?=  [a-z-]+ )/);
    for (const [command, options] of Object.entries(OPTIONS)) {
      const entry = entries.find((e) => e.startsWith(`  ${command} `));
      expect(entry, command).toBeDefined();
      for (const [name, o] of Object.entries(options)) {
        // A flag with a one-letter form is listed by it (-o, -q), every other by its long name.
        if ('short' in o) expect(entry, `${command} -${o.short}`).toMatch(new RegExp(`(^|[\\s[|])-${o.short}\\b`));
        else expect(entry, `${command} --${name}`).toMatch(new RegExp(`--${name}\\b`));
      }
    }
  });

  it('eval, card and bench take a model id as classify does; missing files are named, not a raw ENOENT', async () => {
    const err = console.error;
    const said: string[] = [];
    console.error = (x: string) => said.push(x);
    try {
      const out: string[] = [];
      const log = console.log;
      console.log = (x: string) => out.push(x);
      try {
        expect(await main(['eval', 'ko-sentiment', SAMPLE, '--limit', '20', '--json'])).toBe(0);
      } finally {
        console.log = log;
      }
      expect(JSON.parse(out[0]!)).toMatchObject({ n: 20, file: 'onnx/model_int8.onnx' });
      await expect(main(['eval', 'ko-sentiment', join(dir, 'no-such.tsv')])).rejects.toThrow(`no evaluation TSV at ${join(dir, 'no-such.tsv')}`);
      await expect(main(['eval', '/nonexistent/dir', SAMPLE])).rejects.toThrow('no model directory at /nonexistent/dir: no such directory');
      await expect(main(['bench', 'ko-nothing', '--n', '4'])).rejects.toThrow('npm i @ko-classify/model-ko-nothing');
      await expect(main(['eval', 'ko-sentiment', SAMPLE, '--limit', 'many'])).rejects.toThrow('--limit must be a positive integer');
    } finally {
      console.error = err;
    }
  });
});

describe('quantize and manifest on the command line', () => {
  it('-o and --block-size write where asked, refresh the manifest of a model directory, and exit 2 on a graph they refuse', async () => {
    const m = join(mkdtempSync(join(tmpdir(), 'ko-q-')), 'm');
    cpSync(FIXTURE, m, { recursive: true });
    const log = console.log;
    const err = console.error;
    const said: string[] = [];
    console.log = (s: string) => said.push(s);
    console.error = (s: string) => said.push(s);
    try {
      expect(await main(['quantize', join(m, 'onnx/model.onnx'), '--int4', '--block-size', '64', '-o', join(m, 'onnx/model_q4.onnx')])).toBe(0);
      const q4 = decodeModel(readFileSync(join(m, 'onnx/model_q4.onnx')));
      expect(new Set(q4.graph!.node.filter((n) => n.opType === 'MatMulNBits').map((n) => Number(n.attribute.find((a) => a.name === 'block_size')!.i)))).toEqual(new Set([64]));
      const manifest = JSON.parse(readFileSync(join(m, 'manifest.json'), 'utf8')) as { files: Record<string, { size: number; sha256: string }> };
      const bytes = readFileSync(join(m, 'onnx/model_q4.onnx'));
      expect(manifest.files['onnx/model_q4.onnx']).toEqual({ size: bytes.byteLength, sha256: createHash('sha256').update(bytes).digest('hex') });
      const other = join(m, 'elsewhere.onnx');
      expect(await main(['quantize', join(m, 'onnx/model.onnx'), '--int8', '-o', other])).toBe(0);
      expect(existsSync(other)).toBe(true);
      expect(await main(['quantize', join(m, 'onnx/model_q4.onnx'), '--int8'])).toBe(2);
      expect(said.join('\n')).toMatch(/refusing .*model_q4\.onnx/);
      // --calibrate: the activation ranges come from the rows asked for, of the column asked for.
      said.length = 0;
      expect(await main(['quantize', join(m, 'onnx/model.onnx'), '--int8', '--calibrate', SAMPLE, '--text-col', 'document', '--calibrate-rows', '64'])).toBe(0);
      expect(said.join('\n')).toContain(`activation ranges from 64 texts`);
      const noText = join(m, '..', 'ids.tsv');
      writeFileSync(noText, 'id\tlabel\n1\t0\n');
      expect(await main(['quantize', join(m, 'onnx/model.onnx'), '--int8', '--calibrate', noText])).toBe(2);
      expect(said.join('\n')).toMatch(/has no text column .*pass --text-col \(columns: id, label\)/);
      await expect(main(['quantize', join(m, 'onnx/model.onnx'), '--int4', '--calibrate', SAMPLE])).rejects.toThrow(/are for --int8/);
      // ko-classify manifest: every model file with its size and sha256, nothing else.
      writeFileSync(join(m, 'notes.txt'), 'not a model file');
      expect(await main(['manifest', m])).toBe(0);
      const rebuilt = JSON.parse(readFileSync(join(m, 'manifest.json'), 'utf8')) as { files: Record<string, unknown> };
      expect(Object.keys(rebuilt.files).sort()).toEqual(['config.json', 'onnx/model.onnx', 'onnx/model_int8.onnx', 'onnx/model_q4.onnx', 'special_tokens_map.json', 'tokenizer.json', 'tokenizer_config.json']);
    } finally {
      console.log = log;
      console.error = err;
    }
  });

  it('inspect --json prints the summary inspectPath returns', async () => {
    const out: string[] = [];
    const log = console.log;
    console.log = (s: string) => out.push(s);
    try {
      expect(await main(['inspect', dir, '--json'])).toBe(0);
    } finally {
      console.log = log;
    }
    expect(JSON.parse(out.join('\n'))).toEqual(JSON.parse(JSON.stringify(inspectPath(dir))));
  });
});

describe('card and check-tokenizer', () => {
  it('card writes README.md and eval.json from eval of every dtype; check-tokenizer compares ids and exits 1 on a mismatch', async () => {
    const m = join(mkdtempSync(join(tmpdir(), 'ko-card-')), 'tiny');
    cpSync(dir, m, { recursive: true });
    const meta = join(m, '..', 'card.json');
    writeFileSync(meta, JSON.stringify({ summary: 'A test card.', task: 't', parameters: '0.1M', data: 'd', licence: 'MIT', evalName: 'the sample', evalPath: 'sample.tsv', reproduce: ['echo'] }));
    const data = join(m, '..', 'sample.tsv');
    writeFileSync(data, readFileSync(SAMPLE, 'utf8').split('\n').slice(0, 41).join('\n') + '\n');
    const log = console.log;
    const said: string[] = [];
    console.log = (s: string) => said.push(s);
    try {
      expect(await main(['card', m, data, '--meta', meta])).toBe(0);
      const card = readFileSync(join(m, 'README.md'), 'utf8');
      const results = (JSON.parse(readFileSync(join(m, 'eval.json'), 'utf8')) as { results: { dtype: string; accuracy: number }[] }).results;
      expect(results.map((r) => r.dtype)).toEqual(['fp32', 'int8', 'int4']);
      const int8 = await evaluate(m, data, { dtype: 'int8' });
      expect(card).toContain(`| int8 | \`onnx/model_int8.onnx\``);
      expect(card).toContain(`${(100 * int8.accuracy).toFixed(2)}%`);
      expect(card).toContain('(n = 40)');
      // Reference ids: the fixture's Python-sentencepiece goldens; then one row altered.
      const ids = join(m, '..', 'ids.jsonl');
      const rows = golden.cases.filter((c) => c.textPair === undefined).map((c) => ({ text: c.text, ids: c.input_ids }));
      writeFileSync(ids, rows.map((r) => JSON.stringify(r)).join('\n'));
      const small = join(m, '..', 'small');
      cpSync(m, small, { recursive: true });
      const config = JSON.parse(readFileSync(join(small, 'tokenizer_config.json'), 'utf8'));
      writeFileSync(join(small, 'tokenizer_config.json'), JSON.stringify({ ...config, model_max_length: golden.max_length }));
      expect(await main(['check-tokenizer', small, ids])).toBe(0);
      writeFileSync(ids, [...rows.slice(1), { ...rows[0]!, ids: [1, 2] }].map((r) => JSON.stringify(r)).join('\n'));
      expect(await main(['check-tokenizer', small, ids])).toBe(1);
      expect(said.at(-1)).toBe(`${rows.length - 1}/${rows.length} texts tokenize identically to the reference`);
    } finally {
      console.log = log;
    }
  });
});

describe('eval of a multi-label model', () => {
  it('scores comma-separated label sets: micro/macro-F1, exact match and per-label stats equal an independent tally', async () => {
    const m = join(mkdtempSync(join(tmpdir(), 'ko-ml-')), 'tiny');
    cpSync(dir, m, { recursive: true });
    const config = JSON.parse(readFileSync(join(m, 'config.json'), 'utf8'));
    writeFileSync(join(m, 'config.json'), JSON.stringify({ ...config, problem_type: 'multi_label_classification', label_thresholds: { negative: 0.5, neutral: 0.55, positive: 0.45 } }));
    const { writeManifest } = await import('@ko-classify/core/node');
    writeManifest(m);
    const texts = readFileSync(SAMPLE, 'utf8').trim().split('\n').slice(1, 81).map((l) => l.split('\t')[1]!);
    const gold = texts.map((_, i) => (i % 3 === 0 ? ['negative', 'positive'] : i % 3 === 1 ? ['neutral'] : ['positive']));
    const data = join(m, '..', 'ml.tsv');
    writeFileSync(data, `text\tlabels\n${texts.map((t, i) => `${t}\t${gold[i]!.join(',')}`).join('\n')}\n`);
    const r = await evaluate(m, data, { dtype: 'fp32', textCol: 'text', labelCol: 'labels' });
    // The reference: the engine's sigmoid scores against the thresholds, tallied here.
    const engine = await Engine.create(ortNode as unknown as OrtModule, fixtureFiles(m, 'onnx/model.onnx'));
    const predicted = (await engine.classify(texts, { batchSize: 32 })).map((x) => Object.entries(x.scores).filter(([l, p]) => p >= { negative: 0.5, neutral: 0.55, positive: 0.45 }[l]!).map(([l]) => l));
    await engine.release();
    const labels = ['negative', 'neutral', 'positive'];
    const stats = labels.map((l) => {
      const tp = gold.filter((g, i) => g.includes(l) && predicted[i]!.includes(l)).length;
      const fp = gold.filter((g, i) => !g.includes(l) && predicted[i]!.includes(l)).length;
      const fn = gold.filter((g, i) => g.includes(l) && !predicted[i]!.includes(l)).length;
      return { tp, fp, fn };
    });
    const [tp, fp, fn] = ['tp', 'fp', 'fn'].map((k) => stats.reduce((a, x) => a + x[k as 'tp'], 0));
    expect(r.problem_type).toBe('multi_label_classification');
    expect(r.multi_label!.micro_f1).toBeCloseTo((2 * tp!) / (2 * tp! + fp! + fn!), 12);
    expect(r.multi_label!.exact_match).toBeCloseTo(gold.filter((g, i) => g.length === predicted[i]!.length && g.every((l) => predicted[i]!.includes(l))).length / 80, 12);
    expect(r.multi_label!.per_label.map((p) => p.support)).toEqual(stats.map((x) => x.tp + x.fn));
    expect(r.multi_label!.per_label.map((p) => p.precision)).toEqual(stats.map((x) => (x.tp + x.fp ? x.tp / (x.tp + x.fp) : 0)));
    expect(r.multi_label!.thresholds).toEqual({ negative: 0.5, neutral: 0.55, positive: 0.45 });
    expect(new Set(predicted.flat()).size).toBeGreaterThan(1);
    expect(formatEval(r)).toMatch(/micro-F1 [\d.]+ {2}macro-F1 [\d.]+ {2}exact match/);
  });
});

describe('optimize', () => {
  it("saves ORT's optimised graph: fewer nodes, fused int8 kernels, same labels on both runtimes, manifest refreshed", async () => {
    const copy = join(mkdtempSync(join(tmpdir(), 'ko-opt-')), 'm');
    cpSync(dir, copy, { recursive: true });
    const file = join(copy, 'onnx/model_int8.onnx');
    const before = await evaluate(copy, SAMPLE, { limit: 300, dtype: 'int8' });
    const { optimizeFile } = await import('../src/optimize-command.js');
    const r = await optimizeFile(file);
    expect(r.nodesAfter).toBeLessThan(r.nodesBefore / 2);
    expect(r.exactDiff).toBeLessThanOrEqual(1e-3);
    expect(r.maxDiff).toBeLessThanOrEqual(0.25);
    const ops = decodeModel(readFileSync(file)).graph!.node.map((n) => n.opType);
    expect(ops).toEqual(expect.arrayContaining(['QuantizeLinear', 'MatMulIntegerToFloat', 'LayerNormalization']));
    expect(ops).not.toContain('MatMulInteger');
    // Marked, so ko-classify loads it with ORT's optimiser off; the mark is read from the bytes.
    const { onnxMetadata, OPTIMIZED_KEY } = await import('@ko-classify/core/engine');
    expect(onnxMetadata(new Uint8Array(readFileSync(file)))).toEqual({ [OPTIMIZED_KEY]: 'extended' });
    const manifest = JSON.parse(readFileSync(join(copy, 'manifest.json'), 'utf8')) as { files: Record<string, { sha256: string }> };
    expect(manifest.files['onnx/model_int8.onnx']!.sha256).toBe(createHash('sha256').update(readFileSync(file)).digest('hex'));
    // Real sentences: the optimised file labels them as the original does, on both runtimes.
    const after = await evaluate(copy, SAMPLE, { limit: 300, dtype: 'int8' });
    const web = await evaluate(copy, SAMPLE, { limit: 300, dtype: 'int8', runtime: 'web' });
    expect(Math.abs(after.accuracy - before.accuracy)).toBeLessThanOrEqual(2 / 300);
    expect(web.confusion).toEqual(after.confusion);
  }, 60_000);

  it('refuses a graph that is not a text classifier, leaving it unchanged', async () => {
    const copy = mkdtempSync(join(tmpdir(), 'ko-opt-bad-'));
    const { encodeModel, onnx, node, DataType } = await import('../src/onnx/proto.js');
    const g = onnx.GraphProto.create({
      name: 'g',
      node: [node('Relu', ['x'], ['y'], 'relu')],
      input: [onnx.ValueInfoProto.create({ name: 'x', type: { tensorType: { elemType: DataType.FLOAT, shape: { dim: [{ dimValue: 2 }] } } } })],
      output: [onnx.ValueInfoProto.create({ name: 'y', type: { tensorType: { elemType: DataType.FLOAT, shape: { dim: [{ dimValue: 2 }] } } } })],
    });
    const bytes = encodeModel(onnx.ModelProto.create({ irVersion: 8, opsetImport: [{ domain: '', version: 17 }], graph: g }) as never);
    writeFileSync(join(copy, 'relu.onnx'), bytes);
    expect(await main(['optimize', join(copy, 'relu.onnx')])).toBe(2);
    expect(readFileSync(join(copy, 'relu.onnx'))).toEqual(Buffer.from(bytes));
  });
});
