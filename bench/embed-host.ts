/**
 * Sentence embeddings in the page (bench/embeddings.mjs): ko-sentence int8 on WASM through
 * createEncoder, in its worker. Embeddings per second for one call over many texts, single-text
 * latency, the same-answer check (a text alone against the same text inside the big call), and
 * teach() on 200 examples (embedding them plus training the head, and the head's own time).
 */
import { createEncoder, type Encoder, type TeachExample } from '@ko-classify/core';

declare global {
  interface Window {
    embedBench: {
      load(threads: number): Promise<{ ms: number; dim: number; space: string | null; backend: string }>;
      batch(texts: string[]): Promise<{ ms: number; rows: Float32Array[] }>;
      run(texts: string[], examples: TeachExample[], reps: number): Promise<EmbedBenchResult>;
    };
  }
}

export interface EmbedBenchResult {
  batchMs: number[];
  singleMs: number[];
  /** Largest |difference| of any component between a text embedded alone and inside the big call. */
  maxDiffAloneVsBatch: number;
  sameBits: number;
  teachMs: number[];
  headMs: number[];
  cvAccuracy: number | null;
}

let enc: Encoder | null = null;

window.embedBench = {
  async load(threads) {
    const t0 = performance.now();
    enc = await createEncoder({ model: 'ko-sentence', modelsBaseUrl: '/models/', backend: 'wasm', dtype: 'int8', threads, cache: false });
    await enc.embed('확인');
    const info = enc.info();
    return { ms: performance.now() - t0, dim: info.embedding?.dim ?? 0, space: info.embedding?.space ?? null, backend: info.backend };
  },
  async batch(texts) {
    const t0 = performance.now();
    const rows = await enc!.embed(texts);
    return { ms: performance.now() - t0, rows };
  },
  async run(texts, examples, reps) {
    const batchMs: number[] = [];
    let big: Float32Array[] = [];
    for (let r = 0; r < reps; r++) {
      const t0 = performance.now();
      big = await enc!.embed(texts);
      batchMs.push(performance.now() - t0);
    }
    const singleMs: number[] = [];
    let maxDiff = 0;
    let sameBits = 0;
    for (let i = 0; i < 100; i++) {
      const t0 = performance.now();
      const one = await enc!.embed(texts[i]!);
      singleMs.push(performance.now() - t0);
      let same = true;
      for (let k = 0; k < one.length; k++) {
        const d = Math.abs(one[k]! - big[i]![k]!);
        if (d > maxDiff) maxDiff = d;
        if (one[k] !== big[i]![k]) same = false;
      }
      if (same) sameBits++;
    }
    const teachMs: number[] = [];
    const headMs: number[] = [];
    let cvAccuracy: number | null = null;
    for (let r = 0; r < Math.max(3, reps); r++) {
      const t0 = performance.now();
      const clf = await enc!.teach(examples);
      teachMs.push(performance.now() - t0);
      headMs.push(clf.head.trained.ms);
      cvAccuracy = clf.head.trained.cvAccuracy;
      await clf.dispose();
    }
    return { batchMs, singleMs, maxDiffAloneVsBatch: maxDiff, sameBits, teachMs, headMs, cvAccuracy };
  },
};
