import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import { koClassify } from '@ko-classify/core/vite';

// An installable offline PWA: after the first visit the app shell and the ORT wasm come from the
// service worker's cache and the model from IndexedDB, so it classifies with the network off.
export default defineConfig({
  base: '/pwa/',
  plugins: [
    // The model from its npm package, emitted under /pwa/models/ko-sentiment/ (int8 + int4, no fp32).
    koClassify({ models: ['ko-sentiment'] }),
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
