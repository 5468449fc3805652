/**
 * `createClassifier()` for Node: the browser client's `classify()` contract (one text or many, pairs,
 * `longText`, `AbortSignal`, typed errors) on a local model directory or an installed model package,
 * in-process (no worker: Node has no page to keep responsive). Calls run one at a time on one ONNX
 * session; for many cores use several classifiers (`ko-classify classify --threads` does).
 */
import { pathToFileURL } from 'node:url';
import type { Classifier, ClassifyCallOptions } from '../types.js';
import { KoClassifyError, toKoClassifyError } from '../errors.js';
import type { Classification, DtypeOption, ModelInfo, ProgressCallback, TextInput } from '../types.js';
import { loadEngine, type RuntimeOption } from './load-engine.js';
import { resolveModelDir } from './model-dir.js';

export interface NodeClassifierOptions {
  /** A model directory, or an embedded model id whose package is installed. Default `ko-sentiment`. */
  model?: string;
  /** Default `auto`: int8 when present. */
  dtype?: DtypeOption;
  /** Default `auto`: onnxruntime-node when installed, else onnxruntime-web's WASM. */
  runtime?: RuntimeOption;
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
  const model = o.model ?? 'ko-sentiment';
  const dir = resolveModelDir(model, o.from);
  const { engine, dtype, file, runtime, revision } = await loadEngine(dir, { dtype: o.dtype, runtime: o.runtime, threads: o.threads });
  for (const w of engine.tokenizer.warnings) o.onProgress?.({ type: 'warning', code: w.code, message: w.message });
  const info: ModelInfo = {
    model,
    modelUrl: pathToFileURL(`${dir}/`).href,
    revision,
    backend: runtime === 'node' ? 'cpu' : 'wasm',
    dtype,
    file,
    threads: o.threads ?? 0,
    crossOriginIsolated: false,
    labels: engine.config.labels,
    problemType: engine.config.problemType,
    thresholds: engine.config.thresholds,
    displayNames: engine.config.displayNames,
    maxLength: engine.tokenizer.maxLength,
    backendNotes: [`${runtime === 'node' ? 'onnxruntime-node (cpu)' : 'onnxruntime-web (wasm)'}: selected (${dtype}, ${file})`],
    source: { [file]: 'disk' },
    storage: { usage: null, quota: null, persisted: null },
  };
  let queue: Promise<unknown> = Promise.resolve();
  let disposed = false;
  const serial = <T>(task: () => Promise<T>): Promise<T> => {
    const next = queue.then(task, task);
    queue = next.catch(() => undefined);
    return next;
  };
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
    const results = await serial(async () => {
      try {
        return await engine.classify(list, rest, stop);
      } catch (e) {
        throw toKoClassifyError(e, 'INTERNAL', 'classification failed');
      }
    });
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
      await serial(() => engine.release());
    },
  };
}
