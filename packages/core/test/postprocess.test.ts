import { describe, expect, it } from 'vitest';
import { makeBatches } from '../src/engine/batch.js';
import { defaultMaxLength, parseModelConfig } from '../src/engine/model-config.js';
import { postprocess, sigmoid, softmax } from '../src/engine/postprocess.js';
import { chooseDtype } from '../src/model-layout.js';
import { KoClassifyError } from '../src/errors.js';

describe('postprocess', () => {
  it('softmax for single-label: probabilities sum to 1, best label first', () => {
    const r = postprocess([1, 3, 2], ['a', 'b', 'c'], 'single_label_classification');
    expect(r.label).toBe('b');
    expect(r.scores.a! + r.scores.b! + r.scores.c!).toBeCloseTo(1, 12);
    // exp(3)/(e^1+e^2+e^3), computed independently
    expect(r.score).toBeCloseTo(Math.exp(3) / (Math.exp(1) + Math.exp(2) + Math.exp(3)), 12);
  });
  it('softmax is stable for large logits', () => {
    expect(softmax([1000, 1000])).toEqual([0.5, 0.5]);
  });
  it('sigmoid per label for multi-label', () => {
    const r = postprocess([0, 2, -2], ['x', 'y', 'z'], 'multi_label_classification');
    expect(r.scores).toEqual({ x: 0.5, y: 1 / (1 + Math.exp(-2)), z: 1 / (1 + Math.exp(2)) });
    expect(r.label).toBe('y');
    expect(sigmoid(-800)).toBe(0);
    expect(sigmoid(800)).toBe(1);
  });
  it('raw value for regression', () => {
    expect(postprocess([3.25], ['rating'], 'regression')).toEqual({ label: 'rating', score: 3.25, scores: { rating: 3.25 } });
  });
});

describe('parseModelConfig', () => {
  it('reads id2label in key order and infers the head', () => {
    const c = parseModelConfig({ id2label: { '1': 'positive', '0': 'negative' }, model_type: 'deberta-v2' });
    expect(c.labels).toEqual(['negative', 'positive']);
    expect(c.problemType).toBe('single_label_classification');
    expect(parseModelConfig({ id2label: { '0': 'score' } }).problemType).toBe('regression');
  });
  it('rejects configs that are not classifiers', () => {
    expect(() => parseModelConfig({ model_type: 'bert' })).toThrow(/id2label/);
    expect(() => parseModelConfig({ id2label: { '0': 'a', '2': 'b' } })).toThrow(/0..n-1/);
    expect(() => parseModelConfig({ id2label: { '0': 'a' }, problem_type: 'ranking' })).toThrow(/problem_type/);
    expect(() => parseModelConfig('nope')).toThrow(KoClassifyError);
  });
  it('caps max length by absolute positions for BERT-style models only', () => {
    const bert = parseModelConfig({ id2label: { '0': 'a', '1': 'b' }, model_type: 'bert', max_position_embeddings: 512 });
    expect(defaultMaxLength(bert, { model_max_length: 1e30 })).toBe(512);
    const deberta = parseModelConfig({ id2label: { '0': 'a', '1': 'b' }, model_type: 'deberta-v2', max_position_embeddings: 64 });
    expect(defaultMaxLength(deberta, { model_max_length: 128 })).toBe(128);
  });
});

describe('makeBatches', () => {
  it('sorts by length, pads per batch, and remembers where rows came from', () => {
    const enc = [5, 2, 9, 3].map((n, k) => ({ ids: Array.from({ length: n }, (_, j) => 10 * k + j + 1), typeIds: new Array(n).fill(0) }));
    const batches = makeBatches(enc, 2, 0);
    expect(batches.map((b) => b.origin)).toEqual([[1, 3], [0, 2]]);
    expect(batches.map((b) => b.width)).toEqual([3, 9]);
    const first = batches[0]!;
    expect(Array.from(first.ids)).toEqual([11n, 12n, 0n, 31n, 32n, 33n]);
    expect(Array.from(first.mask)).toEqual([1n, 1n, 0n, 1n, 1n, 1n]);
  });

  const ofLengths = (lengths: number[]) => lengths.map((n) => ({ ids: new Array<number>(n).fill(7), typeIds: new Array<number>(n).fill(0) }));

  it('splits a small call when padding would cost more than another run', () => {
    // One batch would pad 4 short rows to 60 tokens: 10 + 6 × 60 = 370 vs 10 + 4 × 3 + 10 + 2 × 60 = 152.
    const batches = makeBatches(ofLengths([60, 3, 2, 60, 3, 2]), 32, 0);
    expect(batches.map((b) => [b.rows, b.width])).toEqual([[4, 3], [2, 60]]);
    expect(batches.flatMap((b) => b.origin).sort()).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('keeps similar lengths in one run and never exceeds batchSize rows', () => {
    expect(makeBatches(ofLengths([20, 21, 22, 23]), 32, 0).map((b) => b.rows)).toEqual([4]);
    const many = makeBatches(ofLengths(Array.from({ length: 100 }, () => 17)), 32, 0);
    expect(many.every((b) => b.rows <= 32)).toBe(true);
    expect(many.reduce((a, b) => a + b.rows, 0)).toBe(100);
    expect(many).toHaveLength(4);
  });

  it('an empty call makes no batch', () => {
    expect(makeBatches([], 32, 0)).toEqual([]);
  });
});

describe('chooseDtype', () => {
  const files = ['config.json', 'onnx/model.onnx', 'onnx/model_int8.onnx', 'onnx/model_q4.onnx'];
  it('auto picks int8 on WASM and int4 on WebGPU', () => {
    expect(chooseDtype('auto', 'wasm', files, false)).toEqual({ dtype: 'int8', file: 'onnx/model_int8.onnx' });
    expect(chooseDtype('auto', 'webgpu', files, true)).toEqual({ dtype: 'int4', file: 'onnx/model_q4.onnx' });
    expect(chooseDtype('auto', 'webgpu', ['onnx/model.onnx', 'onnx/model_fp16.onnx'], true).dtype).toBe('fp16');
    expect(chooseDtype('auto', 'webgpu', ['onnx/model.onnx', 'onnx/model_fp16.onnx'], false).dtype).toBe('fp32');
  });
  it('a missing explicit dtype is a typed error naming the files present', () => {
    try {
      chooseDtype('fp16', 'wasm', files, false);
      expect.unreachable();
    } catch (e) {
      expect((e as KoClassifyError).code).toBe('DTYPE_UNAVAILABLE');
      expect((e as Error).message).toContain('onnx/model.onnx, onnx/model_int8.onnx, onnx/model_q4.onnx');
    }
  });
});
