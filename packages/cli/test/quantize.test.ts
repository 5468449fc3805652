import { mkdtempSync, readFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ortNode from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import { Engine, makeBatches, type OrtModule } from '@ko-classify/core/engine';
import { decodeModel, encodeModel, onnx, floatData, dimsOf, type Model } from '../src/onnx/proto.js';
import { QuantizeError, SOFTMAX_PAD, quantizeModel } from '../src/onnx/quantize.js';
import { toHalfBits as toHalf } from '../src/onnx/quant-math.js';
import { DEFAULT_CALIBRATION, calibrationTexts, quantizeFile } from '../src/quantize-command.js';

const FIXTURE = join(import.meta.dirname, '../../core/test/fixtures/tiny-deberta');
const SAMPLE = join(import.meta.dirname, '../../core/test/fixtures/nsmc-dev-sample.tsv');
const fp32Bytes = readFileSync(join(FIXTURE, 'onnx/model.onnx'));
const sentences = readFileSync(SAMPLE, 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t')[1] ?? '');

let dir = '';
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ko-quant-'));
  cpSync(FIXTURE, join(dir, 'm'), { recursive: true });
  await quantizeFile(join(dir, 'm/onnx/model.onnx'), { mode: 'int8' });
  await quantizeFile(join(dir, 'm/onnx/model.onnx'), { mode: 'int4' });
});

const json = (f: string) => JSON.parse(readFileSync(join(FIXTURE, f), 'utf8'));
const files = (model: Uint8Array) => ({ config: json('config.json'), tokenizer: json('tokenizer.json'), tokenizerConfig: json('tokenizer_config.json'), model });
const ops = (m: Model) => new Set(m.graph!.node.map((n) => n.opType));

async function logitsOf(ort: OrtModule, model: Uint8Array): Promise<Float32Array[]> {
  const engine = await Engine.create(ort, files(model));
  const encoded = engine.encode(sentences);
  const rows: Float32Array[] = [];
  for (const e of encoded) {
    const ids = BigInt64Array.from(e.ids.map(BigInt));
    rows.push(await engine.run(ids, new BigInt64Array(ids.length).fill(1n), new BigInt64Array(ids.length), 1, ids.length));
  }
  await engine.release();
  return rows;
}

function compare(a: Float32Array[], b: Float32Array[]): { agreement: number; maxAbsDiff: number; correlation: number } {
  let same = 0;
  let maxAbsDiff = 0;
  const argmax = (r: Float32Array) => r.indexOf(Math.max(...r));
  a.forEach((r, i) => {
    if (argmax(r) === argmax(b[i]!)) same++;
    r.forEach((v, j) => (maxAbsDiff = Math.max(maxAbsDiff, Math.abs(v - b[i]![j]!))));
  });
  // Pearson correlation of all logits: a permuted or sign-flipped head would drop it far below 0.9.
  const x = a.flatMap((r) => [...r]);
  const y = b.flatMap((r) => [...r]);
  const mean = (v: number[]) => v.reduce((s, t) => s + t, 0) / v.length;
  const [mx, my] = [mean(x), mean(y)];
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  x.forEach((v, i) => {
    sxy += (v - mx) * (y[i]! - my);
    sxx += (v - mx) ** 2;
    syy += (y[i]! - my) ** 2;
  });
  return { agreement: same / a.length, maxAbsDiff, correlation: sxy / Math.sqrt(sxx * syy) };
}

describe('protobuf round trip', () => {
  // protobufjs writes a few explicitly-set default fields that the C++ encoder omits, so the bytes
  // can differ slightly (46 bytes on this export); the decoded message must be identical.
  it('decode → encode of the torch export is semantically equal', () => {
    const reencoded = encodeModel(decodeModel(fp32Bytes));
    const view = (b: Uint8Array) => JSON.stringify(onnx.ModelProto.toObject(onnx.ModelProto.decode(b), { longs: String, bytes: String, defaults: false }));
    expect(view(reencoded)).toBe(view(fp32Bytes));
    expect(Math.abs(reencoded.byteLength - fp32Bytes.byteLength)).toBeLessThan(fp32Bytes.byteLength * 0.001);
  });
});

