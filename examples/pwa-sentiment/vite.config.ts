import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { defineConfig, type Plugin } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import { koClassify } from '@ko-classify/core/vite';

const MODEL_DIR = join(import.meta.dirname, '../../public/models/ko-sentiment');
// What the WASM and WebGPU backends load; the fp32 file stays out of the app.
const SHIPPED = /^(config\.json|tokenizer\.json|tokenizer_config\.json|special_tokens_map\.json|manifest\.json|onnx\/model_(int8|q4)\.onnx)$/;

/** Serves (dev) and emits (build) the embedded ko-sentiment model under <base>models/ko-sentiment/. */
function embeddedModel(): Plugin {
  const files = (dir: string): string[] => readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? files(join(dir, n)) : [join(dir, n)]));
  const shipped = files(MODEL_DIR).map((p) => relative(MODEL_DIR, p).split('\\').join('/')).filter((p) => SHIPPED.test(p));
  return {
    name: 'embedded-model',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const m = /\/models\/ko-sentiment\/(.+)$/.exec((req.url ?? '').split('?')[0]!);
        if (!m || !shipped.includes(m[1]!)) return next();
        res.end(readFileSync(join(MODEL_DIR, m[1]!)));
      });
    },
    generateBundle() {
      for (const f of shipped) this.emitFile({ type: 'asset', fileName: `models/ko-sentiment/${f}`, source: readFileSync(join(MODEL_DIR, f)) });
    },
  };
}

// An installable offline PWA: after the first visit the app shell and the ORT wasm come from the
// service worker's cache and the model from IndexedDB, so it classifies with the network off.
export default defineConfig({
  base: '/pwa/',
  plugins: [
    koClassify(),
    embeddedModel(),
    VitePWA({
      registerType: 'autoUpdate',
      injectRegister: false,
      manifest: {
        name: '리뷰 감성 위젯 — ko-classify',
        short_name: '감성 위젯',
        description: 'Write a review and see its sentiment as you type, offline.',
        lang: 'ko',
        start_url: '/pwa/',
        scope: '/pwa/',
        display: 'standalone',
        theme_color: '#3b82f6',
        background_color: '#f6f7f9',
        icons: [
          { src: 'icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: 'icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
        ],
      },
      workbox: {
        // App shell + the WASM backend's runtime. Models are not precached: ko-classify keeps them in
        // IndexedDB itself (sha256-checked), which the first visit fills.
        globPatterns: ['**/*.{js,css,html,svg,png,webmanifest}', 'assets/ort-wasm-simd-threaded-*.wasm'],
        globIgnores: ['models/**', 'assets/*asyncify*'],
        maximumFileSizeToCacheInBytes: 20 * 1024 * 1024,
        // Take control of the page of the first visit too, so it is offline-capable at once.
        clientsClaim: true,
        skipWaiting: true,
        navigateFallback: '/pwa/index.html',
        // The WebGPU runtime is large: cache it when first used instead of on install.
        runtimeCaching: [{ urlPattern: /asyncify.*\.wasm$/, handler: 'CacheFirst', options: { cacheName: 'ort-webgpu-wasm' } }],
      },
    }),
  ],
  build: { outDir: 'dist', emptyOutDir: true },
});
