/** Runs bench/runtime-worker.ts in a fresh Worker (one runtime start per worker). */
import { askOnce } from './common.js';
import type { RuntimeRequest, RuntimeResult } from './runtime-worker.js';

declare global {
  interface Window {
    runtimeStart(req: RuntimeRequest): Promise<RuntimeResult>;
  }
}

window.runtimeStart = async (req) => {
  const t0 = performance.now();
  const result = await askOnce<RuntimeResult>(new Worker(new URL('./runtime-worker.ts', import.meta.url), { type: 'module' }), req, 'runtime');
  return { ...result, totalMs: performance.now() - t0 };
};
