import { describe, expect, it } from 'vitest';
import { defaultMaxLength, parseModelConfig } from '../src/engine/model-config.js';
import { KoClassifyError } from '../src/errors.js';

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