const RUNTIMES: [string, OrtModule][] = [
  ['onnxruntime-node', ortNode as unknown as OrtModule],
  ['onnxruntime-web', ortWeb as unknown as OrtModule],
];

/** Label agreement and largest logit gap of a quantized file against fp32 (or `reference`), on one runtime (logged). */
async function versusFp32(ort: OrtModule, name: string, file: string, reference: Uint8Array = fp32Bytes): Promise<ReturnType<typeof compare>> {
  const r = compare(await logitsOf(ort, reference), await logitsOf(ort, readFileSync(join(dir, file))));
  console.log(`${name} vs ${reference === fp32Bytes ? 'fp32' : 'fp32 with its 4-bit embeddings'}: argmax agreement ${(r.agreement * 100).toFixed(1)}%, max |Δlogit| ${r.maxAbsDiff.toFixed(4)}, correlation ${r.correlation.toFixed(4)}`);
  return r;
}

/** The fp32 graph with its word-embedding Gather replaced by `file`'s GatherBlockQuantized + Cast (and tables). */
function fp32WithEmbeddingsOf(file: string): Uint8Array {
  const q = decodeModel(readFileSync(join(dir, file))).graph!;
  const gbq = q.node.find((n) => n.opType === 'GatherBlockQuantized');
  if (!gbq) throw new Error(`${file} has no GatherBlockQuantized: its embeddings are not in 4 bits`);
  const next = q.node.find((n) => n.input[0] === gbq.output[0]);
  const cast = next?.opType === 'Cast' ? next : null;
  const m = decodeModel(fp32Bytes);
  const g = m.graph!;
  const at = g.node.findIndex((n) => n.opType === 'Gather' && /word_embeddings/.test(n.input[0]!));
  const gather = g.node[at]!;
  if (cast) cast.output[0] = gather.output[0]!;
  else gbq.output[0] = gather.output[0]!;
  g.node.splice(at, 1, ...(cast ? [gbq, cast] : [gbq]));
  g.initializer = [...g.initializer.filter((t) => t.name !== gather.input[0]), ...q.initializer.filter((t) => gbq.input.includes(t.name) && t.name !== gbq.input[1])];
  m.opsetImport.push(onnx.OperatorSetIdProto.create({ domain: 'com.microsoft', version: 1 }) as never);
  return encodeModel(m);
}

