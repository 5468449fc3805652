import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { Plugin, ResolvedConfig } from 'vite';
import { describe, expect, it } from 'vitest';
import { ORT_FILES, koClassify } from '../src/build/vite-plugin.js';
import { FIXTURE } from './helpers.js';

// The plugin as Vite drives it: config(), configResolved(), the dev middleware and generateBundle().
const ortDist = dirname(createRequire(import.meta.url).resolve('onnxruntime-web/ort-wasm-simd-threaded.wasm'));
type Hook = (...args: unknown[]) => unknown;
const call = (p: Plugin, hook: keyof Plugin, ...args: unknown[]) => (p[hook] as Hook).apply({}, args);

function resolved(plugin: Plugin, base = '/'): void {
  const warnings: string[] = [];
  (plugin.configResolved as Hook).call({}, { root: FIXTURE, base, logger: { warn: (m: string) => warnings.push(m) } } as unknown as ResolvedConfig);
}

function emitted(plugin: Plugin): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  (plugin.generateBundle as Hook).call({ emitFile: (f: { fileName: string; source: Uint8Array }) => files.set(f.fileName, f.source) });
  return files;
}

/** A GET through the plugin's dev middleware: [status, content-type, body] (status 0: passed on). */
async function devGet(plugin: Plugin, url: string, base = '/'): Promise<[number, string, Buffer]> {
  let middleware: (req: unknown, res: unknown, next: () => void) => void = () => undefined;
  call(plugin, 'configureServer', { config: { base }, middlewares: { use: (m: typeof middleware) => (middleware = m) } });
  const res = Object.assign(new PassThrough(), { statusCode: 200, headers: {} as Record<string, string>, setHeader(k: string, v: string) { this.headers[k.toLowerCase()] = v; } });
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  return new Promise((resolve) => {
    res.on('end', () => resolve([res.statusCode, res.headers['content-type'] ?? '', Buffer.concat(chunks)]));
    middleware({ url }, res, () => resolve([0, '', Buffer.alloc(0)]));
  });
}

describe('koClassify() Vite plugin', () => {
  it('sends COOP/COEP in dev and preview, keeps ORT out of pre-bundling, builds workers as ES modules', () => {
    const config = call(koClassify(), 'config') as { server: { headers: object }; preview: { headers: object }; optimizeDeps: { exclude: string[] }; worker: { format: string } };
    const isolation = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };
    expect(config.server.headers).toEqual(isolation);
    expect(config.preview.headers).toEqual(isolation);
    expect(config.optimizeDeps.exclude).toContain('onnxruntime-web');
    expect(config.worker.format).toBe('es');
    expect((call(koClassify({ crossOriginIsolation: false }), 'config') as { server: { headers: object } }).server.headers).toEqual({});
  });

  it('ortDir: serves and emits the ORT runtime files under that folder', async () => {
    const plugin = koClassify({ ortDir: '/ort/' });
    resolved(plugin);
    const files = emitted(plugin);
    expect([...files.keys()].sort()).toEqual(ORT_FILES.map((f) => `ort/${f}`).sort());
    expect(Buffer.from(files.get('ort/ort-wasm-simd-threaded.wasm')!).equals(readFileSync(join(ortDist, 'ort-wasm-simd-threaded.wasm')))).toBe(true);
    const [status, type, body] = await devGet(plugin, '/ort/ort-wasm-simd-threaded.wasm?v=1');
    expect([status, type]).toEqual([200, 'application/wasm']);
    expect(body.subarray(0, 4)).toEqual(Buffer.from([0, 0x61, 0x73, 0x6d]));
    expect((await devGet(plugin, '/ort/other.wasm'))[0]).toBe(0);
  });

  it('models: a model directory is served and emitted under models/<id>/ (model files and manifest only)', async () => {
    const plugin = koClassify({ models: [{ id: 'tiny', dir: FIXTURE }] });
    resolved(plugin, '/app/');
    const files = emitted(plugin);
    expect([...files.keys()].sort()).toEqual(['config.json', 'manifest.json', 'onnx/model.onnx', 'onnx/model_int8.onnx', 'onnx/model_q4.onnx', 'special_tokens_map.json', 'tokenizer.json', 'tokenizer_config.json'].map((f) => `models/tiny/${f}`));
    const [status, type, body] = await devGet(plugin, '/app/models/tiny/config.json', '/app/');
    expect([status, type]).toEqual([200, 'application/json']);
    expect(JSON.parse(body.toString())).toEqual(JSON.parse(readFileSync(join(FIXTURE, 'config.json'), 'utf8')));
    expect((await devGet(plugin, '/app/models/tiny/golden.json', '/app/'))[0]).toBe(0);
  });

  it('an embedded model whose package is not installed fails with the npm i that fixes it', () => {
    expect(() => resolved(koClassify({ models: ['ko-no-such-model'] }))).toThrow('npm i @ko-classify/model-ko-no-such-model');
  });
});
