import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type * as Ort from 'onnxruntime-node';
import { OPTIMIZED_KEY, batchFeeds, logitsOutput } from '@ko-classify/core/engine';
import { readModelJson } from '@ko-classify/core/node';
import { refreshManifest } from './quantize-command.js';
import { toHalfBits } from './onnx/quant-math.js';
import { DataType, decodeModel, dimsOf, encodeModel, floatData, node, tensor, type Model, type Node } from './onnx/proto.js';

export interface OptimizeReport {
  output: string;
  nodesBefore: number;
  nodesAfter: number;
  bytesIn: number;
  bytesOut: number;
  /** Constants ORT's folding created (fp32), stored as fp16 + Cast so the file does not grow. */
  halved: number;
  /** Largest |logit difference| between the two graphs over the parity inputs. */
  maxDiff: number;
  /** The same for ORT's rewrite alone (before the fp16 step): it must be exact. */
  exactDiff: number;
  cases: number;
}

export class OptimizeError extends Error {}

/** onnxruntime-node, which alone can save an optimised graph (an optional peer of the CLI). */
async function nativeOrt(): Promise<typeof Ort> {
  try {
    return (await import('onnxruntime-node')) as typeof Ort;
  } catch (e) {
    throw new OptimizeError(`optimize runs onnxruntime-node, which is not installed (${(e as Error).message.split('\n')[0]}): npm i onnxruntime-node — only the native runtime saves an optimised graph`);
  }
}

/**
 * Folding turns DeBERTa's relative-position projections into fp32 constants (~1 MB for a 4-layer
 * model), more than the int8 weights they came from. Stored as fp16 with a Cast in front (which ORT
 * folds again at load), the file stays the size of the original.
 */
function halveFoldedConstants(model: Model, originalNames: Set<string>): number {
  const g = model.graph!;
  const casts: Node[] = [];
  let halved = 0;
  g.initializer = g.initializer.map((t) => {
    if (t.dataType !== DataType.FLOAT || originalNames.has(t.name) || dimsOf(t).reduce((a, b) => a * b, 1) < 4096) return t;
    const data = floatData(t);
    const half = new Uint16Array(data.length);
    for (let i = 0; i < data.length; i++) half[i] = toHalfBits(data[i]!);
    casts.push(node('Cast', [`${t.name}__fp16`], [t.name], `${t.name}__cast`, { to: DataType.FLOAT }));
    halved++;
    return tensor(`${t.name}__fp16`, DataType.FLOAT16, dimsOf(t), half);
  });
  g.node = [...casts, ...g.node];
  return halved;
}

/** Batches of token ids the parity check runs through both graphs: single rows, a padded batch, a long row. */
function parityInputs(vocab: number, maxLength: number): { ids: bigint[]; mask: bigint[]; dims: [number, number] }[] {
  let seed = 12345;
  const next = () => (seed = (seed * 1103515245 + 12345) >>> 0);
  const shapes: [number, number][] = [[1, 3], [1, 17], [1, 64], [4, 32], [8, 9], [2, maxLength]];
  return shapes.map(([rows, w]) => {
    const width = Math.min(w, maxLength);
    const ids: bigint[] = [];
    const mask: bigint[] = [];
    for (let r = 0; r < rows; r++) {
      const len = r === 0 ? width : Math.max(3, width - ((next() % width) >> 1));
      for (let c = 0; c < width; c++) {
        const on = c < len;
        ids.push(on ? BigInt(c === 0 ? 1 : c === len - 1 ? 2 : 5 + (next() % (vocab - 5))) : 0n);
        mask.push(on ? 1n : 0n);
      }
    }
    return { ids, mask, dims: [rows, width] };
  });
}

async function logits(ort: typeof Ort, session: Ort.InferenceSession, input: { ids: bigint[]; mask: bigint[]; dims: [number, number] }): Promise<Float32Array> {
  const [rows, width] = input.dims;
  const feeds = batchFeeds(ort.Tensor, session.inputNames, { ids: BigInt64Array.from(input.ids), mask: BigInt64Array.from(input.mask), rows, width });
  const out = await session.run(feeds);
  return out[logitsOutput(session.outputNames)]!.data as Float32Array;
}

/**
 * Saves ONNX Runtime's own optimisation of a graph (level `extended`: constant folding, and the
 * fusions every CPU build has — FusedMatMul, Gelu, LayerNormalization — no
 * hardware-specific layouts) in place of the file, after checking that both graphs give the same
 * logits. Sessions on the result skip that work at every load, and the constant parts of the graph
 * (DeBERTa's relative-position projections) are computed once here instead of at every run.
 */
