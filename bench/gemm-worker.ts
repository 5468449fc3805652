/**
 * MatMulInteger alone (uint8 A [M,K] × int8 B [K,N], per-column B zero points, as the int8 model's
 * GEMMs): the best time of many runs gives this machine's int8 GEMM ceiling on ORT-wasm.
 * ORT is imported dynamically, as ko-classify's worker does: its threads start workers from ORT's own
 * chunk, and a chunk that also held this file's message handler would swallow their messages.
 */

export interface GemmCase {
  name: string;
  m: number;
  k: number;
  n: number;
  model: Uint8Array;
}
export interface GemmTiming {
  name: string;
  m: number;
  k: number;
  n: number;
  bestMs: number;
  medianMs: number;
  gops: number;
}

self.onmessage = async ({ data }: MessageEvent<{ cases: GemmCase[]; threads: number }>) => {
  try {
    const ort = await import('onnxruntime-web/wasm');
    ort.env.wasm.numThreads = data.threads;
    ort.env.logLevel = 'error';
    const timings: GemmTiming[] = [];
    for (const c of data.cases) {
      const session = await ort.InferenceSession.create(c.model, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
      const a = new Uint8Array(c.m * c.k);
      for (let i = 0; i < a.length; i++) a[i] = (i * 2654435761) >>> 24;
      const feeds = { a: new ort.Tensor('uint8', a, [c.m, c.k]) };
      const ms: number[] = [];
      const until = performance.now() + 1500;
      for (let i = 0; i < 200 && (i < 10 || performance.now() < until); i++) {
        const t0 = performance.now();
        const out = await session.run(feeds);
        const dt = performance.now() - t0;
        for (const t of Object.values(out)) t.dispose();
        if (i >= 3) ms.push(dt);
      }
      await session.release();
      ms.sort((x, y) => x - y);
      const bestMs = ms[0]!;
      timings.push({ name: c.name, m: c.m, k: c.k, n: c.n, bestMs, medianMs: ms[ms.length >> 1]!, gops: (2 * c.m * c.k * c.n) / (bestMs * 1e6) });
    }
    self.postMessage({ timings });
  } catch (e) {
    self.postMessage({ error: String((e as Error)?.stack ?? e) });
  }
};
