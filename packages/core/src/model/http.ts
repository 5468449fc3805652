/** Downloading one model file over HTTP: bounded retry with backoff, progress per chunk. */
import { KoClassifyError } from '../errors.js';

export interface DownloadOptions {
  fetch: typeof fetch;
  /** Attempts for network errors, 5xx answers and bodies that break off (404 is final at once). */
  attempts: number;
  retryDelayMs: number;
  /** A 404 answers null instead of MODEL_NOT_FOUND. */
  optional: boolean;
  cache?: RequestCache;
  /** The size the manifest gives, for progress when the host sends no Content-Length. */
  expectedSize: number | null;
  /** Without a manifest to check against: a body shorter than its Content-Length is a failed attempt. */
  checkLength: boolean;
  /** Each chunk read (`delta` > 0), and the bytes of a failed attempt taken back (`delta` < 0). */
  onChunk?: (delta: number, loaded: number, total: number | null) => void;
}

/**
 * Downloads `url` with bounded retry and backoff: network errors, 5xx answers and bodies that break
 * off mid-file are retried; 404 → MODEL_NOT_FOUND at once, or null when `optional`.
 */
export async function download(url: string, file: string, o: DownloadOptions): Promise<Uint8Array | null> {
  let last = '';
  for (let attempt = 0; attempt < o.attempts; attempt++) {
    if (attempt > 0) await sleep(o.retryDelayMs * 3 ** (attempt - 1));
    const res = await get(url, file, o);
    if (res === null) return null;
    if (typeof res === 'string') {
      last = res;
      if (res.startsWith('HTTP 4')) break;
      continue;
    }
    let counted = 0;
    try {
      return await readBody(file, res, o, (n) => (counted += n));
    } catch (e) {
      o.onChunk?.(-counted, 0, null); // the partial bytes of this attempt do not count
      last = (e as Error).message;
    }
  }
  throw new KoClassifyError('NETWORK', `could not download ${url} after ${o.attempts} attempt${o.attempts > 1 ? 's' : ''} (${last})`, { url, file });
}

/** One GET: the response, null (optional 404), or a string saying why it failed. */
async function get(url: string, file: string, o: DownloadOptions): Promise<Response | null | string> {
  let res: Response;
  try {
    // `no-cache`: the HTTP cache may answer only after the server confirmed its copy (ETag → 304).
    res = await o.fetch(url, o.cache ? { credentials: 'same-origin', cache: o.cache } : { credentials: 'same-origin' });
  } catch (e) {
    return (e as Error).message;
  }
  if (res.ok) return res;
  if (res.status === 404 || res.status === 410) {
    if (o.optional) return null;
    throw new KoClassifyError('MODEL_NOT_FOUND', `${url} answered ${res.status}: check the model URL (it must be a directory with config.json, tokenizer.json and onnx/)`, { url, status: res.status, file });
  }
  return `HTTP ${res.status}`;
}

/** Reads a response body, reporting each chunk. */
async function readBody(file: string, res: Response, o: DownloadOptions, count: (n: number) => void): Promise<Uint8Array> {
  const header = Number(res.headers.get('content-length'));
  const total = Number.isFinite(header) && header > 0 && !res.headers.get('content-encoding') ? header : o.expectedSize;
  if (!res.body) return new Uint8Array(await res.arrayBuffer());
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      loaded += value.byteLength;
      if (o.onChunk) {
        count(value.byteLength);
        o.onChunk(value.byteLength, loaded, total);
      }
    }
  } catch (e) {
    throw new KoClassifyError('NETWORK', `download of ${file} broke off after ${loaded} bytes: ${(e as Error).message}`, { file });
  }
  if (total !== null && loaded < total && o.checkLength) {
    throw new KoClassifyError('NETWORK', `download of ${file} ended after ${loaded} of ${total} bytes`, { file });
  }
  const out = new Uint8Array(loaded);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.byteLength;
  }
  return out;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
