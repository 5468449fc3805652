/**
 * `createClassifier()` for Node: the browser client's `classify()` contract (one text or many, pairs,
 * `longText`, `AbortSignal`, typed errors) on a local model directory or an installed model package,
 * in-process (no worker: Node has no page to keep responsive), through the loader and the model host
 * the browser's worker runs. Calls run one at a time on one ONNX session; for many cores use several
 * classifiers (`ko-classify classify --threads` does).
 */
import type { BackendDescriptor } from '../backends/descriptor.js';
import { KoClassifyError } from '../errors.js';
import { createModelHost, type ModelHost } from '../loader/host.js';
import type { Classification, Classifier, ClassifyCallOptions, DtypeOption, ModelInfo, ProgressCallback, TextInput } from '../types.js';
import { nodeBackends } from './backends.js';
import { DiskFiles } from './disk-files.js';
import { nodeSpec, type RuntimeOption } from './load-engine.js';
import { resolveModelDir } from './model-dir.js';

export interface NodeClassifierOptions {
  /** A model directory, or an embedded model id whose package is installed. Default `ko-sentiment`. */
  model?: string;
  /** Default `auto`: int8 when present. */
  dtype?: DtypeOption;
  /** Default `auto`: onnxruntime-node when installed, else onnxruntime-web's WASM. */
  runtime?: RuntimeOption;
  /**
   * A backend by name, overriding `runtime`: `auto`, `cpu` (onnxruntime-node), `wasm`, or the name of
   * one of `backends`.
   */
  backend?: string;
  /** The backend descriptors to choose among, in `auto` order. Default: onnxruntime-node, then WASM. */
  backends?: readonly BackendDescriptor[];
  /** ONNX intra-op threads. Default: the runtime's choice (all cores for onnxruntime-node). */
  threads?: number;
  /** Where model ids are resolved from (node_modules lookup). Default `process.cwd()`. */
  from?: string;
  /** Warnings found while loading (e.g. `HANGUL_DECOMPOSED`), as the browser client's `warning` events. */
  onProgress?: ProgressCallback;
}

/**
 * @example
 * import { createClassifier } from '@ko-classify/core/node';
 * const clf = await createClassifier({ model: 'ko-sentiment' }); // npm i @ko-classify/model-ko-sentiment
 * console.log(await clf.classify(['최고의 영화', '시간 아까움']));
 * await clf.dispose();
 */
export async function createClassifier(o: NodeClassifierOptions = {}): Promise<Classifier> {
  const { host, info } = await openModel(o, 'ko-sentiment');
  let disposed = false;
  const gone = () => new KoClassifyError('DISPOSED', 'the classifier was disposed: create a new one');

  async function classify(input: TextInput | readonly TextInput[], options: ClassifyCallOptions = {}): Promise<Classification | Classification[]> {
    const { signal, ...rest } = options;
    const single = !Array.isArray(input);
    const list: readonly unknown[] = single ? [input] : (input as readonly unknown[]);
    const stop = () => {
      if (disposed) throw gone();
      if (signal?.aborted) throw new KoClassifyError('ABORTED', 'the call was aborted', { reason: String(signal.reason ?? '') });
    };
    stop();
    const results = await host.classify(list, rest, stop);
    return single ? results[0]! : results;
  }

  return {
    classify: classify as Classifier['classify'],
    info: () => {
      if (disposed) throw gone();
      return info;
    },
    async dispose() {
      if (disposed) return;
      disposed = true;
      await host.dispose();
    },
  };
}

/** A model host with the model of `o` (default `defaultModel`) loaded from its directory. */
export async function openModel(o: NodeClassifierOptions, defaultModel: string): Promise<{ host: ModelHost; info: ModelInfo }> {
  const model = o.model ?? defaultModel;
  const dir = resolveModelDir(model, o.from);
  const host = createModelHost();
  const spec = nodeSpec(dir, { modelId: model, dtype: o.dtype, runtime: o.runtime, backend: o.backend, threads: o.threads });
  const emit = (e: Parameters<ProgressCallback>[0]) => {
    if (e.type === 'warning') o.onProgress?.(e);
  };
  const info = await host.load(spec, { files: new DiskFiles(dir), backends: o.backends ?? nodeBackends, env: { gpu: null, crossOriginIsolated: false }, emit });
  return { host, info };
}
