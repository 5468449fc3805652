import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { DtypeOption } from '@ko-classify/core';
import { resolveModelDir, type RuntimeOption } from '@ko-classify/core/node';

const DTYPES = ['auto', 'fp32', 'fp16', 'int8', 'int4'];

/** The flags every command that loads a model takes. */
export const LOAD_OPTIONS = {
  dtype: { type: 'string', default: 'auto' },
  runtime: { type: 'string', default: 'auto' },
  batch: { type: 'string' },
  threads: { type: 'string' },
} as const;

export function loadOpts(v: { dtype?: string; runtime?: string; threads?: string }) {
  if (!DTYPES.includes(v.dtype ?? 'auto')) throw new Error(`--dtype must be one of ${DTYPES.join(', ')}`);
  if (v.runtime !== 'auto' && v.runtime !== 'node' && v.runtime !== 'web') throw new Error('--runtime must be auto, node or web');
  return { dtype: v.dtype as DtypeOption, runtime: v.runtime as RuntimeOption, threads: positiveInt(v.threads, '--threads') };
}

/** A model directory, or an installed model package's (from the working directory, then beside the CLI). */
export function modelDir(model: string): string {
  return resolveModelDir(model, [process.cwd(), fileURLToPath(new URL('.', import.meta.url))]);
}

/** A data file that must exist: named in the error, not a raw ENOENT. */
export function dataFile(path: string, what: string): string {
  if (!existsSync(path)) throw new Error(`no ${what} at ${path}`);
  return path;
}

export function progressBar(done: number, total: number): void {
  if (!process.stderr.isTTY) return;
  const width = 30;
  const filled = Math.round((width * done) / total);
  process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}${done === total ? '\n' : ''}`);
}

export function positiveInt(v: string | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got ${v}`);
  return n;
}

export function parseShard(v: string): [number, number] {
  const m = /^(\d+)\/(\d+)$/.exec(v);
  const [i, n] = m ? [Number(m[1]), Number(m[2])] : [NaN, NaN];
  if (!(n >= 1 && i >= 0 && i < n)) throw new Error(`--shard must be i/n with 0 <= i < n, got ${v}`);
  return [i, n];
}

/** Runs a command on one file: 0 when done; its own refusal (`refusal`: input it will not process) is printed, exit 2. */
export async function refusable(command: string, input: string, refusal: abstract new (...args: never[]) => Error, run: () => void | Promise<void>): Promise<number> {
  try {
    await run();
    return 0;
  } catch (e) {
    if (!(e instanceof refusal)) throw e;
    console.error(`ko-classify ${command}: refusing ${input}: ${e.message}`);
    return 2;
  }
}
