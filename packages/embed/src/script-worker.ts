import { scriptUrl } from './script-url.js';

/** Replaces core's default-worker module in the script-tag build (see build.mjs). */
export function defaultWorker(): Worker {
  return new Worker(new URL('ko-classify.worker.js', scriptUrl), { type: 'module', name: 'ko-classify' });
}
