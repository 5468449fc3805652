import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { createEncoder } from '@ko-classify/core/node';
import { OutputConflict } from '../src/classify/output.js';
import { USAGE } from '../src/cli.js';
import { embedFile, float32Json } from '../src/embed-command.js';

// The real sentence encoder through the real code; its numbers are never written here: the
// reference is the PyTorch golden the lead exports with each model (fp32 within 1e-4 per component).
const MODEL = join(import.meta.dirname, '../../../public/models/ko-sentence');
const SENTIMENT = join(import.meta.dirname, '../../../public/models/ko-sentiment');
const GOLDEN = JSON.parse(readFileSync(join(import.meta.dirname, '../../core/test/fixtures/ko-sentence-golden.json'), 'utf8')) as { texts: string[]; embeddings: number[][] };
let dir = '';

const readJsonl = (path: string) => readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
const maxDiff = (a: readonly number[], b: readonly number[]) => a.reduce((m, x, i) => Math.max(m, Math.abs(x - b[i]!)), 0);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ko-embed-'));
});

describe('float32Json', () => {
  it('writes the fewest digits that read back as the same float32', () => {
    const xs = new Float32Array(20_000);
    for (let i = 0; i < xs.length; i++) xs[i] = (Math.sin(i * 12.9898) * 43758.5453) % 1 / (1 + (i % 7) * 10);
    xs.set([0, 1, -1, 1e-8, 0.1, 2 ** -20]);
    for (const x of xs) {
      const s = float32Json(x);
      expect(Math.fround(Number(JSON.parse(s))), s).toBe(x);
      // Fewest: one digit less does not read back (unless 6 digits already do).
      const digits = s.replace(/^-?0\.0*|[.-]|e.*$/g, '').length;
      if (digits > 6) expect(Math.fround(Number(x.toPrecision(digits - 1)))).not.toBe(x);
    }
    expect(float32Json(Number.NaN)).toBe('null');
  });
});

