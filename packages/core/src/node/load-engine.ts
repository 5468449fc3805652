/**
 * Loads a model directory into the engine on Node: onnxruntime-node (native CPU kernels) when it is
 * installed, else onnxruntime-web's WASM build (the browser's kernels) — the same engine either way.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Engine, type OrtModule } from '../engine/engine.js';
import { KoClassifyError } from '../errors.js';
import { chooseDtype } from '../model-layout.js';
import { revisionOf } from '../model-source.js';
import type { Dtype, DtypeOption } from '../types.js';
import { buildManifest } from './model-dir.js';

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
}

export interface LoadedEngine {
  engine: Engine;
  dtype: Dtype;
  file: string;
  runtime: Runtime;
  /** The revision a browser would cache the directory under: its manifest.json's (`revisionOf`), else that of its files (`manifestOf`). */
  revision: string;
}

type OrtWithWasm = OrtModule & { env: { wasm: { numThreads?: number } } };

/** The ONNX runtime for `runtime`; `auto` falls back to onnxruntime-web when onnxruntime-node is missing. */
export async function loadRuntime(runtime: RuntimeOption = 'auto'): Promise<{ ort: OrtWithWasm; runtime: Runtime }> {
  if (runtime !== 'web') {
    try {
      return { ort: (await import('onnxruntime-node' as string)) as OrtWithWasm, runtime: 'node' };
    } catch (e) {
      if (runtime === 'node') {
        throw new KoClassifyError('BACKEND_UNAVAILABLE', `onnxruntime-node could not be loaded (${(e as Error).message}): npm i onnxruntime-node, or use runtime 'web'`);
      }
    }
  }
  return { ort: (await import('onnxruntime-web')) as unknown as OrtWithWasm, runtime: 'web' };
}

/**
 * Loads a Hugging Face-layout model directory through the engine the browser runs.
 *
 * @example
 * const { engine } = await loadEngine(resolveModelDir('ko-sentiment'), { dtype: 'int8' });
 * console.log(await engine.classify(['정말 재밌어요']));
 */
export async function loadEngine(dir: string, o: LoadEngineOptions = {}): Promise<LoadedEngine> {
  const manifest = buildManifest(dir);
  const { dtype, file } = o.model ? { dtype: 'fp32' as const, file: '(in memory)' } : chooseDtype(o.dtype ?? 'auto', 'wasm', Object.keys(manifest.files), false);
  const { ort, runtime } = await loadRuntime(o.runtime);
  const threads = o.threads ?? 0;
  if (runtime === 'web' && threads > 0) ort.env.wasm.numThreads = threads;
  const json = (f: string): unknown => {
    try {
      return JSON.parse(readFileSync(join(dir, f), 'utf8'));
    } catch (e) {
      throw new KoClassifyError('MODEL_INVALID', `${join(dir, f)}: ${(e as Error).message}`);
    }
  };
  const engine = await Engine.create(
    ort,
    { config: json('config.json'), tokenizer: json('tokenizer.json'), tokenizerConfig: json('tokenizer_config.json'), model: o.model ?? readFileSync(join(dir, file)) },
    {
      maxLength: o.maxLength,
      sessionOptions: { graphOptimizationLevel: 'all', ...(runtime === 'node' && threads > 0 ? { intraOpNumThreads: threads, interOpNumThreads: 1 } : {}) },
    },
  );
  const manifestFile = join(dir, 'manifest.json');
  const revision = existsSync(manifestFile) ? await revisionOf(readFileSync(manifestFile)) : manifest.revision;
  return { engine, dtype, file, runtime, revision };
}
