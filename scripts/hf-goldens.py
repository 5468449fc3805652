#!/usr/bin/env python3
"""Goldens from Hugging Face's Python `tokenizers` (the Rust library behind transformers' tokenizers)
and Python `sentencepiece` (the library ko-classify's models were trained with): references that
share no code with ko-classify's JavaScript, ours and tokenizers.js alike.

* packages/core/test/fixtures/hf-pair-truncation.json: (text, text_pair) encodings truncated
  'longest_first' to max lengths 16, 17, 32, 33 and 128, where both texts overflow (ties included),
  one does, or neither, for every tokenizer layout the repo ships. Read by
  packages/core/test/pair-truncation-hf.test.ts.
* packages/core/test/fixtures/hf-pieces.json: the ids (no special tokens) of the edge cases and
  texts of packages/core/test/tokenizer-core.test.ts for the SentencePiece (Unigram) tokenizers the
  built-in pipeline covers, and SentencePiece's ids for the texts where tokenizers gives others
  (tokenizers' Unigram breaks ties between equal-score segmentations otherwise, and its Precompiled
  normalizer looks up one grapheme cluster at a time, never SentencePiece's longest match across
  characters, so jamo sequences such as NFD 한 or ㄴㅏ stay uncomposed). Read by that test.

Setup, once (Debian's python3-sentencepiece is 0.1.97, the version that trained the models and
wrote the repo's other references; the venv sees it through --system-site-packages):

    apt-get install python3-sentencepiece python3-venv
    /usr/bin/python3 -m venv --system-site-packages /tmp/hfvenv
    /tmp/hfvenv/bin/pip install tokenizers==0.22.2

Run from the repository root (it reads tokenizer.json files and the nsmc/parity/comment fixtures,
and writes the two JSON files above):

    /tmp/hfvenv/bin/python scripts/hf-goldens.py

Why tokenizers 0.22.2: from 0.23.1 on (PR #1990, "early exit for truncation") tokenizers stops
tokenizing a sequence once it has max_length tokens, and for a pair longest_first then compares
those capped lengths, not the texts' lengths: for WordPiece (one split per word) two texts that both
exceed max_length come out split by where the cap fell (tiny-bert: 8 of these cases, e.g. 39+39
tokens at max_length 16 keeps 7+6 where 0.22.2 keeps 6+7). SentencePiece layouts (Metaspace with
split: false, one split per text) are not affected. This script checks every golden against
longest_first on the texts' own lengths and stops if tokenizers disagrees.

Texts of the pair cases are recipes over the `document` column of nsmc-dev-sample.tsv, to keep the
fixture small:

    [doc, times, chars] -> ' '.join([docs[doc]] * times)[:chars]      # chars counts code points

(in JS: Array.from(Array(times).fill(docs[doc]).join(' ')).slice(0, chars).join('')).
Each case's input_ids are HF's unpadded ids; its token_type_ids and attention_mask are HF's rows
of the group's batch padded to the longest (so an unpadded row's are their first input_ids.length).
An empty text_pair is an empty second sequence, [CLS] text [SEP] [SEP], as in tokenizers and
ko-classify's { text, textPair: '' } (transformers' tokenizer(text, '') drops it: [CLS] text [SEP]).
"""

from __future__ import annotations

import base64
import hashlib
import json
import sys
from pathlib import Path

import sentencepiece as spm
import tokenizers
from sentencepiece import sentencepiece_model_pb2 as sp_pb2
from tokenizers import Tokenizer

TOKENIZERS_VERSION = '0.22.2'
SENTENCEPIECE_VERSION = '0.1.97'

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / 'packages/core/test/fixtures'
PAIR_OUT = FIXTURES / 'hf-pair-truncation.json'
PIECES_OUT = FIXTURES / 'hf-pieces.json'

