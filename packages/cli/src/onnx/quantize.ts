import { quantizeInt4Blocks, quantizeInt8PerChannel, quantizeInt8PerTensor } from './quant-math.js';
import { DataType, attr, dimsOf, floatData, node, onnx, tensor, tensorBytes, type Model, type Node, type OpsetId, type Tensor } from './proto.js';

export type QuantMode = 'int8' | 'int4';

export interface QuantizeOptions {
  mode: QuantMode;
  /** MatMulNBits block size (int4). Default 32. */
  blockSize?: number;
  /** Gather tables with at least this many elements are stored int8. Default 16384. */
  embeddingMinElements?: number;
}

export interface SizeRow {
  group: 'matmul weights' | 'embeddings' | 'other';
  tensors: number;
  before: number;
  after: number;
}

export interface QuantizeReport {
  matmuls: number;
  gemms: number;
  embeddings: number;
  sizes: SizeRow[];
}

export class QuantizeError extends Error {}

/**
 * Rewrites an fp32 graph in place.
 * - int8 (for WASM): MatMul/Gemm with a constant weight → DynamicQuantizeLinear + MatMulInteger +
 *   Cast + Mul by the scales, weights int8 per output channel — the pattern ORT's dynamic quantizer
 *   emits, which ORT fuses into MatMulIntegerToFloat.
 * - int4 (for WebGPU): MatMul/Gemm with a constant weight → com.microsoft MatMulNBits (bits 4,
 *   block 32, accuracy_level 4).
 * - Both: Gather on a large constant table → Gather on its int8 copy + DequantizeLinear.
 */
