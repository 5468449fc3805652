import { scriptUrl } from './script-url.js';

/**
 * Registers ko-classify's service worker (dist/ko-classify-sw.js, copied next to the page: its scope
 * is its own folder) so that the page, this script, its worker and their chunks load offline after one
 * visit. `url` resolves against the page. The worker is told where this script's folder is
 * (`?embed=`) and what the page has loaded so far, so the first visit is enough.
 * `<script src=".../ko-classify.js" data-offline="ko-classify-sw.js">` calls it.
 */
export function registerOffline(url = 'ko-classify-sw.js', scope?: string): Promise<ServiceWorkerRegistration> {
  const c = navigator.serviceWorker;
  if (!c) return Promise.reject(new Error('ko-classify: no service workers here (an http:// page that is not localhost?)'));
  const sw = new URL(url, document.baseURI);
  const embed = new URL('./', scriptUrl);
  if (embed.origin === sw.origin) sw.searchParams.set('embed', embed.pathname);
  return c.register(sw, scope ? { scope } : {}).then((reg) => {
    const urls = [location.href, ...performance.getEntriesByType('resource').map((e) => e.name)];
    // The newest version: it keeps them in its own cache, even while still installing.
    (reg.installing ?? reg.waiting ?? reg.active)?.postMessage({ koClassifyCache: urls });
    return reg;
  });
}

/** The `data-offline` attribute of the script tag, read while the script first runs. */
export function registerFromScriptTag(): void {
  const url = typeof document !== 'undefined' ? (document.currentScript as HTMLScriptElement | null)?.dataset.offline : undefined;
  if (url !== undefined) registerOffline(url || undefined).catch((e: unknown) => console.warn('ko-classify: offline files not registered:', e));
}
