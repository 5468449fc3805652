import { scriptUrl } from './script-url.js';

/**
 * Registers ko-classify's service worker (dist/ko-classify-sw.js, copied next to the page: its scope
 * is its own folder) so that the page, this script, its worker and their chunks load offline after one
 * visit. `url` resolves against the page. The worker is told where this script's folder is
 * (`?embed=`, another origin such as a CDN included) and, once the page has loaded, what it loaded
 * before the worker controlled it, so the first visit is enough.
 * `<script src=".../ko-classify.js" data-offline="ko-classify-sw.js">` calls it.
 */
export function registerOffline(url = 'ko-classify-sw.js', scope?: string): Promise<ServiceWorkerRegistration> {
  const c = navigator.serviceWorker;
  if (!c) return Promise.reject(new Error('ko-classify: no service workers here (an http:// page that is not localhost?)'));
  const sw = new URL(url, document.baseURI);
  sw.searchParams.set('embed', new URL('./', scriptUrl).href);
  return c.register(sw, scope ? { scope } : {}).then((reg) => {
    // To the newest version: it keeps them in its own cache, even while still installing.
    const send = () => (reg.installing ?? reg.waiting ?? reg.active)?.postMessage({ koClassifyCache: [location.href, ...performance.getEntriesByType('resource').map((e) => e.name)] });
    if (document.readyState === 'complete') send();
    else addEventListener('load', send, { once: true });
    return reg;
  });
}

/** The `data-offline` attribute of the script tag, read while the script first runs. */
export function registerFromScriptTag(): void {
  const url = typeof document !== 'undefined' ? (document.currentScript as HTMLScriptElement | null)?.dataset.offline : undefined;
  if (url !== undefined) registerOffline(url || undefined).catch((e: unknown) => console.warn('ko-classify: offline files not registered:', e));
}
