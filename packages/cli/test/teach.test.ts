import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createEncoder, type HeadJson } from '@ko-classify/core/node';
import { main } from '../src/cli.js';
import { classifyFile } from '../src/classify/command.js';
import { teachFile } from '../src/teach-command.js';

// The real sentence encoder and the real head through the real code. Its accuracy is never asserted
// (the provisional and the trained encoder differ): the reference for classify --head is the same
// head through core's own API.
const MODEL = join(import.meta.dirname, '../../../public/models/ko-sentence');
const SENTIMENT = join(import.meta.dirname, '../../../public/models/ko-sentiment');
const BIN = join(import.meta.dirname, '../bin/ko-classify.js');
const EXAMPLES: Record<string, string[]> = {
  배송: ['배송이 너무 늦어요', '택배가 아직 안 왔어요', '언제 도착하나요', '배송 조회가 안 돼요', '주문한 지 일주일인데 안 와요', '배송이 빨라서 좋았어요'],
  가격: ['가격이 너무 비싸요', '할인 쿠폰 있나요', '다른 곳보다 비싸네요', '가격 대비 괜찮아요', '세일은 언제 하나요', '배송비가 너무 비싸요'],
  품질: ['제품이 금방 고장났어요', '마감이 엉망이에요', '품질이 생각보다 좋아요', '색이 사진이랑 달라요', '냄새가 심하게 나요', '재질이 튼튼해요'],
};
const NEW = ['택배 언제 오나요', '너무 비싸서 못 사겠어요', '한 번 쓰고 망가졌어요', '쿠폰 적용이 안 돼요', '포장이 찢어져서 왔어요', '주문 취소하고 싶어요'];
let dir = '';
let examples = '';

const readJsonl = (path: string) => readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ko-teach-'));
  examples = join(dir, 'examples.tsv');
  const rows = Object.entries(EXAMPLES).flatMap(([label, texts]) => texts.map((t) => `${t}\t${label}`));
  // A row with no text and one with no label are left out and counted, never taught.
  writeFileSync(examples, `text\tlabel\n${rows.join('\n')}\n   \t배송\n라벨 없는 줄\t\n`);
});

