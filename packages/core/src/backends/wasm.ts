import type { BackendDescriptor } from './descriptor.js';
import { configureWasm, warmUpWasm } from './wasm-runtime.js';

/**
 * onnxruntime-web's WASM build in a page's worker: int8 MatMulInteger is its fast path; threads
 * where the page is cross-origin isolated. Always available (WebAssembly is the floor).
 */
export const wasmBackend: BackendDescriptor = {
  name: 'wasm',
  auto: true,
  probe: async () => ({ ok: true, hasF16: false }),
  importOrt: () => import('onnxruntime-web/wasm'),
  configure: (ort, s) => configureWasm(ort, s, s.threads),
  sessionOptions: () => ({ executionProviders: ['wasm'], graphOptimizationLevel: 'all', logSeverityLevel: 3 }),
  dtypeOrder: () => ['int8', 'fp32', 'fp16', 'int4'],
  warmUp: warmUpWasm,
  selectedNote: (threads) => `, ${threads} thread${threads > 1 ? 's' : ''}`,
  runtimeFiles: ['ort-wasm-simd-threaded.wasm', 'ort-wasm-simd-threaded.mjs'],
};
