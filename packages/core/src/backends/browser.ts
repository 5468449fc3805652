import type { BackendDescriptor } from './descriptor.js';
import { wasmBackend } from './wasm.js';
import { webgpuBackend } from './webgpu.js';

/** The backends a page's worker tries, in `auto` order. WebNN would be one more descriptor here. */
export const browserBackends: readonly BackendDescriptor[] = [webgpuBackend, wasmBackend];
