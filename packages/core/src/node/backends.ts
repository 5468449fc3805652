/**
 * The backends of the Node client: onnxruntime-node's native CPU kernels where the user installed it
 * (an optional peer: its install script downloads, so it is never a dependency), else onnxruntime-web's
 * WASM build — the browser's kernels — which needs nothing but the npm registry.
 */
import type { BackendDescriptor, OrtWithEnv } from '../backends/descriptor.js';
import type { Dtype } from '../types.js';

const CPU_ORDER: Dtype[] = ['int8', 'fp32', 'fp16', 'int4'];

const importNative = async (): Promise<OrtWithEnv> => (await import('onnxruntime-node' as string)) as OrtWithEnv;

/** onnxruntime-node (`info().backend` `cpu`); threads = intra-op threads of the session. */
export const cpuBackend: BackendDescriptor = {
  name: 'cpu',
  auto: true,
  async probe() {
    try {
      await importNative();
      return { ok: true, hasF16: false };
    } catch (e) {
      return { ok: false, reason: `onnxruntime-node could not be loaded (${(e as Error).message}): npm i onnxruntime-node, or use runtime 'web'` };
    }
  },
  importOrt: importNative,
  configure: (_ort, s) => s.threads,
  sessionOptions: (threads) => ({ graphOptimizationLevel: 'all', ...(threads > 0 ? { intraOpNumThreads: threads, interOpNumThreads: 1 } : {}) }),
  // The CPU order (int8 MatMulInteger first), not WebGPU's.
  dtypeOrder: () => [...CPU_ORDER],
  selectedNote: (threads) => (threads > 0 ? `, ${threads} thread${threads > 1 ? 's' : ''}` : ''),
};

/** onnxruntime-web's WASM build in Node (`info().backend` `wasm`). */
export const nodeWasmBackend: BackendDescriptor = {
  name: 'wasm',
  auto: true,
  probe: async () => ({ ok: true, hasF16: false }),
  importOrt: async () => (await import('onnxruntime-web')) as unknown as OrtWithEnv,
  configure(ort, s) {
    if (s.threads > 0) ort.env.wasm.numThreads = s.threads;
    return s.threads;
  },
  sessionOptions: () => ({ graphOptimizationLevel: 'all' }),
  dtypeOrder: () => [...CPU_ORDER],
  selectedNote: (threads) => (threads > 0 ? `, ${threads} thread${threads > 1 ? 's' : ''}` : ''),
};

/** `auto` order on Node: native first. */
export const nodeBackends: readonly BackendDescriptor[] = [cpuBackend, nodeWasmBackend];
