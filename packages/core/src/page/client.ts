import { registerErrorTransfer } from '../protocol/comlink-errors.js';
import { defaultWorker } from './default-worker.js';
import { KoClassifyError } from '../errors.js';
import { modelUrlOf } from '../model/layout.js';
import { shareClassifier } from './shared-classifier.js';
import type { Classifier, ClassifierOptions } from '../types.js';
import { WorkerClassifier, type ModelHandle } from './worker-classifier.js';
import type { LoadSpec } from '../protocol/worker-protocol.js';

/**
 * Spawns the classification worker, loads the model (IndexedDB first, then network) and resolves
 * once a first run succeeded.
 *
 * @example
 * const clf = await createClassifier({ model: 'ko-sentiment' });
 * const { label, score } = await clf.classify('이 영화 정말 재밌어요!');
 * console.log(label, score); // "positive" 0.97
 * await clf.dispose();
 */
export function createClassifier(options: ClassifierOptions = {}): Promise<Classifier> {
  return openModel(options, 'ko-sentiment');
}

/** Loads the model of `options` (default `defaultModel`): a shared handle, or a worker of its own. */
export async function openModel(options: ClassifierOptions, defaultModel: string): Promise<ModelHandle> {
  registerErrorTransfer();
  const spec = resolveSpec({ ...options, model: options.model ?? defaultModel });
  // persist() exists on the page only (not in workers); a refusal is the browser's call, not an error.
  if (options.persist) await globalThis.navigator?.storage?.persist?.().catch(() => false);
  const createWorker = options.createWorker ?? defaultWorker;
  const classifier = options.shared === false ? await startPrivate(spec, createWorker, options.onProgress) : await shareClassifier(spec, createWorker, options.onProgress);
  // For test kits and devtools (see @ko-classify/testing's waitForClassifier): a page-level event.
  const target = globalThis as { dispatchEvent?: (e: Event) => boolean; CustomEvent?: typeof CustomEvent };
  if (target.dispatchEvent && target.CustomEvent) target.dispatchEvent(new target.CustomEvent('ko-classify:ready', { detail: classifier.info() }));
  return classifier;
}

async function startPrivate(spec: LoadSpec, createWorker: () => Worker, onProgress?: ClassifierOptions['onProgress']): Promise<ModelHandle> {
  const c = new WorkerClassifier(spec, createWorker);
  await c.start(onProgress);
  return c;
}

export function resolveSpec(o: ClassifierOptions): LoadSpec {
  const here = globalThis.location?.href ?? 'http://localhost/';
  const model = o.model ?? 'ko-sentiment';
  if (typeof model !== 'string' || model.length === 0) {
    throw new KoClassifyError('INVALID_INPUT', 'options.model must be a model id or a URL string');
  }
  const modelUrl = modelUrlOf(model, o.modelsBaseUrl, here);
  const cores = globalThis.navigator?.hardwareConcurrency ?? 1;
  return {
    modelId: model,
    modelUrl,
    revision: o.revision ?? null,
    backend: oneOf(o.backend ?? 'auto', ['auto', 'webgpu', 'wasm'], 'backend'),
    dtype: oneOf(o.dtype ?? 'auto', ['auto', 'fp32', 'fp16', 'int8', 'int4'], 'dtype'),
    threads: o.threads ?? Math.min(4, cores),
    wasmPaths: o.wasmPaths === undefined ? null : new URL(o.wasmPaths, here).href,
    cache: o.cache ?? true,
    keepOldRevisions: o.keepOldRevisions ?? false,
    allowedOrigins: (o.allowedOrigins ?? []).map((u) => new URL(u, here).origin),
  };
}

function oneOf<T extends string>(v: T, allowed: readonly T[], name: string): T {
  if (!allowed.includes(v)) throw new KoClassifyError('INVALID_INPUT', `options.${name} must be one of ${allowed.join(', ')}, got ${JSON.stringify(v)}`);
  return v;
}
