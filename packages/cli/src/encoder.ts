// TEMPORARY (H3): the contract's createEncoder until @ko-classify/core/node exports it; replaced by
// direct imports once it lands.
import * as core from '@ko-classify/core/node';
import type { Classification, ClassifyOptions, ModelInfo } from '@ko-classify/core';
import type { NodeClassifierOptions } from '@ko-classify/core/node';

export interface HeadJson {
  format: 'ko-classify-head';
  version: 1;
  name: string | null;
  encoder: { model: string; space: string; dim: number };
  labels: string[];
  trained: { examples: number; perLabel: Record<string, number>; cvAccuracy: number | null; ms: number; at: string };
}
export interface TaughtClassifier {
  readonly head: HeadJson;
  classify(texts: readonly string[], o?: ClassifyOptions): Promise<Classification[]>;
  info(): ModelInfo;
}
export interface Encoder {
  embed(texts: readonly string[], o?: { batchSize?: number }): Promise<Float32Array[]>;
  teach(examples: readonly { text: string; label: string }[], o?: { name?: string }): Promise<TaughtClassifier>;
  classifier(head: HeadJson): Promise<TaughtClassifier>;
  info(): ModelInfo & { embedding: { dim: number; space: string } | null };
  dispose(): Promise<void>;
}
export async function createEncoder(o: NodeClassifierOptions): Promise<Encoder> {
  const real = (core as unknown as { createEncoder?(o: NodeClassifierOptions): Promise<Encoder> }).createEncoder;
  if (real) return real(o);
  const le = await core.loadEngine(o.model!, { dtype: o.dtype, runtime: o.runtime, threads: o.threads });
  const engine = le.engine as unknown as { embed(t: readonly string[], o?: { batchSize?: number }): Promise<Float32Array[]>; release(): Promise<void> };
  const notYet = () => Promise.reject(new Error('teach/classifier(head) need core/node createEncoder (H1)'));
  return { embed: (t, eo) => engine.embed(t, eo), teach: notYet, classifier: notYet, info: () => le.info as Encoder['info'] extends () => infer I ? I : never, dispose: () => engine.release() };
}
