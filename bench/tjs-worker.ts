/**
 * transformers.js as its users run it: the v4 `text-classification` pipeline in a Worker, on the
 * same model's int8 file as of ko-sentiment 0.3.0 (`dtype: 'int8'` = onnx/model_int8.onnx; see bench/run.mjs), WASM, the same thread count, with its
 * own default ORT build (the asyncify variant) served locally instead of from the CDN.
 */
import { env, pipeline, type TextClassificationPipeline } from '@huggingface/transformers';

env.allowLocalModels = true;
env.allowRemoteModels = false;
// Its own copy of the model (bench/run.mjs): the int8 file before 4-bit embeddings, which its ORT cannot run.
env.localModelPath = '/tjs-models/';
const wasm = env.backends.onnx.wasm!;
wasm.wasmPaths = {
  mjs: new URL('/tjs-ort/ort-wasm-simd-threaded.asyncify.mjs', self.location.href).href,
  wasm: new URL('/tjs-ort/ort-wasm-simd-threaded.asyncify.wasm', self.location.href).href,
};

let classifier: TextClassificationPipeline | null = null;

self.onmessage = async ({ data }: MessageEvent<{ id: number; type: string; payload: unknown }>) => {
  try {
    let result: unknown;
    if (data.type === 'load') {
      wasm.numThreads = (data.payload as { threads: number }).threads;
      classifier = (await pipeline('text-classification', 'ko-sentiment', { device: 'wasm', dtype: 'int8' })) as TextClassificationPipeline;
      result = { numThreads: wasm.numThreads, crossOriginIsolated: self.crossOriginIsolated };
    } else {
      const out = (await classifier!(data.payload as string[])) as { label: string; score: number }[];
      result = out.map(({ label, score }) => ({ label, score }));
    }
    self.postMessage({ id: data.id, result });
  } catch (e) {
    self.postMessage({ id: data.id, error: String((e as Error)?.stack ?? e) });
  }
};
