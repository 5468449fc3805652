// The page side of ko-classify-sw.js (see offline-sw.ts): the same file, loaded as a plain script.

/** The ko-classify.js script tag's folder: where the embed's own files are. */
function embedFolder(tag: HTMLScriptElement): string | null {
  if (tag.dataset.embed) return new URL(tag.dataset.embed, document.baseURI).href;
  const script = [...document.scripts].find((s) => s.src && new URL(s.src).pathname.endsWith('/ko-classify.js'));
  return script ? new URL('.', script.src).href : null;
}

/**
 * Registers this script (`tag.src`) as the page's service worker once the page has loaded, telling it
 * where the embed folder is (`?embed=`: `data-embed`, else the folder of the page's `ko-classify.js`,
 * another origin such as a CDN included) and what the page loaded before it was controlled (its HTML,
 * stylesheets, the embed's files), so the first visit is enough. `data-scope` widens the scope, which
 * the host must allow with `Service-Worker-Allowed`. Resolves with the registration, or null where
 * service workers are unavailable (an http:// page that is not localhost).
 */
export async function registerFromPage(tag: HTMLScriptElement): Promise<ServiceWorkerRegistration | null> {
  if (document.readyState !== 'complete') await new Promise((r) => addEventListener('load', r, { once: true }));
  if (!navigator.serviceWorker) {
    console.warn('ko-classify-sw.js: no service workers on this page (https:// or localhost only); it will not work offline');
    return null;
  }
  const url = new URL(tag.src);
  const embed = embedFolder(tag);
  if (embed) url.searchParams.set('embed', embed);
  const reg = await navigator.serviceWorker.register(url, tag.dataset.scope ? { scope: tag.dataset.scope } : {});
  // A same-origin worker script is matched to a service worker by its own URL, not by the page's.
  if (embed && new URL(embed).origin === location.origin && !embed.startsWith(reg.scope)) {
    console.warn(`ko-classify-sw.js: the embed folder ${embed} is outside this service worker's scope ${reg.scope}, so offline its worker cannot start: put ko-classify-sw.js in a folder above both the page and the embed folder (the site's root)`);
  }
  // To the newest version: it keeps them in its own cache, even while still installing.
  (reg.installing ?? reg.waiting ?? reg.active)?.postMessage([location.href, ...performance.getEntriesByType('resource').map((e) => e.name)]);
  return reg;
}
