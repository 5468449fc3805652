import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeBatches } from '../src/engine/batch.js';
import { Tokenizer, normalizeInput, type Encoded } from '../src/engine/tokenize.js';

// Sentence pairs truncated 'longest_first' exactly as Hugging Face does it: ids, type ids and the
// attention mask of a padded batch from Python `tokenizers` (scripts/hf-goldens.py), for pairs
// where both texts overflow (ties included), one does, or neither, at odd and even budgets, for
// every tokenizer layout in the repo. HF's rule (tokenizers' truncate_encodings): if both texts must
// be cut, the shorter keeps floor(budget / 2) and the longer the rest; on a tie the pair is "the
// longer"; else the longer keeps what the shorter leaves.
interface Case {
  what: string;
  text: [number, number, number];
  text_pair: [number, number, number];
  tokens: [number, number];
  input_ids: number[];
  token_type_ids: string;
  attention_mask: string;
}
interface Golden {
  generator: { tokenizers: string };
  models: { name: string; dirs: string[]; tokenizer_json_sha256: string; pad_id: number; groups: { max_length: number; cases: Case[] }[] }[];
}

const ROOT = join(import.meta.dirname, '../../..');
const FIXTURES = join(import.meta.dirname, 'fixtures');
const golden: Golden = JSON.parse(readFileSync(join(FIXTURES, 'hf-pair-truncation.json'), 'utf8'));
const docs = (() => {
  const [head, ...rows] = readFileSync(join(FIXTURES, 'nsmc-dev-sample.tsv'), 'utf8').trim().split('\n').map((l) => l.split('\t'));
  return rows.map((r) => r[head!.indexOf('document')]!);
})();
/** The script's recipe: ' '.join([docs[doc]] * times)[:chars], in code points. */
const recipe = ([doc, times, chars]: [number, number, number]) => Array.from(new Array<string>(times).fill(docs[doc]!).join(' ')).slice(0, chars).join('');
/** Tokens kept of each text: [CLS] A [SEP] have type 0, B [SEP] type 1. */
const kept = (typeIds: string): [number, number] => [typeIds.split('0').length - 3, typeIds.split('1').length - 2];

describe(`sentence pairs truncate longest_first as Hugging Face tokenizers ${golden.generator.tokenizers} does`, () => {
  for (const model of golden.models) {
    for (const dir of model.dirs) {
      const path = join(ROOT, dir);
      const read = (f: string): unknown => JSON.parse(readFileSync(join(path, f), 'utf8'));

      it(`${dir}: the goldens are of this tokenizer.json`, () => {
        const sha = createHash('sha256').update(readFileSync(join(path, 'tokenizer.json'))).digest('hex');
        expect(sha, 'tokenizer.json changed: rerun scripts/hf-goldens.py').toBe(model.tokenizer_json_sha256);
      });

      for (const { max_length: maxLength, cases } of model.groups) {
        describe(`${dir}, maxLength ${maxLength}`, () => {
          const budget = maxLength - 3; // [CLS] A [SEP] B [SEP], checked below
          let encoded: Encoded[];
          beforeAll(async () => {
            // The tokenizer as an engine makes it: maxLength from the model, encode() with its default.
            const tokenizer = await Tokenizer.create(read('tokenizer.json'), read('tokenizer_config.json'), maxLength);
            expect(tokenizer.tokenId('[PAD]')).toBe(model.pad_id);
            expect(tokenizer.encode(normalizeInput({ text: '', textPair: '' }, 0)).ids).toHaveLength(3);
            encoded = cases.map((c, i) => tokenizer.encode(normalizeInput({ text: recipe(c.text), textPair: recipe(c.text_pair) }, i)));
          });

          const describeCase = (c: Case, e: Encoded) => {
            const types = c.token_type_ids.slice(0, c.input_ids.length);
            return `${c.what} (${c.tokens.join('+')} tokens): ours keeps ${kept(e.typeIds.join('')).join('+')}: ${e.ids.join(' ')} / HF ${kept(types).join('+')}: ${c.input_ids.join(' ')}`;
          };
          const same = (c: Case, e: Encoded) => e.ids.join(' ') === c.input_ids.join(' ') && e.typeIds.join('') === c.token_type_ids.slice(0, c.input_ids.length);

          it(`${cases.length} pairs (${budget % 2 ? 'odd' : 'even'} budget ${budget} for the two texts): HF's ids and type ids`, () => {
            const wrong = cases.flatMap((c, i) => (same(c, encoded[i]!) ? [] : [describeCase(c, encoded[i]!)]));
            expect(wrong).toEqual([]);
          });

          it('one padded batch of them: HF attention mask, pad ids and type ids', () => {
            const [batch, ...more] = makeBatches(encoded, cases.length, model.pad_id, 1e9);
            expect(more).toEqual([]);
            batch!.origin.forEach((src, row) => {
              const c = cases[src]!;
              const cell = (a: BigInt64Array) => Array.from(a.subarray(row * batch!.width, (row + 1) * batch!.width), Number);
              expect(batch!.width, 'padded to the longest row').toBe(c.attention_mask.length);
              const got = { what: c.what, ids: cell(batch!.ids), mask: cell(batch!.mask).join(''), types: cell(batch!.typeIds).join('') };
              const want = {
                what: c.what,
                ids: [...c.input_ids, ...new Array<number>(c.attention_mask.length - c.input_ids.length).fill(model.pad_id)],
                mask: c.attention_mask,
                types: c.token_type_ids,
              };
              expect(got).toEqual(want);
            });
          });
        });
      }
    }
  }
});
