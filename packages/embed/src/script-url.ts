/**
 * The URL of the ko-classify script itself, captured while it runs (document.currentScript is only
 * set during that first execution). Worker, wasm and models resolve relative to it.
 */
export const scriptUrl: string =
  (typeof document !== 'undefined' && (document.currentScript as HTMLScriptElement | null)?.src) ||
  (typeof location !== 'undefined' ? location.href : 'http://localhost/');
