import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import { koClassify } from '@ko-classify/core/vite';

// Teach labels of your own in the page, over the ko-sentence encoder; the taught head is saved in
// IndexedDB. Offline after the first visit: the app shell and the ORT wasm from the service worker's
// cache, the encoder (and the head) from IndexedDB. Served under /teach/.
export default defineConfig({
  base: '/teach/',
  plugins: [
    koClassify({ models: ['ko-sentence'] }),
    VitePWA({
      registerType: 'autoUpdate',
      injectRegister: false,
      manifest: false,
      workbox: {
        // Models are not precached: ko-classify keeps them in IndexedDB itself (sha256-checked).
        globPatterns: ['**/*.{js,css,html}', 'assets/ort-wasm-simd-threaded-*.wasm'],
        globIgnores: ['models/**', 'assets/*asyncify*'],
        maximumFileSizeToCacheInBytes: 20 * 1024 * 1024,
        clientsClaim: true,
        skipWaiting: true,
        navigateFallback: '/teach/index.html',
        runtimeCaching: [{ urlPattern: /asyncify.*\.wasm$/, handler: 'CacheFirst', options: { cacheName: 'ort-webgpu-wasm' } }],
      },
    }),
  ],
  build: { outDir: 'dist', emptyOutDir: true },
});
