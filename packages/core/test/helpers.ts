import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EngineFiles } from '../src/engine/engine.js';
import { readModelJson } from '../src/node/disk-files.js';

export const FIXTURE = join(import.meta.dirname, 'fixtures', 'tiny-deberta');

export interface GoldenCase {
  text: string;
  textPair?: string;
  nfd_of?: number;
  input_ids: number[];
  token_type_ids: number[];
  logits: number[];
}

export interface Golden {
  max_length: number;
  cases: GoldenCase[];
  padded_batch: { indices: number[]; logits: number[][] };
  /** A long text's windows (Python ids) and each window's PyTorch logits. */
  window_case: { text: string; windows: number[][]; logits: number[][] };
}

export const golden: Golden = JSON.parse(readFileSync(join(FIXTURE, 'golden.json'), 'utf8'));

export function fixtureFiles(dir = FIXTURE, onnx = 'onnx/model.onnx'): EngineFiles {
  return {
    config: readModelJson(dir, 'config.json'),
    tokenizer: readModelJson(dir, 'tokenizer.json'),
    tokenizerConfig: readModelJson(dir, 'tokenizer_config.json'),
    model: new Uint8Array(readFileSync(join(dir, onnx))),
  };
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}
