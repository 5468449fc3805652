import { Worker } from 'node:worker_threads';
import type { Job, Outcome, Reply, WorkerInit } from './worker.js';

export interface Pool {
  run(texts: string[]): Promise<Outcome[]>;
  close(): Promise<void>;
  file: string;
  labels: string[];
  multiLabel: boolean;
  runtime: 'node' | 'web';
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
  await Promise.all(
    workers.map(
      (w) =>
        new Promise<void>((resolve, reject) => {
          w.once('error', reject);
          w.on('message', (m: Reply) => {
            if ('fatal' in m) reject(new Error(m.fatal));
            else if ('ready' in m) {
              ({ file, labels, multiLabel } = m.info);
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
  ).catch(async (e: unknown) => {
    await Promise.all(workers.map((w) => w.terminate()));
    throw e;
  });
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
