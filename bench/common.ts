/** What both benchmark pages expose to bench/run.mjs as `window.bench`. */
export interface BenchResult {
  label: string | null;
  score: number;
}

export interface BenchPage {
  /** Spawns the worker, loads the model, classifies one sentence; ms from the call to that result. */
  start(threads: number): Promise<{ ms: number; info: unknown }>;
  /** Classifies all texts in one call; ms of the call and main-thread long tasks (> 50 ms) during it. */
  classifyAll(texts: string[]): Promise<{ ms: number; results: BenchResult[]; longTasks: number; longestTaskMs: number }>;
  /** Classifies the texts in consecutive calls of `size` (no sorting), each awaited; total ms. */
  classifyChunks(texts: string[], size: number): Promise<{ ms: number }>;
  /** Classifies the texts one call at a time, each awaited; ms of every call. */
  classifyEach(texts: string[]): Promise<{ ms: number[]; results: BenchResult[] }>;
  /** Classifies the texts in calls of `size` in a shuffled order (seeded); results in input order. */
  classifyShuffled(texts: string[], size: number, seed: number): Promise<{ results: BenchResult[] }>;
}

declare global {
  interface Window {
    bench: BenchPage;
  }
}

/** Counts main-thread long tasks (> 50 ms) while `task` runs. */
export async function withLongTasks<T>(task: () => Promise<T>): Promise<{ value: T; longTasks: number; longestTaskMs: number }> {
  let longTasks = 0;
  let longestTaskMs = 0;
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      longTasks++;
      longestTaskMs = Math.max(longestTaskMs, e.duration);
    }
  });
  observer.observe({ type: 'longtask', buffered: false });
  const value = await task();
  // Entries are delivered asynchronously: give the observer one more frame.
  await new Promise((r) => setTimeout(r, 100));
  for (const e of observer.takeRecords()) {
    longTasks++;
    longestTaskMs = Math.max(longestTaskMs, e.duration);
  }
  observer.disconnect();
  return { value, longTasks, longestTaskMs };
}

/**
 * The measured calls of a bench page, written once for both libraries: each page supplies only how
 * it starts and how it classifies a list of texts in one call.
 */
export function benchPage(lib: {
  start(threads: number): Promise<{ ms: number; info: unknown }>;
  classify(texts: string[]): Promise<BenchResult[]>;
}): BenchPage {
  return {
    start: (threads) => lib.start(threads),
    async classifyAll(texts) {
      const t0 = performance.now();
      const { value, longTasks, longestTaskMs } = await withLongTasks(async () => {
        const results = await lib.classify(texts);
        return { results, ms: performance.now() - t0 };
      });
      return { ...value, longTasks, longestTaskMs };
    },
    async classifyChunks(texts, size) {
      const t0 = performance.now();
      for (let i = 0; i < texts.length; i += size) await lib.classify(texts.slice(i, i + size));
      return { ms: performance.now() - t0 };
    },
    async classifyEach(texts) {
      const ms: number[] = [];
      const results: BenchResult[] = [];
      for (const t of texts) {
        const t0 = performance.now();
        results.push((await lib.classify([t]))[0]!);
        ms.push(performance.now() - t0);
      }
      return { ms, results };
    },
    async classifyShuffled(texts, size, seed) {
      let s = seed;
      const order = texts.map((_, i) => i);
      for (let i = order.length - 1; i > 0; i--) {
        s = (Math.imul(s, 1103515245) + 12345) >>> 0;
        const j = s % (i + 1);
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      const results = new Array<BenchResult>(texts.length);
      for (let i = 0; i < order.length; i += size) {
        const part = order.slice(i, i + size);
        (await lib.classify(part.map((k) => texts[k]!))).forEach((r, k) => (results[part[k]!] = r));
      }
      return { results };
    },
  };
}

/**
 * Posts one request to a freshly started worker and resolves with its one answer (`{ result }` or
 * `{ error }`), terminating it either way. The caller creates the Worker, so its
 * `new URL('./x-worker.ts', import.meta.url)` stays where the bundler sees it.
 */
export function askOnce<T>(worker: Worker, request: unknown, name: string): Promise<T> {
  return new Promise((resolve, reject) => {
    worker.onerror = (e) => {
      worker.terminate();
      reject(new Error(`${name} worker failed: ${e.message}`));
    };
    worker.onmessage = ({ data }: MessageEvent<{ result?: T; error?: string }>) => {
      worker.terminate();
      if (data.error) reject(new Error(data.error));
      else resolve(data.result!);
    };
    worker.postMessage(request);
  });
}
