/**
 * Model directories on disk (Node only): list, hash and copy them, and find a model by id in an
 * installed model package (`@ko-classify/model-<id>`). The Vite plugin, the CLI, the Node client and
 * the build scripts share these; `model-layout.ts` says what the files are.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { KoClassifyError } from '../errors.js';
import { browserFiles, isModelFile, type Manifest } from '../model/layout.js';
import type { Dtype } from '../types.js';

/** Every file under `dir`, as sorted `/`-separated paths relative to it. */
export function walkFiles(dir: string): string[] {
  const walk = (d: string): string[] =>
    readdirSync(d).flatMap((name) => {
      const p = join(d, name);
      return statSync(p).isDirectory() ? walk(p) : [relative(dir, p).split(sep).join('/')];
    });
  return walk(dir).sort();
}

/**
 * Size and sha256 of every model file under `dir` (what the browser loader checks), and the
 * revision they make (`manifestOf`).
 *
 * @example
 * const m = buildManifest('public/models/ko-sentiment');
 * console.log(m.revision, Object.keys(m.files));
 */
export function buildManifest(dir: string): Manifest & { revision: string } {
  const files: Manifest['files'] = {};
  for (const rel of walkFiles(dir).filter(isModelFile)) {
    const bytes = readFileSync(join(dir, rel));
    files[rel] = { size: bytes.byteLength, sha256: createHash('sha256').update(bytes).digest('hex') };
  }
  if (!files['config.json']) throw new KoClassifyError('MODEL_INVALID', `${dir} has no config.json: not a model directory`);
  return manifestOf(files);
}

/**
 * A manifest of `files` with its revision: the first 16 hex digits of the sha256 of the sorted file
 * list (names, sizes, sha256s). Any changed, added or removed file gives a new revision, so a browser
 * that cached the old files replaces them (see `ClassifierOptions.revision`); rebuilding the same
 * files gives the same one.
 *
 * @example
 * const { revision } = manifestOf({ 'config.json': { size: 2, sha256: '44136fa3…' } });
 */
export function manifestOf(files: Manifest['files']): Manifest & { revision: string } {
  const sorted = Object.fromEntries(Object.entries(files).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return { revision: createHash('sha256').update(JSON.stringify(sorted)).digest('hex').slice(0, 16), files: sorted };
}

/** Writes `manifest.json` into `dir` and returns it. */
export function writeManifest(dir: string): Manifest {
  const manifest = buildManifest(dir);
  writeFileSync(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

/** The npm package that ships an embedded model. */
export function modelPackageName(id: string): string {
  return `@ko-classify/model-${id}`;
}

/**
 * A model directory on disk: `model` itself when it holds a `config.json`, else the installed
 * package of an embedded model id (`ko-sentiment` → `@ko-classify/model-ko-sentiment`), resolved
 * from `from` (a folder, or several tried in order) the way Node resolves imports. Throws
 * MODEL_NOT_FOUND naming what to install.
 *
 * @example
 * resolveModelDir('ko-sentiment');          // …/node_modules/@ko-classify/model-ko-sentiment
 * resolveModelDir('./my-model');            // ./my-model (has config.json)
 */
export function resolveModelDir(model: string, from: string | readonly string[] = process.cwd()): string {
  const places = typeof from === 'string' ? [from] : from;
  const asDir = resolve(places[0] ?? process.cwd(), model);
  if (existsSync(join(asDir, 'config.json'))) return asDir;
  const pkg = modelPackageName(model);
  if (/^[a-z0-9][a-z0-9._-]*$/.test(model)) {
    for (const place of places) {
      try {
        return dirname(createRequire(join(resolve(place), 'noop.js')).resolve(`${pkg}/package.json`));
      } catch {
        // not installed there: try the next place; the error below says what to do
      }
    }
  }
  if (!/^[a-z0-9][a-z0-9._-]*$/.test(model)) {
    throw new KoClassifyError('MODEL_NOT_FOUND', `no model directory at ${asDir}: ${existsSync(asDir) ? 'it has no config.json (a model directory holds config.json, tokenizer.json and onnx/)' : 'no such directory'}`, { model });
  }
  throw new KoClassifyError('MODEL_NOT_FOUND', `model "${model}" is neither a model directory (no ${join(asDir, 'config.json')}) nor an installed model package: for an embedded model, npm i ${pkg}`, { model, package: pkg });
}

/**
 * Copies what browsers load of a model (text files, the ONNX files of `dtypes`, card, licence) from
 * `src` to `dst`, and writes a `manifest.json` that lists exactly the copied model files (each one
 * checked against `src`'s manifest when it has one).
 */
export function copyBrowserModel(src: string, dst: string, dtypes?: readonly Dtype[]): Manifest {
  const listed = walkFiles(src);
  const files = browserFiles(listed.filter(isModelFile), dtypes);
  for (const f of [...files, ...listed.filter((f) => f === 'README.md' || f === 'LICENSE.md')]) {
    mkdirSync(dirname(join(dst, f)), { recursive: true });
    copyFileSync(join(src, f), join(dst, f));
  }
  const all = buildManifest(dst).files;
  const manifest = manifestOf(Object.fromEntries(Object.entries(all).filter(([f]) => files.includes(f))));
  const srcManifest = existsSync(join(src, 'manifest.json')) ? (JSON.parse(readFileSync(join(src, 'manifest.json'), 'utf8')) as Manifest) : null;
  for (const [f, entry] of Object.entries(manifest.files)) {
    const expected = srcManifest?.files[f];
    if (expected && expected.sha256 !== entry.sha256) {
      throw new KoClassifyError('INTEGRITY', `${join(src, f)} does not match ${join(src, 'manifest.json')}: run ko-classify manifest ${src}`);
    }
  }
  writeFileSync(join(dst, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}
