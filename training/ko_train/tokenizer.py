"""SentencePiece unigram tokenizer → Hugging Face `tokenizer.json` (DeBERTa-v2 layout).

The conversion mirrors transformers' `DebertaV2Converter`: a Unigram model with the SentencePiece
scores, a Metaspace pre-tokenizer (`prepend_scheme: always` = SentencePiece's dummy prefix), the
normalizer SentencePiece itself used (its precompiled `nmt_nfkc` charsmap, then SentencePiece's
`remove_extra_whitespaces`), and a `[CLS] A [SEP] (B [SEP])` template.
"""
from __future__ import annotations

import base64
import gzip
import json
import random
import subprocess
from pathlib import Path

import sentencepiece as spm
from sentencepiece import sentencepiece_model_pb2 as sp_pb2

from .data import kmhas_split, rated_reviews, read_tsv
from .paths import DATA, ENCODER

SPECIALS = ["[PAD]", "[CLS]", "[SEP]", "[UNK]", "[MASK]"]
PAD, CLS, SEP, UNK, MASK = range(5)


def corpus_lines(limit: int | None = None, seed: int = 13) -> list[str]:
    """Unlabelled text for the tokenizer: NSMC reviews + train documents + hate-speech comments."""
    lines = rated_reviews()[0]
    with gzip.open(DATA / "korean-hate-speech" / "unlabeled_comments.txt.gz", "rt", encoding="utf-8") as f:
        lines.extend(line.strip() for line in f if line.strip())
    lines.extend(r["comments"] for r in read_tsv(DATA / "korean-hate-speech" / "train.tsv"))
    rng = random.Random(seed)
    rng.shuffle(lines)
    return lines[:limit] if limit else lines


def comment_lines(limit: int | None = None, seed: int = 13) -> list[str]:
    """Comments only, for more masked-LM in the hate-speech domain: the unlabelled and train comments of
    Korean HateSpeech and the K-MHaS news comments (their train part; its validation part stays unseen)."""
    with gzip.open(DATA / "korean-hate-speech" / "unlabeled_comments.txt.gz", "rt", encoding="utf-8") as f:
        lines = [line.strip() for line in f if line.strip()]
    lines.extend(r["comments"] for r in read_tsv(DATA / "korean-hate-speech" / "train.tsv"))
    texts, _, train_rows, _ = kmhas_split()
    lines.extend(texts[i] for i in train_rows)
    rng = random.Random(seed)
    rng.shuffle(lines)
    return lines[:limit] if limit else lines


def train_spm(out_dir: Path, vocab_size: int, lines: list[str], seed: int = 13,
              character_coverage: float = 0.9995) -> Path:
    """Runs `spm_train` (unigram, nmt_nfkc) with the DeBERTa special tokens at ids 0-4."""
    out_dir.mkdir(parents=True, exist_ok=True)
    text = out_dir / "spm_corpus.txt"
    text.write_text("\n".join(lines) + "\n", encoding="utf-8")
    prefix = out_dir / "spm"
    subprocess.run(
        [
            "spm_train",
            f"--input={text}",
            f"--model_prefix={prefix}",
            f"--vocab_size={vocab_size}",
            "--model_type=unigram",
            f"--character_coverage={character_coverage}",
            "--normalization_rule_name=nmt_nfkc",
            "--pad_id=0", "--pad_piece=[PAD]",
            "--bos_id=1", "--bos_piece=[CLS]",
            "--eos_id=2", "--eos_piece=[SEP]",
            "--unk_id=3", "--unk_piece=[UNK]",
            "--user_defined_symbols=[MASK]",
            "--input_sentence_size=2000000",
            "--shuffle_input_sentence=true",
            f"--random_seed={seed}",
            "--num_threads=2",
            "--minloglevel=1",
        ],
        check=True,
    )
    text.unlink()
    return prefix.with_suffix(".model")


