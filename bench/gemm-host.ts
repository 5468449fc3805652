/** Runs the MatMulInteger microbenchmark in a Worker on the same ORT build ko-classify ships. */
import type { GemmCase, GemmTiming } from './gemm-worker.js';

declare global {
  interface Window {
    gemm(cases: GemmCase[], threads: number): Promise<GemmTiming[]>;
  }
}

window.gemm = (cases, threads) =>
  new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./gemm-worker.ts', import.meta.url), { type: 'module' });
    worker.onerror = (e) => { worker.terminate(); reject(new Error(`int8 GEMM worker failed: ${e.message}`)); };
    worker.onmessage = ({ data }: MessageEvent<{ timings?: GemmTiming[]; error?: string }>) => {
      worker.terminate();
      if (data.error) reject(new Error(data.error));
      else resolve(data.timings!);
    };
    worker.postMessage({ cases, threads });
  });
