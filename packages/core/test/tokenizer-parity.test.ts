import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CharsMap } from '../src/engine/precompiled.js';
import { Tokenizer, normalizeInput } from '../src/engine/tokenize.js';

// Off the review domain: ids from Python sentencepiece (training/tokenizer_parity.py) for internet
// Korean with compatibility jamo (ㄳ ㄵ ㅄ), full-width/compatibility/control/zero-width characters,
// emoji, and news comments from K-MHaS and Korean HateSpeech.
const parity: { texts: string[]; input_ids: number[][] } = JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures/tokenizer-parity.json'), 'utf8'));
const MODEL = join(import.meta.dirname, '../../../public/models/ko-sentiment');
const json = (f: string): unknown => JSON.parse(readFileSync(join(MODEL, f), 'utf8'));

describe('tokenizer parity with Python sentencepiece off the review domain', () => {
  let tokenizer: Tokenizer;
  beforeAll(async () => {
    tokenizer = await Tokenizer.create(json('tokenizer.json'), json('tokenizer_config.json'), 128);
  });

  it(`gives Python's ids for all ${parity.texts.length} texts`, () => {
    const wrong = parity.texts.flatMap((t, i) => {
      const ids = tokenizer.encode(normalizeInput(t, i)).ids;
      return ids.join(' ') === parity.input_ids[i]!.join(' ') ? [] : [`${JSON.stringify(t)}: js ${ids.join(' ')} / py ${parity.input_ids[i]!.join(' ')}`];
    });
    expect(wrong).toEqual([]);
  });

  it('maps compatibility jamo alone, as SentencePiece does, instead of composing them into the syllable before (NFKC)', () => {
    const charsmap = (json('tokenizer.json') as { normalizer: { normalizers: { precompiled_charsmap: string }[] } }).normalizer.normalizers[0]!.precompiled_charsmap;
    const map = new CharsMap(charsmap);
    expect(map.normalize('영화ㄳ')).toBe('영화\u11aa');
    expect('영화ㄳ'.normalize('NFKC')).toBe('영홗');
    expect(map.normalize('ＡＢＣ①\tﬁ')).toBe('ABC1 fi');
    expect(map.normalize('이미 정규화된 문장')).toBe('이미 정규화된 문장');
  });
});
