// The service worker side of ko-classify-sw.js (see offline-sw.ts).

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

/** Runs in the service worker: precache, network-first answers, the page's URLs kept on request. */
export function serveOffline(): void {
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

  // The page (offline-register.ts) sends its URL and what it loaded before this worker controlled it: an array of URLs.
  sw.addEventListener('message', (e) => {
    const urls: unknown = e.data;
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
}
