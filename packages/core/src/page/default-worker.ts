import { WORKER_NAME } from '../protocol/worker-name.js';

/**
 * How `createClassifier()` starts its worker when no `createWorker` option is given. Kept in its own
 * module: bundlers see `new Worker(new URL(..., import.meta.url))` and emit the worker as a chunk,
 * and the script-tag build (packages/embed) replaces this module with a script-relative factory.
 */
/**
 * @example
 * // Wrap the factory, e.g. to keep a handle on the worker:
 * createClassifier({ createWorker: () => (myWorker = defaultWorker()) });
 */
export function defaultWorker(): Worker {
  return new Worker(new URL('../worker/worker.js', import.meta.url), { type: 'module', name: WORKER_NAME });
}
