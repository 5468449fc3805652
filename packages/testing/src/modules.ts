/**
 * A small module server on `route()`: the ES modules of the installed packages the kit runs in the
 * browser (core's dist, this package's dist, comlink, idb-keyval), each under
 * `/__ko-classify-testing__/m/<pkg>/<file>` on the page's own origin, their bare imports rewritten
 * to those URLs. So the mock worker and the cache seeding run core's own code, not copies of it.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import type { BrowserContext, Page } from '@playwright/test';
import { MODULES_PATH } from './wire.js';

interface Served {
  dir: string;
  /** Which files of the package may be served (paths relative to its directory, `/`-separated). */
  allows(path: string): boolean;
}

/** The package names the module server answers for, and the bare specifiers that map to them. */
export type ModulePackage = 'core' | 'testing' | 'comlink' | 'idb-keyval';

/** The URL path of one served file, e.g. `moduleUrl('core', 'dist/model/store.js')`. */
export const moduleUrl = (pkg: ModulePackage, path: string): string => `${MODULES_PATH}/${pkg}/${path}`;

const SPECIFIERS: Record<string, string> = {
  comlink: moduleUrl('comlink', 'dist/esm/comlink.mjs'),
  'idb-keyval': moduleUrl('idb-keyval', 'dist/index.js'),
  '@ko-classify/core': moduleUrl('core', 'dist/index.js'),
};

let packages: Record<ModulePackage, Served> | undefined;

/** Where each package is installed; comlink and idb-keyval as core resolves them (the copies it runs with). */
function served(): Record<ModulePackage, Served> {
  if (packages) return packages;
  const here = createRequire(import.meta.url);
  const coreJson = here.resolve('@ko-classify/core/package.json');
  const fromCore = createRequire(coreJson);
  const inDist = (p: string) => p.startsWith('dist/') && /\.m?js$/.test(p);
  packages = {
    core: { dir: dirname(coreJson), allows: inDist },
    testing: { dir: dirname(here.resolve('@ko-classify/testing/package.json')), allows: inDist },
    comlink: { dir: dirname(fromCore.resolve('comlink/package.json')), allows: (p) => p === 'dist/esm/comlink.mjs' },
    'idb-keyval': { dir: dirname(fromCore.resolve('idb-keyval/package.json')), allows: (p) => p === 'dist/index.js' },
  };
  return packages;
}

/** The file a module URL path names, or null (unknown package, a file it does not serve, `..`). */
export function resolveModule(pathname: string): string | null {
  if (!pathname.startsWith(`${MODULES_PATH}/`)) return null;
  let rest: string;
  try {
    rest = decodeURIComponent(pathname.slice(MODULES_PATH.length + 1));
  } catch {
    return null;
  }
  const slash = rest.indexOf('/');
  const pkg = served()[rest.slice(0, slash) as ModulePackage] as Served | undefined;
  const path = rest.slice(slash + 1);
  if (slash < 0 || !pkg || !pkg.allows(path)) return null;
  if (path.split('/').some((s) => s === '' || s === '.' || s === '..') || /[\\\0]/.test(path)) return null;
  const file = join(pkg.dir, ...path.split('/'));
  if (!file.startsWith(pkg.dir + sep) || !existsSync(file) || !statSync(file).isFile()) return null;
  return file;
}

/** A module's source with its bare imports of the served packages turned into their URLs. */
export function rewriteImports(source: string): string {
  return source.replace(/(\bfrom\s*|\bimport\s*\(?\s*)(['"])([^'"\n]+)\2/g, (all, lead: string, q: string, spec: string) => {
    const url = SPECIFIERS[spec];
    return url ? `${lead}${q}${url}${q}` : all;
  });
}

// A cross-origin isolated page (COEP require-corp) only starts workers whose script says the same.
const HEADERS = { 'Cross-Origin-Resource-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp', 'Cache-Control': 'no-store' };
const routed = new WeakSet<Page | BrowserContext>();

/** Answers `/__ko-classify-testing__/m/...` on any origin of `target`; once per page or context. */
export async function serveModules(target: Page | BrowserContext): Promise<void> {
  if (routed.has(target)) return;
  routed.add(target);
  await target.route(
    (url) => url.pathname.startsWith(`${MODULES_PATH}/`),
    async (route) => {
      const file = resolveModule(new URL(route.request().url()).pathname);
      if (!file) return route.fulfill({ status: 404, contentType: 'text/plain', headers: HEADERS, body: 'not served by @ko-classify/testing' });
      return route.fulfill({ status: 200, contentType: 'text/javascript', headers: HEADERS, body: rewriteImports(readFileSync(file, 'utf8')) });
    },
  );
}
