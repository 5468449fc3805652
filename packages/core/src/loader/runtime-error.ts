/** Why a runtime start failed, in words that name the URL and the fix (see `startRuntime`). */
import { KoClassifyError } from '../errors.js';

/** One runtime file ORT fetched while it started: its URL, status and type (null: the fetch failed). */
export interface RuntimeFetch {
  url: string;
  status: number | null;
  contentType: string | null;
}

/**
 * A runtime start that failed because a runtime file was missing or mis-served says which URL, what
 * it answered, and how to fix it — not ORT's "expected magic word 00 61 73 6d".
 */
export async function runtimeError(e: unknown, fetched: RuntimeFetch[], wasmPaths: string | null, fetchFn: typeof fetch): Promise<unknown> {
  const message = (e as Error)?.message ?? String(e);
  const imported = /dynamically imported module:?\s*(\S+)/i.exec(message)?.[1];
  if (imported && !fetched.some((f) => f.url === imported)) {
    let status: number | null = null;
    try {
      status = (await fetchFn(imported, { method: 'HEAD' })).status;
    } catch {
      // unreachable: reported as a network failure
    }
    fetched.push({ url: imported, status, contentType: null });
  }
  const bad = fetched.find((f) => f.status === null || f.status >= 400 || (f.url.includes('.wasm') && f.contentType !== null && !f.contentType.includes('wasm') && !f.contentType.includes('octet-stream')));
  if (!bad) return e;
  if (bad.url.startsWith('blob:')) {
    return new KoClassifyError('BACKEND_UNAVAILABLE', `ONNX Runtime could not import its runtime from a blob: URL (${message}): loaded from another origin, ORT starts its threads' runtime through blob: URLs, so a Content-Security-Policy must allow blob: in script-src`, { url: bad.url, cause: message });
  }
  const what = bad.status === null ? 'could not be fetched (network error, CORS or a Content-Security-Policy)' : bad.status >= 400 ? `answered HTTP ${bad.status}` : `was served as ${bad.contentType}, not WebAssembly (an HTML fallback page?)`;
  const fix = wasmPaths
    ? `wasmPaths is ${wasmPaths}: that folder must serve ORT's runtime files (ort-wasm-simd-threaded.wasm / .mjs; the Vite plugin's ortDir option copies them there)`
    : "serve the runtime files beside ORT's chunk as your build emitted them (the script-tag folder's assets/ next to ko-classify.js), or set wasmPaths to a folder that serves ort-wasm-simd-threaded.wasm / .mjs (the Vite plugin's ortDir option copies them)";
  return new KoClassifyError('BACKEND_UNAVAILABLE', `the ONNX Runtime file ${bad.url} ${what}: ${fix}`, { url: bad.url, status: bad.status, cause: message });
}