export async function optimizeFile(input: string, o: { output?: string; tolerance?: number } = {}): Promise<OptimizeReport> {
  const output = o.output ?? input;
  // int8 activations round at fixed scales, so fp16 constants upstream can push a value across a
  // rounding step: a few hundredths of a logit on random token ids, far inside int8's own error; eval
  // checks real data.
  const tolerance = o.tolerance ?? 0.25;
  const ort = await nativeOrt();
  const before = readFileSync(input);
  const tmp = join(tmpdir(), `ko-classify-optimize-${process.pid}-${Date.now()}.onnx`);
  let reference: Ort.InferenceSession | null = null;
  try {
    reference = await ort.InferenceSession.create(before, { graphOptimizationLevel: 'extended', optimizedModelFilePath: tmp, logSeverityLevel: 3 });
    for (const name of ['input_ids', 'attention_mask']) {
      if (!reference.inputNames.includes(name)) throw new OptimizeError(`the model has no "${name}" input: not a text classifier in the Hugging Face layout`);
    }
    await reference.release();
    reference = null;
    reference = await ort.InferenceSession.create(before, { graphOptimizationLevel: 'disabled', logSeverityLevel: 3 });
    // Token ids inside the vocabulary and rows no longer than the model takes (model directory files).
    const dir = dirname(dirname(input));
    const read = (f: string): Record<string, unknown> => (existsSync(join(dir, f)) ? (readModelJson(dir, f) as Record<string, unknown>) : {});
    const config = read('config.json');
    const vocab = Number(config.vocab_size ?? 1000);
    const maxLength = Math.min(Number(read('tokenizer_config.json').model_max_length ?? 128), Number(config.max_position_embeddings ?? 128), 512);
    const inputs = parityInputs(Math.max(10, vocab), Math.max(4, maxLength));
    /** Largest |Δlogit| over the parity inputs, and how many of their rows moved at all. */
    const diffOf = async (bytes: Uint8Array): Promise<{ max: number; moved: number; rows: number }> => {
      const session = await ort.InferenceSession.create(bytes, { graphOptimizationLevel: 'disabled', logSeverityLevel: 3 });
      try {
        const d = { max: 0, moved: 0, rows: 0 };
        for (const x of inputs) {
          const a = await logits(ort, reference!, x);
          const b = await logits(ort, session, x);
          if (a.length !== b.length) throw new OptimizeError(`the optimised graph gives ${b.length} logits, the original ${a.length}`);
          const [rows] = x.dims;
          const per = a.length / rows;
          for (let r = 0; r < rows; r++) {
            let m = 0;
            for (let i = r * per; i < (r + 1) * per; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
            d.max = Math.max(d.max, m);
            d.moved += m > 0 ? 1 : 0;
          }
          d.rows += rows;
        }
        return d;
      } finally {
        await session.release();
      }
    };
    // ORT's rewrite computes the same function (folding and fusion reorder float sums, and a last-bit
    // change can flip an int8 activation's rounding); fp16 constants are the lossy step. Either way the
    // saved graph is one fixed function: batch-independence does not depend on it. A flip moves the one
    // row it happens in, by hundredths and at times more (ko-moderation with 4-bit embeddings: 0.082 in
    // 1 of the 17 parity rows; on 600 of its validation texts 593 stayed bit-identical, the others
    // within 0.032), while a rewrite that computes another function moves every row. So the gap may
    // pass 0.05 only in at most an eighth of the rows, and never the fp16 tolerance.
    const exact = await diffOf(readFileSync(tmp));
    const exactDiff = exact.max;
    if (!(exactDiff <= 0.05 || (exactDiff <= tolerance && exact.moved <= exact.rows / 8))) {
      throw new OptimizeError(`ONNX Runtime's optimised graph gives logits up to ${exactDiff} away from the original (${exact.moved} of ${exact.rows} parity rows moved); ${input} is unchanged`);
    }
    const model = decodeModel(readFileSync(tmp));
    // The mark that makes ko-classify load this graph with ORT's optimiser off (its work is done).
    model.metadataProps = [...(model.metadataProps ?? []).filter((p) => p.key !== OPTIMIZED_KEY), { key: OPTIMIZED_KEY, value: 'extended' }];
    const original = decodeModel(before).graph;
    const halved = halveFoldedConstants(model, new Set((original?.initializer ?? []).map((t) => t.name)));
    const after = encodeModel(model);
    const maxDiff = halved ? (await diffOf(after)).max : exactDiff;
    if (!(maxDiff <= tolerance)) throw new OptimizeError(`with its folded constants in fp16 the graph's logits differ by up to ${maxDiff} (tolerance ${tolerance}); ${input} is unchanged`);
    writeFileSync(output, after);
    refreshManifest(output);
    return {
      output,
      nodesBefore: original?.node?.length ?? 0,
      nodesAfter: model.graph?.node?.length ?? 0,
      halved,
      bytesIn: before.byteLength,
      bytesOut: after.byteLength,
      maxDiff,
      exactDiff,
      cases: inputs.length,
    };
  } finally {
    await reference?.release();
    rmSync(tmp, { force: true });
  }
}
