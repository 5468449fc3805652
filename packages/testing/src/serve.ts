import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { BrowserContext, Page } from '@playwright/test';
import { isModelFile } from '@ko-classify/core/model-layout';
import { BROWSER_RUNTIME_FILES, resolveModelDir, walkFiles } from '@ko-classify/core/node';

const TYPES: Record<string, string> = { '.json': 'application/json', '.onnx': 'application/octet-stream', '.wasm': 'application/wasm', '.mjs': 'text/javascript' };
const typeOf = (file: string) => TYPES[file.slice(file.lastIndexOf('.'))] ?? 'application/octet-stream';
// Every browser backend's runtime files (core's descriptors), under their own or a bundler's hashed name.
const STEMS = [...new Set(BROWSER_RUNTIME_FILES.map((f) => f.replace(/\.(wasm|mjs)$/, '')))].sort((a, b) => b.length - a.length);
const ORT_FILE = new RegExp(`/(${STEMS.map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})(?:-[\\w-]+)?\\.(wasm|mjs)$`);

export interface ServeOptions {
  /** Model ids (their installed `@ko-classify/model-<id>` package) or `{ id: directory }`. */
  models: readonly string[] | Record<string, string>;
  /** URL path the models live under on the page's origin (the client's default is `/models/`). */
  modelsPath?: string;
  /** Also answer for ONNX Runtime's `.wasm`/`.mjs` files (any path, hashed names too). Default true. */
  ort?: boolean;
  /** Where model ids are resolved from. Default `process.cwd()`. */
  from?: string;
}

/**
 * Serves model files, and ONNX Runtime's runtime files, from disk through `route()`: no web server
 * needed for them, on any origin the page uses. Resolves with the list of paths it answered (for
 * assertions such as "no model file was downloaded").
 *
 * @example
 * const served = await serveModels(page, { models: ['ko-sentiment'] });
 * await page.goto('http://localhost:4173/');
 */
export async function serveModels(target: Page | BrowserContext, o: ServeOptions): Promise<string[]> {
  const base = `/${(o.modelsPath ?? '/models/').replace(/^\/+|\/+$/g, '')}/`;
  const entries = Array.isArray(o.models) ? o.models.map((id) => [id, resolveModelDir(id, o.from)] as const) : Object.entries(o.models);
  const files = new Map<string, string>();
  for (const [id, dir] of entries) {
    for (const f of walkFiles(dir)) if (isModelFile(f) || f === 'manifest.json') files.set(`${base}${id}/${f}`, join(dir, f));
  }
  // The ORT build @ko-classify/core depends on (the app's), wherever the package manager put it.
  const fromCore = createRequire(createRequire(import.meta.url).resolve('@ko-classify/core/package.json'));
  const ortDist = dirname(fromCore.resolve('onnxruntime-web/ort-wasm-simd-threaded.wasm'));
  const served: string[] = [];
  await target.route(
    (url) => files.has(url.pathname) || (o.ort !== false && ORT_FILE.test(url.pathname)),
    async (route) => {
      const path = new URL(route.request().url()).pathname;
      const ort = ORT_FILE.exec(path);
      const file = files.get(path) ?? join(ortDist, `${ort![1]}.${ort![2]}`);
      served.push(path);
      await route.fulfill({ status: 200, body: readFileSync(file), headers: { 'Content-Type': typeOf(file), 'Cross-Origin-Resource-Policy': 'cross-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' } });
    },
  );
  return served;
}