describe('int8 (QuantizeLinear + MatMulIntegerToFloat) for WASM', () => {
  const int8 = () => decodeModel(readFileSync(join(dir, 'm/onnx/model_int8.onnx')));

  it('rewrites every constant-weight MatMul/Gemm on a graph input into QuantizeLinear + MatMulIntegerToFloat', () => {
    const m = int8();
    const o = ops(m);
    expect(o.has('QuantizeLinear') && o.has('MatMulIntegerToFloat')).toBe(true);
    expect(o.has('DynamicQuantizeLinear') || o.has('Gemm')).toBe(false);
    const inits = new Map(m.graph!.initializer.map((t) => [t.name, t]));
    // What still multiplies by a float weight may only be a product of constants (folded at load).
    const dynamic = new Set(m.graph!.input.map((i) => i.name));
    for (const n of m.graph!.node) if (n.input.some((i) => dynamic.has(i))) n.output.forEach((x) => dynamic.add(x));
    const floatWeight = (name: string) => inits.get(m.graph!.node.find((n) => n.opType === 'Identity' && n.output[0] === name)?.input[0] ?? name)?.dataType === onnx.TensorProto.DataType.FLOAT;
    expect(m.graph!.node.filter((n) => n.opType === 'MatMul' && floatWeight(n.input[1]!) && dynamic.has(n.input[0]!))).toEqual([]);
    // Each weight: per output channel, scale = max |w| / 63 of the fp32 column, and the int8 values
    // are round(w / scale) — checked against the torch export's own weights. 7 bits, so that AVX2's
    // u8×s8 kernel (vpmaddubsw: two products summed into int16, saturating) never saturates: with
    // 8-bit weights onnxruntime-node on a CPU without VNNI answers differently from WASM and VNNI.
    const fp32 = new Map(decodeModel(fp32Bytes).graph!.initializer.map((t) => [t.name, t]));
    let checked = 0;
    for (const n of m.graph!.node.filter((x) => x.opType === 'MatMulIntegerToFloat')) {
      const wq = inits.get(n.input[1]!)!;
      const stem = wq.name.replace(/_quantized__q\d+$/, '');
      const orig = fp32.get(stem)!;
      const scales = floatData(inits.get(n.input[3]!)!);
      const [K, N] = dimsOf(wq) as [number, number];
      const gemm = !stem.startsWith('onnx::MatMul');
      const w = floatData(orig);
      const at = (k: number, c: number) => (gemm ? w[c * K + k]! : w[k * N + c]!);
      const q = new Int8Array(wq.rawData.buffer, wq.rawData.byteOffset, K * N);
      for (let c = 0; c < N; c++) {
        let max = 0;
        for (let k = 0; k < K; k++) max = Math.max(max, Math.abs(at(k, c)));
        expect(scales[c]).toBeCloseTo(max / 63, 7);
        for (let k = 0; k < K; k += 7) expect(q[k * N + c]).toBe(Math.round(at(k, c) / scales[c]!) + 0);
      }
      expect(2 * 255 * q.reduce((a, v) => Math.max(a, Math.abs(v)), 0)).toBeLessThanOrEqual(32767);
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(10);
  });

  // An independent measurement on the other runtime: every QuantizeLinear's fixed scale and zero point
  // span exactly the range its input reaches on the calibration sample (texts run one at a time).
  it('activation scales are the calibration sample\'s range, measured independently on onnxruntime-web', async () => {
    const m = int8();
    const inits = new Map(m.graph!.initializer.map((t) => [t.name, t]));
    const quants = m.graph!.node.filter((n) => n.opType === 'QuantizeLinear');
    expect(quants.length).toBe(10);
    const probe = decodeModel(fp32Bytes);
    for (const q of quants) probe.graph!.output.push(onnx.ValueInfoProto.create({ name: q.input[0] }) as never);
    const session = await ortWeb.InferenceSession.create(encodeModel(probe));
    const engine = await Engine.create(ortWeb as unknown as OrtModule, files(fp32Bytes));
    const range = new Map(quants.map((q) => [q.input[0]!, [Infinity, -Infinity]]));
    for (const e of engine.encode(calibrationTexts(DEFAULT_CALIBRATION, undefined, 512))) {
      const dims = [1, e.ids.length];
      const out = await session.run({
        input_ids: new ortWeb.Tensor('int64', BigInt64Array.from(e.ids, BigInt), dims),
        attention_mask: new ortWeb.Tensor('int64', new BigInt64Array(e.ids.length).fill(1n), dims),
        token_type_ids: new ortWeb.Tensor('int64', new BigInt64Array(e.ids.length), dims),
      });
      for (const [name, r] of range) for (const v of out[name]!.data as Float32Array) [r[0], r[1]] = [Math.min(r[0]!, v), Math.max(r[1]!, v)];
    }
    await engine.release();
    for (const q of quants) {
      const [lo, hi] = range.get(q.input[0]!)!.map((v, i) => (i === 0 ? Math.min(0, v!) : Math.max(0, v!))) as [number, number];
      const scale = floatData(inits.get(q.input[1]!)!)[0]!;
      const zero = inits.get(q.input[2]!)!;
      expect(zero.dataType).toBe(onnx.TensorProto.DataType.UINT8);
      expect(scale).toBeCloseTo((hi - lo) / 255, 5);
      expect(zero.rawData[0]).toBe(Math.round(-lo / scale));
    }
  });

  it('widens each attention Softmax by masked entries and slices back', () => {
    const g = int8().graph!;
    const inits = new Map(g.initializer.map((t) => [t.name, t]));
    const pads = g.node.filter((n) => n.opType === 'Pad');
    expect(pads.length).toBe(g.node.filter((n) => n.opType === 'Softmax').length);
    for (const p of pads) {
      const amounts = new BigInt64Array(new Uint8Array(inits.get(p.input[1]!)!.rawData).buffer);
      expect([...amounts]).toEqual([0n, 0n, 0n, 0n, 0n, 0n, 0n, BigInt(SOFTMAX_PAD)]);
      expect(floatData(inits.get(p.input[2]!)!)[0]).toBe(-3.4028234663852886e38);
      const softmax = g.node.find((n) => n.input[0] === p.output[0])!;
      expect(softmax.opType).toBe('Softmax');
      expect(g.node.find((n) => n.input[0] === softmax.output[0])!.opType).toBe('Slice');
    }
  });

  // The property the rewrite exists for: a sentence's logits are bit-identical alone (unpadded) and
  // inside length-sorted batches padded to their longest row, and padded to 128.
  it.each(RUNTIMES)('%s: every sentence gets the same logits alone, in padded batches and padded to the longest the model takes', async (_n, ort) => {
    const engine = await Engine.create(ort, files(readFileSync(join(dir, 'm/onnx/model_int8.onnx'))));
    const encoded = engine.encode(sentences.slice(0, 300));
    const alone: Float32Array[] = [];
    for (const e of encoded) alone.push(await engine.run(BigInt64Array.from(e.ids, BigInt), new BigInt64Array(e.ids.length).fill(1n), new BigInt64Array(e.ids.length), 1, e.ids.length));
    const widths = new Set<number>();
    for (const [size, pad] of [[32, false], [7, true]] as const) {
      for (const b of makeBatches(encoded, size, 0)) {
        const width = pad ? engine.tokenizer.maxLength : b.width;
        widths.add(width);
        const ids = new BigInt64Array(b.rows * width);
        const mask = new BigInt64Array(b.rows * width);
        b.origin.forEach((src, r) => encoded[src]!.ids.forEach((id, j) => ((ids[r * width + j] = BigInt(id)), (mask[r * width + j] = 1n))));
        const logits = await engine.run(ids, mask, new BigInt64Array(ids.length), b.rows, width);
        const n = logits.length / b.rows;
        b.origin.forEach((src, r) => expect(logits.subarray(r * n, (r + 1) * n)).toEqual(alone[src]));
      }
    }
    await engine.release();
    expect(widths.size).toBeGreaterThan(10);
  });

  // The fixture's labels spread over its three classes (training/make_fixture.py), so agreement is not
  // free: chance is ~36%; a permuted or sign-flipped head lands far below the bounds. Its random
  // weights leave close logits, so the 7-bit weights cost it more than the shipped models (measured:
  // 93.1% agreement, max |Δlogit| 0.57, correlation 0.9945; 8-bit weights gave ≥ 97% on WASM; the
  // shipped models' card scores moved by 0.02–0.26 pt). The int8 rewrite is held to that against fp32
  // with the file's own 4-bit embeddings (measured on both runtimes: 94.0%, 0.63, 0.9949); the
  // embeddings' own error is bounded below ("the word embeddings in 4 bits").
  it.each(RUNTIMES)('%s: agrees with fp32 (its embeddings in the same 4 bits) on ≥ 90% of 1,000 NSMC dev sentences, logits within 0.75', async (_n, ort) => {
    const { agreement, maxAbsDiff, correlation } = await versusFp32(ort, 'int8', 'm/onnx/model_int8.onnx', fp32WithEmbeddingsOf('m/onnx/model_int8.onnx'));
    expect(agreement).toBeGreaterThanOrEqual(0.9);
    expect(maxAbsDiff).toBeLessThan(0.75);
    expect(correlation).toBeGreaterThan(0.99);
  });

  // The whole file against plain fp32: 4 bits over this fixture's random 32-wide table (8% RMS error)
  // move its close logits further (measured 88.2%, max |Δlogit| 1.26, correlation 0.981); the shipped
  // models' scores are on their cards.
  it.each(RUNTIMES)('%s: the whole file agrees with plain fp32 on ≥ 85% of the sentences, correlation > 0.97', async (_n, ort) => {
    const { agreement, correlation } = await versusFp32(ort, 'int8', 'm/onnx/model_int8.onnx');
    expect(agreement).toBeGreaterThanOrEqual(0.85);
    expect(correlation).toBeGreaterThan(0.97);
  });
});

describe('int4 (MatMulNBits) for WebGPU', () => {
  it('packs B as [N, k_blocks, block/2] with scales [N, k_blocks] (checked by an independent dequantizer)', () => {
    const fp32 = decodeModel(fp32Bytes);
    const q4 = decodeModel(readFileSync(join(dir, 'm/onnx/model_q4.onnx')));
    const fpInits = new Map(fp32.graph!.initializer.map((t) => [t.name, t]));
    const qInits = new Map(q4.graph!.initializer.map((t) => [t.name, t]));
    const nbits = q4.graph!.node.filter((n) => n.opType === 'MatMulNBits');
    expect(nbits.length).toBe(18);
    for (const n of nbits) {
      const attrs = Object.fromEntries(n.attribute.map((a) => [a.name, Number(a.i)]));
      expect(attrs).toMatchObject({ bits: 4, block_size: 32, accuracy_level: 4 });
      expect(n.domain).toBe('com.microsoft');
      const { K, N } = attrs as { K: number; N: number };
      const B = qInits.get(n.input[1]!)!;
      const S = qInits.get(n.input[2]!)!;
      const kBlocks = Math.ceil(K / 32);
      expect(dimsOf(B)).toEqual([N, kBlocks, 16]);
      expect(dimsOf(S)).toEqual([N, kBlocks]);
      const packed = B.rawData;
      const scales = floatData(S);
      // The original fp32 weight by name stem. torch names MatMul weights `onnx::MatMul_*` ([K, N]);
      // Gemm weights keep their parameter name and are stored [N, K] (transB).
      const stem = n.input[1]!.replace(/_Q4__q\d+$/, '');
      const orig = fpInits.get(stem)!;
      const w = floatData(orig);
      const gemm = !stem.startsWith('onnx::MatMul');
      for (let col = 0; col < N; col++) {
        for (let k = 0; k < K; k++) {
          const byte = packed[(col * kBlocks + Math.floor(k / 32)) * 16 + Math.floor((k % 32) / 2)]!;
          const nibble = k % 2 === 0 ? byte & 0x0f : byte >> 4;
          const s = scales[col * kBlocks + Math.floor(k / 32)]!;
          if (k % 32 === 0) {
            // The scale itself, from the fp32 block: max |w| / 7 (symmetric 4-bit, zero point 8).
            let max = 0;
            for (let j = k; j < Math.min(K, k + 32); j++) max = Math.max(max, Math.abs(gemm ? w[col * K + j]! : w[j * N + col]!));
            expect(s).toBeCloseTo(max / 7, 6);
          }
          const deq = (nibble - 8) * s;
          const ref = gemm ? w[col * K + k]! : w[k * N + col]!;
          expect(Math.abs(deq - ref)).toBeLessThanOrEqual(s / 2 + 1e-6);
        }
      }
    }
  });

  // Documented tolerance (README): 4 bits in blocks of 32 over this fixture's 32-wide random layers is
  // coarse (the trained models keep every clear label: embedded-models.test.ts); here int4 must still
  // track fp32: logits correlated ≥ 0.85 and ≥ 65% of labels (chance ~36%).
  it.each(RUNTIMES)('%s: loads and runs within the documented tolerance', async (_n, ort) => {
    const { agreement, correlation } = await versusFp32(ort, 'int4', 'm/onnx/model_q4.onnx');
    expect(agreement).toBeGreaterThanOrEqual(0.65);
    expect(correlation).toBeGreaterThan(0.85);
  });
});

/** IEEE half bits → number: the test's own decoder, not the quantizer's. */
function half(bits: number): number {
  const e = (bits >> 10) & 0x1f;
  const m = bits & 0x3ff;
  const v = e === 0 ? m * 2 ** -24 : (1 + m / 1024) * 2 ** (e - 15);
  return bits & 0x8000 ? -v : v;
}

/** The i-th scale of a GatherBlockQuantized scales initializer, half or float. */
function scaleReader(t: { dataType: number; rawData: Uint8Array }): (i: number) => number {
  const raw = new Uint8Array(t.rawData);
  if (t.dataType === onnx.TensorProto.DataType.FLOAT) {
    const f = new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4);
    return (i) => f[i]!;
  }
  const h = new Uint16Array(raw.buffer, raw.byteOffset, raw.byteLength / 2);
  return (i) => half(h[i]!);
}

