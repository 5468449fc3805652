import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ortWeb from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import { Engine, type OrtModule } from '../src/engine/engine.js';
import { OPTIMIZED_KEY, onnxMetadata, sessionOptionsFor } from '../src/engine/onnx-metadata.js';
import { FIXTURE, fixtureFiles } from './helpers.js';

// A graph `ko-classify optimize` saved carries a metadata entry; such a file is loaded with ORT's
// optimiser off. The entry is read from the bytes without decoding the graph.
const model = new Uint8Array(readFileSync(join(FIXTURE, 'onnx/model_int8.onnx')));

/** ModelProto field 14 (metadata_props) appended: protobuf merges fields that come later. */
function withMetadata(bytes: Uint8Array, entries: Record<string, string>): Uint8Array {
  const enc = new TextEncoder();
  const len = (n: number) => {
    const out: number[] = [];
    for (; n > 127; n = Math.floor(n / 128)) out.push((n & 0x7f) | 0x80);
    out.push(n);
    return out;
  };
  const parts: number[] = [];
  for (const [k, v] of Object.entries(entries)) {
    const key = [...enc.encode(k)];
    const value = [...enc.encode(v)];
    const entry = [0x0a, ...len(key.length), ...key, 0x12, ...len(value.length), ...value];
    parts.push(0x72, ...len(entry.length), ...entry);
  }
  const out = new Uint8Array(bytes.length + parts.length);
  out.set(bytes);
  out.set(parts, bytes.length);
  return out;
}

describe('ONNX metadata and pre-optimised graphs', () => {
  it('reads metadata_props from the top level of the file; none in a plain export; nothing from bytes that are not ONNX', () => {
    expect(onnxMetadata(model)).toEqual({});
    expect(onnxMetadata(withMetadata(model, { [OPTIMIZED_KEY]: 'extended', 'other key': '값' }))).toEqual({ [OPTIMIZED_KEY]: 'extended', 'other key': '값' });
    expect(onnxMetadata(new Uint8Array([0xff, 0xff, 0xff]))).toEqual({});
    expect(onnxMetadata(new TextEncoder().encode('<!doctype html>'))).toEqual({});
  });

  it('a marked file gets graphOptimizationLevel disabled; an unmarked one keeps its options', () => {
    const marked = withMetadata(model, { [OPTIMIZED_KEY]: 'extended' });
    expect(sessionOptionsFor({ executionProviders: ['wasm'], graphOptimizationLevel: 'all' }, marked)).toEqual({ executionProviders: ['wasm'], graphOptimizationLevel: 'disabled' });
    expect(sessionOptionsFor({ graphOptimizationLevel: 'all' }, model)).toEqual({ graphOptimizationLevel: 'all' });
  });

  it('Engine.create loads a marked file with the optimiser off, and it scores exactly as the same graph optimised at load', async () => {
    const seen: unknown[] = [];
    const spy = { ...ortWeb, InferenceSession: { create: (m: Uint8Array, o: { graphOptimizationLevel?: string }) => (seen.push(o.graphOptimizationLevel), ortWeb.InferenceSession.create(m, o as never)) } } as unknown as OrtModule;
    const marked = withMetadata(model, { [OPTIMIZED_KEY]: 'extended' });
    const files = fixtureFiles(FIXTURE, 'onnx/model_int8.onnx');
    const a = await Engine.create(spy, { ...files, model: marked }, { sessionOptions: { graphOptimizationLevel: 'all' } });
    const b = await Engine.create(spy, files, { sessionOptions: { graphOptimizationLevel: 'all' } });
    const c = await Engine.create(spy, { ...files, model: marked }, { sessionOptions: { graphOptimizationLevel: 'all' }, trustOptimizedGraph: false });
    expect(seen).toEqual(['disabled', 'all', 'all']);
    const texts = ['정말 재밌어요', '시간 아까움', '그냥 그랬다'];
    const [ra, rb] = [await a.classify(texts), await b.classify(texts)];
    for (let i = 0; i < texts.length; i++) for (const [k, v] of Object.entries(rb[i]!.scores)) expect(Math.abs(ra[i]!.scores[k]! - v)).toBeLessThan(1e-4);
    await Promise.all([a.release(), b.release(), c.release()]);
  });
});
