/** Runs bench/runtime-worker.ts in a fresh Worker (one runtime start per worker). */
import type { RuntimeRequest, RuntimeResult } from './runtime-worker.js';

declare global {
  interface Window {
    runtimeStart(req: RuntimeRequest): Promise<RuntimeResult>;
  }
}

window.runtimeStart = (req) =>
  new Promise((resolve, reject) => {
    const t0 = performance.now();
    const worker = new Worker(new URL('./runtime-worker.ts', import.meta.url), { type: 'module' });
    worker.onerror = (e) => {
      worker.terminate();
      reject(new Error(`runtime worker failed: ${e.message}`));
    };
    worker.onmessage = ({ data }: MessageEvent<{ result?: RuntimeResult; error?: string }>) => {
      worker.terminate();
      if (data.error) reject(new Error(data.error));
      else resolve({ ...data.result!, totalMs: performance.now() - t0 });
    };
    worker.postMessage(req);
  });