# Every tokenizer layout in the repo: SentencePiece Unigram (built-in pipeline) and WordPiece
# (tokenizers.js). tiny-bert and tiny-electra share one tokenizer.json (checked below), so one
# set of goldens serves both; the test loads each directory with its own tokenizer_config.json.
PAIR_MODELS = [
    ('tiny-deberta', ['packages/core/test/fixtures/tiny-deberta']),
    ('tiny-bert', ['packages/core/test/fixtures/tiny-bert', 'packages/core/test/fixtures/tiny-electra']),
    ('ko-sentiment', ['public/models/ko-sentiment']),
]
MAX_LENGTHS = [16, 17, 32, 33, 128]

# The SentencePiece tokenizers tokenizer-core.test.ts covers, and the texts of each: (source,
# how many, how many with their ids written out; the rest as digests of their ids).
ALL = 10**9
PIECE_MODELS = [
    ('ko-sentiment', 'public/models/ko-sentiment', [
        ('TRICKY', ALL, ALL),
        ('tokenizer-parity.json', ALL, 300),
        ('nsmc-dev-sample.tsv:document', ALL, 0),
        ('hate-speech-holdout.tsv:comments', ALL, 0),
    ]),
    ('tiny-mdeberta', 'packages/core/test/fixtures/tiny-mdeberta', [('TRICKY', ALL, ALL), ('tokenizer-parity.json', 300, 300)]),
    ('tiny-deberta', 'packages/core/test/fixtures/tiny-deberta', [('TRICKY', ALL, ALL), ('tokenizer-parity.json', 300, 300)]),
]

# The edge cases tokenizer-core.test.ts runs (one list for both).
TRICKY = json.loads((FIXTURES / 'tokenizer-edge-cases.json').read_text(encoding='utf-8'))['texts']


def rel(p: Path) -> str:
    return p.relative_to(ROOT).as_posix()


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load(dir_: str) -> Tokenizer:
    tok = Tokenizer.from_file(str(ROOT / dir_ / 'tokenizer.json'))
    tok.no_padding()
    tok.no_truncation()
    return tok


def nsmc_docs() -> list[str]:
    return tsv_column('nsmc-dev-sample.tsv', 'document')


def recipe_text(docs: list[str], r: dict) -> str:
    return ' '.join([docs[r['doc']]] * r['times'])[: r['chars']]


class TextMaker:
    """Texts of an exact token count (no special tokens) for one tokenizer, from nsmc reviews."""

    def __init__(self, tok: Tokenizer, docs: list[str], agrees):
        self.tok = tok
        self.docs = docs
        # Only texts whose ids tokenizers and SentencePiece agree on (see piece_goldens), so these
        # cases test truncation, not segmentation.
        self.agrees = agrees
        self.cursor = 0  # each request takes the next review, so a and b are different texts

    def count(self, text: str) -> int:
        return len(self.tok.encode(text, add_special_tokens=False).ids)

    def next_doc(self) -> int:
        while True:
            i = self.cursor
            self.cursor = (self.cursor + 1) % len(self.docs)
            # Reviews of some substance, with spaces (realistic repetition), no odd whitespace.
            d = self.docs[i]
            if len(d) >= 12 and ' ' in d and d == d.strip() and '\t' not in d:
                return i

    def exact(self, n: int) -> dict:
        """A recipe of exactly n tokens: the shortest code-point prefix of a repeated review."""
        if n == 0:
            return {'doc': self.next_doc(), 'times': 1, 'chars': 0}
        for _ in range(len(self.docs)):
            doc = self.next_doc()
            times = 1
            while self.count(' '.join([self.docs[doc]] * times)) < n + 2:
                times += 1
            full = ' '.join([self.docs[doc]] * times)
            # Token counts of prefixes grow almost monotonically: scan up from a lower bound.
            for chars in range(1, len(full) + 1):
                prefix = full[:chars]
                if prefix != prefix.rstrip():
                    continue
                c = self.count(prefix)
                if c == n and self.agrees(prefix):
                    return {'doc': doc, 'times': times, 'chars': chars}
                if c > n + 1:
                    break
        raise RuntimeError(f'no text of exactly {n} tokens')

    def natural(self, min_tokens: int, max_chars: int | None = None) -> dict:
        """Whole repetitions of a review: at least min_tokens tokens (or max_chars characters)."""
        while True:
            doc = self.next_doc()
            times = 1
            while True:
                full = ' '.join([self.docs[doc]] * times)
                if max_chars is not None and len(full) > max_chars:
                    break
                if max_chars is None and self.count(full) >= min_tokens:
                    break
                times += 1
            if self.agrees(full):
                return {'doc': doc, 'times': times, 'chars': len(full)}


