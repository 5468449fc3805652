/**
 * Starting a backend's runtime: import its ORT build, apply its settings, warm it up — and when that
 * fails because a runtime file was missing or mis-served, an error that names the URL and the fix.
 */
import type { BackendDescriptor, OrtWithEnv, RuntimeSettings } from '../backends/descriptor.js';
import { KoClassifyError } from '../errors.js';

/** Imports, configures and warms up a backend's runtime; returns it with the threads in effect. */
export async function startRuntime(d: BackendDescriptor, settings: RuntimeSettings, fetchFn: typeof fetch | undefined): Promise<{ ort: OrtWithEnv; threads: number }> {
  const fetched: RuntimeFetch[] = [];
  // ORT fetches its .wasm itself and takes no fetch to use: the only way to see which URL failed
  // (and what it answered) is to watch the global fetch while it starts. The runtime cache of the
  // offline-start work fetches the runtime through an injected fetch instead, and this goes.
  const restore = recordRuntimeFetches(fetched);
  try {
    const ort = await d.importOrt();
    const threads = d.configure(ort, settings);
    await d.warmUp?.(ort);
    return { ort, threads };
  } catch (e) {
    throw await runtimeError(e, fetched, settings.wasmPaths, fetchFn ?? globalThis.fetch);
  } finally {
    restore();
  }
}

interface RuntimeFetch {
  url: string;
  status: number | null;
  contentType: string | null;
}

/** Notes every ORT runtime file (.wasm / .mjs) fetched until `restore()`, to name one that failed. */
function recordRuntimeFetches(into: RuntimeFetch[]): () => void {
  const original = globalThis.fetch;
  if (typeof original !== 'function') return () => undefined;
  const wrapped: typeof fetch = async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const isRuntime = /\.(wasm|mjs)(\?|#|$)/.test(url);
    try {
      const r = await original(input, init);
      if (isRuntime) into.push({ url: r.url || url, status: r.status, contentType: r.headers.get('content-type') });
      return r;
    } catch (e) {
      if (isRuntime) into.push({ url, status: null, contentType: null });
      throw e;
    }
  };
  globalThis.fetch = wrapped;
  return () => {
    if (globalThis.fetch === wrapped) globalThis.fetch = original;
  };
}

/**
 * A runtime start that failed because a runtime file was missing or mis-served says which URL, what
 * it answered, and how to fix it — not ORT's "expected magic word 00 61 73 6d".
 */
async function runtimeError(e: unknown, fetched: RuntimeFetch[], wasmPaths: string | null, fetchFn: typeof fetch): Promise<unknown> {
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

