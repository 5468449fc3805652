/**
 * Loads a model directory through the one loader on Node: onnxruntime-node (native CPU kernels) when
 * it is installed, else onnxruntime-web's WASM build (the browser's kernels) — the same engine either way.
 */
import { pathToFileURL } from 'node:url';
import type { BackendDescriptor } from '../backends/descriptor.js';
import type { Engine } from '../engine/engine.js';
import { KoClassifyError } from '../errors.js';
import { loadModel } from '../loader/load-model.js';
import type { LoadSpec } from '../protocol/worker-protocol.js';
import type { Dtype, DtypeOption, ModelInfo, ProgressEvent } from '../types.js';
import { cpuBackend, nodeBackends, nodeWasmBackend } from './backends.js';
import { DiskFiles } from './disk-files.js';

/** `node`: onnxruntime-node; `web`: onnxruntime-web's WASM in Node; `auto`: node when installed. */
export type Runtime = 'node' | 'web';
export type RuntimeOption = 'auto' | Runtime;

export interface LoadEngineOptions {
  /** Default `auto`: int8 when the directory has it (what the browser's WASM backend loads). */
  dtype?: DtypeOption;
  /** Default `auto`. */
  runtime?: RuntimeOption;
  /** Intra-op threads of the ONNX session; default: the runtime's own choice. */
  threads?: number;
  maxLength?: number;
  /** ONNX bytes to run instead of the directory's dtype file (the quantizer's calibration graph). */
  model?: Uint8Array;
  /** Backends to choose among instead of Node's (onnxruntime-node, then onnxruntime-web's WASM). */
  backends?: readonly BackendDescriptor[];
  /** The backend by name (`auto`, `cpu`, `wasm`, or a descriptor of `backends`); overrides `runtime`. */
  backend?: string;
  /** Model id shown in `info().model`. Default: the directory. */
  modelId?: string;
  onProgress?: (e: ProgressEvent) => void;
}

export interface LoadedEngine {
  engine: Engine;
  dtype: Dtype;
  file: string;
  runtime: Runtime;
  /** The revision a browser would cache the directory under: its manifest.json's (`revisionOf`), else that of its files (`manifestOf`). */
  revision: string;
  info: ModelInfo;
}

const BACKEND_OF: Record<RuntimeOption, string> = { auto: 'auto', node: cpuBackend.name, web: nodeWasmBackend.name };

/** The LoadSpec a Node load runs under. */
export function nodeSpec(dir: string, o: LoadEngineOptions): LoadSpec {
  return {
    modelId: o.modelId ?? dir,
    modelUrl: pathToFileURL(`${dir}/`).href,
    revision: null,
    backend: (o.backend ?? BACKEND_OF[o.runtime ?? 'auto']) as LoadSpec['backend'],
    dtype: o.dtype ?? 'auto',
    threads: o.threads ?? 0,
    wasmPaths: null,
    cache: false,
    keepOldRevisions: true,
    allowedOrigins: [],
  };
}

/**
 * Loads a Hugging Face-layout model directory through the loader the browser's worker runs.
 *
 * @example
 * const { engine } = await loadEngine(resolveModelDir('ko-sentiment'), { dtype: 'int8' });
 * console.log(await engine.classify(['정말 재밌어요']));
 */
export async function loadEngine(dir: string, o: LoadEngineOptions = {}): Promise<LoadedEngine> {
  const files = new DiskFiles(dir);
  const { engine, info } = await loadModel(nodeSpec(dir, o), {
    files,
    backends: o.backends ?? nodeBackends,
    env: { gpu: null, crossOriginIsolated: false },
    emit: (e) => o.onProgress?.(e),
    maxLength: o.maxLength,
    model: o.model,
  });
  return { engine, dtype: info.dtype, file: info.file, runtime: info.backend === cpuBackend.name ? 'node' : 'web', revision: info.revision, info };
}

/** The ONNX runtime for `runtime`; `auto` falls back to onnxruntime-web when onnxruntime-node is missing. */
export async function loadRuntime(runtime: RuntimeOption = 'auto'): Promise<{ ort: Awaited<ReturnType<BackendDescriptor['importOrt']>>; runtime: Runtime }> {
  if (runtime !== 'web') {
    const probe = await cpuBackend.probe({ crossOriginIsolated: false });
    if (probe.ok) return { ort: await cpuBackend.importOrt(), runtime: 'node' };
    if (runtime === 'node') {
      throw new KoClassifyError('BACKEND_UNAVAILABLE', probe.reason);
    }
  }
  return { ort: await nodeWasmBackend.importOrt(), runtime: 'web' };
}
