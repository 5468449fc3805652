import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sentencePieceCore, tokenizersJsCore, type TokenizerCore } from '../src/engine/tokenizer-core.js';

// The built-in SentencePiece pipeline (no tokenizers.js in the worker for these models) must give
// tokenizers.js's pieces — with the exact charsmap and segmentation both use — on everything.
const FIXTURES = join(import.meta.dirname, 'fixtures');
const json = (dir: string, f: string): unknown => JSON.parse(readFileSync(join(dir, f), 'utf8'));
const column = (file: string, col: string) => {
  const [head, ...rows] = readFileSync(join(FIXTURES, file), 'utf8').trim().split('\n').map((l) => l.split('\t'));
  return rows.map((r) => r[head!.indexOf(col)]!);
};
const parity = (json(FIXTURES, 'tokenizer-parity.json') as { texts: string[] }).texts;
const TRICKY = [
  '',
  ' ',
  '   ',
  '\t\n',
  '  앞뒤 공백  ',
  '여러    칸   띄어쓰기',
  '[CLS] 특수 토큰이 [SEP] 본문에 [MASK] 있으면',
  '[CLS][SEP][PAD]',
  '붙여[SEP]쓴 토큰',
  '[cls] 소문자는 특수 토큰이 아니다',
  '▁이미 ▁메타스페이스 ▁문자',
  '▁',
  'ㅋㅋㅋㅋㅋㅋㅋㅋ ㅠㅠㅠㅠ ?????!!!!',
  '영화ㄳ ㄵ ㅄ',
  '한\u0301국어 NFD: \u1112\u1161\u11ab',
  '😀👍🏽 emoji 🇰🇷',
  'ＦＵＬＬ ｗｉｄｔｈ ①②③ ﬁ',
  '\u200b제로\u200d폭\ufeff',
  'a\u0000b\u0007c',
  '龍 漢字 ひらがな カタカナ',
  'x'.repeat(300),
  '정말 '.repeat(200),
];

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
