import { DataType, attr, type Graph, type Model, type Node, type Tensor } from './proto.js';
import { QuantizeError } from './quantize-types.js';

/** A MatMul or Gemm whose second input is a constant 2-D float32 weight: what both modes rewrite. */
export interface Site {
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

export function findSites(graph: Graph): Site[] {
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
export function softmaxes(graph: Graph): Node[] {
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

