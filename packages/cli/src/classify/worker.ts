/**
 * One worker thread of `ko-classify classify`: its own ONNX session (one intra-op thread), fed chunks
 * of texts by the main thread, answering with results in the chunk's order.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createClassifier, type NodeClassifierOptions } from '@ko-classify/core/node';
import type { Classification, ClassifyOptions } from '@ko-classify/core';

export interface WorkerInit {
  classifier: NodeClassifierOptions;
  options: ClassifyOptions;
}
export interface Job {
  id: number;
  texts: string[];
}
/** Per text: a result, or the error that text alone raised. */
export type Outcome = { ok: Classification } | { error: string };
export type Reply = { id: number; outcomes: Outcome[] } | { ready: true; info: { file: string; labels: string[]; backend: string; multiLabel: boolean } } | { fatal: string };

const init = workerData as WorkerInit;
const port = parentPort!;
try {
  const clf = await createClassifier(init.classifier);
  const { file, labels, backend, problemType } = clf.info();
  port.postMessage({ ready: true, info: { file, labels, backend, multiLabel: problemType === 'multi_label_classification' } } satisfies Reply);
  port.on('message', async (job: Job) => {
    let outcomes: Outcome[];
    try {
      outcomes = (await clf.classify(job.texts, init.options)).map((ok) => ({ ok }));
    } catch {
      // One bad text fails its whole call: classify one by one to pin the error on that row alone.
      outcomes = [];
      for (const t of job.texts) {
        try {
          outcomes.push({ ok: await clf.classify(t, init.options) });
        } catch (e) {
          outcomes.push({ error: `${(e as { code?: string }).code ?? 'ERROR'}: ${(e as Error).message}` });
        }
      }
    }
    port.postMessage({ id: job.id, outcomes } satisfies Reply);
  });
} catch (e) {
  port.postMessage({ fatal: `${(e as { code?: string }).code ?? 'ERROR'}: ${(e as Error).message}` } satisfies Reply);
}
