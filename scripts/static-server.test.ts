import { readFileSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { createStaticServer } from './static-server.mjs';

// The bench counts what a cold start fetched, and whether a warm start re-downloads its model, from
// this log: it must see every request after a clearLog(), not an array left from before.
describe('static server request log', () => {
  let server: { close(): void } | undefined;
  afterEach(() => server?.close());

  it('logs requests, and keeps logging after clearLog() and after /__log?clear', async () => {
    const s = createStaticServer({ mounts: [['/', join(import.meta.dirname)]] });
    server = s;
    const base: string = await s.start();
    const urls = () => (s.log as { url: string }[]).map((r) => r.url);
    await (await fetch(`${base}/static-server.mjs`)).text();
    expect(urls()).toEqual(['/static-server.mjs']);
    s.clearLog();
    expect(urls()).toEqual([]);
    await (await fetch(`${base}/bootstrap.mjs`)).text();
    await (await fetch(`${base}/missing.js`)).text();
    expect(s.log).toEqual([{ url: '/bootstrap.mjs', status: 200, bytes: statSync(join(import.meta.dirname, 'bootstrap.mjs')).size }, { url: '/missing.js', status: 404 }]);
    expect(await (await fetch(`${base}/__log?clear`)).json()).toHaveLength(2);
    await (await fetch(`${base}/test.mjs`)).text();
    expect(urls()).toEqual(['/test.mjs']);
  });

  it('compresses as a host would (brotli, else gzip, for text, JSON and wasm; ONNX as is) and logs the bytes sent', async () => {
    const dir = join(import.meta.dirname, '../packages/core/test/fixtures/tiny-deberta');
    const s = createStaticServer({ mounts: [['/', dir]], compress: true });
    server = s;
    const base: string = await s.start();
    // node's fetch decodes for us and hides the encoding: a raw request shows what went over the wire.
    const raw = (path: string, acceptEncoding: string) =>
      new Promise<{ encoding: string | undefined; body: Buffer }>((resolve, reject) => {
        request(`${base}${path}`, { headers: { 'accept-encoding': acceptEncoding } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ encoding: res.headers['content-encoding'], body: Buffer.concat(chunks) }));
        }).on('error', reject).end();
      });
    const file = readFileSync(join(dir, 'tokenizer.json'));
    const br = await raw('/tokenizer.json', 'gzip, deflate, br');
    expect(br.encoding).toBe('br');
    expect(brotliDecompressSync(br.body).equals(file)).toBe(true);
    expect(br.body.length).toBeLessThan(file.length / 2);
    const gz = await raw('/tokenizer.json', 'gzip');
    expect(gz.encoding).toBe('gzip');
    expect(gunzipSync(gz.body).equals(file)).toBe(true);
    expect((await raw('/tokenizer.json', '')).encoding).toBeUndefined();
    const onnx = await raw('/onnx/model.onnx', 'br');
    expect(onnx.encoding).toBeUndefined();
    expect(onnx.body.length).toBe(statSync(join(dir, 'onnx/model.onnx')).size);
    expect((s.log as { bytes?: number }[]).map((r) => r.bytes)).toEqual([br.body.length, gz.body.length, file.length, onnx.body.length]);
  });
});
