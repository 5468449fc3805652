import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { Manifest } from '@ko-classify/core/engine';

/** Files a model directory ships; everything else (READMEs, licences, golden data) is left out. */
const MODEL_FILE = /^(config\.json|tokenizer\.json|tokenizer_config\.json|special_tokens_map\.json|onnx\/.+\.onnx)$/;

/**
 * Lists every model file under `dir` with its size and sha256, as the browser loader checks them.
 *
 * @example
 * const m = buildManifest('public/models/ko-sentiment');
 * console.log(Object.keys(m.files));
 */
export function buildManifest(dir: string): Manifest {
  const files: Manifest['files'] = {};
  for (const path of walk(dir).sort()) {
    const rel = relative(dir, path).split(sep).join('/');
    if (!MODEL_FILE.test(rel)) continue;
    const bytes = readFileSync(path);
    files[rel] = { size: bytes.byteLength, sha256: createHash('sha256').update(bytes).digest('hex') };
  }
  if (!files['config.json']) throw new Error(`${dir} has no config.json: not a model directory`);
  return { files };
}

/** Writes `manifest.json` into `dir` and returns it. */
export function writeManifest(dir: string): Manifest {
  const manifest = buildManifest(dir);
  writeFileSync(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}
