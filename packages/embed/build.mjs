// One self-contained, relocatable folder (dist/): the page script (one IIFE file, global KoClassify,
// no imports at run time), the module worker with onnxruntime-web and its .wasm (assets/), and the
// embedded default model (models/ko-sentiment/). Every URL inside resolves relative to the script or
// the worker chunk that asks for it (`base: './'`: never a root-absolute `/assets/…`), so the folder
// works copied to any static host at any sub-path, or from a CDN path that mirrors the npm package.
import { createHash } from 'node:crypto';
import { copyFileSync, readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { BROWSER_RUNTIME_FILES, copyBrowserModel } from '@ko-classify/core/node';
import { build } from 'vite';

const here = import.meta.dirname;
const out = resolve(here, 'dist');

await build({
  configFile: false,
  logLevel: 'warn',
  resolve: {
    // Swap core's bundler-oriented worker factory for the script-relative one.
    alias: [{ find: /^\.\/(page\/)?default-worker\.js$/, replacement: resolve(here, 'src/script-worker.ts') }],
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
  base: './',
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
      output: {
        format: 'es',
        entryFileNames: 'ko-classify.worker.js',
        chunkFileNames: 'assets/[name]-[hash].js',
        // ORT's own names: from another origin (a CDN) ORT cannot use the runtime bundled in its chunk
        // and loads assets/ort-wasm-simd-threaded(.asyncify).mjs, which looks for the .wasm beside it.
        assetFileNames: (asset) => (asset.names.some((n) => n.endsWith('.wasm')) ? 'assets/[name][extname]' : 'assets/[name]-[hash][extname]'),
      },
    },
  },
});
const ortDist = dirname(createRequire(import.meta.url).resolve('onnxruntime-web/ort-wasm-simd-threaded.wasm'));
// Every browser backend's glue (the .wasm files come out of the worker build under their own names).
for (const f of BROWSER_RUNTIME_FILES.filter((x) => x.endsWith('.mjs'))) copyFileSync(resolve(ortDist, f), resolve(out, 'assets', f));
// The model <ko-sentiment> uses by default; other models: copy a model package's files to models/<id>/.
const MODELS = ['ko-sentiment'];
for (const id of MODELS) copyBrowserModel(resolve(here, '../../public/models', id), resolve(out, 'models', id));
// The optional offline file (src/offline-sw.ts): a classic script that, loaded by the page, registers
// itself as the page's service worker. No eval; told at build time
// which of the embed's files it precaches — the page script, the worker and their chunks, never the ORT
// runtime (*.wasm, ort-wasm-*.mjs) or models/, which the Web Worker caches itself — and their hash.
const swFiles = [
  ...readdirSync(out).filter((f) => f.endsWith('.js')),
  ...readdirSync(resolve(out, 'assets')).filter((f) => f.endsWith('.js')).map((f) => `assets/${f}`),
].sort();
const swVersion = createHash('sha256').update(swFiles.map((f) => `${f}\0${createHash('sha256').update(readFileSync(resolve(out, f))).digest('hex')}`).join('\n')).digest('hex').slice(0, 16);
await build({
  configFile: false,
  logLevel: 'warn',
  define: { __KO_FILES__: JSON.stringify(swFiles), __KO_VERSION__: JSON.stringify(swVersion) },
  build: {
    outDir: out,
    emptyOutDir: false,
    minify: true,
    copyPublicDir: false,
    modulePreload: false,
    rollupOptions: { input: resolve(here, 'src/offline-sw.ts'), output: { format: 'iife', entryFileNames: 'ko-classify-sw.js' } },
  },
});
console.log(`built ${out}/: ko-classify.js, ko-classify.worker.js, ko-classify-sw.js (optional), assets/, models/${MODELS.join(', models/')}`);
