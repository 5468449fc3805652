import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Engine, chooseDtype, type OrtModule } from '@ko-classify/core/engine';
import type { Dtype, DtypeOption } from '@ko-classify/core';
import { buildManifest } from './manifest.js';

export type Runtime = 'node' | 'web';

export interface LoadOptions {
  dtype?: DtypeOption;
  runtime?: Runtime;
  threads?: number;
  maxLength?: number;
}

export interface LoadedModel {
  engine: Engine;
  dtype: Dtype;
  file: string;
  runtime: Runtime;
}

/** onnxruntime-node (native CPU) or onnxruntime-web (its WASM build, the browser's kernels, in Node). */
export async function loadRuntime(runtime: Runtime): Promise<OrtModule & { env: { wasm: { numThreads?: number } } }> {
  return runtime === 'web' ? import('onnxruntime-web') : (import('onnxruntime-node') as never);
}

/**
 * Loads a Hugging Face-layout model directory through the same engine the browser runs.
 * dtype `auto` picks what the browser's WASM backend would (int8 when present).
 */
export async function loadModelDir(dir: string, o: LoadOptions = {}): Promise<LoadedModel> {
  if (!existsSync(join(dir, 'config.json'))) throw new Error(`${dir} is not a model directory (no config.json)`);
  const listed = Object.keys(buildManifest(dir).files);
  const { dtype, file } = chooseDtype(o.dtype ?? 'auto', 'wasm', listed, false);
  const runtime = o.runtime ?? 'node';
  const ort = await loadRuntime(runtime);
  const threads = o.threads ?? 0;
  if (runtime === 'web' && threads > 0) ort.env.wasm.numThreads = threads;
  const json = (f: string): unknown => JSON.parse(readFileSync(join(dir, f), 'utf8'));
  const engine = await Engine.create(
    ort,
    { config: json('config.json'), tokenizer: json('tokenizer.json'), tokenizerConfig: json('tokenizer_config.json'), model: readFileSync(join(dir, file)) },
    {
      maxLength: o.maxLength,
      sessionOptions: { graphOptimizationLevel: 'all', ...(runtime === 'node' && threads > 0 ? { intraOpNumThreads: threads, interOpNumThreads: 1 } : {}) },
    },
  );
  return { engine, dtype, file, runtime };
}
