// Two builds: the page script (one IIFE file, global KoClassify, no imports at run time) and the
// module worker with onnxruntime-web, whose .wasm lands beside it. Everything resolves relative to
// the page script's own URL, so the folder can be hosted anywhere on the page's origin.
import { resolve } from 'node:path';
import { build } from 'vite';

const here = import.meta.dirname;
const out = resolve(here, 'dist');

await build({
  configFile: false,
  logLevel: 'warn',
  resolve: {
    // Swap core's bundler-oriented worker factory for the script-relative one.
    alias: [{ find: /^\.\/default-worker\.js$/, replacement: resolve(here, 'src/script-worker.ts') }],
  },
  build: {
    outDir: out,
    emptyOutDir: true,
    minify: true,
    lib: { entry: resolve(here, 'src/index.ts'), name: 'KoClassify', formats: ['iife'], fileName: () => 'ko-classify.js' },
  },
});

// An app build, not lib mode: lib mode would inline the 14-27 MB .wasm files as base64.
await build({
  configFile: false,
  logLevel: 'warn',
  build: {
    outDir: out,
    emptyOutDir: false,
    minify: true,
    assetsInlineLimit: 0,
    // The preload helper Vite wraps dynamic imports in touches `document`, which a worker lacks.
    modulePreload: false,
    rollupOptions: {
      input: resolve(here, 'src/worker-entry.ts'),
      preserveEntrySignatures: 'strict',
      output: { format: 'es', entryFileNames: 'ko-classify.worker.js', chunkFileNames: 'assets/[name]-[hash].js', assetFileNames: 'assets/[name]-[hash][extname]' },
    },
  },
});
console.log(`built ${out}/ko-classify.js and ko-classify.worker.js`);
