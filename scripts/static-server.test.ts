import { join } from 'node:path';
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
    expect(s.log).toEqual([{ url: '/bootstrap.mjs', status: 200 }, { url: '/missing.js', status: 404 }]);
    expect(await (await fetch(`${base}/__log?clear`)).json()).toHaveLength(2);
    await (await fetch(`${base}/test.mjs`)).text();
    expect(urls()).toEqual(['/test.mjs']);
  });
});
