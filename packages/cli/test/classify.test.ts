import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { classifyFile } from '../src/classify/command.js';
import { OutputConflict } from '../src/classify/output.js';
import { Progress } from '../src/classify/progress.js';
import { lines, readRows } from '../src/classify/rows.js';
import { createClassifier } from '@ko-classify/core/node';

// The shipped sentiment model: its labels are meaningful, so a row written next to another row's
// result (an ordering bug) shows up as a wrong label, not only as a wrong id.
const MODEL = join(import.meta.dirname, '../../../public/models/ko-sentiment');
const POSITIVE = ['정말 재미있고 감동적인 영화였어요', '배우들 연기가 최고, 강력 추천합니다', '또 보고 싶은 인생 영화'];
const NEGATIVE = ['시간 아깝고 지루한 최악의 영화', '돈 주고 본 게 후회된다', '스토리가 엉망이고 연기도 별로'];
let dir = '';

/** n rows alternating clear positive and negative reviews: row i is positive iff i is even. */
function reviews(n: number): string {
  const rows = Array.from({ length: n }, (_, i) => `${i}\t${(i % 2 ? NEGATIVE : POSITIVE)[i % 3]}`);
  return `id\ttext\n${rows.join('\n')}\n`;
}

const readJsonl = (path: string) => readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ko-classify-'));
});

describe('reading rows', () => {
  it('splits on bytes: CRLF, a last line without newline, invalid UTF-8 and a line over the limit are rows', async () => {
    const input = Readable.from([Buffer.from('a\r\nb'), Buffer.from([0x63, 0x0a, 0xff, 0xfe, 0x0a]), Buffer.from('x'.repeat(50)), Buffer.from('\nlast')]);
    const got = [];
    for await (const l of lines(input, 20)) got.push(l === null ? null : Buffer.from(l).toString('latin1'));
    expect(got).toEqual(['a', 'bc', '\xff\xfe', null, 'last']);
  });

  it('TSV: a missing text column is refused at the header, naming the columns', async () => {
    const rows = readRows(Readable.from(['id\tbody\n1\tx\n']), { format: 'tsv', maxChars: 100 });
    await expect(rows.next()).rejects.toThrow(/no column "text".*id, body.*--text-col/);
  });
});

