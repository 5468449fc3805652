/**
 * ko-classify's optional offline file (built to dist/ko-classify-sw.js). Copied to the site and loaded
 * by the page with `<script src="/ko-classify-sw.js"></script>`, it registers itself as the page's
 * service worker; as that service worker, after one online visit, it serves the page's own files — its
 * HTML, what the page loaded (stylesheets, images), and the embed's `ko-classify.js`,
 * `ko-classify.worker.js` and `assets/*.js` — with the network off. One file, so the one line that
 * loads it is all a page adds, and ko-classify.js carries none of it.
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
 * A service worker's scope is its own folder and below, and it must cover both the page and a
 * same-origin embed folder: the module worker's script is matched to a service worker by its own URL
 * (a `blob:` worker, the CDN case, by its page's). Hence the copy in a folder above both, such as the
 * site's root. It learns where the embed folder is from `?embed=<url>` in its URL (the page side adds
 * it), else it assumes its own folder (a host that sends `Service-Worker-Allowed` may leave it in the
 * embed folder and widen the scope with `data-scope`). An embed folder on another origin (a CDN) is
 * fetched with CORS, which such a page needs anyway.
 */
import { registerFromPage } from './offline-register.js';
import { serveOffline } from './offline-serve.js';

if (typeof document === 'undefined') serveOffline();
else {
  const tag = document.currentScript as HTMLScriptElement | null;
  if (tag?.src) registerFromPage(tag).catch((e: unknown) => console.warn('ko-classify-sw.js: not registered:', e));
}
