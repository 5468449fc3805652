/**
 * Starting a backend's runtime: import its ORT build, apply its settings, give it its `.wasm` from the
 * runtime cache when there is one (else let ORT fetch it and store a copy), warm it up — and when that
 * fails because a runtime file was missing or mis-served, an error that names the URL and the fix.
 */
import type { BackendDescriptor, OrtWithEnv, RuntimeSettings } from '../backends/descriptor.js';
import type { RuntimeCache } from '../model/runtime-cache.js';
import type { RuntimeFetch } from './runtime-error.js';
import type { ProgressEvent, RuntimeInfo } from '../types.js';

/** A runtime started once per worker: a second load reuses it (ORT starts once per module instance). */
const started = new WeakMap<object, RuntimeInfo | null>();

export interface RuntimeDeps {
  /** Used to name a runtime file that failed to load. Default: the global fetch. */
  fetch?: typeof fetch;
  cache?: RuntimeCache | null;
  /**
   * ORT's chunk is on another origin (the script-tag build from a CDN): ORT then fetches its glue
   * `.mjs` too and imports it through a `blob:` URL (which such a page's CSP allows), so the glue is
   * cached beside the `.wasm` and imported from a `blob:` URL of the copy. Same-origin builds embed it.
   */
  crossOriginGlue?: boolean;
  emit?: (e: ProgressEvent) => void;
}

/** Imports, configures and warms up a backend's runtime; returns it with the threads in effect. */
export async function startRuntime(d: BackendDescriptor, settings: RuntimeSettings, deps: RuntimeDeps = {}): Promise<{ ort: OrtWithEnv; threads: number; runtime: RuntimeInfo | null }> {
  const fetched: RuntimeFetch[] = [];
  const wasmFile = d.runtimeFiles?.find((f) => f.endsWith('.wasm'));
  const glueFile = deps.crossOriginGlue ? d.runtimeFiles?.find((f) => f.endsWith('.mjs')) : undefined;
  const cache = wasmFile && d.warmUp ? (deps.cache ?? null) : null;
  const copies = new Map<'wasm' | 'mjs', Promise<Uint8Array | null>>();
  // ORT fetches its .wasm itself and takes no fetch to use: watching the global fetch while it starts
  // is the only way to name a URL that failed, and to keep a copy of the bytes for the cache.
  const restore = recordRuntimeFetches(fetched, (r, url) => {
    const kind = /\.wasm(\?|#|$)/.test(url) ? 'wasm' : /\.mjs(\?|#|$)/.test(url) ? 'mjs' : null;
    if (cache && kind && !copies.has(kind) && r.ok) copies.set(kind, r.clone().arrayBuffer().then((b) => new Uint8Array(b), () => null));
  });
  try {
    const ort = await d.importOrt();
    const threads = d.configure(ort, settings);
    const version = ort.env.versions?.web;
    if (started.has(ort)) {
      await d.warmUp?.(ort);
      return { ort, threads, runtime: started.get(ort)! };
    }
    if (!cache || !version || !wasmFile) {
      await d.warmUp?.(ort);
      started.set(ort, null);
      return { ort, threads, runtime: null };
    }
    const warn = (what: string, e: unknown) => deps.emit?.({ type: 'warning', code: 'STORAGE', message: `runtime cache: ${what} (${(e as Error)?.message ?? String(e)}); continuing without it` });
    /** Stores the copy of what ORT fetched of `kind`, if it fetched it. */
    const store = async (kind: 'wasm' | 'mjs', file: string) => {
      const copied = await (copies.get(kind) ?? null);
      const url = fetched.find((f) => f.url.includes(`.${kind}`))?.url ?? null;
      if (copied) await cache.put(version, file, copied, url).catch((e: unknown) => warn(`could not store ORT's .${kind}`, e));
    };
    // Held while this worker downloads and stores the runtime, not while it starts a cached one.
    const cached = await cache.exclusive(`ko-classify runtime ${version}/${wasmFile}`, async () => {
      const bytes = await cache.get(version, wasmFile).catch((e: unknown) => void warn('could not read', e));
      if (bytes) return bytes;
      await d.warmUp!(ort);
      await store('wasm', wasmFile);
      if (glueFile) await store('mjs', glueFile);
      return null;
    });
    if (!cached) {
      const runtime: RuntimeInfo = { version, file: wasmFile, source: 'network' };
      started.set(ort, runtime);
      return { ort, threads, runtime };
    }
    ort.env.wasm.wasmBinary = cached;
    const glue = glueFile ? await cache.get(version, glueFile).catch(() => undefined) : undefined;
    // Kept alive: ORT's threads start workers from the glue's URL.
    if (glue) ort.env.wasm.wasmPaths = { mjs: URL.createObjectURL(new Blob([glue as Uint8Array<ArrayBuffer>], { type: 'text/javascript' })) };
    try {
      await d.warmUp!(ort);
    } catch (e) {
      // ORT's failed start is final for this worker; the next start fetches a fresh copy.
      await cache.delete(version, wasmFile).catch(() => undefined);
      throw e;
    } finally {
      ort.env.wasm.wasmBinary = undefined; // compiled by now: the bytes need not stay referenced
    }
    // The .wasm was cached by a same-origin page of this origin; ORT fetched the glue just now.
    if (glueFile && !glue) await store('mjs', glueFile);
    const runtime: RuntimeInfo = { version, file: wasmFile, source: 'cache' };
    started.set(ort, runtime);
    return { ort, threads, runtime };
  } catch (e) {
    // The diagnosis is its own chunk, loaded only when a start failed (if even that cannot be had —
    // offline — ORT's own error stands).
    throw await import('./runtime-error.js').then((m) => m.runtimeError(e, fetched, settings.wasmPaths, deps.fetch ?? globalThis.fetch), () => e);
  } finally {
    restore();
  }
}


/** The loads watching ORT's fetches now (several models of one worker may start at once). */
const watchers = new Set<(r: RuntimeFetch, response: Response | null) => void>();
let unwrapped: typeof fetch | null = null;
let wrapper: typeof fetch | null = null;

/**
 * Notes every ORT runtime file (.wasm / .mjs) fetched until `restore()`, to name one that failed.
 * One wrapper serves every watching load; the global fetch is restored when the last one stops.
 */
function recordRuntimeFetches(into: RuntimeFetch[], onResponse: (r: Response, url: string) => void): () => void {
  const original = unwrapped ?? globalThis.fetch;
  if (typeof original !== 'function') return () => undefined;
  const watcher = (f: RuntimeFetch, response: Response | null) => {
    into.push(f);
    if (response) onResponse(response, f.url);
  };
  watchers.add(watcher);
  if (!unwrapped) {
    unwrapped = original;
    globalThis.fetch = wrapper = async (input, init) => {
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      const isRuntime = /\.(wasm|mjs)(\?|#|$)/.test(url);
      try {
        const r = await original(input, init);
        if (isRuntime) for (const w of watchers) w({ url: r.url || url, status: r.status, contentType: r.headers.get('content-type') }, r);
        return r;
      } catch (e) {
        if (isRuntime) for (const w of watchers) w({ url, status: null, contentType: null }, null);
        throw e;
      }
    };
  }
  return () => {
    watchers.delete(watcher);
    if (watchers.size === 0 && unwrapped) {
      // Unless someone replaced fetch meanwhile: theirs stays.
      if (globalThis.fetch === wrapper) globalThis.fetch = unwrapped;
      unwrapped = wrapper = null;
    }
  };
}