describe('ko-classify embed', () => {
  it('embeds every row in input order across threads and chunks, each row kept: the PyTorch golden vectors', async () => {
    // Golden texts in a scrambled order, repeated: a vector written next to another row shows up.
    const order = Array.from({ length: 150 }, (_, i) => (i * 29) % GOLDEN.texts.length);
    const input = join(dir, 'in.tsv');
    writeFileSync(input, `id\ttext\tk\n${order.map((k, i) => `${i}\t${GOLDEN.texts[k]}\t${k}`).join('\n')}\n`);
    const output = join(dir, 'out.jsonl');
    const s = await embedFile({ model: MODEL, input, output, dtype: 'fp32', threads: 2, batch: 4, progress: false });
    expect(s).toMatchObject({ rows: 150, errors: 0, threads: 2, file: 'onnx/model.onnx', dim: GOLDEN.embeddings[0]!.length });
    expect(s.space).toMatch(/^ko-sentence-[0-9a-f]{8}$/);
    const rows = readJsonl(output) as { id: string; text: string; k: string; embedding: number[] }[];
    expect(rows.map((r) => r.id)).toEqual(order.map((_, i) => String(i)));
    expect(rows.map((r) => r.text)).toEqual(order.map((k) => GOLDEN.texts[k]));
    const worst = Math.max(...rows.map((r) => maxDiff(r.embedding, GOLDEN.embeddings[Number(r.k)]!)));
    console.log(`embed: max |cli - pytorch| over ${rows.length} rows: ${worst.toExponential(2)}`);
    expect(worst).toBeLessThan(1e-4);
    for (const r of rows.slice(0, 5)) expect(Math.hypot(...r.embedding)).toBeCloseTo(1, 5);
  }, 120_000);

  it("writes the encoder's own float32 values: each number reads back as the vector embed() returns", async () => {
    const texts = GOLDEN.texts.slice(0, 6);
    const stdout = new PassThrough();
    const chunks: Buffer[] = [];
    stdout.on('data', (c: Buffer) => chunks.push(c));
    // One thread, one chunk, the same batch: the same ONNX runs as the direct call.
    await embedFile({ model: MODEL, input: '-', stdin: Readable.from([texts.map((text) => JSON.stringify({ text })).join('\n')]), stdout, dtype: 'fp32', threads: 1, batch: 32, progress: false });
    const out = Buffer.concat(chunks).toString('utf8').trim().split('\n').map((l) => (JSON.parse(l) as { embedding: number[] }).embedding);
    const enc = await createEncoder({ model: MODEL, dtype: 'fp32', runtime: 'node', threads: 1 });
    const direct = await enc.embed(texts, { batchSize: 32 });
    await enc.dispose();
    expect(out.map((v) => v.map((x) => Math.fround(x)))).toEqual(direct.map((v) => Array.from(v)));
  });

  it('bad rows get embedding_error and embedding_line and never stop the run: empty, invisible, too long, invalid UTF-8, bad JSON', async () => {
    const tsv = join(dir, 'bad.tsv');
    const [a, b] = GOLDEN.texts;
    writeFileSync(tsv, Buffer.concat([Buffer.from(`id\ttext\n1\t${a}\n2\t   \n3\t`), Buffer.from([0xff, 0xfe, 0x41]), Buffer.from(`\n4\t${'가'.repeat(300)}\n5\t\u200b\n6\t${b}\n`)]));
    const s = await embedFile({ model: MODEL, input: tsv, output: join(dir, 'bad.jsonl'), threads: 1, maxChars: 200, progress: false });
    expect(s).toMatchObject({ rows: 6, errors: 4 });
    const bad = readJsonl(join(dir, 'bad.jsonl'));
    expect(bad.map((r) => (r.embedding ? 'ok' : String(r.embedding_error).split(':')[0]))).toEqual(['ok', 'empty text', 'invalid UTF-8', 'text longer than 200 characters (--max-chars)', 'INVALID_INPUT', 'ok']);
    expect(bad.map((r) => r.embedding_line)).toEqual([undefined, 3, 4, 5, 6, undefined]);
    expect(bad[3]).toMatchObject({ id: '4', text: '가'.repeat(300) });

    const stdout = new PassThrough();
    const chunks: Buffer[] = [];
    stdout.on('data', (c: Buffer) => chunks.push(c));
    const stdin = Readable.from([`{"text":${JSON.stringify(a)},"user":7}\nnot json\n[1]\n{"text":3}\n`]);
    await embedFile({ model: MODEL, input: '-', stdin, stdout, threads: 1, progress: false });
    const out = Buffer.concat(chunks).toString('utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(out.map((r) => (r.embedding ? 'ok' : String(r.embedding_error).split(':')[0]))).toEqual(['ok', 'invalid JSON', 'a JSON Lines row must be an object', 'no text in "text"']);
    expect(out[0]).toMatchObject({ user: 7, text: a });
    expect(out[1]).toMatchObject({ embedding_input: 'not json', embedding_line: 2 });
  });

  it('keeps a JSON Lines row byte for byte, and never overwrites a field named embedding: refused naming --prefix', async () => {
    const line = `{"id":12345678901234567890,"x":1.0,"e":"\\u00e9","text":${JSON.stringify(GOLDEN.texts[2])}}`;
    const jsonl = join(dir, 'bytes.jsonl');
    writeFileSync(jsonl, `${line}\n`);
    await embedFile({ model: MODEL, input: jsonl, output: join(dir, 'bytes.out.jsonl'), threads: 1, progress: false });
    expect(readFileSync(join(dir, 'bytes.out.jsonl'), 'utf8')).toMatch(new RegExp(`^${line.slice(0, -1).replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')},"embedding":\\[[-\\d.e,]+\\]\\}\\n$`));

    const taken = join(dir, 'taken.jsonl');
    writeFileSync(taken, `{"text":"가"}\n{"text":"나","embedding":[1,2]}\n`);
    const out = join(dir, 'taken.out.jsonl');
    await expect(embedFile({ model: MODEL, input: taken, output: out, threads: 1, progress: false })).rejects.toThrow(OutputConflict);
    await expect(embedFile({ model: MODEL, input: taken, output: out, threads: 1, progress: false })).rejects.toThrow(/line 2 already has "embedding".*--prefix/);
    const tsv = join(dir, 'taken.tsv');
    writeFileSync(tsv, 'text\tembedding_error\n가\tmine\n');
    await expect(embedFile({ model: MODEL, input: tsv, output: out, threads: 1, progress: false })).rejects.toThrow(/header already has "embedding_error".*--prefix/);
    await embedFile({ model: MODEL, input: taken, output: out, prefix: 'ko_', threads: 1, progress: false });
    const rows = readJsonl(out);
    expect(rows[1]).toMatchObject({ embedding: [1, 2] });
    expect((rows[1]!.ko_embedding as number[]).length).toBe(GOLDEN.embeddings[0]!.length);
    await expect(embedFile({ model: MODEL, input: taken, output: join(dir, 'x.tsv'), threads: 1, progress: false })).rejects.toThrow(/embed writes JSON Lines/);
  });

  it('--resume continues after the last complete line and cuts a partial one; --shard partitions the rows', async () => {
    const input = join(dir, 'resume.tsv');
    writeFileSync(input, `id\ttext\n${Array.from({ length: 90 }, (_, i) => `${i}\t${GOLDEN.texts[i % GOLDEN.texts.length]}`).join('\n')}\n`);
    const full = join(dir, 'full.jsonl');
    await embedFile({ model: MODEL, input, output: full, threads: 1, batch: 8, progress: false });
    const lines = readFileSync(full, 'utf8').split('\n');
    const partial = join(dir, 'partial.jsonl');
    writeFileSync(partial, `${lines.slice(0, 37).join('\n')}\n${lines[37]!.slice(0, 40)}`);
    expect(await embedFile({ model: MODEL, input, output: partial, resume: true, threads: 1, batch: 8, progress: false })).toMatchObject({ rows: 53, skipped: 37 });
    const resumed = readJsonl(partial) as { id: string; embedding: number[] }[];
    const whole = readJsonl(full) as { id: string; embedding: number[] }[];
    expect(resumed.map((r) => r.id)).toEqual(whole.map((r) => r.id));
    expect(Math.max(...resumed.map((r, i) => maxDiff(r.embedding, whole[i]!.embedding)))).toBeLessThan(1e-4);

    mkdirSync(join(dir, 'shards'));
    const ids: string[][] = [];
    for (let i = 0; i < 2; i++) {
      const output = join(dir, 'shards', `${i}.jsonl`);
      await embedFile({ model: MODEL, input, output, shard: [i, 2], threads: 1, progress: false });
      ids.push(readJsonl(output).map((r) => r.id as string));
    }
    expect(ids).toEqual([0, 1].map((i) => Array.from({ length: 90 }, (_, r) => String(r)).filter((r) => Number(r) % 2 === i)));
  }, 120_000);

  it('a classifier model is refused, naming --model ko-sentence; --help documents embed and teach', async () => {
    await expect(embedFile({ model: SENTIMENT, input: join(dir, 'in.tsv'), progress: false })).rejects.toThrow(/embed needs a sentence encoder.*--model ko-sentence/);
    expect(USAGE).toMatch(/\n {2}embed \[in\.tsv/);
    expect(USAGE).toMatch(/fewest digits, 6 to 9, that read back as the same float32/);
    expect(USAGE).toMatch(/\n {2}teach <examples\.tsv/);
  });
});
