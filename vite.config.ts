/// <reference types="vitest/config" />
import { resolve } from 'node:path';
import { defineConfig } from 'vite';
import { koClassify } from '@ko-classify/core/vite';

/**
 * The demo (examples/demo) and the browser-test harness (e2e/harness), served from the repo root so
 * `public/models/` is the embedded model directory (fp32 included, for tests); `ortDir` also puts
 * the ORT runtime files at `/ort/` for the tests of `wasmPaths`.
 */
export default defineConfig({
  plugins: [
    koClassify({ ortDir: 'ort' }),
    {
      name: 'demo-at-root',
      configureServer(server) {
        server.middlewares.use((req, res, next) => {
          if (req.url !== '/') return next();
          res.statusCode = 302;
          res.setHeader('Location', '/examples/demo/');
          res.end();
        });
      },
    },
  ],
  publicDir: 'public',
  server: { port: 5173, strictPort: false, open: false },
  preview: { port: 4173 },
  build: {
    outDir: 'dist/web',
    emptyOutDir: true,
    rollupOptions: {
      input: {
        demo: resolve(import.meta.dirname, 'examples/demo/index.html'),
        harness: resolve(import.meta.dirname, 'e2e/harness/index.html'),
      },
    },
  },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'training/tests/**/*.test.ts', 'scripts/**/*.test.ts'],
    testTimeout: 30_000,
  },
});
