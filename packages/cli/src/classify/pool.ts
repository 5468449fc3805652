import { Worker } from 'node:worker_threads';
import type { KoClassifyErrorCode } from '@ko-classify/core';
import { KoClassifyError } from '@ko-classify/core/node';
import type { Job, Outcome, ReadyInfo, Reply, WorkerInit } from './worker.js';

export interface Pool {
  run(texts: string[]): Promise<Outcome[]>;
  close(): Promise<void>;
  file: string;
  labels: string[];
  multiLabel: boolean;
  runtime: 'node' | 'web';
  /** A sentence encoder's space and dimension; null for a classifier. */
  embedding: ReadyInfo['embedding'];
}

/** `n` worker threads, each loading the model once; a job goes to the least busy one. */
export async function startPool(n: number, init: WorkerInit): Promise<Pool> {
  // Under a TypeScript test runner this module is src/…/command.ts: the thread runs the built worker.
  const script = new URL(import.meta.url.endsWith('.ts') ? '../../dist/classify/worker.js' : './worker.js', import.meta.url);
  const workers = Array.from({ length: n }, () => new Worker(script, { workerData: init }));
  const busy = new Map<Worker, number>(workers.map((w) => [w, 0]));
  const waiting = new Map<number, { resolve: (o: Outcome[]) => void; reject: (e: Error) => void }>();
  let nextJob = 0;
  let file = '';
  let labels: string[] = [];
  let multiLabel = false;
  let runtime: Pool['runtime'] = 'web';
  let embedding: ReadyInfo['embedding'] = null;
  // Every load settles before any thread is stopped: terminating a thread while onnxruntime-node
  // creates its session aborts the whole process (Napi::Error), so one failed load waits for the rest.
  const loads = await Promise.allSettled(
    workers.map(
      (w) =>
        new Promise<void>((resolve, reject) => {
          w.once('error', reject);
          w.on('message', (m: Reply) => {
            // The load's own error (HEAD_MISMATCH, MODEL_NOT_FOUND, ...), with its code, as core threw it.
            if ('fatal' in m) reject(m.code === 'ERROR' ? new Error(m.fatal) : new KoClassifyError(m.code as KoClassifyErrorCode, m.fatal));
            else if ('ready' in m) {
              ({ file, labels, multiLabel, embedding } = m.info);
              runtime = m.info.backend === 'cpu' ? 'node' : 'web';
              resolve();
            } else {
              busy.set(w, busy.get(w)! - 1);
              waiting.get(m.id)?.resolve(m.outcomes);
              waiting.delete(m.id);
            }
          });
        }),
    ),
  );
  const failed = loads.find((l): l is PromiseRejectedResult => l.status === 'rejected');
  if (failed) {
    await Promise.all(workers.map((w) => w.terminate()));
    throw failed.reason;
  }
  for (const w of workers) {
    w.on('error', (e) => {
      for (const { reject } of waiting.values()) reject(e);
      waiting.clear();
    });
  }
  return {
    file,
    labels,
    multiLabel,
    runtime,
    embedding,
    run(texts) {
      const w = workers.reduce((a, b) => (busy.get(b)! < busy.get(a)! ? b : a));
      busy.set(w, busy.get(w)! + 1);
      const id = nextJob++;
      return new Promise((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        w.postMessage({ id, texts } satisfies Job);
      });
    },
    async close() {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
