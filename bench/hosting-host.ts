/**
 * Several models on one page (bench/hosting.mjs): bare ORT sessions in `one` worker hosting them all
 * or `each` its own worker; and ko-classify itself, `sdk-one` (createClassifier's default: models with
 * the same ORT settings share a worker) against `sdk-each` (`shared: false`, a worker per model).
 */
import { createClassifier, type Classifier } from '@ko-classify/core';

export type HostingMode = 'one' | 'each' | 'sdk-one' | 'sdk-each';
declare global {
  interface Window {
    hosting: { load(mode: HostingMode, urls: string[], threads: number): Promise<number>; run(calls: number, len: number): Promise<{ sequential: number[]; together: number[] }> };
  }
}

/** A review of about 24 tokens, what the bare sessions' 24-token input stands for. */
const TEXT = '배우들 연기는 정말 좋았는데 스토리가 너무 뻔해서 중간부터 지루했다';
let classifiers: Classifier[] = [];

let workers: Worker[] = [];
let byUrl = new Map<string, Worker>();
let next = 0;
const call = (w: Worker, msg: Record<string, unknown>) =>
  new Promise<void>((resolve, reject) => {
    const id = next++;
    const on = ({ data }: MessageEvent<{ id: number; error?: string }>) => {
      if (data.id !== id) return;
      w.removeEventListener('message', on);
      if (data.error) reject(new Error(data.error));
      else resolve();
    };
    w.addEventListener('message', on);
    w.postMessage({ ...msg, id });
  });

window.hosting = {
  async load(mode, urls, threads) {
    const t0 = performance.now();
    if (mode === 'sdk-one' || mode === 'sdk-each') {
      const ids = urls.map((u) => /\/models\/([^/]+)\//.exec(u)![1]!);
      classifiers = await Promise.all(ids.map((model) => createClassifier({ model, modelsBaseUrl: '/models/', backend: 'wasm', dtype: 'int8', threads, cache: false, shared: mode === 'sdk-one' })));
      await Promise.all(classifiers.map((c) => c.classify(TEXT)));
      return performance.now() - t0;
    }
    const make = () => new Worker(new URL('./hosting-worker.ts', import.meta.url), { type: 'module' });
    workers = mode === 'one' ? [make()] : urls.map(make);
    byUrl = new Map(urls.map((u, i) => [u, workers[mode === 'one' ? 0 : i]!]));
    if (mode === 'one') for (const u of urls) await call(workers[0]!, { op: 'load', url: u, threads });
    else await Promise.all(urls.map((u) => call(byUrl.get(u)!, { op: 'load', url: u, threads })));
    return performance.now() - t0;
  },
  async run(calls, len) {
    const sequential: number[] = [];
    const together: number[] = [];
    if (classifiers.length) {
      for (let i = 0; i < calls; i++) {
        let t = performance.now();
        await classifiers[i % classifiers.length]!.classify(TEXT);
        sequential.push(performance.now() - t);
        t = performance.now();
        await Promise.all(classifiers.map((c) => c.classify(TEXT)));
        together.push(performance.now() - t);
      }
      return { sequential, together };
    }
    const urls = [...byUrl.keys()];
    for (let i = 0; i < calls; i++) {
      let t = performance.now();
      await call(byUrl.get(urls[i % urls.length]!)!, { op: 'run', url: urls[i % urls.length], len });
      sequential.push(performance.now() - t);
      t = performance.now();
      // The same text through every model at once, as a page showing sentiment and moderation does.
      await Promise.all(urls.map((u) => call(byUrl.get(u)!, { op: 'run', url: u, len })));
      together.push(performance.now() - t);
    }
    return { sequential, together };
  },
};
