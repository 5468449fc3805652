/** Reading a model's manifest: its revision, and the sha256 every file is checked against. */
import { KoClassifyError } from '../errors.js';

/** Parses a model JSON file; a non-JSON answer (an HTML fallback page) is MODEL_NOT_FOUND. */
export function parseJson(bytes: Uint8Array, file: string, base: string): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    // The folder's name is the model id when the model was asked for by id (`models/<id>/`).
    let path = base;
    try {
      path = new URL(base).pathname;
    } catch {
      // a relative base: its own path
    }
    const id = /\/([a-z0-9][a-z0-9._-]*)\/?$/.exec(path)?.[1];
    const ship = id ? `; in a Vite app, ship it: npm i @ko-classify/model-${id} and koClassify({ models: ['${id}'] })` : '';
    throw new KoClassifyError('MODEL_NOT_FOUND', `${file} at ${base} is not JSON: check the model URL (a web server may have answered with an HTML page)${ship}`, { file });
  }
}

/** The revision files of a model without a manifest are cached under. */
export const MANIFESTLESS = 'main';

/**
 * A manifest's revision: its `revision` field (`ko-classify manifest` writes one from the files it
 * lists), or for a manifest without one the first 16 hex digits of its bytes' sha256.
 *
 * @example
 * const revision = await revisionOf(await (await fetch('/models/ko-sentiment/manifest.json')).bytes());
 * // the revision createClassifier({ model: 'ko-sentiment' }) caches its files under
 */
export async function revisionOf(manifestBytes: Uint8Array): Promise<string> {
  let declared: unknown;
  try {
    declared = (JSON.parse(new TextDecoder().decode(manifestBytes)) as { revision?: unknown }).revision;
  } catch {
    declared = undefined; // not JSON: useManifest says so
  }
  return typeof declared === 'string' && /^[\w.-]{1,64}$/.test(declared) ? declared : (await sha256Hex(manifestBytes)).slice(0, 16);
}

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

