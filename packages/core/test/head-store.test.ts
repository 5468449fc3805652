import { describe, expect, it } from 'vitest';
import { trainHead, type HeadJson } from '../src/engine/head.js';
import { listCached, recordLoad } from '../src/model/cache-index.js';
import { headKey } from '../src/model/head-store.js';
import { memoryModelStore } from '../src/model/store.js';
import { listCache } from '../src/page/cache-api.js';
import { deleteHead, listHeads, loadHead, saveHead } from '../src/page/head-api.js';

const ENCODER = { model: 'ko-sentence', space: 'ko-sentence-0123abcd', dim: 4 };
const unit = (...v: number[]) => Float32Array.from(v, (x) => x / Math.hypot(...v));
const head: HeadJson = trainHead(
  [unit(1, 0, 0, 0.1), unit(0.9, 0.1, 0, 0), unit(0, 1, 0.1, 0), unit(0.1, 0.9, 0, 0)],
  ['좋아요', '최고', '별로', '최악'],
  ['긍정', '부정', '긍정', '부정'].map((_, i) => (i < 2 ? '긍정' : '부정')),
  ENCODER,
  { name: 'tone' },
);

const codeOf = async (p: Promise<unknown>) => p.then(() => 'resolved', (e: { code: string }) => e.code);

describe('taught heads in the model store (page API with an injected store)', () => {
  it('saveHead stores under the head\'s name; loadHead gives it back; listHeads describes it', async () => {
    const store = memoryModelStore();
    const saved = await saveHead(head, undefined, store);
    expect(saved).toMatchObject({ kind: 'head', name: 'tone', labels: ['긍정', '부정'], space: ENCODER.space });
    expect(saved.bytes).toBeGreaterThan(head.weights.length);
    expect(saved.savedAt).toBeGreaterThan(Date.now() - 60_000);
    expect(await store.list()).toEqual(['head:tone']);
    expect(await loadHead('tone', store)).toEqual(head);
    expect(await listHeads(store)).toEqual([saved]);
  });

  it('another name: the stored head carries it; the same name replaces; a JSON text works too', async () => {
    const store = memoryModelStore();
    await saveHead(JSON.stringify(head), '리뷰/감정 @v1', store);
    expect((await loadHead('리뷰/감정 @v1', store))?.name).toBe('리뷰/감정 @v1');
    await saveHead({ ...head, temperature: 2 }, '리뷰/감정 @v1', store);
    expect((await loadHead('리뷰/감정 @v1', store))?.temperature).toBe(2);
    expect((await listHeads(store)).map((h) => h.name)).toEqual(['리뷰/감정 @v1']);
  });

  it('deleteHead removes it and says whether there was one; loadHead of an unknown name is null', async () => {
    const store = memoryModelStore();
    await saveHead(head, 'a', store);
    expect(await deleteHead('a', store)).toBe(true);
    expect(await deleteHead('a', store)).toBe(false);
    expect(await loadHead('a', store)).toBeNull();
    expect(await listHeads(store)).toEqual([]);
  });

  it('refuses a malformed head (HEAD_INVALID) and a head without a name (INVALID_INPUT)', async () => {
    const store = memoryModelStore();
    expect(await codeOf(saveHead({ ...head, version: 9 } as unknown as HeadJson, 'x', store))).toBe('HEAD_INVALID');
    expect(await codeOf(saveHead({ ...head, name: null }, undefined, store))).toBe('INVALID_INPUT');
    expect(await codeOf(saveHead(head, '  ', store))).toBe('INVALID_INPUT');
    expect(await store.list()).toEqual([]);
  });

  it('a damaged record is no head: loadHead null, listHeads skips it', async () => {
    const store = memoryModelStore();
    await store.put(headKey('bad'), new TextEncoder().encode('{"savedAt": 1, "head": {"format": "x"}}'));
    expect(await loadHead('bad', store)).toBeNull();
    expect(await listHeads(store)).toEqual([]);
  });

  it('listCache lists heads (kind: head) beside models, and a head key never reads as a model file', async () => {
    const store = memoryModelStore();
    await store.put('https://x.test/models/a/@v1/config.json', new Uint8Array(10));
    await recordLoad(store, 'https://x.test/models/a/', 'v1', { 'config.json': 10 }, false);
    await saveHead(head, 'https://x.test/models/a/@v2/config.json', store);
    const all = await listCache(store);
    expect(all.map((e) => e.kind).sort()).toEqual(['head', 'model']);
    expect(all.find((e) => e.kind === 'head')).toMatchObject({ name: 'https://x.test/models/a/@v2/config.json', labels: ['긍정', '부정'] });
    expect((await listCached(store)).map((m) => m.revision)).toEqual(['v1']);
  });
});
