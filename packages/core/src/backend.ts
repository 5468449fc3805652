import type { Env } from 'onnxruntime-web';
import type { OrtModule } from './engine/engine.js';
import { KoClassifyError } from './errors.js';
import type { Backend, BackendOption } from './types.js';

export type OrtWithEnv = OrtModule & { env: Env };

/** A backend that can be tried: its ORT build and what the adapter offers. */
export interface BackendCandidate {
  backend: Backend;
  hasF16: boolean;
}

interface GpuLike {
  requestAdapter(): Promise<{ features: { has(name: string): boolean } } | null>;
}

/**
 * Which backends to try, in order, and one note per backend ruled out before trying.
 * `auto`: WebGPU when `navigator.gpu` yields an adapter, then WASM. An explicit backend is the only
 * candidate: asking for WebGPU where it cannot run is an error, never a silent fallback.
 */
export async function backendCandidates(option: BackendOption, notes: string[]): Promise<BackendCandidate[]> {
  if (option === 'wasm') return [{ backend: 'wasm', hasF16: false }];
  const gpu = (globalThis.navigator as { gpu?: GpuLike } | undefined)?.gpu;
  let adapter: Awaited<ReturnType<GpuLike['requestAdapter']>> = null;
  let reason = '';
  if (!gpu) reason = 'navigator.gpu is missing (browser without WebGPU, or not a secure context)';
  else {
    try {
      adapter = await gpu.requestAdapter();
      if (!adapter) reason = 'navigator.gpu.requestAdapter() returned null (no usable GPU adapter)';
    } catch (e) {
      reason = `requestAdapter() failed: ${(e as Error).message}`;
    }
  }
  if (!adapter) {
    if (option === 'webgpu') {
      throw new KoClassifyError('BACKEND_UNAVAILABLE', `backend "webgpu" cannot run here: ${reason}`, { causes: { webgpu: reason } });
    }
    notes.push(`webgpu: skipped — ${reason}`);
    return [{ backend: 'wasm', hasF16: false }];
  }
  const webgpu = { backend: 'webgpu' as const, hasF16: adapter.features.has('shader-f16') };
  return option === 'webgpu' ? [webgpu] : [webgpu, { backend: 'wasm', hasF16: false }];
}

/** Loads the ORT build for a backend: the WASM-only build is much smaller than the WebGPU one. */
export async function loadOrt(backend: Backend): Promise<OrtWithEnv> {
  return backend === 'webgpu' ? import('onnxruntime-web/webgpu') : import('onnxruntime-web/wasm');
}

/** ORT settings for a worker: local wasm files, threads only where the page is cross-origin isolated. */
export function configureOrt(ort: OrtWithEnv, wasmPaths: string | null, threads: number): number {
  if (wasmPaths) ort.env.wasm.wasmPaths = wasmPaths;
  // SharedArrayBuffer (needed for threads) exists only in cross-origin isolated contexts.
  const isolated = globalThis.crossOriginIsolated === true;
  const n = isolated ? Math.max(1, Math.floor(threads)) : 1;
  ort.env.wasm.numThreads = n;
  ort.env.wasm.proxy = false;
  ort.env.logLevel = 'error';
  return n;
}