// Both files store the word embeddings in 4 bits: blocks of 32 along each row, one half-valued scale
// per block, read by com.microsoft GatherBlockQuantized (uint8 data: value = (nibble − z) × scale). The
// int8 file has no zero points (z = 8, symmetric) and half scales (its output is cast to float); the q4
// file stores one zero point per block and its scales as float (WebGPU's kernel needs shader-f16 for
// half ones). The fixture's table is 2,000 × 32: one block per row.
describe.each([['int8', 'm/onnx/model_int8.onnx', false], ['int4', 'm/onnx/model_q4.onnx', true]] as const)('%s file: the word embeddings in 4 bits', (_mode, file, zeroPoints) => {
  const fp32Table = () => decodeModel(fp32Bytes).graph!.initializer.find((t) => /word_embeddings/.test(t.name))!;

  it(`GatherBlockQuantized (bits 4, block 32) on uint8 nibbles with ${zeroPoints ? 'float scales and 4-bit zero points' : 'half scales, no zero points'}, no other copy of the table, each nibble the nearest level of its block`, () => {
    const m = decodeModel(readFileSync(join(dir, file)));
    const g = m.graph!;
    const inits = new Map(g.initializer.map((t) => [t.name, t]));
    const gbq = g.node.filter((n) => n.opType === 'GatherBlockQuantized');
    expect(gbq.length).toBe(1);
    const [n] = gbq as [(typeof gbq)[0]];
    expect(n.domain).toBe('com.microsoft');
    expect(Object.fromEntries(n.attribute.map((a) => [a.name, Number(a.i)]))).toEqual({ gather_axis: 0, quantize_axis: 1, block_size: 32, bits: 4 });
    expect(n.input[1]).toBe('input_ids');
    expect(n.input.length).toBe(zeroPoints ? 4 : 3); // without zero points, the default 8
    const cast = g.node.find((x) => x.input[0] === n.output[0])!;
    if (zeroPoints) expect(cast.opType).not.toBe('Cast');
    else expect([cast.opType, Number(cast.attribute[0]!.i)]).toEqual(['Cast', onnx.TensorProto.DataType.FLOAT]);
    const orig = fp32Table();
    const [V, H] = dimsOf(orig) as [number, number];
    const blocks = H / 32;
    const data = inits.get(n.input[0]!)!;
    const scales = inits.get(n.input[2]!)!;
    const zps = zeroPoints ? inits.get(n.input[3]!)! : undefined;
    expect([data.dataType, dimsOf(data)]).toEqual([onnx.TensorProto.DataType.UINT8, [V, H / 2]]);
    expect([scales.dataType, dimsOf(scales)]).toEqual([zeroPoints ? onnx.TensorProto.DataType.FLOAT : onnx.TensorProto.DataType.FLOAT16, [V, blocks]]);
    if (zps) expect([zps.dataType, dimsOf(zps)]).toEqual([onnx.TensorProto.DataType.UINT8, [V, Math.ceil(blocks / 2)]]);
    // Nothing else holds the table: no initializer of V × H elements in any type, no plain Gather of one.
    const elements = (t: (typeof g.initializer)[0]) => dimsOf(t).reduce((a, b) => a * b, 1);
    expect(g.initializer.filter((t) => elements(t) >= V * H).map((t) => t.name)).toEqual([]);
    expect(g.node.filter((x) => x.opType === 'Gather' && (inits.get(x.input[0]!)?.dims.length ?? 0) === 2 && elements(inits.get(x.input[0]!)!) >= V * 8).map((x) => x.name)).toEqual([]);
    const w = floatData(orig);
    const nib = (i: number) => (data.rawData[i >> 1]! >> ((i & 1) * 4)) & 0x0f;
    const zOf = (r: number, b: number) => (zps ? (zps.rawData[r * Math.ceil(blocks / 2) + (b >> 1)]! >> ((b & 1) * 4)) & 0x0f : 8);
    const scaleAt = scaleReader(scales);
    // A LayerNormalization reading the table's rows scales each column's error by γ_c, and the search
    // weighs it by γ_c² (the shipped models); here the fixture's token-type embeddings are added first,
    // so every column weighs 1.
    const fp32 = decodeModel(fp32Bytes).graph!;
    const gather = fp32.node.find((x) => x.opType === 'Gather' && x.input[0] === orig.name)!;
    const ln = fp32.node.find((x) => x.opType === 'LayerNormalization' && x.input[0] === gather.output[0]);
    const gamma = ln ? floatData(fp32.initializer.find((t) => t.name === ln.input[1])!) : new Float32Array(H).fill(1);
    expect(gamma.length).toBe(H);
    const level = (v: number, scale: number, z: number) => Math.min(15, Math.max(0, Math.round(v / scale) + z));
    const blockError = (from: number, scale: number, z: number) => {
      let e = 0;
      for (let i = from; i < from + 32; i++) e += ((level(w[i]!, scale, z) - z) * scale - w[i]!) ** 2 * gamma[i % H]! ** 2;
      return e;
    };
    let [searched, wrong] = [0, 0];
    for (let r = 0; r < V; r++) {
      for (let b = 0; b < blocks; b++) {
        const from = r * H + b * 32;
        const [s, z] = [scaleAt(r * blocks + b), zOf(r, b)];
        expect(half(toHalf(s))).toBe(s); // half-valued either way (the search works on half scales)
        const block = w.subarray(from, from + 32);
        const extreme = block.reduce((a, v) => (Math.abs(v) > Math.abs(a) ? v : a), 0);
        if (extreme === 0) continue;
        // The scale: within the searched span of its starting point (symmetric: the largest value on
        // −8; with a zero point: the block's range, 0 included, over 15 steps, lo on level 0), and no
        // worse in (γ²-weighted) squared error than that start.
        const range = Math.max(0, ...block) - Math.min(0, ...block);
        const start = zeroPoints ? half(toHalf(range / 15)) : half(toHalf(extreme / -8));
        const z0 = zeroPoints ? Math.min(15, Math.max(0, Math.round(-Math.min(0, ...block) / start))) : 8;
        const ratio = s / start;
        expect(ratio).toBeGreaterThan(0.59);
        expect(ratio).toBeLessThan(zeroPoints ? 1.001 : 1.21);
        expect(blockError(from, s, z)).toBeLessThanOrEqual(blockError(from, start, z0) + 1e-12);
        if (Math.abs(ratio - 1) > 2e-3 || z !== z0) searched++;
        for (let i = from; i < from + 32; i++) if (nib(i) !== level(w[i]!, s, z)) wrong++;
      }
    }
    expect(wrong).toBe(0);
    expect(searched).toBeGreaterThan(V / 10); // the search moved many blocks off the starting point
    // The table's bytes: half a byte per value plus 2 per block (int8 rows took 1 + 4 / 32), and half a
    // byte per block for zero points.
    expect(data.rawData.byteLength + scales.rawData.byteLength + (zps?.rawData.byteLength ?? 0)).toBe((V * H) / 2 + V * blocks * (zeroPoints ? 4 : 2) + (zeroPoints ? V * Math.ceil(blocks / 2) : 0));
  });

  // What the runtimes read: every token's row through the file's own GatherBlockQuantized + Cast, against
  // the test's dequantizer (to the half rounding of the kernel's output) and against the fp32 table.
  it.each(RUNTIMES)('%s: gathers exactly the stored rows, within a 4-bit step of fp32 (RMS error under 12% of the table\'s RMS)', async (_n, ort) => {
    const m = decodeModel(readFileSync(join(dir, file)));
    const g = m.graph!;
    const n = g.node.find((x) => x.opType === 'GatherBlockQuantized')!;
    expect(n, `${file} has no GatherBlockQuantized`).toBeDefined();
    const cast = zeroPoints ? null : g.node.find((x) => x.input[0] === n.output[0])!;
    const outName = cast ? cast.output[0]! : n.output[0]!;
    const inits = new Map(g.initializer.map((t) => [t.name, t]));
    const probe = onnx.ModelProto.create({
      irVersion: m.irVersion,
      opsetImport: m.opsetImport,
      graph: onnx.GraphProto.create({
        name: 'embeddings',
        node: cast ? [n, cast] : [n],
        initializer: n.input.filter((_, i) => i !== 1).map((x) => inits.get(x)!),
        input: [onnx.ValueInfoProto.create({ name: 'input_ids', type: { tensorType: { elemType: onnx.TensorProto.DataType.INT64, shape: { dim: [{ dimParam: 'n' }] } } } })],
        output: [onnx.ValueInfoProto.create({ name: outName, type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT } } })],
      }),
    });
    const orig = fp32Table();
    const [V, H] = dimsOf(orig) as [number, number];
    const session = await ort.InferenceSession.create(onnx.ModelProto.encode(probe).finish());
    const ids = BigInt64Array.from({ length: V }, (_, i) => BigInt(V - 1 - i)); // every row, in reverse
    const out = (await session.run({ input_ids: new ort.Tensor('int64', ids, [V]) }))[outName]!.data as Float32Array;
    await session.release();
    expect(out.length).toBe(V * H);
    const data = inits.get(n.input[0]!)!;
    const scaleAt = scaleReader(inits.get(n.input[2]!)!);
    const zps = zeroPoints ? inits.get(n.input[3]!)!.rawData : undefined;
    const blocks = H / 32;
    const zOf = (r: number, b: number) => (zps ? (zps[r * Math.ceil(blocks / 2) + (b >> 1)]! >> ((b & 1) * 4)) & 0x0f : 8);
    const w = floatData(orig);
    let [err, sum, wrong] = [0, 0, 0];
    for (let k = 0; k < V; k++) {
      const r = V - 1 - k;
      for (let c = 0; c < H; c++) {
        const i = r * H + c;
        const s = scaleAt(r * blocks + Math.floor(c / 32));
        const mine = (((data.rawData[i >> 1]! >> ((i & 1) * 4)) & 0x0f) - zOf(r, Math.floor(c / 32))) * s;
        const got = out[k * H + c]!;
        if (!(Math.abs(got - mine) <= Math.abs(mine) * 2 ** -11)) wrong++;
        err += (got - w[i]!) ** 2;
        sum += w[i]! ** 2;
      }
    }
    expect(wrong).toBe(0);
    const relative = Math.sqrt(err / sum);
    console.log(`${file} on ${_n}: 4-bit embedding RMS error ${(relative * 100).toFixed(2)}% of the table's RMS`);
    expect(relative).toBeLessThan(0.12);
  });
});

describe('refusals', () => {
  it('refuses an already quantized graph, int8 without calibration and a graph with nothing to quantize', async () => {
    const int8 = decodeModel(readFileSync(join(dir, 'm/onnx/model_int8.onnx')));
    expect(() => quantizeModel(int8, { mode: 'int8' })).toThrow(QuantizeError);
    expect(() => quantizeModel(decodeModel(fp32Bytes), { mode: 'int8' })).toThrow(/calibrated range of every MatMul input/);
    // Calibration tokenizes text, so a lone .onnx file is refused with what to do.
    const lone = mkdtempSync(join(tmpdir(), 'ko-quant-lone-'));
    cpSync(join(FIXTURE, 'onnx/model.onnx'), join(lone, 'model.onnx'));
    await expect(quantizeFile(join(lone, 'model.onnx'), { mode: 'int8' })).rejects.toThrow(/needs the model's config.json beside it/);
    const empty = decodeModel(fp32Bytes);
    empty.graph!.node = empty.graph!.node.filter((n) => n.opType !== 'MatMul' && n.opType !== 'Gemm');
    expect(() => quantizeModel(empty, { mode: 'int4' })).toThrow(/nothing to quantize/);
  });
});
