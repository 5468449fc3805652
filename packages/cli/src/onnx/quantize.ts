import { quantizeInt4Blocks, quantizeInt8PerChannel, quantizeInt8PerRow, quantizeInt8PerTensor, uint8Affine } from './quant-math.js';
import { DataType, attr, dimsOf, floatData, node, onnx, tensor, tensorBytes, type Graph, type Model, type Node, type OpsetId, type Tensor } from './proto.js';

export type QuantMode = 'int8' | 'int4';

/** The range an activation takes, measured on calibration text (`calibrate.ts`). */
export interface ActivationRange {
  min: number;
  max: number;
}

/** Calibrated range of every activation the int8 graph quantizes, by tensor name. */
export type ActivationRanges = Record<string, ActivationRange>;

/** What int8 quantization needs measured on text (`calibrate.ts`): see `calibrationTargets`. */
export interface CalibrationData {
  ranges: ActivationRanges;
  /** Rank of each Softmax's input, as it ran. */
  softmaxRanks: Record<string, number>;
}

/**
 * Extra rows of the padded Softmax (see `padSoftmax`): onnxruntime-web's WASM softmax gives a row
 * the same values at every width ≥ its length rounded up to 4, and others below that (measured
 * on fp32 logits for lengths 3–40 at widths up to +20), so 3 always reaches that width.
 */
export const SOFTMAX_PAD = 3;
const FLOAT_MIN = -3.4028234663852886e38;

export interface QuantizeOptions {
  mode: QuantMode;
  /** MatMulNBits block size (int4). Default 32. */
  blockSize?: number;
  /** Gather tables with at least this many elements are stored int8. Default 16384. */
  embeddingMinElements?: number;
  /** int8 (required): what calibration measured on the fp32 graph (`calibrationTargets` lists it). */
  calibration?: CalibrationData;
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
  /** int8: activations quantized with a fixed (calibrated) scale, and biases folded into the GEMM. */
  activations: number;
  biases: number;
  /** int8: Softmaxes widened by `SOFTMAX_PAD` masked entries. */
  softmaxes: number;
  /** int8: MatMuls of constants left in fp32 (ONNX Runtime folds them once). */
  constant: number;
  sizes: SizeRow[];
}

export class QuantizeError extends Error {}

/** A MatMul or Gemm whose second input is a constant 2-D float32 weight: what both modes rewrite. */
interface Site {
  node: Node;
  input: string;
  weight: Tensor;
  /** Gemm with transB: the weight is stored `[N, K]`. */
  transposed: boolean;
  /** The product before the bias, or the node's output when it has none. */
  product: string;
  /** Gemm's own bias input (added after the product unless folded). */
  bias?: string;
  /** The input is computed from initializers alone (DeBERTa's relative-position projections). */
  constant: boolean;
}

function findSites(graph: Graph): Site[] {
  const inits = new Map(graph.initializer.map((t) => [t.name, t]));
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
  // Values that depend on the graph's inputs; the rest ONNX Runtime folds to constants at load.
  const dynamic = new Set(graph.input.map((v) => v.name).filter((v) => !inits.has(v)));
  for (const n of graph.node) {
    if (n.input.some((i) => dynamic.has(i)) || n.attribute.some((a) => a.g)) n.output.forEach((o) => dynamic.add(o));
  }
  const sites: Site[] = [];
  for (const n of graph.node) {
    const weight = constFloat2d(n.input[1]);
    if (!weight || inits.has(n.input[0]!)) continue;
    const constant = !dynamic.has(n.input[0]!);
    if (n.opType === 'MatMul') {
      sites.push({ node: n, input: n.input[0]!, weight, transposed: false, product: n.output[0]!, constant });
    } else if (n.opType === 'Gemm') {
      const bias = n.input[2] || undefined;
      const beta = attr(n, 'beta') ?? 1;
      if ((attr(n, 'transA') ?? 0) !== 0 || (attr(n, 'alpha') ?? 1) !== 1 || (beta !== 1 && bias)) continue;
      sites.push({ node: n, input: n.input[0]!, weight, transposed: (attr(n, 'transB') ?? 0) === 1, product: bias ? `${n.output[0]}__matmul` : n.output[0]!, bias, constant });
    }
  }
  return sites;
}

