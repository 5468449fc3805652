/**
 * One worker hosting the models it is sent (bench/hosting.mjs): ORT's WASM runtime once, a session per
 * model; `run` classifies a sentence with one model (ids only: the comparison is about the runtime).
 */
import type * as OrtTypes from 'onnxruntime-web';

// Imported dynamically, as ko-classify's worker does: ORT's threads start workers from ORT's own chunk.
const ortLoaded = import('onnxruntime-web/wasm');
const sessions = new Map<string, OrtTypes.InferenceSession>();

self.onmessage = async ({ data }: MessageEvent<{ id: number; op: 'load' | 'run'; threads?: number; url?: string; len?: number }>) => {
  try {
    const ort = await ortLoaded;
    if (data.op === 'load') {
      ort.env.wasm.numThreads = data.threads!;
      const bytes = new Uint8Array(await (await fetch(data.url!)).arrayBuffer());
      sessions.set(data.url!, await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' }));
      self.postMessage({ id: data.id });
    } else {
      const s = sessions.get(data.url!)!;
      const n = data.len!;
      const ids = new BigInt64Array(n).fill(100n);
      const mask = new BigInt64Array(n).fill(1n);
      const out = await s.run({ input_ids: new ort.Tensor('int64', ids, [1, n]), attention_mask: new ort.Tensor('int64', mask, [1, n]) });
      for (const t of Object.values(out)) t.dispose();
      self.postMessage({ id: data.id });
    }
  } catch (e) {
    self.postMessage({ id: data.id, error: String(e) });
  }
};
