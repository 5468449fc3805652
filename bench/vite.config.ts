import { resolve } from 'node:path';
import { defineConfig } from 'vite';
import { koClassify } from '@ko-classify/core/vite';

/**
 * The benchmark pages (`npm run bench`): ko.html drives ko-classify, tjs.html drives the
 * @huggingface/transformers text-classification pipeline, each in its own Worker. Built to
 * dist/bench and served by bench/run.mjs (scripts/static-server.mjs) with COOP/COEP so both can use WASM threads.
 */
export default defineConfig({
  root: import.meta.dirname,
  plugins: [koClassify()],
  publicDir: false,
  logLevel: 'warn',
  build: {
    outDir: resolve(import.meta.dirname, '../dist/bench'),
    emptyOutDir: true,
    manifest: true,
    // The bundles are measured as shipped: minified, no source maps.
    sourcemap: false,
    rollupOptions: {
      input: {
        ko: resolve(import.meta.dirname, 'ko.html'),
        tjs: resolve(import.meta.dirname, 'tjs.html'),
        gemm: resolve(import.meta.dirname, 'gemm.html'),
        profile: resolve(import.meta.dirname, 'profile.html'),
        runtime: resolve(import.meta.dirname, 'runtime.html'),
        hosting: resolve(import.meta.dirname, 'hosting.html'),
        embed: resolve(import.meta.dirname, 'embed.html'),
      },
    },
  },
  worker: { format: 'es' },
});
