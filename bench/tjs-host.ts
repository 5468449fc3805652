import { benchPage, type BenchResult } from './common.js';

/** The page side of the transformers.js worker: one request, one reply. */
let worker: Worker | null = null;
let nextId = 1;
const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

function call<T>(type: string, payload: unknown): Promise<T> {
  const id = nextId++;
  return new Promise<T>((resolve, reject) => {
    waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
    worker!.postMessage({ id, type, payload });
  });
}

window.bench = benchPage({
  async start(threads) {
    const t0 = performance.now();
    worker = new Worker(new URL('./tjs-worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = ({ data }: MessageEvent<{ id: number; result?: unknown; error?: string }>) => {
      const w = waiting.get(data.id);
      waiting.delete(data.id);
      if (data.error !== undefined) w?.reject(new Error(data.error));
      else w?.resolve(data.result);
    };
    const info = await call('load', { threads });
    await call<BenchResult[]>('classify', ['확인']);
    return { ms: performance.now() - t0, info };
  },
  classify: (texts) => call<BenchResult[]>('classify', texts),
});
