import { createClassifier, type Classifier } from '@ko-classify/core';
import { timeEach, withLongTasks, type BenchPage } from './common.js';

let clf: Classifier | null = null;

window.bench = {
  async start(threads) {
    const t0 = performance.now();
    // When each load phase ended, for the start-up breakdown in BENCHMARKS.md.
    const phases: [string, number][] = [];
    clf = await createClassifier({
      model: 'ko-sentiment',
      modelsBaseUrl: '/models/',
      backend: 'wasm',
      dtype: 'int8',
      threads,
      onProgress: (e) => phases.push([e.type === 'download' || e.type === 'cached' ? `${e.type} ${e.file}` : e.type, performance.now() - t0]),
    });
    await clf.classify('확인');
    const ms = performance.now() - t0;
    phases.push(['first result', ms]);
    return { ms, info: { ...clf.info(), phases } };
  },
  async classifyAll(texts) {
    const t0 = performance.now();
    const { value, longTasks, longestTaskMs } = await withLongTasks(async () => {
      const r = await clf!.classify(texts);
      return { r, ms: performance.now() - t0 };
    });
    return { ms: value.ms, results: value.r.map(({ label, score }) => ({ label, score })), longTasks, longestTaskMs };
  },
  async classifyChunks(texts, size) {
    const t0 = performance.now();
    for (let i = 0; i < texts.length; i += size) await clf!.classify(texts.slice(i, i + size));
    return { ms: performance.now() - t0 };
  },
  async classifyEach(texts) {
    const { ms, results } = await timeEach(texts, (t) => clf!.classify(t));
    return { ms, results: results.map(({ label, score }) => ({ label, score })) };
  },
} satisfies BenchPage;
