/** What both benchmark pages expose to scripts/bench.mjs as `window.bench`. */
export interface BenchResult {
  label: string;
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

export async function timeEach<T>(texts: string[], one: (t: string) => Promise<T>): Promise<{ ms: number[]; results: T[] }> {
  const ms: number[] = [];
  const results: T[] = [];
  for (const t of texts) {
    const t0 = performance.now();
    results.push(await one(t));
    ms.push(performance.now() - t0);
  }
  return { ms, results };
}
