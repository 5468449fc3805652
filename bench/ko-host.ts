import { createClassifier, type Classifier } from '@ko-classify/core';
import { benchPage } from './common.js';

let clf: Classifier | null = null;

window.bench = benchPage({
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
  async classify(texts) {
    return (await clf!.classify(texts)).map(({ label, score }) => ({ label, score }));
  },
});
