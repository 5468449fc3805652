"""Golden token ids from Python sentencepiece (the reference the browser tokenizer must equal) for text
off the review domain: internet Korean with compatibility jamo (ㄳ ㄵ ㅄ), full-width and compatibility
characters, control and zero-width characters, emoji; news comments from K-MHaS and Korean HateSpeech.

    /usr/bin/python3 training/tokenizer_parity.py            # the test fixture (a sample)
    /usr/bin/python3 training/tokenizer_parity.py --all OUT  # every comment, for `ko-classify check-tokenizer`

Writes packages/core/test/fixtures/tokenizer-parity.json: {"texts": [...], "input_ids": [...]}; ids are
`[CLS] pieces[:126] [SEP]` of the NFC text, as the engine encodes with max length 128.
"""
from __future__ import annotations

import argparse
import gzip
import json
import sys
import unicodedata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ko_train.data import read_tsv  # noqa: E402
from ko_train.paths import DATA, FIXTURES  # noqa: E402
from ko_train.tokenizer import SpmEncoder  # noqa: E402
from ko_train.paths import ENCODER  # noqa: E402

JAMO = "ㄱㄲㄳㄴㄵㄶㄷㄸㄹㄺㄻㄼㄽㄾㄿㅀㅁㅂㅃㅄㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ"
EDGE = [
    "평점너무높넬니ㄵ투ㅑㅐㅡ urmukdmud", "OOO기만도 못한영화ㄳ", "ㄳㄳ", "감사ㄳ", "ㅄ같은 영화", "영화ㅄ", "ㄵ", "ㄶ다",
    "ㅋㅋㅋㅋㅋ", "ㅠㅠㅠ 슬프다", "ㅎㅇ ㅂㅂ", "ㄹㅇ 노잼", "갓ㄹㅇ", "ㅇㅈ? ㅇㅇㅈ", "ㅗㅗ", "ㅡㅡ;;", "ㅜㅜㅜㅜ",
    "ＡＢＣ　ｆｕｌｌ　ｗｉｄｔｈ", "①②③ ⑴ ㈜ ㎏ ㎞", "ﬁ ﬂ ™ ½", "ｶﾀｶﾅ ﾡﾢ", "탭\t과\n줄바꿈\r", "zero\u200bwidth\u200c\u200d", "\u00a0앞뒤\u3000공백 ",
    "😀 이모지 👍🏻 ❤️", "한자 漢字 文章", "٩(◕‿◕)۶ ㅋ", "~~~ ～～ 〜", "………… ···", "\u1100\u1161\u11a8 자모 조합", "ᄀᄁ 옛한글 ᅟᅠ",
]
EDGE += [f"{a}{b}" for a in "가낙닭" for b in JAMO]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--all", metavar="OUT", help="write JSON Lines for every comment instead of the fixture")
    args = ap.parse_args()
    enc = SpmEncoder(ENCODER / "spm.model")
    kmhas = [r["document"] for r in read_tsv(DATA / "k-mhas" / "train.tsv")]
    hate = [r["comments"] for r in read_tsv(DATA / "korean-hate-speech" / "train.tsv")]
    with gzip.open(DATA / "korean-hate-speech" / "unlabeled_comments.txt.gz", "rt", encoding="utf-8") as f:
        unlabeled = [line.strip() for line in f if line.strip()]
    if args.all:
        texts = EDGE + kmhas + hate + unlabeled
    else:
        texts = EDGE + kmhas[::10] + unlabeled[:1000]
    ids = [enc.encode(unicodedata.normalize("NFC", t), 128) for t in texts]
    if args.all:
        with open(args.all, "w", encoding="utf-8") as f:
            for t, i in zip(texts, ids):
                f.write(json.dumps({"text": t, "ids": i}, ensure_ascii=False) + "\n")
        print(f"wrote {len(texts)} rows to {args.all}")
        return
    out = FIXTURES / "tokenizer-parity.json"
    out.write_text(json.dumps({"texts": texts, "input_ids": ids}, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {len(texts)} texts to {out} ({out.stat().st_size / 1e6:.2f} MB)")


if __name__ == "__main__":
    main()
