/**
 * One worker thread of `ko-classify classify` / `embed`: its own ONNX session (one intra-op thread),
 * fed chunks of texts by the main thread, answering with results in the chunk's order. It classifies
 * with a model, classifies with a taught head on a sentence encoder (`head`), or embeds (`embed`).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createClassifier, createEncoder, type HeadJson, type NodeClassifierOptions } from '@ko-classify/core/node';
import type { Classification, ClassifyOptions } from '@ko-classify/core';

export interface WorkerInit {
  classifier: NodeClassifierOptions;
  options: ClassifyOptions;
  /** Classify through this taught head; `classifier.model` is its sentence encoder. */
  head?: unknown;
  /** Embed the texts (`classifier.model` is a sentence encoder) instead of classifying them. */
  embed?: boolean;
}
export interface Job {
  id: number;
  texts: string[];
}
/** Per text: a result (a classification, or an embedding), or the error that text alone raised. */
export type Outcome = { ok: Classification } | { embedding: Float32Array } | { error: string };
export interface ReadyInfo {
  file: string;
  labels: string[];
  backend: string;
  multiLabel: boolean;
  /** A sentence encoder's space and dimension; null for a classifier. */
  embedding: { dim: number; space: string } | null;
}
export type Reply = { id: number; outcomes: Outcome[] } | { ready: true; info: ReadyInfo } | { fatal: string; code: string };

const init = workerData as WorkerInit;
const port = parentPort!;
const failure = (e: unknown) => ({ code: (e as { code?: string }).code ?? 'ERROR', message: (e as Error).message ?? String(e) });

try {
  const run = await start();
  port.postMessage({ ready: true, info: run.info } satisfies Reply);
  port.on('message', async (job: Job) => {
    let outcomes: Outcome[];
    try {
      outcomes = await run.all(job.texts);
    } catch {
      // One bad text fails its whole call: run them one by one to pin the error on that row alone.
      outcomes = [];
      for (const t of job.texts) {
        try {
          outcomes.push(...(await run.all([t])));
        } catch (e) {
          const f = failure(e);
          outcomes.push({ error: `${f.code}: ${f.message}` });
        }
      }
    }
    // Embeddings move to the main thread without a copy (a buffer several rows share moves once).
    const buffers = new Set(outcomes.flatMap((o) => ('embedding' in o ? [o.embedding.buffer as ArrayBuffer] : [])));
    port.postMessage({ id: job.id, outcomes } satisfies Reply, [...buffers]);
  });
} catch (e) {
  const f = failure(e);
  port.postMessage({ fatal: f.message, code: f.code } satisfies Reply);
}

async function start(): Promise<{ info: ReadyInfo; all(texts: string[]): Promise<Outcome[]> }> {
  if (init.embed || init.head !== undefined) {
    const encoder = await createEncoder(init.classifier);
    const { file, backend } = encoder.info();
    const embedding = encoder.info().embedding ?? null;
    if (init.embed) {
      return {
        info: { file, backend, labels: [], multiLabel: false, embedding },
        all: async (texts) => (await encoder.embed(texts, { batchSize: init.options.batchSize })).map((embedding) => ({ embedding })),
      };
    }
    const clf = await encoder.classifier(init.head as HeadJson);
    return { info: { file, backend, labels: clf.info().labels, multiLabel: false, embedding }, all: async (texts) => (await clf.classify(texts, init.options)).map((ok) => ({ ok })) };
  }
  const clf = await createClassifier(init.classifier);
  const { file, labels, backend, problemType } = clf.info();
  return { info: { file, labels, backend, multiLabel: problemType === 'multi_label_classification', embedding: null }, all: async (texts) => (await clf.classify(texts, init.options)).map((ok) => ({ ok })) };
}