def spm_to_hf(model_path: Path, out_dir: Path, model_max_length: int = 128) -> None:
    """Writes `tokenizer.json`, `tokenizer_config.json` and `special_tokens_map.json` for an SPM model."""
    proto = sp_pb2.ModelProto()
    proto.ParseFromString(model_path.read_bytes())
    pieces = [p for p in proto.pieces]
    if [p.piece for p in pieces[:5]] != SPECIALS:
        raise ValueError(f"expected special tokens {SPECIALS} first, got {[p.piece for p in pieces[:5]]}")
    vocab = [[p.piece, float(p.score) if p.type == 1 else 0.0] for p in pieces]
    charsmap = base64.b64encode(proto.normalizer_spec.precompiled_charsmap).decode("ascii")
    added = [
        {"id": i, "content": tok, "single_word": False, "lstrip": False, "rstrip": False,
         "normalized": False, "special": True}
        for i, tok in enumerate(SPECIALS)
    ]
    tokenizer = {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": added,
        "normalizer": {
            "type": "Sequence",
            "normalizers": [
                {"type": "Precompiled", "precompiled_charsmap": charsmap},
                {"type": "Replace", "pattern": {"Regex": " {2,}"}, "content": " "},
                {"type": "Strip", "strip_left": True, "strip_right": True},
            ],
        },
        "pre_tokenizer": {"type": "Metaspace", "replacement": "\u2581", "prepend_scheme": "always", "split": False},
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                       {"SpecialToken": {"id": "[SEP]", "type_id": 0}}],
            "pair": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                     {"SpecialToken": {"id": "[SEP]", "type_id": 0}}, {"Sequence": {"id": "B", "type_id": 1}},
                     {"SpecialToken": {"id": "[SEP]", "type_id": 1}}],
            "special_tokens": {
                "[CLS]": {"id": "[CLS]", "ids": [CLS], "tokens": ["[CLS]"]},
                "[SEP]": {"id": "[SEP]", "ids": [SEP], "tokens": ["[SEP]"]},
            },
        },
        "decoder": {"type": "Metaspace", "replacement": "\u2581", "prepend_scheme": "always", "split": False},
        "model": {"type": "Unigram", "unk_id": UNK, "vocab": vocab, "byte_fallback": False},
    }
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "tokenizer.json").write_text(json.dumps(tokenizer, ensure_ascii=False), encoding="utf-8")
    specials = {"bos_token": "[CLS]", "eos_token": "[SEP]", "unk_token": "[UNK]", "sep_token": "[SEP]",
                "pad_token": "[PAD]", "cls_token": "[CLS]", "mask_token": "[MASK]"}
    config = {
        "tokenizer_class": "DebertaV2Tokenizer",
        "do_lower_case": False,
        "split_by_punct": False,
        "model_max_length": model_max_length,
        "clean_up_tokenization_spaces": False,
        **specials,
        "added_tokens_decoder": {str(a["id"]): {k: v for k, v in a.items() if k != "id"} for a in added},
    }
    (out_dir / "tokenizer_config.json").write_text(json.dumps(config, ensure_ascii=False, indent=2) + "\n",
                                                   encoding="utf-8")
    (out_dir / "special_tokens_map.json").write_text(json.dumps(specials, indent=2) + "\n", encoding="utf-8")


def load_spm(path: Path = ENCODER / "spm.model") -> spm.SentencePieceProcessor:
    """The project's 16K unigram model (`train_tokenizer.py` reproduces it; committed beside the encoder)."""
    if not path.is_file():
        raise SystemExit(f"{path} is missing: run training/train_tokenizer.py")
    return spm.SentencePieceProcessor(model_file=str(path))


class SpmEncoder:
    """The Python reference encoder: SentencePiece ids wrapped as `[CLS] ids [SEP]`, truncated."""

    def __init__(self, model_path: Path):
        self.sp = spm.SentencePieceProcessor(model_file=str(model_path))

    def encode(self, text: str, max_length: int = 128, pair: str | None = None) -> list[int]:
        a = self.sp.encode(text)
        if pair is None:
            return [CLS] + a[: max_length - 2] + [SEP]
        b = self.sp.encode(pair)
        ka, kb = longest_first(len(a), len(b), max_length - 3)
        return [CLS] + a[:ka] + [SEP] + b[:kb] + [SEP]


def longest_first(na: int, nb: int, budget: int) -> tuple[int, int]:
    """Tokens each text of a pair keeps: Hugging Face tokenizers' `longest_first` (truncate_encodings).

    Only the longer text is cut while the shorter fits beside it; when both must be cut the shorter
    keeps budget // 2 and the longer the rest (a tie counts the pair as the longer).
    """
    if na + nb <= budget:
        return na, nb
    swap = na > nb
    short = nb if swap else na
    long = short if short > budget else max(short, budget - short)
    if short + long > budget:
        short = budget // 2
        long = budget - short
    return (min(na, long), min(nb, short)) if swap else (min(na, short), min(nb, long))
