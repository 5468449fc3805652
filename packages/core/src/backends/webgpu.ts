import type { BackendDescriptor, BackendEnv } from './descriptor.js';
import { configureWasm, warmUpWasm } from './wasm-runtime.js';

/**
 * onnxruntime-web's WebGPU build: int4 MatMulNBits (no WebGPU kernels for int8 MatMulInteger), fp16
 * where the adapter has shader-f16. Its CPU-side ops run on one WASM thread.
 */
export const webgpuBackend: BackendDescriptor = {
  name: 'webgpu',
  auto: true,
  async probe(env: BackendEnv) {
    const gpu = env.gpu;
    if (!gpu) return { ok: false, reason: 'navigator.gpu is missing (browser without WebGPU, or not a secure context)' };
    try {
      const adapter = await gpu.requestAdapter();
      if (!adapter) return { ok: false, reason: 'navigator.gpu.requestAdapter() returned null (no usable GPU adapter)' };
      return { ok: true, hasF16: adapter.features.has('shader-f16') };
    } catch (e) {
      return { ok: false, reason: `requestAdapter() failed: ${(e as Error).message}` };
    }
  },
  // The WASM-only build is much smaller; this one is loaded only when WebGPU is tried.
  importOrt: () => import('onnxruntime-web/webgpu'),
  configure: (ort, s) => configureWasm(ort, s, 1),
  sessionOptions: () => ({ executionProviders: ['webgpu'], graphOptimizationLevel: 'all', logSeverityLevel: 3 }),
  dtypeOrder: (hasF16) => (hasF16 ? ['int4', 'fp16', 'fp32'] : ['int4', 'fp32']),
  warmUp: warmUpWasm,
  // The JSEP/asyncify build onnxruntime-web/webgpu loads.
  runtimeFiles: ['ort-wasm-simd-threaded.asyncify.wasm', 'ort-wasm-simd-threaded.asyncify.mjs'],
};
