/**
 * What the two onnxruntime-web builds (plain WASM, and the WebGPU build whose CPU ops run on WASM)
 * share: their runtime settings and a warm-up that initialises the WebAssembly runtime early.
 */
import type { OrtWithEnv, RuntimeSettings } from './descriptor.js';

/**
 * A 70-byte ONNX model (one Identity on a float[1]): creating a session from it makes ORT load and
 * initialise its WebAssembly runtime before the real model is available.
 */
const TINY_MODEL = new Uint8Array([
  8, 8, 58, 60, 10, 21, 10, 1, 120, 18, 1, 121, 26, 1, 105, 34, 8, 73, 100, 101, 110, 116, 105, 116, 121, 58, 0, 18, 1, 119, 90, 15, 10, 1, 120, 18, 10, 10, 8, 8, 1, 18, 4,
  10, 2, 8, 1, 98, 15, 10, 1, 121, 18, 10, 10, 8, 8, 1, 18, 4, 10, 2, 8, 1, 66, 4, 10, 0, 16, 17,
]);

/** ORT settings for a page's worker: local wasm files, threads only where the page is cross-origin isolated. */
export function configureWasm(ort: OrtWithEnv, s: RuntimeSettings, threads: number): number {
  if (s.wasmPaths) ort.env.wasm.wasmPaths = s.wasmPaths;
  // SharedArrayBuffer (needed for threads) exists only in cross-origin isolated contexts.
  const n = s.crossOriginIsolated ? Math.max(1, Math.floor(threads)) : 1;
  ort.env.wasm.numThreads = n;
  ort.env.wasm.proxy = false;
  ort.env.logLevel = 'error';
  return n;
}

/** Only the WASM runtime is shared by every session; a WebGPU device is set up with the real one. */
export async function warmUpWasm(ort: OrtWithEnv): Promise<void> {
  const session = await ort.InferenceSession.create(TINY_MODEL, { executionProviders: ['wasm'], logSeverityLevel: 3 });
  await session.release();
}
