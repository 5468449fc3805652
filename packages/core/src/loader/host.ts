/**
 * What hosts one loaded model — the page's worker and the Node client alike: the loaded engine and
 * the serial queue in front of it (one ONNX session never runs two batches at once).
 */
import type { Engine } from '../engine/engine.js';
import { KoClassifyError, toKoClassifyError } from '../errors.js';
import type { LoadSpec } from '../protocol/worker-protocol.js';
import type { Classification, ClassifyOptions, ModelInfo } from '../types.js';
import { loadModel, type LoadDeps } from './load-model.js';

export interface ModelHost {
  /** Loads a model (replacing the one loaded before, once the new one works). */
  load(spec: LoadSpec, deps: LoadDeps): Promise<ModelInfo>;
  /**
   * Classifies after the calls before it. `checkpoint` runs before the call and between its batches:
   * it throws to stop (cancellation, dispose) or awaits to let the host's event loop run.
   */
  classify(inputs: readonly unknown[], options: ClassifyOptions, checkpoint?: () => void | Promise<void>): Promise<Classification[]>;
  /** Releases the session after the calls before it. */
  dispose(): Promise<void>;
}

/** @example const host = createModelHost(); await host.load(spec, deps); await host.classify(['좋아요'], {}); */
export function createModelHost(): ModelHost {
  let engine: Engine | null = null;
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(task: () => Promise<T>): Promise<T> => {
    const next = queue.then(task, task);
    queue = next.catch(() => undefined);
    return next;
  };
  return {
    load(spec, deps) {
      // The swap happens inside the queue: a dispose() queued during the load releases the new engine.
      return serial(async () => {
        const loaded = await loadModel(spec, deps);
        const old = engine;
        engine = loaded.engine;
        await old?.release();
        return loaded.info;
      });
    },
    classify(inputs, options, checkpoint) {
      return serial(async () => {
        try {
          await checkpoint?.();
          if (!engine) throw new KoClassifyError('INTERNAL', 'classify() before load() finished');
          return await engine.classify(inputs, options, checkpoint);
        } catch (e) {
          throw toKoClassifyError(e, 'INTERNAL', 'classification failed');
        }
      });
    },
    dispose() {
      return serial(async () => {
        const e = engine;
        engine = null;
        await e?.release();
      });
    },
  };
}