# At 128 (texts of hundreds of tokens) only these targets, to keep the fixture small.
LONG_TARGETS = {
    'tie, both overflow: each exactly the budget',
    'tie, both overflow by far',
    'tie, together just over the budget',
    'text longer by 1, both overflow',
    'pair longer by 1, both overflow',
    'text longer by 3, both overflow by far',
    'pair longer by 3, both overflow by far',
    'text long, pair the lower half',
    'text the upper half, pair long',
    'text long, pair one over the upper half',
    'one over the budget (one token removed)',
}


def pair_targets(budget: int) -> list[tuple[str, int, int]]:
    """(what, tokens of text, tokens of text_pair) around a budget of `budget` text tokens."""
    b = budget
    lo, hi = b // 2, b - b // 2  # the halves longest_first keeps when both overflow
    return [
        ('tie, both overflow: each exactly the budget', b, b),
        ('tie, both overflow by far', 3 * b, 3 * b),
        ('tie, each just over half', hi + 1, hi + 1),
        ('tie, together just over the budget', b // 2 + 1, b // 2 + 1),
        ('tie that fits exactly or leaves one free', lo, lo),
        ('text longer by 1, both overflow', b + 1, b),
        ('pair longer by 1, both overflow', b, b + 1),
        ('text longer by 2, both overflow', b + 2, b),
        ('pair longer by 2, both overflow', b, b + 2),
        ('text longer by 1, each just over half', hi + 2, hi + 1),
        ('pair longer by 1, each just over half', hi + 1, hi + 2),
        ('text longer by 3, both overflow by far', 2 * b + 3, 2 * b),
        ('pair longer by 3, both overflow by far', 2 * b, 2 * b + 3),
        ('text long, pair short', 3 * b, 2),
        ('text short, pair long', 2, 3 * b),
        ('text long, pair the lower half', 3 * b, lo),
        ('text the lower half, pair long', lo, 3 * b),
        ('text long, pair the upper half', 3 * b, hi),
        ('text the upper half, pair long', hi, 3 * b),
        ('text long, pair one over the upper half', 3 * b, hi + 1),
        ('text one over the upper half, pair long', hi + 1, 3 * b),
        ('text long, pair one token', 2 * b, 1),
        ('text one token, pair long', 1, 2 * b),
        ('fits exactly (no truncation)', lo, b - lo),
        ('one over the budget (one token removed)', lo + 1, b - lo),
        ('one over the budget, pair the longer', lo, b - lo + 1),
        ('text long, pair empty', 2 * b, 0),
        ('text empty, pair long', 0, 2 * b),
    ]


def pair_goldens(docs: list[str]) -> list[dict]:
    out = []
    for name, dirs in PAIR_MODELS:
        hashes = {sha256(ROOT / d / 'tokenizer.json') for d in dirs}
        assert len(hashes) == 1, f'{dirs} do not share one tokenizer.json'
        tok = load(dirs[0])
        tj = json.loads((ROOT / dirs[0] / 'tokenizer.json').read_text(encoding='utf8'))
        if tj['model']['type'] == 'Unigram':
            sp = sentencepiece_of(tj)
            agrees = lambda t: sentencepiece_ids(sp, tj, t) == tok.encode(t, add_special_tokens=False).ids  # noqa: E731
        else:
            agrees = lambda t: True  # noqa: E731
        maker = TextMaker(tok, docs, agrees)
        specials = tok.post_processor.num_special_tokens_to_add(True)
        pad_token = '[PAD]'
        pad_id = tok.token_to_id(pad_token)
        groups = []
        for max_length in MAX_LENGTHS:
            budget = max_length - specials
            cases = []
            for what, na, nb in pair_targets(budget):
                if max_length > 64 and what not in LONG_TARGETS:
                    continue
                cases.append({'what': what, 'text': maker.exact(na), 'text_pair': maker.exact(nb)})
            # Natural texts, both over the budget and of unrelated lengths.
            for k in range(2 if max_length > 64 else 4):
                cases.append({'what': f'natural repeated reviews {k + 1}', 'text': maker.natural(budget // 2 + 2 + 5 * k), 'text_pair': maker.natural(budget // 2 + 1 + 7 * k)})
            # Texts far longer than maxLength * 32 characters (our tokenizer segments only a prefix).
            cases.append({'what': 'both texts longer than maxLength * 32 characters', 'text': maker.natural(0, max_length * 40), 'text_pair': maker.natural(0, max_length * 36)})
            cases.append({'what': 'text longer than maxLength * 32 characters, pair short', 'text': maker.natural(0, max_length * 40), 'text_pair': maker.exact(3)})

            pairs = [(recipe_text(docs, c['text']), recipe_text(docs, c['text_pair'])) for c in cases]
            lengths = [[len(tok.encode(x, add_special_tokens=False).ids) for x in pair] for pair in pairs]
            tok.enable_truncation(max_length=max_length, strategy='longest_first')
            encodings = [tok.encode(a, b) for a, b in pairs]
            # One padded batch of the group, as HF pads to the longest row (right, [PAD], type 0).
            tok.enable_padding(direction='right', pad_id=pad_id, pad_type_id=0, pad_token=pad_token)
            padded = tok.encode_batch(pairs)
            tok.no_padding()
            tok.no_truncation()
            rows = []
            for c, (a, b), n, e, p in zip(cases, pairs, lengths, encodings, padded):
                assert len(e.ids) <= max_length and set(e.type_ids) <= {0, 1}
                # The padded row is the unpadded one, then pad tokens: keep only the padded masks.
                k = len(e.ids)
                assert p.ids[:k] == e.ids and set(p.ids[k:]) <= {pad_id}
                assert p.type_ids[:k] == e.type_ids and p.attention_mask[:k] == e.attention_mask == [1] * k
                kept = [e.type_ids.count(0) - 2, e.type_ids.count(1) - 1]  # [CLS] A [SEP] | B [SEP]
                assert kept == longest_first(*n, budget), (name, max_length, c['what'], n, kept, longest_first(*n, budget))
                rows.append({
                    'what': c['what'],
                    'text': recipe(c['text']),
                    'text_pair': recipe(c['text_pair']),
                    'tokens': n,
                    'input_ids': e.ids,
                    'token_type_ids': ''.join(map(str, p.type_ids)),
                    'attention_mask': ''.join(map(str, p.attention_mask)),
                })
            groups.append({'max_length': max_length, 'cases': rows})
        out.append({'name': name, 'dirs': dirs, 'tokenizer_json_sha256': hashes.pop(), 'pad_id': pad_id, 'groups': groups})
    return out


def longest_first(n1: int, n2: int, budget: int) -> list[int]:
    """Tokens kept of each text by tokenizers' longest_first (truncate_encodings) on their lengths."""
    if n1 + n2 <= budget:
        return [n1, n2]
    swap = n1 > n2
    short, long = (n2, n1) if swap else (n1, n2)
    long = short if short > budget else max(short, budget - short)
    if short + long > budget:
        short, long = budget // 2, budget // 2 + budget % 2
    keep = [long, short] if swap else [short, long]
    return [min(n1, keep[0]), min(n2, keep[1])]


def recipe(r: dict) -> list[int]:
    return [r['doc'], r['times'], r['chars']]


def tsv_column(file: str, col: str) -> list[str]:
    # Split exactly as the tests do (no TSV quoting).
    lines = (FIXTURES / file).read_text(encoding='utf8').strip().split('\n')
    head, *rows = [line.split('\t') for line in lines]
    return [r[head.index(col)] for r in rows]


def digest(ids: list[int]) -> str:
    return hashlib.sha256(' '.join(map(str, ids)).encode()).hexdigest()[:16]


def sentencepiece_of(tokenizer_json: dict) -> spm.SentencePieceProcessor:
    """The SentencePiece model a DeBERTa-v2 tokenizer.json was converted from (its pieces, scores and
    nmt_nfkc charsmap; SentencePiece's dummy prefix and whitespace cleanup, which the converted
    Metaspace/Replace/Strip steps stand for). Checked against training/encoder/spm.model below."""
    model = tokenizer_json['model']
    normalizers = tokenizer_json['normalizer']['normalizers']
    assert [n['type'] for n in normalizers] == ['Precompiled', 'Replace', 'Strip'], normalizers
    assert tokenizer_json['pre_tokenizer'] == {'type': 'Metaspace', 'replacement': '\u2581', 'prepend_scheme': 'always', 'split': False}
    proto = sp_pb2.ModelProto()
    proto.trainer_spec.model_type = sp_pb2.TrainerSpec.UNIGRAM
    proto.trainer_spec.unk_id = model['unk_id']
    proto.normalizer_spec.name = 'nmt_nfkc'
    proto.normalizer_spec.precompiled_charsmap = base64.b64decode(normalizers[0]['precompiled_charsmap'])
    proto.normalizer_spec.add_dummy_prefix = True
    proto.normalizer_spec.remove_extra_whitespaces = True
    proto.normalizer_spec.escape_whitespaces = True
    added = {t['id'] for t in tokenizer_json['added_tokens']}
    for i, (piece, score) in enumerate(model['vocab']):
        p = proto.pieces.add()
        p.piece, p.score = piece, score
        p.type = sp_pb2.ModelProto.SentencePiece.UNKNOWN if i == model['unk_id'] else sp_pb2.ModelProto.SentencePiece.CONTROL if i in added else sp_pb2.ModelProto.SentencePiece.NORMAL
    return spm.SentencePieceProcessor(model_proto=proto.SerializeToString())


def sentencepiece_ids(sp: spm.SentencePieceProcessor, tokenizer_json: dict, text: str) -> list[int]:
    """SentencePiece's ids with tokenizer.json's added (special) tokens split out of the raw text
    first, as tokenizers does (SentencePiece itself has no such tokens), each section on its own."""
    added = {t['content']: t['id'] for t in tokenizer_json['added_tokens']}
    assert all(t['special'] and not t['normalized'] and not t['lstrip'] and not t['rstrip'] and not t['single_word'] for t in tokenizer_json['added_tokens'])
    ids: list[int] = []
    rest = text
    while rest:
        hits = [(rest.find(c), -len(c), c) for c in added if c in rest]
        if not hits:
            ids += sp.encode(rest)
            break
        at, _, content = min(hits)  # leftmost, then longest
        ids += sp.encode(rest[:at]) + [added[content]]
        rest = rest[at + len(content):]
    return ids


def piece_goldens() -> list[dict]:
    parity = json.loads((FIXTURES / 'tokenizer-parity.json').read_text(encoding='utf8'))['texts']
    sources = {
        'TRICKY': TRICKY,
        'tokenizer-parity.json': parity,
        'nsmc-dev-sample.tsv:document': tsv_column('nsmc-dev-sample.tsv', 'document'),
        'hate-speech-holdout.tsv:comments': tsv_column('hate-speech-holdout.tsv', 'comments'),
    }
    out = []
    for name, dir_, plan in PIECE_MODELS:
        tok = load(dir_)
        tj = json.loads((ROOT / dir_ / 'tokenizer.json').read_text(encoding='utf8'))
        sp = sentencepiece_of(tj)
        if name == 'ko-sentiment':
            # The rebuilt model is the one the tokenizer.json came from: the same ids on every text.
            trained = spm.SentencePieceProcessor(model_file=str(ROOT / 'training/encoder/spm.model'))
            for texts in sources.values():
                assert [sentencepiece_ids(sp, tj, t) for t in texts] == [sentencepiece_ids(trained, tj, t) for t in texts]
        unk_id = tok.token_to_id('[UNK]')
        sets = []
        for source, count, full in plan:
            texts = sources[source][:count]
            encs = tok.encode_batch(texts, add_special_tokens=False)
            entry = {'source': source, 'count': len(texts), 'ids': [' '.join(map(str, e.ids)) for e in encs[:full]]}
            if len(texts) > full:
                entry['digests'] = [digest(e.ids) for e in encs[full:]]
            # Pieces follow from the ids through the vocabulary, except unknown ones: keep those.
            unk = {str(i): [t for t, x in zip(e.tokens, e.ids) if x == unk_id] for i, e in enumerate(encs) if unk_id in e.ids}
            if unk:
                entry['unk_pieces'] = unk
            # Where tokenizers and SentencePiece disagree, both ids.
            differ = {}
            for i, (t, e) in enumerate(zip(texts, encs)):
                theirs = sentencepiece_ids(sp, tj, t)
                if theirs != e.ids:
                    differ[str(i)] = {'tokenizers': ' '.join(map(str, e.ids)), 'sentencepiece': ' '.join(map(str, theirs))}
            if differ:
                entry['differences'] = differ
            sets.append(entry)
        out.append({'name': name, 'dir': dir_, 'tokenizer_json_sha256': sha256(ROOT / dir_ / 'tokenizer.json'), 'unk_id': unk_id, 'sets': sets})
    return out


def main() -> None:
    for lib, want in ((tokenizers, TOKENIZERS_VERSION), (spm, SENTENCEPIECE_VERSION)):
        if lib.__version__ != want:
            sys.exit(f'{lib.__name__} {lib.__version__} found, {want} wanted (see the setup at the top of {rel(Path(__file__))})')
    docs = nsmc_docs()
    generator = {'script': 'scripts/hf-goldens.py', 'tokenizers': tokenizers.__version__}
    pair = {
        'generator': generator,
        'truncation': "Tokenizer.enable_truncation(max_length, strategy='longest_first'); encode(text, text_pair)",
        'text_recipe': "[doc, times, chars]: ' '.join([docs[doc]] * times)[:chars], docs: the document column of nsmc-dev-sample.tsv, chars in code points",
        'tokens': 'token counts of text and text_pair before truncation (no special tokens)',
        'padding': "token_type_ids, attention_mask: the rows of encode_batch(group's pairs) after enable_padding(direction='right', pad_id, pad_type_id=0); input_ids: unpadded",
        'models': pair_goldens(docs),
    }
    pieces = {
        'generator': {**generator, 'sentencepiece': spm.__version__},
        'encoding': "Tokenizer.encode(text, add_special_tokens=False) of each source's first `count` texts: ids space-separated for the first ids.length, then digests; unk_pieces: by index, the tokens of the unknown ids",
        'digest': "sha256 of the ids joined by ' ' (UTF-8), first 16 hex digits",
        'differences': "by index, the texts where tokenizers' ids and SentencePiece's differ, with both: SentencePiece (the models were trained with it) on the model rebuilt from tokenizer.json, added tokens split out first",
        'tricky': TRICKY,
        'models': piece_goldens(),
    }
    for path, data in ((PAIR_OUT, pair), (PIECES_OUT, pieces)):
        text = json.dumps(data, ensure_ascii=False, separators=(',', ':')) + '\n'
        path.write_text(text, encoding='utf8')
        print(f'{rel(path)}: {len(text.encode()) // 1024} KB', file=sys.stderr)


if __name__ == '__main__':
    main()
