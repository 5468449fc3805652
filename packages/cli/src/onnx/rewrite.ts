import { halfToFloat, quantizeInt4Blocks, quantizeInt4Rows, quantizeInt8PerChannel, quantizeInt8PerTensor, uint8Affine } from './quant-math.js';
import { DataType, dimsOf, floatData, node, tensor, type Graph, type Node, type Tensor } from './proto.js';
import { FLOAT_MIN, QuantizeError, SOFTMAX_PAD, type QuantizeOptions, type QuantizeReport, type SizeRow } from './quantize-types.js';
import type { Site } from './sites.js';

/**
 * The quantizer's node rewrites, sharing one record of what they added: the quantized copies of each
 * weight (made once, however many nodes read it), the activations quantized so far, the biases folded
 * into a GEMM, and which initializers they replaced (for the size table).
 */
export type Rewriter = ReturnType<typeof createRewriter>;

export function createRewriter(graph: Graph, options: QuantizeOptions, report: QuantizeReport) {
  const blockSize = options.blockSize ?? 32;
  const ranges = options.calibration?.ranges;
  const inits = new Map(graph.initializer.map((t) => [t.name, t]));
  const groups = new Map<string, SizeRow['group']>();
  const added: Tensor[] = [];
  const quantizedWeights = new Map<string, string[]>();
  const quantizedActs = new Map<string, [string, string, string]>();
  /** Group of every original initializer that was replaced by a quantized copy. */
  const replaced = new Map<string, SizeRow['group']>();
  let uid = 0;
  const fresh = (base: string) => `${base}__q${uid++}`;
  const addInit = (t: Tensor, group: SizeRow['group']) => {
    added.push(t);
    groups.set(t.name, group);
    return t.name;
  };

  /** Weight `[K, N]` (transposed from Gemm's `[N, K]` when transB). */
  const weightKN = (t: Tensor, transposed: boolean): { w: Float32Array; K: number; N: number } => {
    const [a, b] = dimsOf(t) as [number, number];
    const data = floatData(t);
    if (!transposed) return { w: data, K: a, N: b };
    const w = new Float32Array(a * b);
    for (let n = 0; n < a; n++) for (let k = 0; k < b; k++) w[k * a + n] = data[n * b + k]!;
    return { w, K: b, N: a };
  };

  // A MatMul whose only reader adds a constant vector of its width: the int8 GEMM adds that bias itself.
  const readers = new Map<string, Node[]>();
  for (const n of graph.node) for (const i of n.input) readers.set(i, [...(readers.get(i) ?? []), n]);
  const graphOutputs = new Set(graph.output.map((o) => o.name));
  const foldedAdds = new Set<Node>();
  const biasOf = (s: Site, N: number): { bias: string; output: string } | undefined => {
    const isVector = (name: string) => {
      const t = inits.get(name);
      return t !== undefined && t.dataType === DataType.FLOAT && dimsOf(t).length === 1 && dimsOf(t)[0] === N && N > 1;
    };
    if (s.bias) return isVector(s.bias) ? { bias: s.bias, output: s.node.output[0]! } : undefined;
    const r = readers.get(s.product) ?? [];
    const add = r[0];
    if (r.length !== 1 || add!.opType !== 'Add' || graphOutputs.has(s.product)) return undefined;
    const other = add!.input[0] === s.product ? add!.input[1]! : add!.input[0]!;
    if (!isVector(other)) return undefined;
    foldedAdds.add(add!);
    return { bias: other, output: add!.output[0]! };
  };

  const int8Matmul = (s: Site, name: string): Node[] => {
    const key = `${s.weight.name}|${s.transposed}`;
    let names = quantizedWeights.get(key);
    const { K, N } = s.transposed ? { K: dimsOf(s.weight)[1]!, N: dimsOf(s.weight)[0]! } : { K: dimsOf(s.weight)[0]!, N: dimsOf(s.weight)[1]! };
    if (!names) {
      const { w } = weightKN(s.weight, s.transposed);
      const { q, scales } = quantizeInt8PerChannel(w, K, N);
      names = [addInit(tensor(fresh(`${s.weight.name}_quantized`), DataType.INT8, [K, N], q), 'matmul weights'), addInit(tensor(fresh(`${s.weight.name}_scale`), DataType.FLOAT, [N], scales), 'matmul weights')];
      quantizedWeights.set(key, names);
      replaced.set(s.weight.name, 'matmul weights');
    }
    const nodes: Node[] = [];
    let act = quantizedActs.get(s.input);
    if (!act) {
      const range = ranges![s.input]!;
      if (!Number.isFinite(range.min) || !Number.isFinite(range.max)) {
        throw new QuantizeError(`the calibrated range of ${s.input} is [${range.min}, ${range.max}]: calibration never produced a finite value for it (calibrate on more or other text)`);
      }
      const { scale, zeroPoint } = uint8Affine(range);
      act = [fresh(`${s.input}_quantized`), addInit(tensor(fresh(`${s.input}_scale`), DataType.FLOAT, [], new Float32Array([scale])), 'other'), addInit(tensor(fresh(`${s.input}_zero_point`), DataType.UINT8, [], new Uint8Array([zeroPoint])), 'other')];
      nodes.push(node('QuantizeLinear', [s.input, act[1], act[2]], [act[0]], fresh(`${name}_quantize`)));
      quantizedActs.set(s.input, act);
      report.activations++;
    }
    const folded = biasOf(s, N);
    if (folded) report.biases++;
    const inputs = [act[0], names[0]!, act[1], names[1]!, act[2], '', ...(folded ? [folded.bias] : [])];
    nodes.push(node('MatMulIntegerToFloat', inputs, [folded ? folded.output : s.product], `${name}_quant`, {}, 'com.microsoft'));
    if (s.bias && !folded) nodes.push(node('Add', [s.product, s.bias], [s.node.output[0]!], fresh(`${name}_bias`)));
    return nodes;
  };

  const int4Matmul = (s: Site, name: string): Node[] => {
    const key = `${s.weight.name}|${s.transposed}|nbits`;
    let names = quantizedWeights.get(key);
    const { K, N } = s.transposed ? { K: dimsOf(s.weight)[1]!, N: dimsOf(s.weight)[0]! } : { K: dimsOf(s.weight)[0]!, N: dimsOf(s.weight)[1]! };
    if (!names) {
      const { w } = weightKN(s.weight, s.transposed);
      const { packed, scales, kBlocks } = quantizeInt4Blocks(w, K, N, blockSize);
      names = [addInit(tensor(fresh(`${s.weight.name}_Q4`), DataType.UINT8, [N, kBlocks, blockSize / 2], packed), 'matmul weights'), addInit(tensor(fresh(`${s.weight.name}_scales`), DataType.FLOAT, [N, kBlocks], scales), 'matmul weights')];
      quantizedWeights.set(key, names);
      replaced.set(s.weight.name, 'matmul weights');
    }
    const nodes = [node('MatMulNBits', [s.input, names[0]!, names[1]!], [s.product], `${name}_Q4`, { K, N, bits: 4, block_size: blockSize, accuracy_level: 4 }, 'com.microsoft')];
    if (s.bias) nodes.push(node('Add', [s.product, s.bias], [s.node.output[0]!], fresh(`${name}_bias`)));
    return nodes;
  };

  /**
   * A `[rows, cols]` table (the word embeddings) in 4 bits, blocks of `blockSize` along each row with
   * half scales, read by com.microsoft GatherBlockQuantized: it dequantizes only the gathered rows (a
   * DequantizeLinear in front of the Gather dequantizes the whole table at every run, as ONNX Runtime
   * does not fold it: measured on ko-hate-speech's int8 file, 8 × 48 tokens on one thread, a run took
   * 25 ms vs 52 ms on onnxruntime-node and 99–119 ms vs 155–213 ms on onnxruntime-web's WASM; and
   * opset 21 has no Gather of int4). Its output (half, as its scales) is cast to float. Both files use it:
   * onnxruntime-web's WASM and onnxruntime-node run it on the CPU, and the WebGPU EP has a kernel.
   */
  const int4Rows = (n: Node, t: Tensor, [rows, cols]: [number, number]): Node[] => {
    const key = `${t.name}|rows4`;
    if (!quantizedWeights.has(key)) {
      // A table read by a LayerNormalization (DeBERTa's embeddings): its scale multiplies each column's
      // error, so the scale search weighs column c by γ_c². Measured on the int8 files against the
      // unweighted search: NSMC dev 89.99 vs 89.95, hate-speech macro-F1 60.86 vs 60.90, K-MHaS exact
      // match 74.72 vs 74.47.
      const ln = (readers.get(n.output[0]!) ?? []).find((x) => x.opType === 'LayerNormalization' && x.input[0] === n.output[0]);
      const gamma = ln && inits.get(ln.input[1]!)?.dataType === DataType.FLOAT ? floatData(inits.get(ln.input[1]!)!) : undefined;
      const importance = gamma?.length === cols ? gamma.map((g) => g * g) : undefined;
      // The q4 file (int4) spends half a byte more per block on zero points; the int8 file keeps the
      // symmetric form, within its 6.3 MB budget. Measured on ko-sentiment's q4 file: 2 of 1,000 golden
      // labels differ from fp32 with zero points (largest fp32 margin 0.007), 4 without (one at 0.102).
      const zeroPoints = options.mode === 'int4';
      const q = quantizeInt4Rows(floatData(t), rows, cols, blockSize, { importance, zeroPoints });
      // The q4 file runs on WebGPU, whose GatherBlockQuantized with half scales needs shader-f16
      // (SwiftShader and many devices lack it: "requires f16 but the device does not support it"):
      // there the (half-valued) scales are stored as float, 256 KB more for 16,000 × 256.
      const floatScales = options.mode === 'int4';
      quantizedWeights.set(key, [
        addInit(tensor(fresh(`${t.name}_Q4`), DataType.UINT8, [rows, cols / 2], q.packed), 'embeddings'),
        addInit(floatScales ? tensor(fresh(`${t.name}_scales`), DataType.FLOAT, [rows, q.blocks], Float32Array.from(q.scales, halfToFloat)) : tensor(fresh(`${t.name}_scales`), DataType.FLOAT16, [rows, q.blocks], q.scales), 'embeddings'),
        ...(q.zeroPoints ? [addInit(tensor(fresh(`${t.name}_zero_points`), DataType.UINT8, [rows, Math.ceil(q.blocks / 2)], q.zeroPoints), 'embeddings')] : []),
      ]);
      replaced.set(t.name, 'embeddings');
    }
    const [q, s, z] = quantizedWeights.get(key)! as [string, string, string?];
    const attrs = { gather_axis: 0, quantize_axis: 1, block_size: blockSize, bits: 4 };
    if (options.mode === 'int4') return [node('GatherBlockQuantized', [q, n.input[1]!, s, ...(z ? [z] : [])], [n.output[0]!], `${n.name}_Q4`, attrs, 'com.microsoft')];
    const half = fresh(`${n.output[0]}_fp16`);
    return [
      node('GatherBlockQuantized', [q, n.input[1]!, s, ...(z ? [z] : [])], [half], `${n.name}_Q4`, attrs, 'com.microsoft'),
      node('Cast', [half], [n.output[0]!], fresh(`${n.name}_cast`), { to: DataType.FLOAT }),
    ];
  };

  /** A table that is not 2-D (or has an odd number of columns): int8 with one scale, dequantized by DequantizeLinear. */
  const int8Table = (n: Node, t: Tensor): Node[] => {
    const key = `${t.name}|table`;
    if (!quantizedWeights.has(key)) {
      const { q, scale } = quantizeInt8PerTensor(floatData(t));
      quantizedWeights.set(key, [
        addInit(tensor(fresh(`${t.name}_quantized`), DataType.INT8, dimsOf(t), q), 'embeddings'),
        addInit(tensor(fresh(`${t.name}_scale`), DataType.FLOAT, [], new Float32Array([scale])), 'embeddings'),
        addInit(tensor(fresh(`${t.name}_zero_point`), DataType.INT8, [], new Int8Array(1)), 'embeddings'),
      ]);
      replaced.set(t.name, 'embeddings');
    }
    const [q, s, z] = quantizedWeights.get(key)! as [string, string, string];
    const gathered = fresh(`${n.output[0]}_int8`);
    return [node('Gather', [q, n.input[1]!], [gathered], `${n.name}_quant`), node('DequantizeLinear', [gathered, s, z], [n.output[0]!], fresh(`${n.name}_dequant`))];
  };

  /**
   * Softmax over a padded last axis: the row plus `SOFTMAX_PAD` entries at float's minimum (as the
   * exporters' masks fill), whose exp is exactly 0, then sliced back to the row's width.
   */
  const padSoftmax = (n: Node, rank: number): Node[] => {
    const pads = new BigInt64Array(2 * rank);
    pads[2 * rank - 1] = BigInt(SOFTMAX_PAD);
    const [padded, wide] = [fresh(`${n.input[0]}_padded`), fresh(`${n.output[0]}_padded`)];
    const int64 = (name: string, values: bigint[]) => addInit(tensor(fresh(name), DataType.INT64, [values.length], BigInt64Array.from(values)), 'other');
    report.softmaxes++;
    return [
      node('Pad', [n.input[0]!, addInit(tensor(fresh('softmax_pads'), DataType.INT64, [2 * rank], pads), 'other'), addInit(tensor(fresh('softmax_pad_value'), DataType.FLOAT, [], new Float32Array([FLOAT_MIN])), 'other')], [padded], fresh(`${n.name}_pad`)),
      node('Softmax', [padded], [wide], n.name || fresh('Softmax'), { axis: -1 }),
      node('Slice', [wide, int64('softmax_start', [0n]), int64('softmax_end', [BigInt(-SOFTMAX_PAD)]), int64('softmax_axis', [-1n])], [n.output[0]!], fresh(`${n.name}_slice`)),
    ];
  };

  return { int8Matmul, int4Matmul, int4Rows, int8Table, padSoftmax, foldedAdds, added, groups, replaced, fresh };
}