/** Every Softmax (opset ≥ 13: over one axis); the padded ones are those whose axis is the last, by rank. */
function softmaxes(graph: Graph): Node[] {
  return graph.node.filter((n) => n.opType === 'Softmax' && (n.domain === '' || n.domain === 'ai.onnx'));
}

/**
 * What calibration measures for an int8 quantization of this graph: the range of each activation
 * it quantizes (the distinct inputs of its constant-weight MatMuls and Gemms) and the rank of each
 * Softmax's input.
 */
export function calibrationTargets(model: Model): { activations: string[]; softmaxInputs: string[] } {
  if (!model.graph) throw new QuantizeError('the model has no graph');
  return {
    activations: [...new Set(findSites(model.graph).filter((s) => !s.constant).map((s) => s.input))],
    softmaxInputs: [...new Set(softmaxes(model.graph).map((n) => n.input[0]!))],
  };
}

/**
 * Rewrites an fp32 graph in place.
 * - int8 (for WASM): MatMul/Gemm with a constant weight → QuantizeLinear with the input's calibrated
 *   scale (uint8, one scale per tensor, fixed in the file) + com.microsoft MatMulIntegerToFloat with
 *   the weight int8 per output channel and the bias folded in. With the scale fixed, a text's
 *   activations quantize the same whatever shares its batch, and int32 accumulation is exact: its
 *   result does not depend on its neighbours, on padding or on threads. (DynamicQuantizeLinear, the
 *   usual dynamic pattern, takes one scale per run from the whole batch's range.) Each last-axis
 *   Softmax is widened by `SOFTMAX_PAD` masked entries and sliced back, so its fp32 sums cannot
 *   change in the last bit with padding and flip a rounding downstream. A MatMul whose input is
 *   itself constant (DeBERTa's relative-position projections) stays fp32 for ONNX Runtime to fold.
 *   A large Gather table (the word embeddings) is stored int8 with one scale per row.
 * - int4 (for WebGPU): MatMul/Gemm with a constant weight → com.microsoft MatMulNBits (bits 4,
 *   block 32, accuracy_level 4); a large Gather table int8 with one scale + DequantizeLinear.
 */
