import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sentencePieceCore, type TokenizerCore } from '../src/engine/tokenizer-core.js';
import { tokenizersJsCore } from '../src/engine/tokenizers-js.js';

// The built-in SentencePiece pipeline (no tokenizers.js in the worker for these models) must give
// tokenizers.js's pieces — with the exact charsmap and segmentation both use — on everything, and
// those of Hugging Face's Python `tokenizers` and of SentencePiece (hf-pieces.json, from
// scripts/hf-goldens.py): references that share no code with ours, as tokenizers.js here runs our
// segmenter and charsmap.
const FIXTURES = join(import.meta.dirname, 'fixtures');
const json = (dir: string, f: string): unknown => JSON.parse(readFileSync(join(dir, f), 'utf8'));
const column = (file: string, col: string) => {
  const [head, ...rows] = readFileSync(join(FIXTURES, file), 'utf8').trim().split('\n').map((l) => l.split('\t'));
  return rows.map((r) => r[head!.indexOf(col)]!);
};
const parity = (json(FIXTURES, 'tokenizer-parity.json') as { texts: string[] }).texts;
/** Edge cases, shared with scripts/hf-goldens.py. */
const TRICKY = (json(FIXTURES, 'tokenizer-edge-cases.json') as { texts: string[] }).texts;

function compare(dir: string, texts: string[]): Promise<string[]> {
  const tj = json(dir, 'tokenizer.json');
  const tc = json(dir, 'tokenizer_config.json');
  const fast = sentencePieceCore(tj, tc);
  expect(fast, 'the built-in pipeline covers this tokenizer.json').not.toBeNull();
  return tokenizersJsCore(tj, tc).then((reference: TokenizerCore) =>
    texts.flatMap((t) => {
      const a = fast!.tokenize(t);
      const b = reference.tokenize(t);
      const pa = fast!.postProcess(a, ['x']);
      const pb = reference.postProcess(b, ['x']);
      const ids = (c: TokenizerCore, tokens: string[]) => tokens.map((x) => c.tokenId(x) ?? -1).join(' ');
      const same = a.join(' ') === b.join(' ') && ids(fast!, pa.tokens) === ids(reference, pb.tokens) && (pa.typeIds ?? []).join() === (pb.typeIds ?? []).join();
      return same ? [] : [`${JSON.stringify(t)}: built-in ${a.join(' ')} / tokenizers.js ${b.join(' ')}`];
    }),
  );
}

describe('the built-in SentencePiece pipeline equals tokenizers.js', () => {
  const ours = join(import.meta.dirname, '../../../public/models/ko-sentiment');
  const texts = [...column('nsmc-dev-sample.tsv', 'document'), ...column('hate-speech-holdout.tsv', 'comments'), ...parity, ...TRICKY];

  it(`ko-sentiment: all ${texts.length} texts (reviews, comments, the parity set, edge cases)`, async () => {
    expect(await compare(ours, texts)).toEqual([]);
  });

  it('mDeBERTa layout (Precompiled + Replace + Strip normalizers, 250K pieces)', async () => {
    expect(await compare(join(FIXTURES, 'tiny-mdeberta'), [...parity.slice(0, 300), ...TRICKY])).toEqual([]);
  });

  it('special tokens typed in the text stay special tokens, as in tokenizers.js', () => {
    const core = sentencePieceCore(json(ours, 'tokenizer.json'), json(ours, 'tokenizer_config.json'))!;
    expect(core.tokenize('좋다 [SEP] 싫다')).toContain('[SEP]');
  });

  it('WordPiece (BERT, ELECTRA) and anything unimplemented go to tokenizers.js', () => {
    for (const name of ['tiny-bert', 'tiny-electra']) expect(sentencePieceCore(json(join(FIXTURES, name), 'tokenizer.json'), json(join(FIXTURES, name), 'tokenizer_config.json'))).toBeNull();
    const tj = json(ours, 'tokenizer.json') as Record<string, unknown>;
    const tc = json(ours, 'tokenizer_config.json');
    expect(sentencePieceCore({ ...tj, pre_tokenizer: { type: 'Metaspace', replacement: '▁', prepend_scheme: 'always', split: true } }, tc)).toBeNull();
    expect(sentencePieceCore({ ...tj, normalizer: { type: 'BertNormalizer' } }, tc)).toBeNull();
    expect(sentencePieceCore({ ...tj, normalizer: { type: 'Replace', pattern: { Regex: '(?<=a)b' }, content: '' } }, tc)).toBeNull();
    // \s, classes and `.` mean other things in Oniguruma (tokenizers.js rewrites them): not here.
    for (const Regex of ['\\s+', '[ab]', 'a.b']) expect(sentencePieceCore({ ...tj, normalizer: { type: 'Replace', pattern: { Regex }, content: '' } }, tc), Regex).toBeNull();
    expect(sentencePieceCore({ ...tj, normalizer: { type: 'Precompiled', precompiled_charsmap: null } }, tc)).toBeNull();
    expect(sentencePieceCore({ ...tj, post_processor: { type: 'RobertaProcessing' } }, tc)).toBeNull();
  });
});

interface PiecesGolden {
  generator: { tokenizers: string; sentencepiece: string };
  tricky: string[];
  models: {
    name: string;
    dir: string;
    tokenizer_json_sha256: string;
    unk_id: number;
    sets: {
      source: string;
      count: number;
      ids: string[];
      digests?: string[];
      unk_pieces?: Record<string, string[]>;
      differences?: Record<string, { tokenizers: string; sentencepiece: string }>;
    }[];
  }[];
}

