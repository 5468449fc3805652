import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { bench } from '../src/bench-command.js';
import { evaluate } from '../src/eval-command.js';
import { inspectPath, type ModelDirSummary } from '../src/inspect-command.js';
import { main } from '../src/cli.js';
import { quantizeFile } from '../src/quantize-command.js';

const FIXTURE = join(import.meta.dirname, '../../core/test/fixtures/tiny-deberta');
const SAMPLE = join(import.meta.dirname, '../../core/test/fixtures/nsmc-dev-sample.tsv');
let dir = '';

beforeAll(() => {
  dir = join(mkdtempSync(join(tmpdir(), 'ko-cli-')), 'm');
  cpSync(FIXTURE, dir, { recursive: true });
  quantizeFile(join(dir, 'onnx/model.onnx'), { mode: 'int8' });
  quantizeFile(join(dir, 'onnx/model.onnx'), { mode: 'int4' });
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

  it('int8 and web runtime give the same accuracy as fp32 on node within a point', async () => {
    const fp32 = await evaluate(dir, SAMPLE, { limit: 200, dtype: 'fp32' });
    const int8web = await evaluate(dir, SAMPLE, { limit: 200, dtype: 'int8', runtime: 'web' });
    expect(int8web.file).toBe('onnx/model_int8.onnx');
    expect(Math.abs(int8web.accuracy - fp32.accuracy)).toBeLessThanOrEqual(0.01);
  });

  it('--json prints one object with the documented keys', async () => {
    const out: string[] = [];
    const log = console.log;
    console.log = (s: string) => out.push(s);
    try {
      expect(await main(['eval', dir, SAMPLE, '--limit', '50', '--json'])).toBe(0);
    } finally {
      console.log = log;
    }
    const j = JSON.parse(out.join('\n'));
    for (const k of ['n', 'accuracy', 'macro_f1', 'confusion', 'sentences_per_second']) expect(j).toHaveProperty(k);
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
    expect(byFile['model_int8.onnx']!.noWebGpuKernel).toEqual(expect.arrayContaining(['DynamicQuantizeLinear', 'MatMulInteger']));
    expect(byFile['model_q4.onnx']!.noWebGpuKernel).not.toContain('com.microsoft:MatMulNBits');
    expect(byFile['model_q4.onnx']!.ops['com.microsoft:MatMulNBits']).toBe(18);
    expect(byFile['model_int8.onnx']!.weightBytesByDtype.int8).toBeGreaterThan(0);
  });
});

describe('bench', () => {
  it('measures throughput and latency percentiles', async () => {
    const r = await bench(dir, { n: 64, latencyRuns: 20 });
    expect(r.sentences_per_second).toBeGreaterThan(0);
    expect(r.latency_ms.p95).toBeGreaterThanOrEqual(r.latency_ms.p50);
    expect(r.latency_ms.runs).toBe(20);
  });
});
