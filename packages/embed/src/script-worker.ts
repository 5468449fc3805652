import { WORKER_NAME } from '@ko-classify/core';
import { scriptUrl } from './script-url.js';

/**
 * Starts a module worker from `url`. Browsers refuse worker scripts from another origin (a CDN): then a
 * same-origin `blob:` worker imports it instead, and everything the worker loads still resolves
 * relative to the CDN URL. A CSP then needs `blob:` and the CDN in `worker-src` (a module worker's
 * static imports are worker requests), and the CDN in `script-src` and `connect-src`.
 */
export function startWorker(url: string | URL): Worker {
  const href = new URL(url, document.baseURI).href;
  if (new URL(href).origin === location.origin) return new Worker(href, { type: 'module', name: WORKER_NAME });
  // A static import: the worker's module graph loads before its first message is dispatched (a dynamic
  // import would let the page's first message arrive before the worker listens).
  const blob = new Blob([`import ${JSON.stringify(href)};`], { type: 'text/javascript' });
  return new Worker(URL.createObjectURL(blob), { type: 'module', name: WORKER_NAME });
}

/** Replaces core's default-worker module in the script-tag build (see build.mjs). */
export function defaultWorker(): Worker {
  return startWorker(new URL('ko-classify.worker.js', scriptUrl));
}

const factories = new Map<string, () => Worker>();

/** One worker factory per worker URL, so the page-wide store and registry see equal options as equal. */
export function workerFactory(url: string): () => Worker {
  let f = factories.get(url);
  if (!f) factories.set(url, (f = () => startWorker(url)));
  return f;
}