describe('ko-classify classify', () => {
  it('labels every row in input order across threads and chunks, each input row kept', async () => {
    const input = join(dir, 'in.tsv');
    writeFileSync(input, reviews(1000));
    const output = join(dir, 'out.jsonl');
    const s = await classifyFile({ model: MODEL, input, output, threads: 2, batch: 8, progress: false });
    expect(s).toMatchObject({ rows: 1000, errors: 0, threads: 2, file: 'onnx/model_int8.onnx', runtime: 'node' });
    const rows = readJsonl(output);
    expect(rows.map((r) => r.id)).toEqual(Array.from({ length: 1000 }, (_, i) => String(i)));
    expect(rows.map((r) => r.pred_label)).toEqual(rows.map((_, i) => (i % 2 ? 'negative' : 'positive')));
    const first = rows[0] as { text: string; pred_score: number; pred_scores: Record<string, number> };
    expect(first.text).toBe(POSITIVE[0]);
    expect(first.pred_score).toBe(first.pred_scores.positive);
    expect(first.pred_scores.positive! + first.pred_scores.negative!).toBeCloseTo(1, 6);
  });

  it('bad rows get an error field and never stop the run: empty, too long, invalid UTF-8, bad JSON', async () => {
    const tsv = join(dir, 'bad.tsv');
    writeFileSync(tsv, Buffer.concat([Buffer.from(`id\ttext\n1\t${POSITIVE[0]}\n2\t   \n3\t`), Buffer.from([0xff, 0xfe, 0x41]), Buffer.from(`\n4\t${'가'.repeat(60)}\n5\t${NEGATIVE[0]}\n`)]));
    await classifyFile({ model: MODEL, input: tsv, output: join(dir, 'bad.jsonl'), threads: 1, maxChars: 50, progress: false });
    const bad = readJsonl(join(dir, 'bad.jsonl'));
    expect(bad.map((r) => r.pred_label ?? r.pred_error)).toEqual(['positive', 'empty text', 'invalid UTF-8', 'text longer than 50 characters (--max-chars)', 'negative']);
    // Error rows keep every field that could be read, and their 1-based line in the file (header: line 1).
    expect(bad.slice(1, 4).map((r) => [r.id, r.pred_line])).toEqual([['2', 3], ['3', 4], ['4', 5]]);
    expect(bad[3]!.text).toBe('가'.repeat(60));

    const stdout = new PassThrough();
    const chunks: Buffer[] = [];
    stdout.on('data', (c: Buffer) => chunks.push(c));
    const stdin = Readable.from([`{"text":"${NEGATIVE[1]}","user":7}\nnot json\n[1]\n{"text":3}\n{"text":"${POSITIVE[1]}"}\n`]);
    const s = await classifyFile({ model: MODEL, input: '-', stdin, stdout, threads: 1, progress: false });
    expect(s).toMatchObject({ rows: 5, errors: 3 });
    const out = Buffer.concat(chunks).toString('utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(out.map((r) => r.pred_label ?? String(r.pred_error).split(':')[0])).toEqual(['negative', 'invalid JSON', 'a JSON Lines row must be an object', 'no text in "text"', 'positive']);
    expect(out[0]).toMatchObject({ user: 7, text: NEGATIVE[1] });
    expect(out.slice(1, 4).map((r) => [r.pred_line, r.pred_input])).toEqual([[2, 'not json'], [3, '[1]'], [4, undefined]]);
    expect(out[3]).toMatchObject({ text: 3 });
  });

  it("never overwrites a user's field: label/score columns are kept, a prediction name the input has is refused with --prefix", async () => {
    // NSMC's own layout: a label column beside the text.
    const labelled = join(dir, 'labelled.tsv');
    writeFileSync(labelled, `id\ttext\tlabel\tscore\n1\t${POSITIVE[0]}\t0\tgold\n`);
    await classifyFile({ model: MODEL, input: labelled, output: join(dir, 'labelled.jsonl'), threads: 1, progress: false });
    expect(readJsonl(join(dir, 'labelled.jsonl'))).toEqual([expect.objectContaining({ label: '0', score: 'gold', pred_label: 'positive' })]);
    const taken = join(dir, 'taken.jsonl');
    writeFileSync(taken, `{"text":"${POSITIVE[0]}"}\n{"text":"${NEGATIVE[0]}","pred_score":"mine"}\n`);
    await expect(classifyFile({ model: MODEL, input: taken, output: join(dir, 'x.jsonl'), threads: 1, progress: false })).rejects.toThrow(OutputConflict);
    await expect(classifyFile({ model: MODEL, input: taken, output: join(dir, 'x.jsonl'), threads: 1, progress: false })).rejects.toThrow(/line 2 already has "pred_score".*--prefix/);
    const tsvTaken = join(dir, 'taken.tsv');
    writeFileSync(tsvTaken, `text\tpred_label\n${POSITIVE[0]}\tmine\n`);
    await expect(classifyFile({ model: MODEL, input: tsvTaken, output: join(dir, 'y.tsv'), threads: 1, progress: false })).rejects.toThrow(/header already has "pred_label".*--prefix/);
    await classifyFile({ model: MODEL, input: taken, output: join(dir, 'ko.jsonl'), prefix: 'ko_', threads: 1, progress: false });
    expect(readJsonl(join(dir, 'ko.jsonl'))[1]).toMatchObject({ pred_score: 'mine', ko_label: 'negative' });
  });

  // A parse + stringify round trip would print 12345678901234567890 as 12345678901234567000, 1.0 as 1
  // and \u00e9 as é: every input line must come out with its own bytes.
  it('keeps every input field byte for byte: JSON Lines, TSV to TSV, TSV to JSON Lines', async () => {
    const jsonl = join(dir, 'bytes.jsonl');
    const lines = [
      `{"id":12345678901234567890,"x":1.0,"e":"\\u00e9","nested":{"a":[1,2.50,{"b":null}]},"text":"${POSITIVE[1]}"}`,
      `{ "text" : "${NEGATIVE[1]}" , "score": 1e-7 }  `,
      `{"text":"\\ud55c\\uad6d \\uc601\\ud654 \\ucd5c\\uace0","label":[0,1]}`,
    ];
    writeFileSync(jsonl, `${lines.join('\n')}\n`);
    await classifyFile({ model: MODEL, input: jsonl, output: join(dir, 'bytes.out.jsonl'), threads: 1, progress: false });
    const out = readFileSync(join(dir, 'bytes.out.jsonl'), 'utf8').split('\n').slice(0, -1);
    out.forEach((line, i) => {
      const original = lines[i]!.trimEnd();
      expect(line.startsWith(original.slice(0, -1))).toBe(true);
      expect(line.slice(original.length - 1)).toMatch(/^,"pred_label":"(positive|negative)","pred_score":[\d.e-]+,"pred_scores":\{[^}]+\},"pred_uncertain":(true|false)\}$/);
    });
    expect(JSON.parse(out[2]!)).toMatchObject({ text: '한국 영화 최고', label: [0, 1] });

    const tsv = join(dir, 'bytes.tsv');
    const rows = [`007\t"${POSITIVE[2]}"\t1.0`, `x\\y\t${NEGATIVE[2]} \t 2`];
    writeFileSync(tsv, `id\ttext\tnote\n${rows.join('\n')}\n`);
    await classifyFile({ model: MODEL, input: tsv, output: join(dir, 'bytes.out.tsv'), threads: 1, progress: false });
    const tsvOut = readFileSync(join(dir, 'bytes.out.tsv'), 'utf8').split('\n');
    expect(tsvOut[0]).toBe('id\ttext\tnote\tpred_label\tpred_score\tpred_scores\tpred_uncertain\tpred_error\tpred_line');
    rows.forEach((r, i) => expect(tsvOut[i + 1]!.startsWith(`${r}\t`)).toBe(true));
    expect(tsvOut[1]!.split('\t')[3]).toBe('positive');
    await classifyFile({ model: MODEL, input: tsv, output: join(dir, 'bytes.tsv.jsonl'), threads: 1, progress: false });
    expect(readJsonl(join(dir, 'bytes.tsv.jsonl')).map((r) => [r.id, r.text, r.note])).toEqual([
      ['007', `"${POSITIVE[2]}"`, '1.0'],
      ['x\\y', `${NEGATIVE[2]} `, ' 2'],
    ]);
  });

  it("pred_uncertain says which rows the model is not sure of: the engine's uncertain, from the model's band", async () => {
    const input = join(dir, 'unsure.tsv');
    const texts = ['정말 재밌고 감동적인 영화', '돈 아깝고 지루한 영화', '그럭저럭 볼만했는데 결말이 아쉽다', '배우는 좋은데 내용은 글쎄'];
    writeFileSync(input, `text\n${texts.join('\n')}\n`);
    await classifyFile({ model: MODEL, input, output: join(dir, 'unsure.out.tsv'), threads: 1, progress: false });
    const cells = readFileSync(join(dir, 'unsure.out.tsv'), 'utf8').trim().split('\n').map((l) => l.split('\t'));
    const col = cells[0]!.indexOf('pred_uncertain');
    const clf = await createClassifier({ model: MODEL, dtype: 'int8', runtime: 'node', threads: 1 });
    const expected = (await clf.classify(texts)).map((r) => String(r.uncertain));
    await clf.dispose();
    expect(cells.slice(1).map((c) => c[col])).toEqual(expected);
    expect(expected).toContain('true');
    expect(expected).toContain('false');
  });

  it('--resume refuses a TSV another version or other options started (other columns), and leaves it as it was', async () => {
    const input = join(dir, 'old.tsv');
    writeFileSync(input, `text\n${POSITIVE[0]}\n${NEGATIVE[0]}\n`);
    const old = join(dir, 'old.out.tsv');
    // With a torn last line, which a refused resume must not cut either.
    const before = `text\tpred_label\tpred_score\tpred_scores\tpred_error\tpred_line\n${POSITIVE[0]}\tpositive\t0.9\t{}\t\t\n${NEGATIVE[0]}\tneg`;
    writeFileSync(old, before);
    await expect(classifyFile({ model: MODEL, input, output: old, resume: true, threads: 1, progress: false })).rejects.toThrow(/has other columns than this run writes \(pred_label, pred_score, pred_scores, pred_uncertain, pred_error, pred_line\)/);
    expect(readFileSync(old, 'utf8')).toBe(before);
  });

  it('--label-col scores the run against the column (accuracy, macro-F1), skipping rows without a label', async () => {
    const input = join(dir, 'gold.tsv');
    // 40 rows: the label is right on 30 of them, so accuracy is 75% whatever the model's own errors (it
    // labels these reviews as their text says: see the first test).
    const gold = Array.from({ length: 40 }, (_, i) => (i < 30 ? (i % 2 ? 'negative' : 'positive') : i % 2 ? 'positive' : 'negative'));
    writeFileSync(input, `id\ttext\tlabel\n${gold.map((g, i) => `${i}\t${(i % 2 ? NEGATIVE : POSITIVE)[i % 3]}\t${i % 5 === 4 ? '' : g === 'positive' ? '1' : 'negative'}`).join('\n')}\n`);
    const s = await classifyFile({ model: MODEL, input, output: join(dir, 'gold.jsonl'), labelCol: 'label', threads: 1, progress: false });
    const scored = gold.map((g, i) => ({ g, right: i < 30 })).filter((_, i) => i % 5 !== 4);
    expect(s.scores).toMatchObject({ n: scored.length, unscored: 8 });
    expect(s.scores!.accuracy).toBeCloseTo(scored.filter((x) => x.right).length / scored.length, 12);
    expect(s.scores!.confusion.flat().reduce((a, b) => a + b, 0)).toBe(scored.length);
  });

  it('--resume continues after the last complete line and cuts a partial one', async () => {
    const input = join(dir, 'resume.tsv');
    writeFileSync(input, reviews(300));
    const full = join(dir, 'full.jsonl');
    await classifyFile({ model: MODEL, input, output: full, threads: 2, progress: false });
    const expected = readFileSync(full, 'utf8').split('\n');
    // An interrupted run: 120 complete lines and half of the next one.
    const partial = join(dir, 'partial.jsonl');
    writeFileSync(partial, `${expected.slice(0, 120).join('\n')}\n${expected[120]!.slice(0, 25)}`);
    const s = await classifyFile({ model: MODEL, input, output: partial, threads: 2, resume: true, progress: false });
    expect(s).toMatchObject({ rows: 180, skipped: 120 });
    const rows = readJsonl(partial);
    expect(rows.map((r) => r.id)).toEqual(Array.from({ length: 300 }, (_, i) => String(i)));
    expect(rows.map((r) => r.pred_label)).toEqual(rows.map((_, i) => (i % 2 ? 'negative' : 'positive')));
    // A finished output resumes to nothing.
    appendFileSync(partial, '');
    expect(await classifyFile({ model: MODEL, input, output: partial, resume: true, threads: 1, progress: false })).toMatchObject({ rows: 0, skipped: 300 });
  });

  it('--shard i/n: the shards partition the rows, each in input order', async () => {
    const input = join(dir, 'shard.tsv');
    writeFileSync(input, reviews(100));
    const ids: string[][] = [];
    for (let i = 0; i < 3; i++) {
      const output = join(dir, `shard-${i}.jsonl`);
      await classifyFile({ model: MODEL, input, output, threads: 1, shard: [i, 3], progress: false });
      ids.push(readJsonl(output).map((r) => r.id as string));
    }
    ids.forEach((shard, i) => expect(shard).toEqual(Array.from({ length: 100 }, (_, r) => String(r)).filter((r) => Number(r) % 3 === i)));
  });

  // Same text, same answer: real reviews of every length (so batches pad rows to their neighbours),
  // split over shards, threads, batch sizes and an interrupted run, give the whole run's bytes.
  it.each(['node', 'web'] as const)('--shard and --resume outputs are byte-identical to a whole run (runtime %s)', async (runtime) => {
    const sample = readFileSync(join(import.meta.dirname, '../../core/test/fixtures/nsmc-dev-sample.tsv'), 'utf8').trim().split('\n').slice(1);
    const input = join(dir, `nsmc-${runtime}.tsv`);
    writeFileSync(input, `id\tdocument\n${sample.map((l) => l.split('\t').slice(0, 2).join('\t')).join('\n')}\n`);
    const run = async (output: string, o: { threads: number; batch: number; shard?: [number, number]; resume?: boolean }) =>
      classifyFile({ model: MODEL, input, output, textCol: 'document', runtime, progress: false, ...o });
    const whole = join(dir, `whole-${runtime}.jsonl`);
    await run(whole, { threads: 2, batch: 32 });
    const wholeLines = readFileSync(whole, 'utf8').split('\n').slice(0, -1);
    expect(wholeLines).toHaveLength(1000);
    const shards = [0, 1, 2].map((i) => join(dir, `part-${runtime}-${i}.jsonl`));
    for (const [i, out] of shards.entries()) await run(out, { threads: 1, batch: [8, 5, 64][i]!, shard: [i, 3] });
    const parts = shards.map((f) => readFileSync(f, 'utf8').split('\n').slice(0, -1));
    const differ = wholeLines.filter((line, r) => parts[r % 3]![Math.floor(r / 3)] !== line);
    // An interrupted run (417 complete lines and a torn one) resumed on another thread count.
    const resumed = join(dir, `resumed-${runtime}.jsonl`);
    writeFileSync(resumed, `${wholeLines.slice(0, 417).join('\n')}\n${wholeLines[417]!.slice(0, 30)}`);
    await run(resumed, { threads: 1, batch: 16, resume: true });
    console.log(`classify on ${runtime}: ${differ.length} of 1000 rows differ between the whole run and 3 shards`);
    expect(differ).toEqual([]);
    expect(readFileSync(resumed)).toEqual(readFileSync(whole));
  }, 120_000);

  it('progress shows rows of the total: estimated from the bytes read (~) until the end, then exact', async () => {
    expect(Progress.total({ rows: 10, errors: 0, bytes: 1000, read: 50, readAll: false, skipped: 0 }, 20_000)).toEqual({ rows: 1000, exact: false });
    expect(Progress.total({ rows: 990, errors: 0, bytes: 20_000, read: 1003, readAll: true, skipped: 0 }, 20_000)).toEqual({ rows: 1003, exact: true });
    expect(Progress.total({ rows: 0, errors: 0, bytes: 0, read: 0, readAll: false, skipped: 0 }, null)).toBeNull();
    // Piped (no TTY): plain lines; the last one counts every row of the file, with the rate.
    const input = join(dir, 'progress.tsv');
    writeFileSync(input, reviews(700));
    const said: string[] = [];
    const stderr = new PassThrough();
    stderr.on('data', (c: Buffer) => said.push(c.toString()));
    await classifyFile({ model: MODEL, input, output: join(dir, 'progress.jsonl'), threads: 1, stderr, progress: true });
    expect(said.join('').trim().split('\n').at(-1)).toMatch(/^classify: 100\.0% {2}700 \/ 700 rows {2}\d+ rows\/s$/);
  });

  it('an unknown model says what to install', async () => {
    await expect(classifyFile({ model: 'no-such-model', input: join(dir, 'in.tsv'), progress: false })).rejects.toThrow('npm i @ko-classify/model-no-such-model');
  });
});
