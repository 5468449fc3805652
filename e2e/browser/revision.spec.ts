import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect, test } from '@playwright/test';
import { buildManifest } from '@ko-classify/core/node';
import { decodeModel, encodeModel } from '../../packages/cli/src/onnx/proto.js';
import { openHarness } from './helpers.js';

// A model re-shipped at the same URL (an upgraded model package): without a revision option the
// browser must load the new files, drop the old ones once they loaded, and still start offline.
const FIXTURE = resolve(import.meta.dirname, '../../packages/core/test/fixtures/tiny-deberta');
const URL_PATH = '/revisioned/tiny/';

function release(tag: string): string {
  const dir = join(mkdtempSync(join(tmpdir(), `ko-rev-${tag}-`)), 'tiny');
  cpSync(FIXTURE, dir, { recursive: true });
  // Same function, other bytes: what re-quantizing writes as far as caching is concerned.
  const model = decodeModel(readFileSync(join(dir, 'onnx/model_int8.onnx')));
  model.producerName = `ko-classify test release ${tag}`;
  writeFileSync(join(dir, 'onnx/model_int8.onnx'), encodeModel(model));
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(buildManifest(dir)));
  return dir;
}

test('a re-shipped model replaces its cached files after it loads, and the new revision loads with the model host unreachable', async ({ page, context }) => {
  const [v1, v2] = [release('one'), release('two')];
  let served: string | 'offline' = v1;
  const asked: string[] = [];
  await context.route(`**${URL_PATH}**`, async (route) => {
    const file = new URL(route.request().url()).pathname.slice(URL_PATH.length);
    asked.push(file);
    if (served === 'offline') return route.abort('internetdisconnected');
    try {
      await route.fulfill({ status: 200, body: readFileSync(join(served, file)), headers: { 'Cross-Origin-Resource-Policy': 'same-origin' } });
    } catch {
      await route.fulfill({ status: 404, body: 'not found' });
    }
  });
  await openHarness(page);
  const load = () =>
    page.evaluate(async (url) => {
      const { createClassifier, listCachedModels } = window.koClassify;
      const clf = await createClassifier({ model: url, backend: 'wasm', dtype: 'int8', shared: false });
      const { revision, source } = clf.info();
      const label = (await clf.classify('다시 배포된 모델')).label;
      await clf.dispose();
      const cached = (await listCachedModels()).filter((m) => m.model.endsWith(url)).map((m) => m.revision);
      return { revision, source, label, cached };
    }, URL_PATH);

  const first = await load();
  expect(first.revision).toBe(JSON.parse(readFileSync(join(v1, 'manifest.json'), 'utf8')).revision);
  expect(first.source['onnx/model_int8.onnx']).toBe('network');

  served = v2;
  asked.length = 0;
  const second = await load();
  expect(second.revision).toBe(JSON.parse(readFileSync(join(v2, 'manifest.json'), 'utf8')).revision);
  expect(second.revision).not.toBe(first.revision);
  // Only the changed file travels; the unchanged ones are copied from the old revision by sha256.
  expect(asked.sort()).toEqual(['manifest.json', 'onnx/model_int8.onnx']);
  expect(second.source).toMatchObject({ 'onnx/model_int8.onnx': 'network', 'config.json': 'cache', 'tokenizer.json': 'cache' });
  expect(second.cached).toEqual([second.revision]);
  expect(second.label).toBe(first.label);

  // The model's host unreachable (the page's own files offline are the service worker's part).
  served = 'offline';
  asked.length = 0;
  const offline = await load();
  expect(asked).toEqual(['manifest.json']);
  expect(offline.revision).toBe(second.revision);
  expect(new Set(Object.values(offline.source))).toEqual(new Set(['cache']));
  expect(offline.label).toBe(first.label);
});
