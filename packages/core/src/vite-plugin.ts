import { createReadStream, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Plugin } from 'vite';

/** The ORT runtime files ko-classify loads: the WASM build and the WebGPU (asyncify) build. */
export const ORT_FILES = [
  'ort-wasm-simd-threaded.wasm',
  'ort-wasm-simd-threaded.mjs',
  'ort-wasm-simd-threaded.asyncify.wasm',
  'ort-wasm-simd-threaded.asyncify.mjs',
] as const;

export interface KoClassifyPluginOptions {
  /**
   * Also serve (dev) and emit (build) the ORT runtime files at this fixed folder, for pages that set
   * `wasmPaths` (e.g. non-bundled script tags). Not needed for bundled apps: Vite already emits the
   * `.wasm` that ORT references beside its own chunk. Default: off.
   */
  ortDir?: string;
  /** Send COOP/COEP so the page is cross-origin isolated and WASM can use threads. Default true. */
  crossOriginIsolation?: boolean;
}

const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/**
 * Vite plugin: keeps the onnxruntime-web `.wasm` files on your own origin (never a CDN), sends
 * COOP/COEP headers in dev and preview so WASM can use threads, and keeps ORT out of pre-bundling.
 *
 * @example
 * // vite.config.ts
 * import { koClassify } from '@ko-classify/core/vite';
 * export default { plugins: [koClassify()] };
 */
export function koClassify(options: KoClassifyPluginOptions = {}): Plugin {
  const dir = options.ortDir?.replace(/^\/+|\/+$/g, '');
  const isolate = options.crossOriginIsolation ?? true;
  const ortDist = dirname(createRequire(import.meta.url).resolve('onnxruntime-web/ort-wasm-simd-threaded.wasm'));
  const headers = isolate ? ISOLATION_HEADERS : {};
  return {
    name: 'ko-classify',
    config: () => ({
      server: { headers },
      preview: { headers },
      worker: { format: 'es' },
      // ORT finds its wasm through import.meta.url; pre-bundling would break that.
      optimizeDeps: { exclude: ['onnxruntime-web'] },
    }),
    configureServer(server) {
      if (!dir) return;
      server.middlewares.use((req, res, next) => {
        const path = (req.url ?? '').split('?')[0]!;
        const name = path.startsWith(`/${dir}/`) ? path.slice(dir.length + 2) : '';
        if (!(ORT_FILES as readonly string[]).includes(name)) return next();
        res.setHeader('Content-Type', name.endsWith('.wasm') ? 'application/wasm' : 'text/javascript');
        res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
        createReadStream(join(ortDist, name)).pipe(res);
      });
    },
    generateBundle() {
      if (!dir) return;
      for (const name of ORT_FILES) {
        this.emitFile({ type: 'asset', fileName: `${dir}/${name}`, source: readFileSync(join(ortDist, name)) });
      }
    },
  };
}