export function quantizeModel(model: Model, options: QuantizeOptions): QuantizeReport {
  const graph = model.graph;
  if (!graph) throw new QuantizeError('the model has no graph');
  const done = graph.node.find((n) => ['MatMulInteger', 'MatMulNBits', 'DynamicQuantizeLinear', 'QLinearMatMul'].includes(n.opType));
  if (done) throw new QuantizeError(`the graph is already quantized (it has ${done.opType}); quantize the fp32 export instead`);
  const opset = model.opsetImport.find((o) => !o.domain || o.domain === 'ai.onnx');
  const version = opset ? Number(opset.version) : 0;
  if (version < 13) throw new QuantizeError(`opset ${version} is too old: re-export with opset ≥ 13`);

  const blockSize = options.blockSize ?? 32;
  const minEmb = options.embeddingMinElements ?? 16384;
  const inits = new Map(graph.initializer.map((t) => [t.name, t]));
  const before = new Map(graph.initializer.map((t) => [t.name, tensorBytes(t)]));
  const groups = new Map<string, SizeRow['group']>();
  const added: Tensor[] = [];
  const quantizedWeights = new Map<string, string[]>();
  const quantizedActs = new Map<string, string[]>();
  /** Group of every original initializer that was replaced by a quantized copy. */
  const replaced = new Map<string, SizeRow['group']>();
  const report: QuantizeReport = { matmuls: 0, gemms: 0, embeddings: 0, sizes: [] };
  let uid = 0;
  const fresh = (base: string) => `${base}__q${uid++}`;

  // Exporters share one weight between MatMuls through Identity nodes; see through them so every
  // user of the weight gets the same quantized copy.
  const alias = new Map<string, string>();
  for (const n of graph.node) {
    if (n.opType === 'Identity' && inits.has(n.input[0]!)) alias.set(n.output[0]!, n.input[0]!);
  }
  const constFloat2d = (name: string | undefined): Tensor | undefined => {
    const t = name === undefined ? undefined : inits.get(alias.get(name) ?? name);
    return t && t.dataType === DataType.FLOAT && t.dims.length === 2 ? t : undefined;
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

  const int8Matmul = (input: string, t: Tensor, transposed: boolean, output: string, name: string): Node[] => {
    const key = `${t.name}|${transposed}`;
    let names = quantizedWeights.get(key);
    if (!names) {
      const { w, K, N } = weightKN(t, transposed);
      const { q, scales } = quantizeInt8PerChannel(w, K, N);
      names = [fresh(`${t.name}_quantized`), fresh(`${t.name}_scale`), fresh(`${t.name}_zero_point`)];
      added.push(tensor(names[0]!, DataType.INT8, [K, N], q), tensor(names[1]!, DataType.FLOAT, [N], scales), tensor(names[2]!, DataType.INT8, [N], new Int8Array(N)));
      names.forEach((n) => groups.set(n, 'matmul weights'));
      quantizedWeights.set(key, names);
      replaced.set(t.name, 'matmul weights');
    }
    const nodes: Node[] = [];
    let act = quantizedActs.get(input);
    if (!act) {
      act = [fresh(`${input}_quantized`), fresh(`${input}_scale`), fresh(`${input}_zero_point`)];
      nodes.push(node('DynamicQuantizeLinear', [input], act, fresh(`${name}_dql`)));
      quantizedActs.set(input, act);
    }
    const [wq, ws, wz] = names as [string, string, string];
    const i32 = fresh(`${output}_int32`);
    const f32 = fresh(`${output}_float`);
    const scale = fresh(`${output}_scale`);
    nodes.push(
      node('MatMulInteger', [act[0]!, wq, act[2]!, wz], [i32], `${name}_quant`),
      node('Cast', [i32], [f32], fresh(`${name}_cast`), { to: DataType.FLOAT }),
      node('Mul', [act[1]!, ws], [scale], fresh(`${name}_scale_mul`)),
      node('Mul', [f32, scale], [output], fresh(`${name}_output_mul`)),
    );
    return nodes;
  };

  const int4Matmul = (input: string, t: Tensor, transposed: boolean, output: string, name: string): Node[] => {
    const key = `${t.name}|${transposed}|nbits`;
    let names = quantizedWeights.get(key);
    const { K, N } = transposed ? { K: dimsOf(t)[1]!, N: dimsOf(t)[0]! } : { K: dimsOf(t)[0]!, N: dimsOf(t)[1]! };
    if (!names) {
      const { w } = weightKN(t, transposed);
      const { packed, scales, kBlocks } = quantizeInt4Blocks(w, K, N, blockSize);
      names = [fresh(`${t.name}_Q4`), fresh(`${t.name}_scales`)];
      added.push(tensor(names[0]!, DataType.UINT8, [N, kBlocks, blockSize / 2], packed), tensor(names[1]!, DataType.FLOAT, [N, kBlocks], scales));
      names.forEach((n) => groups.set(n, 'matmul weights'));
      quantizedWeights.set(key, names);
      replaced.set(t.name, 'matmul weights');
    }
    return [node('MatMulNBits', [input, names[0]!, names[1]!], [output], `${name}_Q4`, { K, N, bits: 4, block_size: blockSize, accuracy_level: 4 }, 'com.microsoft')];
  };

  const out: Node[] = [];
  for (const n of graph.node) {
    if (n.opType === 'MatMul') {
      const t = constFloat2d(n.input[1]);
      if (t && !inits.has(n.input[0]!)) {
        report.matmuls++;
        out.push(...(options.mode === 'int8' ? int8Matmul(n.input[0]!, t, false, n.output[0]!, n.name || fresh('MatMul')) : int4Matmul(n.input[0]!, t, false, n.output[0]!, n.name || fresh('MatMul'))));
        continue;
      }
    } else if (n.opType === 'Gemm') {
      const t = constFloat2d(n.input[1]);
      const alpha = attr(n, 'alpha') ?? 1;
      const beta = attr(n, 'beta') ?? 1;
      const bias = n.input[2] || undefined;
      if (t && (attr(n, 'transA') ?? 0) === 0 && alpha === 1 && (beta === 1 || !bias)) {
        report.gemms++;
        const transB = (attr(n, 'transB') ?? 0) === 1;
        const name = n.name || fresh('Gemm');
        const mm = bias ? fresh(`${n.output[0]}_matmul`) : n.output[0]!;
        out.push(...(options.mode === 'int8' ? int8Matmul(n.input[0]!, t, transB, mm, name) : int4Matmul(n.input[0]!, t, transB, mm, name)));
        if (bias) out.push(node('Add', [mm, bias], [n.output[0]!], fresh(`${name}_bias`)));
        continue;
      }
    } else if (n.opType === 'Gather') {
      const t = inits.get(n.input[0]!);
      if (t && t.dataType === DataType.FLOAT && dimsOf(t).reduce((a, b) => a * b, 1) >= minEmb && (attr(n, 'axis') ?? 0) === 0) {
        report.embeddings++;
        const qName = fresh(`${t.name}_quantized`);
        const sName = fresh(`${t.name}_scale`);
        const zName = fresh(`${t.name}_zero_point`);
        if (!quantizedWeights.has(t.name)) {
          const { q, scale } = quantizeInt8PerTensor(floatData(t));
          added.push(tensor(qName, DataType.INT8, dimsOf(t), q), tensor(sName, DataType.FLOAT, [], new Float32Array([scale])), tensor(zName, DataType.INT8, [], new Int8Array(1)));
          [qName, sName, zName].forEach((x) => groups.set(x, 'embeddings'));
          quantizedWeights.set(t.name, [qName, sName, zName]);
          replaced.set(t.name, 'embeddings');
        }
        const [q, s, z] = quantizedWeights.get(t.name)! as [string, string, string];
        const gathered = fresh(`${n.output[0]}_int8`);
        out.push(node('Gather', [q, n.input[1]!], [gathered], `${n.name}_quant`), node('DequantizeLinear', [gathered, s, z], [n.output[0]!], fresh(`${n.name}_dequant`)));
        continue;
      }
    }
    out.push(n);
  }
  if (report.matmuls + report.gemms === 0) {
    throw new QuantizeError('no MatMul or Gemm with a constant 2-D float32 weight was found: nothing to quantize (is this an fp32 transformer export?)');
  }

  graph.initializer.push(...added);
  // Drop what nothing reads any more: Identity aliases of replaced weights, then the fp32 weights.
  const used = new Set(out.flatMap((x) => x.input));
  for (const o of graph.output) used.add(o.name);
  for (const sub of out.flatMap((x) => x.attribute).filter((a) => a.g)) for (const x of sub.g!.node) x.input.forEach((i) => used.add(i));
  graph.node = out.filter((x) => !(x.opType === 'Identity' && alias.has(x.output[0]!) && !used.has(x.output[0]!)));
  const stillUsed = new Set(graph.node.flatMap((x) => x.input));
  for (const o of graph.output) stillUsed.add(o.name);
  for (const sub of graph.node.flatMap((x) => x.attribute).filter((a) => a.g)) for (const x of sub.g!.node) x.input.forEach((i) => stillUsed.add(i));
  graph.initializer = graph.initializer.filter((t) => stillUsed.has(t.name));
  if (options.mode === 'int4' && !model.opsetImport.some((o) => o.domain === 'com.microsoft')) {
    model.opsetImport.push(onnx.OperatorSetIdProto.create({ domain: 'com.microsoft', version: 1 }) as unknown as OpsetId);
  }

  const rows = new Map<SizeRow['group'], SizeRow>();
  const row = (g: SizeRow['group']) => rows.get(g) ?? rows.set(g, { group: g, tensors: 0, before: 0, after: 0 }).get(g)!;
  for (const [name, bytes] of before) {
    const g = replaced.get(name) ?? 'other';
    row(g).before += bytes;
    row(g).tensors++;
  }
  for (const t of graph.initializer) row(groups.get(t.name) ?? 'other').after += tensorBytes(t);
  report.sizes = (['matmul weights', 'embeddings', 'other'] as const).map((g) => row(g));
  return report;
}