export function quantizeModel(model: Model, options: QuantizeOptions): QuantizeReport {
  const graph = model.graph;
  if (!graph) throw new QuantizeError('the model has no graph');
  const done = graph.node.find((n) => ['MatMulInteger', 'MatMulNBits', 'DynamicQuantizeLinear', 'QLinearMatMul', 'MatMulIntegerToFloat', 'QuantizeLinear'].includes(n.opType));
  if (done) throw new QuantizeError(`the graph is already quantized (it has ${done.opType}); quantize the fp32 export instead`);
  const opset = model.opsetImport.find((o) => !o.domain || o.domain === 'ai.onnx');
  const version = opset ? Number(opset.version) : 0;
  if (version < 13) throw new QuantizeError(`opset ${version} is too old: re-export with opset ≥ 13`);
  const sites = findSites(graph);
  if (sites.length === 0) {
    throw new QuantizeError('no MatMul or Gemm with a constant 2-D float32 weight was found: nothing to quantize (is this an fp32 transformer export?)');
  }
  const ranges = options.calibration?.ranges;
  if (options.mode === 'int8') {
    const missing = [...new Set(sites.filter((s) => !s.constant).map((s) => s.input))].filter((a) => !ranges?.[a]);
    if (missing.length) throw new QuantizeError(`int8 needs the calibrated range of every MatMul input; none for ${missing.slice(0, 3).join(', ')}${missing.length > 3 ? ` and ${missing.length - 3} more` : ''} (calibrate on text first)`);
  }

  const blockSize = options.blockSize ?? 32;
  const minEmb = options.embeddingMinElements ?? 16384;
  const inits = new Map(graph.initializer.map((t) => [t.name, t]));
  const before = new Map(graph.initializer.map((t) => [t.name, tensorBytes(t)]));
  const groups = new Map<string, SizeRow['group']>();
  const added: Tensor[] = [];
  const quantizedWeights = new Map<string, string[]>();
  const quantizedActs = new Map<string, [string, string, string]>();
  /** Group of every original initializer that was replaced by a quantized copy. */
  const replaced = new Map<string, SizeRow['group']>();
  const report: QuantizeReport = { matmuls: 0, gemms: 0, embeddings: 0, activations: 0, biases: 0, softmaxes: 0, constant: 0, sizes: [] };
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

  /** int8 with one scale per row (token): Gather the rows and their scales, Cast, Mul. */
  const int8Rows = (n: Node, t: Tensor, [rows, cols]: [number, number]): Node[] => {
    if (!quantizedWeights.has(t.name)) {
      const { q, scales } = quantizeInt8PerRow(floatData(t), rows, cols);
      quantizedWeights.set(t.name, [
        addInit(tensor(fresh(`${t.name}_quantized`), DataType.INT8, [rows, cols], q), 'embeddings'),
        // [rows, 1]: a gathered row's scale broadcasts over its columns.
        addInit(tensor(fresh(`${t.name}_row_scale`), DataType.FLOAT, [rows, 1], scales), 'embeddings'),
      ]);
      replaced.set(t.name, 'embeddings');
    }
    const [q, s] = quantizedWeights.get(t.name)! as [string, string];
    const [gathered, cast, scale] = [fresh(`${n.output[0]}_int8`), fresh(`${n.output[0]}_float`), fresh(`${n.output[0]}_scale`)];
    return [
      node('Gather', [q, n.input[1]!], [gathered], `${n.name}_quant`),
      node('Gather', [s, n.input[1]!], [scale], fresh(`${n.name}_scale`)),
      node('Cast', [gathered], [cast], fresh(`${n.name}_cast`), { to: DataType.FLOAT }),
      node('Mul', [cast, scale], [n.output[0]!], fresh(`${n.name}_dequant`)),
    ];
  };

  /** int8 with one scale for the table, dequantized by DequantizeLinear (which WebGPU runs). */
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

  const rewritten = new Map<Node, Node[]>();
  if (options.mode === 'int8') {
    for (const n of softmaxes(graph)) {
      const rank = options.calibration!.softmaxRanks[n.input[0]!];
      const axis = attr(n, 'axis') ?? -1;
      if (rank !== undefined && rank >= 1 && (axis === -1 || axis === rank - 1)) rewritten.set(n, padSoftmax(n, rank));
    }
  }
  for (const s of sites) {
    // int8 leaves a MatMul of constants in fp32: ONNX Runtime computes it once when it folds constants
    // (optimize saves the result), so quantizing it would only lose precision.
    if (options.mode === 'int8' && s.constant) {
      report.constant++;
      continue;
    }
    report[s.node.opType === 'Gemm' ? 'gemms' : 'matmuls']++;
    const name = s.node.name || fresh(s.node.opType);
    rewritten.set(s.node, options.mode === 'int8' ? int8Matmul(s, name) : int4Matmul(s, name));
  }
  const out: Node[] = [];
  for (const n of graph.node) {
    if (rewritten.has(n)) {
      out.push(...rewritten.get(n)!);
      continue;
    }
    if (foldedAdds.has(n)) continue;
    if (n.opType === 'Gather') {
      const t = inits.get(n.input[0]!);
      const dims = t ? dimsOf(t) : [];
      if (t && t.dataType === DataType.FLOAT && dims.reduce((a, b) => a * b, 1) >= minEmb && (attr(n, 'axis') ?? 0) === 0) {
        report.embeddings++;
        out.push(...(options.mode === 'int8' && dims.length === 2 ? int8Rows(n, t, dims as [number, number]) : int8Table(n, t)));
        continue;
      }
    }
    out.push(n);
  }

  graph.initializer.push(...added);
  // Drop what nothing reads any more: Identity aliases of replaced weights, then the fp32 weights.
  const readersOf = (nodes: Node[]) => {
    const used = new Set(nodes.flatMap((x) => x.input));
    for (const o of graph.output) used.add(o.name);
    for (const sub of nodes.flatMap((x) => x.attribute).filter((a) => a.g)) for (const x of sub.g!.node) x.input.forEach((i) => used.add(i));
    return used;
  };
  const used = readersOf(out);
  const aliases = new Set(graph.node.filter((x) => x.opType === 'Identity' && inits.has(x.input[0]!)).map((x) => x.output[0]!));
  graph.node = out.filter((x) => !(x.opType === 'Identity' && aliases.has(x.output[0]!) && !used.has(x.output[0]!)));
  const stillUsed = readersOf(graph.node);
  graph.initializer = graph.initializer.filter((t) => stillUsed.has(t.name));
  if (!model.opsetImport.some((o) => o.domain === 'com.microsoft')) {
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
