import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { Page } from '@playwright/test';
import { cacheKey, revisionOf } from '@ko-classify/core';
import { browserFiles, isModelFile, modelUrlOf, type Manifest } from '@ko-classify/core/model-layout';
import { resolveModelDir, walkFiles } from '@ko-classify/core/node';
import { moduleUrl, serveModules } from './modules.js';
import { KIT_PATH } from './wire.js';

// Types only: the page imports these files through the module server (see modules.ts).
type StoreModule = typeof import('../../core/dist/model/store.js');
type CacheIndexModule = typeof import('../../core/dist/model/cache-index.js');

export interface SeedOptions {
  /** The origin the app runs on (IndexedDB belongs to one origin), e.g. `http://localhost:4173`. */
  origin: string;
  /** A model id (its installed package) or a model directory. */
  model: string;
  /** As the app's `createClassifier` resolves it: `modelsBaseUrl` (default `/models/`) and id. */
  modelsBaseUrl?: string;
  /** The id (or model URL) the app asks for; default `model` when it is an id, else the directory's name. */
  id?: string;
  /** As the app's `createClassifier` gets it; default: the revision of the model's manifest.json. */
  revision?: string;
  from?: string;
  /** As the app's `createClassifier` gets it: keep the model's other cached revisions. Default false. */
  keepOldRevisions?: boolean;
}

const SEED_PATH = `${KIT_PATH}/seed`;

/**
 * Writes a model's browser files into the origin's ko-classify cache (IndexedDB), as a completed load
 * would: core's own store and cache index write them, in the page. The app under test then reads
 * them from there and downloads nothing. Call it before the app loads the model; it leaves the page
 * on a blank page of that origin.
 *
 * @example
 * await seedModelCache(page, { origin: 'http://localhost:4173', model: 'ko-sentiment' });
 * await page.goto('http://localhost:4173/');
 */
export async function seedModelCache(page: Page, o: SeedOptions): Promise<void> {
  const dir = resolveModelDir(o.model, o.from);
  // A directory stands for the id it is named after; an id or URL for itself (as createClassifier reads it).
  const id = o.id ?? (existsSync(join(resolve(o.from ?? process.cwd(), o.model), 'config.json')) ? basename(dir) : o.model);
  const modelUrl = modelUrlOf(id, o.modelsBaseUrl, o.origin);
  const manifestBytes = existsSync(join(dir, 'manifest.json')) ? readFileSync(join(dir, 'manifest.json')) : null;
  const manifest = manifestBytes ? (JSON.parse(manifestBytes.toString('utf8')) as Manifest) : null;
  // The revision the app's load will resolve: the manifest's (it revalidates manifest.json, and the
  // app serves the same one), or `main` for a model without a manifest.
  const revision = o.revision ?? (manifestBytes ? await revisionOf(manifestBytes) : 'main');
  const files = browserFiles(walkFiles(dir).filter(isModelFile));
  const entries = [
    ...(manifest ? [{ key: cacheKey(modelUrl, revision, 'manifest.json'), path: join(dir, 'manifest.json') }] : []),
    ...files.map((f) => ({ key: cacheKey(modelUrl, revision, f, manifest?.files[f]?.sha256), path: join(dir, f) })),
  ];
  const sizes = Object.fromEntries([...(manifest ? ['manifest.json'] : []), ...files].map((f) => [f, statSync(join(dir, f)).size]));
  await page.route(`${o.origin}${SEED_PATH}**`, async (route) => {
    const url = new URL(route.request().url());
    const n = url.searchParams.get('file');
    if (n === null) return route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>seed</title>' });
    return route.fulfill({ status: 200, contentType: 'application/octet-stream', body: readFileSync(entries[Number(n)]!.path) });
  });
  await serveModules(page);
  await page.goto(`${o.origin}${SEED_PATH}`);
  await page.evaluate(
    async ({ keys, modelUrl, revision, sizes, keepOldRevisions, seedPath, modules }) => {
      // Core's own store and cache index, as its worker writes them (database, keys, meta record).
      const { idbModelStore } = (await import(modules.store)) as StoreModule;
      const { recordLoad } = (await import(modules.cacheIndex)) as CacheIndexModule;
      const store = idbModelStore();
      for (const [i, key] of keys.entries()) {
        const bytes = new Uint8Array(await (await fetch(`${seedPath}?file=${i}`)).arrayBuffer());
        await store.put(key, bytes);
      }
      await recordLoad(store, modelUrl, revision, sizes, keepOldRevisions);
    },
    {
      keys: entries.map((e) => e.key),
      modelUrl,
      revision,
      sizes,
      keepOldRevisions: o.keepOldRevisions ?? false,
      seedPath: SEED_PATH,
      modules: { store: moduleUrl('core', 'dist/model/store.js'), cacheIndex: moduleUrl('core', 'dist/model/cache-index.js') },
    },
  );
  await page.unroute(`${o.origin}${SEED_PATH}**`);
}
