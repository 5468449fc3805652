/**
 * A model directory on disk as the loader's file source, and the one reader of a model folder's JSON
 * for the Node client, the CLI, the testing kit and the tests. Files are checked against the
 * directory's `manifest.json` where it has one, exactly as the browser checks downloads.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseModelConfig, type ModelConfig } from '../engine/model-config.js';
import { KoClassifyError } from '../errors.js';
import type { ModelFiles } from '../model/files.js';
import { isModelFile, type Manifest } from '../model/layout.js';
import { revisionOf } from '../model/manifest.js';
import { buildManifest, walkFiles } from './model-dir.js';

/** Reads and parses one JSON file of a model directory; MODEL_INVALID naming the file when it cannot. */
export function readModelJson(dir: string, file: string): unknown {
  const path = join(dir, file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const missing = (e as NodeJS.ErrnoException).code === 'ENOENT';
    throw new KoClassifyError(missing ? 'MODEL_NOT_FOUND' : 'MODEL_INVALID', missing ? `${path} does not exist: a model directory holds config.json, tokenizer.json, tokenizer_config.json and onnx/` : `${path}: ${(e as Error).message}`, { file });
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new KoClassifyError('MODEL_INVALID', `${path}: ${(e as Error).message}`, { file });
  }
}

/** A model directory's `config.json`, parsed as the engine reads it (labels, problem type, thresholds, display names). */
export function readModelConfig(dir: string): ModelConfig {
  return parseModelConfig(readModelJson(dir, 'config.json'));
}

/** The loader's view of a directory: its manifest's files (or the model files it holds), sha256-checked reads. */
export class DiskFiles implements ModelFiles {
  revision = 'main';
  readonly sources: Record<string, 'disk'> = {};
  private manifest: Manifest | null = null;
  private listed: string[] = [];

  constructor(readonly dir: string) {}

  async init(): Promise<void> {
    const file = join(this.dir, 'manifest.json');
    if (existsSync(file)) {
      const bytes = readFileSync(file);
      let parsed: Manifest | null;
      try {
        parsed = JSON.parse(bytes.toString('utf8')) as Manifest | null;
      } catch (e) {
        throw new KoClassifyError('MODEL_INVALID', `${file}: ${(e as Error).message}`, { file: 'manifest.json' });
      }
      if (!parsed || typeof parsed.files !== 'object') throw new KoClassifyError('MODEL_INVALID', `${file} has no "files" object: run ko-classify manifest ${this.dir}`);
      this.manifest = parsed;
      this.revision = await revisionOf(bytes);
    } else {
      // The revision a browser would cache the directory under: that of its files.
      this.revision = buildManifest(this.dir).revision;
      this.listed = walkFiles(this.dir).filter(isModelFile);
    }
  }

  files(): string[] {
    return this.manifest ? Object.keys(this.manifest.files) : this.listed;
  }

  plan(): void {
    // Nothing to report: reading from disk has no progress worth showing.
  }

  async bytes(file: string): Promise<Uint8Array> {
    const path = join(this.dir, file);
    if (!existsSync(path)) throw new KoClassifyError('MODEL_NOT_FOUND', `${path} does not exist${this.manifest ? ' (manifest.json lists it: run ko-classify manifest on the directory)' : ''}`, { file });
    const bytes = readFileSync(path);
    const expected = this.manifest?.files[file];
    if (this.manifest && !expected) throw new KoClassifyError('MODEL_NOT_FOUND', `${file} is not listed in ${join(this.dir, 'manifest.json')}: run ko-classify manifest ${this.dir}`, { file });
    if (expected) {
      const actual = createHash('sha256').update(bytes).digest('hex');
      if (bytes.byteLength !== expected.size || actual !== expected.sha256) {
        throw new KoClassifyError('INTEGRITY', `${path} does not match manifest.json (expected ${expected.size} bytes sha256 ${expected.sha256}, got ${bytes.byteLength} bytes ${actual}): if you changed the file on purpose, run ko-classify manifest ${this.dir}`, { file });
      }
    }
    this.sources[file] = 'disk';
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  async json(file: string): Promise<unknown> {
    if (this.manifest?.files[file]) {
      const bytes = await this.bytes(file);
      try {
        return JSON.parse(new TextDecoder().decode(bytes));
      } catch (e) {
        throw new KoClassifyError('MODEL_INVALID', `${join(this.dir, file)}: ${(e as Error).message}`, { file });
      }
    }
    const v = readModelJson(this.dir, file);
    this.sources[file] = 'disk';
    return v;
  }

  async cachedAmong(files: readonly string[]): Promise<Set<string>> {
    return new Set(files.filter((f) => existsSync(join(this.dir, f))));
  }

  async fallBack(): Promise<boolean> {
    return false;
  }

  async complete(): Promise<void> {
    // Nothing to record: the directory is its own cache.
  }
}