// Hugging Face tokenizers and SentencePiece (the models were trained with it, 0.1.97) disagree on a
// few texts, in two ways only, and there ours are SentencePiece's: tokenizers' Unigram breaks ties
// between equal-score segmentations otherwise ('?????' → '?' '????', SentencePiece '????' '?'), and
// its Precompiled normalizer looks up one grapheme cluster at a time (whole only under 6 bytes, else
// char by char), never the longest match across characters that SentencePiece takes, so jamo
// sequences (NFD Hangul 한, compatibility jamo ㄴㅏ) stay jamo where SentencePiece's charsmap
// composes them (나). hf-pieces.json lists those texts with both references' ids.
describe('the built-in SentencePiece pipeline equals Hugging Face tokenizers, and SentencePiece where they differ', () => {
  const golden = json(FIXTURES, 'hf-pieces.json') as PiecesGolden;
  const ROOT = join(import.meta.dirname, '../../..');
  const sources: Record<string, string[]> = {
    TRICKY,
    'tokenizer-parity.json': parity,
    'nsmc-dev-sample.tsv:document': column('nsmc-dev-sample.tsv', 'document'),
    'hate-speech-holdout.tsv:comments': column('hate-speech-holdout.tsv', 'comments'),
  };
  const digest = (ids: number[]) => createHash('sha256').update(ids.join(' ')).digest('hex').slice(0, 16);
  const { tokenizers, sentencepiece } = golden.generator;

  it('the goldens cover every edge case here (else rerun scripts/hf-goldens.py)', () => {
    expect(golden.tricky).toEqual(TRICKY);
  });

  for (const model of golden.models) {
    const total = model.sets.reduce((n, s) => n + s.count, 0);
    const differ = model.sets.reduce((n, s) => n + Object.keys(s.differences ?? {}).length, 0);
    it(`${model.name}: ${total} texts (${model.sets.map((s) => s.source).join(', ')}): tokenizers ${tokenizers}'s ids, SentencePiece ${sentencepiece}'s on the ${differ} where they differ`, () => {
      const dir = join(ROOT, model.dir);
      const sha = createHash('sha256').update(readFileSync(join(dir, 'tokenizer.json'))).digest('hex');
      expect(sha, 'tokenizer.json changed: rerun scripts/hf-goldens.py').toBe(model.tokenizer_json_sha256);
      const tj = json(dir, 'tokenizer.json') as { model: { vocab: [string, number][] }; added_tokens: { id: number; content: string }[] };
      const core = sentencePieceCore(tj, json(dir, 'tokenizer_config.json'));
      expect(core, 'the built-in pipeline covers this tokenizer.json').not.toBeNull();
      // Each id's piece, read from tokenizer.json here (not through our code).
      const pieceOf = tj.model.vocab.map(([p]) => p);
      for (const t of tj.added_tokens) pieceOf[t.id] = t.content;
      const wrong = model.sets.flatMap((set) => {
        const texts = sources[set.source]!.slice(0, set.count);
        expect(texts.length, set.source).toBe(set.count);
        return texts.flatMap((text, i) => {
          const pieces = core!.tokenize(text);
          const ids = pieces.map((p) => core!.tokenId(p) ?? model.unk_id);
          const both = set.differences?.[String(i)];
          const hf = both?.tokenizers ?? (i < set.ids.length ? set.ids[i]! : null);
          const same = both ? ids.join(' ') === both.sentencepiece : hf !== null ? ids.join(' ') === hf : digest(ids) === set.digests![i - set.ids.length];
          // The ids fix the pieces through the vocabulary (an unknown run is one [UNK] piece here,
          // as in tokenizers.js; tokenizers keeps the run's text as the token: unk_pieces, shown below).
          if (same && pieces.every((p, k) => p === pieceOf[ids[k]!])) return [];
          const unknown = set.unk_pieces?.[String(i)];
          return [
            `${set.source}[${i}] ${JSON.stringify(text)}: ours ${JSON.stringify(pieces)} = ${ids.join(' ')} / tokenizers ${hf ?? `ids with sha256 ${set.digests![i - set.ids.length]}`}` +
              (both ? ` / SentencePiece ${both.sentencepiece}` : '') +
              (unknown ? `, unknown ${JSON.stringify(unknown)}` : ''),
          ];
        });
      });
      expect(wrong).toEqual([]);
    });

    it(`${model.name}: tokenizers and SentencePiece differ only in those two ways`, () => {
      // Per-character NFKC, then composition: what a charsmap that composes jamo sequences adds.
      const composes = (t: string) => {
        const each = Array.from(t, (c) => c.normalize('NFKC')).join('');
        return each.normalize('NFC') !== each;
      };
      const sorted = (ids: string) => ids.split(' ').map(Number).sort((a, b) => a - b).join(' ');
      const other = model.sets.flatMap((set) =>
        Object.entries(set.differences ?? {}).flatMap(([i, { tokenizers: hf, sentencepiece: sp }]) => {
          const text = sources[set.source]![Number(i)]!;
          return sorted(hf) === sorted(sp) || composes(text) ? [] : [`${set.source}[${i}] ${JSON.stringify(text)}: tokenizers ${hf} / SentencePiece ${sp}`];
        }),
      );
      expect(other).toEqual([]);
    });
  }
});
