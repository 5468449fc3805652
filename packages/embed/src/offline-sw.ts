/**
 * ko-classify's optional service worker (built to dist/ko-classify-sw.js): after one online visit the
 * page's own files — its HTML, what `registerOffline()` reports the page loaded (stylesheets, images),
 * and the embed's `ko-classify.js`, `ko-classify.worker.js` and `assets/*.js` — load with the network
 * off.
 *
 * Network-first: online, every one of those files comes from the network (fresh, whatever the host's
 * Cache-Control) and the copy in Cache Storage is replaced; only when the network fails does the copy
 * answer. The embed's files are precached at install, named by the build's version, so a new embed
 * build is a new worker that precaches afresh and deletes the old copy.
 *
 * Not cached here, passed straight to the network: the ONNX Runtime files (`*.wasm`, `ort-wasm-*.mjs`)
 * and model files (anything under `models/` or `onnx/`, `manifest.json`, `tokenizer.json`). The Web
 * Worker keeps those in its own caches; a second copy here would double 14 MB + 8 MB per origin.
 *
 * Its scope is its own folder, so it is copied next to the page; it learns where the embed folder is
 * from `?embed=<url>` in its URL (`registerOffline()` adds it), else it assumes its own folder (a host
 * that sends `Service-Worker-Allowed` may leave it in the embed folder and register a wider scope). An
 * embed folder on another origin (a CDN) is fetched with CORS, which such a page needs anyway.
 */

// Filled in by build.mjs: the embed's files (relative to the embed folder) and their content hash.
declare const __KO_FILES__: string[];
declare const __KO_VERSION__: string;

// The few service-worker types used (the project's lib is DOM, which lacks them).
interface ExtendableEvent extends Event {
  waitUntil(p: Promise<unknown>): void;
}
interface FetchEvent extends ExtendableEvent {
  readonly request: Request;
  respondWith(r: Promise<Response>): void;
}
interface MessageEventLike extends ExtendableEvent {
  readonly data: unknown;
}
interface ServiceWorkerScope {
  readonly registration: ServiceWorkerRegistration;
  readonly location: Location;
  skipWaiting(): Promise<void>;
  readonly clients: { claim(): Promise<void> };
  addEventListener(type: 'install' | 'activate', f: (e: ExtendableEvent) => void): void;
  addEventListener(type: 'fetch', f: (e: FetchEvent) => void): void;
  addEventListener(type: 'message', f: (e: MessageEventLike) => void): void;
}

const sw = self as unknown as ServiceWorkerScope;
const scope = sw.registration.scope;
const embed = new URL(new URL(sw.location.href).searchParams.get('embed') ?? './', sw.location.href).href;
const embedFiles = __KO_FILES__.map((f) => new URL(f, embed).href);
// One name per scope and version: two pages registering two scopes on one origin keep their own.
const PREFIX = `ko-classify-offline ${scope} `;
const CACHE = PREFIX + __KO_VERSION__;

/** The worker's own caches' files: the ORT runtime and the models. */
const NOT_OURS = /\.wasm$|\/ort-wasm[^/]*\.mjs$|\/models\/|\/onnx\/|\/(manifest|tokenizer)\.json$/;

/** Whether this worker may answer (and keep) `url`: in its scope or the embed folder, not the runtime's or a model's. */
function ours(url: string): boolean {
  const u = new URL(url);
  return (u.href.startsWith(scope) || u.href.startsWith(embed)) && !NOT_OURS.test(u.pathname);
}

// CORS for the embed on another origin (same-origin requests are unaffected); the HTTP cache bypassed.
const fresh = (url: string) => new Request(url, { cache: 'reload', mode: 'cors' });
const keepable = (r: Response) => r.ok && (r.type === 'basic' || r.type === 'cors') && !r.redirected;

sw.addEventListener('install', (e) => {
  e.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      await cache.addAll(embedFiles.map(fresh));
      // Pages and their files kept by an older version: fetched again (offline: the old copy).
      for (const name of await caches.keys()) {
        if (!name.startsWith(PREFIX) || name === CACHE) continue;
        const old = await caches.open(name);
        for (const req of await old.keys()) {
          if ((await cache.match(req)) || !ours(req.url)) continue;
          const r = await fetch(fresh(req.url)).catch(() => null);
          const copy = r && keepable(r) ? r : await old.match(req);
          if (copy) await cache.put(req, copy);
        }
      }
      await sw.skipWaiting();
    })(),
  );
});

sw.addEventListener('activate', (e) => {
  e.waitUntil(
    (async () => {
      for (const name of await caches.keys()) if (name.startsWith(PREFIX) && name !== CACHE) await caches.delete(name);
      await sw.clients.claim();
    })(),
  );
});

// registerOffline() sends the page's URL and what it loaded before this worker controlled it.
sw.addEventListener('message', (e) => {
  const urls = (e.data as { koClassifyCache?: unknown } | null)?.koClassifyCache;
  if (!Array.isArray(urls)) return;
  e.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      for (const url of urls) {
        if (typeof url !== 'string' || !ours(url) || (await cache.match(url))) continue;
        const r = await fetch(fresh(url)).catch(() => null);
        if (r && keepable(r)) await cache.put(url, r);
      }
    })(),
  );
});

sw.addEventListener('fetch', (e) => {
  const req = e.request;
  if (req.method !== 'GET' || !ours(req.url)) return;
  e.respondWith(
    (async () => {
      const cache = await caches.open(CACHE);
      try {
        const r = await fetch(req);
        if (keepable(r) && (req.mode === 'navigate' || req.url.startsWith(embed) || (await cache.match(req)))) await cache.put(req, r.clone());
        if (r.status < 500) return r;
        return (await cache.match(req)) ?? r;
      } catch (err) {
        const hit = (await cache.match(req)) ?? (req.mode === 'navigate' ? await cache.match(req, { ignoreSearch: true }) : undefined);
        if (hit) return hit;
        throw err;
      }
    })(),
  );
});
