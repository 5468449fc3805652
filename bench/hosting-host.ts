/** Several models on one page: `one` worker hosting them all, or `each` its own worker (bench/hosting.mjs). */
declare global {
  interface Window {
    hosting: { load(mode: 'one' | 'each', urls: string[], threads: number): Promise<number>; run(calls: number, len: number): Promise<{ sequential: number[]; together: number[] }> };
  }
}

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
