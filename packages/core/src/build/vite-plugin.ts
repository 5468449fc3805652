import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import type { Plugin, ResolvedConfig } from 'vite';
import { BROWSER_RUNTIME_FILES } from '../backends/browser.js';
import { isModelFile } from '../model/layout.js';
import { modelPackageName, resolveModelDir, walkFiles } from '../node/model-dir.js';

/** The ORT runtime files ko-classify loads: every browser backend's `runtimeFiles` (WASM, WebGPU). */
export const ORT_FILES = BROWSER_RUNTIME_FILES;

/** A model the plugin ships: an embedded model id (its npm package) or your own model directory. */
export type ModelEntry = string | { id: string; dir: string };

export interface KoClassifyPluginOptions {
  /**
   * Models to serve in dev and emit in the build under `models/<id>/` (the client's default
   * `modelsBaseUrl`, `/models/`). An id such as `'ko-sentiment'` comes from its installed package
   * (`npm i @ko-classify/model-ko-sentiment`); `{ id, dir }` ships a model directory of your own.
   * A missing package fails the build with the command that installs it.
   */
  models?: readonly ModelEntry[];
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

const CONTENT_TYPES: Record<string, string> = { '.json': 'application/json', '.onnx': 'application/octet-stream', '.wasm': 'application/wasm', '.mjs': 'text/javascript', '.md': 'text/markdown' };

/** url path under the site → file on disk, for everything the plugin serves and emits. */
type Served = Map<string, string>;

/**
 * Vite plugin: ships models (`models: ['ko-sentiment']`), keeps the onnxruntime-web `.wasm` files on
 * your own origin (never a CDN), sends COOP/COEP headers in dev and preview so WASM can use threads,
 * and keeps ORT out of pre-bundling.
 *
 * @example
 * // vite.config.ts — after `npm i @ko-classify/core @ko-classify/model-ko-sentiment`
 * import { koClassify } from '@ko-classify/core/vite';
 * export default { plugins: [koClassify({ models: ['ko-sentiment'] })] };
 */
export function koClassify(options: KoClassifyPluginOptions = {}): Plugin {
  const dir = options.ortDir?.replace(/^\/+|\/+$/g, '');
  const isolate = options.crossOriginIsolation ?? true;
  const headers = isolate ? ISOLATION_HEADERS : {};
  let served: Served = new Map();
  return {
    name: 'ko-classify',
    config: () => ({
      server: { headers },
      preview: { headers },
      worker: { format: 'es' },
      // ORT finds its wasm through import.meta.url; pre-bundling would break that.
      optimizeDeps: { exclude: ['onnxruntime-web'] },
    }),
    configResolved(config) {
      served = collect(config, options.models ?? [], dir);
      if ((options.models?.length ?? 0) > 0 && config.base !== '/' && config.base !== './' && config.base !== '') {
        config.logger.warn(`ko-classify: models are emitted under ${config.base}models/; pass modelsBaseUrl: '${config.base}models/' to createClassifier (its default is /models/)`);
      }
    },
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const url = (req.url ?? '').split('?')[0]!;
        const base = server.config.base;
        const file = url.startsWith(base) ? served.get(`/${url.slice(base.length)}`) : undefined;
        if (!file) return next();
        res.setHeader('Content-Type', CONTENT_TYPES[file.slice(file.lastIndexOf('.'))] ?? 'application/octet-stream');
        res.setHeader('Content-Length', String(statSync(file).size));
        res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
        createReadStream(file).pipe(res);
      });
    },
    generateBundle() {
      for (const [path, file] of served) this.emitFile({ type: 'asset', fileName: path.slice(1), source: readFileSync(file) });
    },
  };
}

/** Every path the plugin answers for (`/models/<id>/<file>`, `/<ortDir>/<ort file>`) and its file. */
function collect(config: ResolvedConfig, models: readonly ModelEntry[], ortDir: string | undefined): Served {
  const served: Served = new Map();
  for (const entry of models) {
    const { id, dir } = typeof entry === 'string' ? { id: entry, dir: modelDir(entry, config.root) } : { id: entry.id, dir: resolve(config.root, entry.dir) };
    if (!/^[\w.-]+$/.test(id)) throw new Error(`ko-classify: model id "${id}" must be a plain name (letters, digits, - _ .)`);
    if (!existsSync(join(dir, 'config.json'))) throw new Error(`ko-classify: model "${id}" at ${dir} has no config.json`);
    for (const f of walkFiles(dir)) if (isModelFile(f) || f === 'manifest.json') served.set(`/models/${id}/${f}`, join(dir, f));
  }
  if (ortDir) {
    const ortDist = dirname(createRequire(import.meta.url).resolve('onnxruntime-web/ort-wasm-simd-threaded.wasm'));
    for (const name of ORT_FILES) served.set(`/${ortDir}/${name}`, join(ortDist, name));
  }
  return served;
}

function modelDir(id: string, root: string): string {
  try {
    return resolveModelDir(id, root);
  } catch {
    throw new Error(`ko-classify: models: ['${id}'] needs the package ${modelPackageName(id)}, which is not installed. Run: npm i ${modelPackageName(id)}`);
  }
}
