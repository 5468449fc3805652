/**
 * What hosts one loaded model — the page's worker and the Node client alike: the loaded engine and
 * the serial queue in front of it (one ONNX session never runs two batches at once).
 */
import type { Engine } from '../engine/engine.js';
import type { HeadJson } from '../engine/head.js';
import type { EmbedOptions } from '../encoder-types.js';
import { KoClassifyError, toKoClassifyError } from '../errors.js';
import type { LoadSpec } from '../protocol/worker-protocol.js';
import type { Classification, ClassifyOptions, ModelInfo } from '../types.js';
import { loadModel, type LoadDeps } from './load-model.js';
import { classifyWithHead, encoderOf, teachHead } from './taught.js';

type Checkpoint = () => void | Promise<void>;

export interface ModelHost {
  /** Loads a model (replacing the one loaded before, once the new one works). */
  load(spec: LoadSpec, deps: LoadDeps): Promise<ModelInfo>;
  /**
   * Classifies after the calls before it. `checkpoint` runs before the call and between its batches:
   * it throws to stop (cancellation, dispose) or awaits to let the host's event loop run.
   */
  classify(inputs: readonly unknown[], options: ClassifyOptions, checkpoint?: Checkpoint): Promise<Classification[]>;
  /** A sentence encoder's unit-length embeddings, in the same queue. */
  embed(texts: readonly unknown[], options: EmbedOptions, checkpoint?: Checkpoint): Promise<Float32Array[]>;
  /** Embeds labelled examples and trains a head on them (`loader/taught.ts`). */
  teach(examples: unknown, options: { name?: string }, checkpoint?: Checkpoint): Promise<HeadJson>;
  /** Classifies with a head taught on this encoder's space. */
  classifyHead(inputs: readonly unknown[], head: unknown, options: ClassifyOptions, checkpoint?: Checkpoint): Promise<Classification[]>;
  /** Releases the session after the calls before it. */
  dispose(): Promise<void>;
}

/** @example const host = createModelHost(); await host.load(spec, deps); await host.classify(['좋아요'], {}); */
export function createModelHost(): ModelHost {
  let engine: Engine | null = null;
  let disposed = false;
  let model = '';
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(task: () => Promise<T>): Promise<T> => {
    const next = queue.then(task, task);
    queue = next.catch(() => undefined);
    return next;
  };
  /** A call on the loaded engine after the calls before it; its failures are typed. */
  const run = <T>(what: string, checkpoint: Checkpoint | undefined, task: (e: Engine) => Promise<T>): Promise<T> =>
    serial(async () => {
      try {
        await checkpoint?.();
        if (!engine) throw disposed ? new KoClassifyError('DISPOSED', 'the model was disposed: load it again') : new KoClassifyError('INTERNAL', `${what} before load() finished`);
        return await task(engine);
      } catch (e) {
        throw toKoClassifyError(e, 'INTERNAL', `${what} failed`);
      }
    });
  return {
    load(spec, deps) {
      // The swap happens inside the queue: a dispose() queued during the load releases the new engine.
      return serial(async () => {
        const loaded = await loadModel(spec, deps);
        const old = engine;
        engine = loaded.engine;
        disposed = false;
        model = loaded.info.model;
        await old?.release();
        return loaded.info;
      });
    },
    classify(inputs, options, checkpoint) {
      return run('classification', checkpoint, (e) => {
        if (e.config.embedding) throw new KoClassifyError('INVALID_INPUT', `${model} is a sentence encoder: use createEncoder()/embed(), or teach() a head`);
        return e.classify(inputs, options, checkpoint);
      });
    },
    embed(texts, options, checkpoint) {
      return run('embedding', checkpoint, (e) => {
        encoderOf(e, model);
        return e.embed(texts, options, checkpoint);
      });
    },
    teach(examples, options, checkpoint) {
      return run('teaching', checkpoint, (e) => teachHead(e, model, examples, options, checkpoint));
    },
    classifyHead(inputs, head, options, checkpoint) {
      return run('classification', checkpoint, (e) => classifyWithHead(e, model, inputs, head, options, checkpoint));
    },
    dispose() {
      return serial(async () => {
        const e = engine;
        engine = null;
        disposed = true;
        await e?.release();
      });
    },
  };
}