describe('ko-classify teach', () => {
  it('writes a head from a TSV of examples and prints examples, labels, cvAccuracy and ms', async () => {
    const output = join(dir, 'head.json');
    const out: string[] = [];
    const log = console.log;
    console.log = (s: string) => out.push(s);
    try {
      expect(await main(['teach', examples, '-o', output, '--model', MODEL, '--name', 'shop', '--json'])).toBe(0);
    } finally {
      console.log = log;
    }
    const s = JSON.parse(out.join('\n')) as Awaited<ReturnType<typeof teachFile>>['summary'];
    const head = JSON.parse(readFileSync(output, 'utf8')) as HeadJson;
    expect(head).toMatchObject({ format: 'ko-classify-head', name: 'shop', encoder: { space: expect.stringMatching(/^ko-sentence-[0-9a-f]{8}$/) } });
    expect([...head.labels].sort()).toEqual(Object.keys(EXAMPLES).sort());
    expect(s).toMatchObject({ examples: 18, perLabel: { 배송: 6, 가격: 6, 품질: 6 }, skipped: { count: 2, first: ['line 20: empty text', 'line 21: no label in "label"'] }, space: head.encoder.space, output });
    expect(s.labels).toEqual(head.labels);
    expect(s.cvAccuracy === null || (s.cvAccuracy >= 0 && s.cvAccuracy <= 1)).toBe(true);
    expect(s.ms).toBe(head.trained.ms);
    // The plain report names the same figures.
    const { summary } = await teachFile({ model: MODEL, input: examples });
    const { formatTeach } = await import('../src/teach-command.js');
    expect(formatTeach(summary)).toMatch(/^ko-classify teach: 18 examples, 3 labels \((배송|가격|품질) 6, .*\n {2}cvAccuracy .* trained in \d+ ms/);
  });

  it('one label only is refused with the fix (core INVALID_INPUT); a classifier model is refused naming --model', async () => {
    const one = join(dir, 'one.tsv');
    writeFileSync(one, `text\tlabel\n${EXAMPLES.배송!.map((t) => `${t}\t배송`).join('\n')}\n`);
    await expect(teachFile({ model: MODEL, input: one, output: join(dir, 'one.json') })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(teachFile({ model: SENTIMENT, input: examples })).rejects.toThrow(/teach needs a sentence encoder.*--model ko-sentence/);
  });
});

describe('ko-classify classify --head', () => {
  it("labels every row in input order with the head: the same labels and scores as core's classifier(head)", async () => {
    const head = join(dir, 'shop.json');
    await teachFile({ model: MODEL, input: examples, output: head });
    const json = JSON.parse(readFileSync(head, 'utf8')) as HeadJson;
    const input = join(dir, 'new.tsv');
    const texts = Array.from({ length: 120 }, (_, i) => NEW[(i * 5) % NEW.length]!);
    writeFileSync(input, `id\ttext\n${texts.map((t, i) => `${i}\t${t}`).join('\n')}\n`);
    const output = join(dir, 'new.jsonl');
    const s = await classifyFile({ model: MODEL, head, input, output, threads: 2, batch: 4, progress: false });
    expect(s).toMatchObject({ rows: 120, errors: 0 });
    const enc = await createEncoder({ model: MODEL, runtime: 'node', threads: 1 });
    const clf = await enc.classifier(json);
    const expected = await clf.classify(texts);
    await enc.dispose();
    const rows = readJsonl(output) as { id: string; pred_label: string; pred_score: number; pred_scores: Record<string, number>; pred_uncertain: boolean }[];
    expect(rows.map((r) => r.id)).toEqual(texts.map((_, i) => String(i)));
    expect(rows.map((r) => r.pred_label)).toEqual(expected.map((e) => e.label));
    expect(rows.map((r) => r.pred_uncertain)).toEqual(expected.map((e) => e.uncertain));
    rows.forEach((r, i) => {
      expect(Object.keys(r.pred_scores).sort()).toEqual([...json.labels].sort());
      expect(r.pred_score).toBeCloseTo(expected[i]!.score, 5);
    });
    // TSV out: the columns a model's run writes.
    await classifyFile({ head, input, output: join(dir, 'new.tsv.out.tsv'), threads: 1, progress: false });
    expect(readFileSync(join(dir, 'new.tsv.out.tsv'), 'utf8').split('\n')[0]).toBe('id\ttext\tpred_label\tpred_score\tpred_scores\tpred_uncertain\tpred_error\tpred_line');
  }, 120_000);

  it("--label-col scores a head's predictions against its label names (a gold \"0\" is the label \"0\", not the head's first)", async () => {
    // NSMC-style 0/1 labels, "1" taught first: read as indices, every gold label would be flipped.
    const rows = readFileSync(join(import.meta.dirname, '../../core/test/fixtures/nsmc-dev-sample.tsv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t'));
    const taught = rows.slice(0, 60).sort((a, b) => Number(b[2]) - Number(a[2]));
    const ex = join(dir, 'nsmc.tsv');
    writeFileSync(ex, `text\tlabel\n${taught.map((r) => `${r[1]}\t${r[2]}`).join('\n')}\n`);
    const head = join(dir, 'nsmc.json');
    await teachFile({ model: MODEL, input: ex, output: head });
    expect((JSON.parse(readFileSync(head, 'utf8')) as HeadJson).labels).toEqual(['1', '0']);
    const input = join(dir, 'nsmc-eval.tsv');
    writeFileSync(input, `text\tlabel\n${rows.slice(60, 140).map((r) => `${r[1]}\t${r[2]}`).join('\n')}\n`);
    const output = join(dir, 'nsmc-eval.jsonl');
    const s = await classifyFile({ head, input, output, labelCol: 'label', threads: 1, progress: false });
    const out = readJsonl(output) as { label: string; pred_label: string }[];
    expect(s.scores).toMatchObject({ n: 80, unknown: { count: 0 } });
    expect(s.scores!.accuracy).toBeCloseTo(out.filter((r) => r.pred_label === r.label).length / 80, 12);
  }, 60_000);

  it('a head for another encoder space: HEAD_MISMATCH naming the fix, exit 1, the output untouched; a classifier --model: INVALID_INPUT naming --model', async () => {
    const head = JSON.parse(readFileSync(join(dir, 'shop.json'), 'utf8')) as HeadJson;
    const other = join(dir, 'other.json');
    writeFileSync(other, JSON.stringify({ ...head, encoder: { ...head.encoder, model: MODEL, space: 'ko-sentence-00000000' } }));
    const input = join(dir, 'two.tsv');
    writeFileSync(input, `text\n${NEW[0]}\n${NEW[1]}\n`);
    const output = join(dir, 'two.jsonl');
    const before = '{"text":"택배 언제 오나요","pred_label":"배송"}\n{"text":"너무 비';
    writeFileSync(output, before);
    await expect(classifyFile({ head: other, input, output, resume: true, threads: 2, progress: false })).rejects.toMatchObject({ code: 'HEAD_MISMATCH', message: expect.stringMatching(/ko-sentence-00000000/) });
    expect(readFileSync(output, 'utf8')).toBe(before);
    const cli = spawnSync(process.execPath, [BIN, 'classify', input, '--head', other, '-o', output, '--resume', '-q', '--threads', '2'], { encoding: 'utf8' });
    expect(cli.status).toBe(1);
    expect(cli.stderr).toMatch(/ko-sentence-00000000.*teach/s);
    expect(readFileSync(output, 'utf8')).toBe(before);

    await expect(classifyFile({ model: SENTIMENT, head: join(dir, 'shop.json'), input, output: join(dir, 'x.jsonl'), progress: false })).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/is a classifier.*leave --model out/) });
    writeFileSync(join(dir, 'not-head.json'), '{"labels":[]}');
    await expect(classifyFile({ head: join(dir, 'not-head.json'), input, progress: false })).rejects.toMatchObject({ code: 'HEAD_INVALID', message: expect.stringMatching(/ko-classify teach/) });
    await expect(main(['classify', SENTIMENT, input, '--head', join(dir, 'shop.json')])).rejects.toThrow(/takes one input/);
  }, 60_000);
});
