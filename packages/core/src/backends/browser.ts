import type { BackendDescriptor } from './descriptor.js';
import { wasmBackend } from './wasm.js';
import { webgpuBackend } from './webgpu.js';

/** The backends a page's worker tries, in `auto` order. WebNN would be one more descriptor here. */
export const browserBackends: readonly BackendDescriptor[] = [webgpuBackend, wasmBackend];

/** Every ORT runtime file the browser backends may load (each backend's `runtimeFiles`), for hosts to serve. */
export const BROWSER_RUNTIME_FILES: readonly string[] = [...new Set(browserBackends.flatMap((d) => d.runtimeFiles ?? []))];
