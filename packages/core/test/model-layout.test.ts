import { describe, expect, it } from 'vitest';
import { chooseDtype, browserFiles } from '../src/model/layout.js';
import { KoClassifyError } from '../src/errors.js';

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

describe('browserFiles', () => {
  it('keeps the text files and the int8/int4 ONNX files, drops fp32 and everything else', () => {
    const listed = ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json', 'onnx/model.onnx', 'onnx/model_int8.onnx', 'onnx/model_q4.onnx', 'onnx/model_fp16.onnx', 'README.md'];
    expect(browserFiles(listed)).toEqual(['config.json', 'tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json', 'onnx/model_int8.onnx', 'onnx/model_q4.onnx']);
    expect(browserFiles(['config.json', 'onnx/model_quantized.onnx'])).toEqual(['config.json', 'onnx/model_quantized.onnx']);
    expect(browserFiles(listed, ['fp16'])).toContain('onnx/model_fp16.onnx');
  });
});
