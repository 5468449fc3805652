import { DataType, attr, dimsOf, onnx, tensorBytes, type Graph, type Model, type Node, type OpsetId } from './proto.js';
import { QuantizeError, type QuantizeOptions, type QuantizeReport, type SizeRow } from './quantize-types.js';
import { createRewriter, type Rewriter } from './rewrite.js';
import { findSites, softmaxes, type Site } from './sites.js';

export * from './quantize-types.js';
export { calibrationTargets } from './sites.js';

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
 * - int4 (for WebGPU): MatMul/Gemm with a constant weight → com.microsoft MatMulNBits (bits 4,
 *   block 32, accuracy_level 4).
 * In both, a large 2-D Gather table (the word embeddings) is stored in 4 bits, blocks of 32 along
 * each row with half scales, read by com.microsoft GatherBlockQuantized (`int4Rows`): a token's row
 * depends on its id alone. A table of another shape is stored int8 with one scale.
 */
export function quantizeModel(model: Model, options: QuantizeOptions): QuantizeReport {
  const { graph, sites } = quantizable(model, options);
  const before = new Map(graph.initializer.map((t) => [t.name, tensorBytes(t)]));
  const report: QuantizeReport = { matmuls: 0, gemms: 0, embeddings: 0, activations: 0, biases: 0, softmaxes: 0, constant: 0, sizes: [] };
  const rw = createRewriter(graph, options, report);
  const rewritten = planRewrites(graph, sites, options, rw, report);
  const nodes = assemble(graph, rewritten, options, rw, report);
  graph.initializer.push(...rw.added);
  prune(model, graph, nodes);
  report.sizes = sizeRows(graph, before, rw);
  return report;
}

/** The graph and its rewrite sites, or a refusal saying why this model cannot be quantized. */
function quantizable(model: Model, options: QuantizeOptions): { graph: Graph; sites: Site[] } {
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
  return { graph, sites };
}

/** Each node to replace and the nodes it becomes: the padded Softmaxes (int8) and every weight site. */
function planRewrites(graph: Graph, sites: Site[], options: QuantizeOptions, rw: Rewriter, report: QuantizeReport): Map<Node, Node[]> {
  const rewritten = new Map<Node, Node[]>();
  if (options.mode === 'int8') {
    for (const n of softmaxes(graph)) {
      const rank = options.calibration!.softmaxRanks[n.input[0]!];
      const axis = attr(n, 'axis') ?? -1;
      if (rank !== undefined && rank >= 1 && (axis === -1 || axis === rank - 1)) rewritten.set(n, rw.padSoftmax(n, rank));
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
    const name = s.node.name || rw.fresh(s.node.opType);
    rewritten.set(s.node, options.mode === 'int8' ? rw.int8Matmul(s, name) : rw.int4Matmul(s, name));
  }
  return rewritten;
}

/** The new node list: rewrites in place of their nodes, folded bias Adds dropped, large Gather tables in 4 bits. */
function assemble(graph: Graph, rewritten: Map<Node, Node[]>, options: QuantizeOptions, rw: Rewriter, report: QuantizeReport): Node[] {
  const minEmb = options.embeddingMinElements ?? 16384;
  const inits = new Map(graph.initializer.map((t) => [t.name, t]));
  const out: Node[] = [];
  for (const n of graph.node) {
    if (rewritten.has(n)) {
      out.push(...rewritten.get(n)!);
      continue;
    }
    if (rw.foldedAdds.has(n)) continue;
    if (n.opType === 'Gather') {
      const t = inits.get(n.input[0]!);
      const dims = t ? dimsOf(t) : [];
      if (t && t.dataType === DataType.FLOAT && dims.reduce((a, b) => a * b, 1) >= minEmb && (attr(n, 'axis') ?? 0) === 0) {
        report.embeddings++;
        out.push(...(dims.length === 2 && dims[1]! % 2 === 0 ? rw.int4Rows(n, t, dims as [number, number]) : rw.int8Table(n, t)));
        continue;
      }
    }
    out.push(n);
  }

  return out;
}

/** Installs `out` as the graph's nodes, dropping what nothing reads any more; declares the com.microsoft opset. */
function prune(model: Model, graph: Graph, out: Node[]): void {
  const inits = new Set(graph.initializer.map((t) => t.name));
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

}

/** Bytes before and after, by group (matmul weights, embeddings, other). */
function sizeRows(graph: Graph, before: Map<string, number>, rw: Rewriter): SizeRow[] {
  const { replaced, groups } = rw;
  const rows = new Map<SizeRow['group'], SizeRow>();
  const row = (g: SizeRow['group']) => rows.get(g) ?? rows.set(g, { group: g, tensors: 0, before: 0, after: 0 }).get(g)!;
  for (const [name, bytes] of before) {
    const g = replaced.get(name) ?? 'other';
    row(g).before += bytes;
    row(g).tensors++;
  }
  for (const t of graph.initializer) row(groups.get(t.name) ?? 'other').after += tensorBytes(t);
  return (['matmul weights', 'embeddings', 'other'] as const).map((g) => row(g));
}
