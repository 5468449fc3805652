"""Test fixtures for the model families beyond DeBERTa-v2 with a 16K vocabulary, each tiny and random
with golden PyTorch logits and reference token ids:

- tiny-bert: BertForSequenceClassification, a Korean WordPiece vocabulary (KR-ELECTRA style:
  do_lower_case false, [PAD] [UNK] [CLS] [SEP] [MASK] at 0-4), absolute positions, token types;
  tokenizer.json with BertNormalizer, BertPreTokenizer, WordPiece. With manifest.json.
- tiny-electra: ElectraForSequenceClassification (embedding 24 projected to hidden 32), the same
  vocabulary, laid out as Optimum exports for transformers.js: onnx/model.onnx and
  onnx/model_quantized.onnx, no manifest.json.
- tiny-mdeberta: DeBERTa-v2 with a 250,000-piece Unigram vocabulary (mDeBERTa-v3's size): the
  project's 16K SentencePiece model plus 234,000 more pieces, built as a SentencePiece model so Python
  sentencepiece gives the reference ids. Its embedding rows repeat a few base vectors, so git stores
  the 32 MB table compactly.

    /usr/bin/python3 training/make_family_fixtures.py

Reference ids: WordPiece from ko_train/bert.py (written from BERT's tokenization.py), Unigram from
Python sentencepiece. Deterministic.
"""
from __future__ import annotations

import json
import subprocess
import sys
import unicodedata
from collections import Counter
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ko_train.bert import BertConfig, BertForSequenceClassification, ElectraForSequenceClassification, WordPiece  # noqa: E402
from ko_train.data import nsmc  # noqa: E402
from ko_train.tokenizer import longest_first  # noqa: E402
from ko_train.deberta import DebertaV2Config, DebertaV2ForSequenceClassification, use_sliced_relative_attention  # noqa: E402
from ko_train.export import export_onnx  # noqa: E402
from ko_train.fixture_tools import spread_head  # noqa: E402
from ko_train.paths import ENCODER, FIXTURES, REPO  # noqa: E402
from ko_train.tokenizer import spm_to_hf  # noqa: E402

import sentencepiece as spm  # noqa: E402
from sentencepiece import sentencepiece_model_pb2 as sp_pb2  # noqa: E402

SEED = 4321
MAX_LEN = 64
SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
TEXTS = [
    "이 영화 정말 최고예요! 강력 추천합니다",
    "시간 낭비였다... 너무 지루함",
    "배우들 연기는 좋았는데, 스토리가 별로(?)",
    "ㅋㅋㅋㅋ 진짜 웃기다 ㅎㅎ",
    "Hello, 한국어 Mixed 123 텍스트 😀",
    "漢字와 한글이 섞인 文章",
    "   앞뒤   공백    많은   문장   ",
    "탭\t과\n줄바꿈",
    "아주 긴 문장입니다 " * 12,
    "OOO기만도 못한영화ㄳ",
]
PAIRS = [("영화가 재미있나요?", "네 정말 재미있어요"), ("긴 질문 " * 20, "짧은 답")]


SAMPLE = [r for r in nsmc("dev")[0][:400]]


def wordpiece_vocab(texts: list[str]) -> list[str]:
    wp = WordPiece(SPECIALS)
    words = Counter(w for t in texts for w in wp.basic(t))
    chars = Counter(c for w, n in words.items() for c in w for _ in range(n))
    vocab = list(SPECIALS)
    vocab += sorted(c for c, n in chars.items() if n >= 3)
    vocab += sorted(f"##{c}" for c, n in chars.items() if n >= 3)
    vocab += [w for w, _ in words.most_common(1500) if len(w) > 1 and w not in vocab]
    suffixes = Counter(f"##{w[-2:]}" for w, n in words.items() if len(w) >= 3 for _ in range(n))
    vocab += [s for s, _ in suffixes.most_common(400) if s not in vocab]
    return vocab


def wordpiece_tokenizer_json(vocab: list[str], lowercase: bool = False) -> dict:
    ids = {t: i for i, t in enumerate(vocab)}
    added = [{"id": i, "content": t, "single_word": False, "lstrip": False, "rstrip": False, "normalized": False, "special": True} for i, t in enumerate(SPECIALS)]
    cls, sep = ids["[CLS]"], ids["[SEP]"]
    return {
        "version": "1.0", "truncation": None, "padding": None, "added_tokens": added,
        "normalizer": {"type": "BertNormalizer", "clean_text": True, "handle_chinese_chars": True, "strip_accents": None, "lowercase": lowercase},
        "pre_tokenizer": {"type": "BertPreTokenizer"},
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}, {"SpecialToken": {"id": "[SEP]", "type_id": 0}}],
            "pair": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}, {"SpecialToken": {"id": "[SEP]", "type_id": 0}},
                     {"Sequence": {"id": "B", "type_id": 1}}, {"SpecialToken": {"id": "[SEP]", "type_id": 1}}],
            "special_tokens": {"[CLS]": {"id": "[CLS]", "ids": [cls], "tokens": ["[CLS]"]}, "[SEP]": {"id": "[SEP]", "ids": [sep], "tokens": ["[SEP]"]}},
        },
        "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": True},
        "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##", "max_input_chars_per_word": 100, "vocab": ids},
    }


def encode_pair(ids_of, a: str, b: str | None, max_len: int, cls: int, sep: int) -> tuple[list[int], list[int]]:
    x = ids_of(a)
    if b is None:
        ids = [cls] + x[: max_len - 2] + [sep]
        return ids, [0] * len(ids)
    y = ids_of(b)
    kx, ky = longest_first(len(x), len(y), max_len - 3)  # as Hugging Face tokenizers truncates
    x, y = x[:kx], y[:ky]
    return [cls] + x + [sep] + y + [sep], [0] * (len(x) + 2) + [1] * (len(y) + 1)


def golden_cases(model, ids_of, cls: int, sep: int) -> list[dict]:
    cases = []
    for text, pair in [(t, None) for t in TEXTS] + list(PAIRS):
        ids, types = encode_pair(ids_of, unicodedata.normalize("NFC", text), pair and unicodedata.normalize("NFC", pair), MAX_LEN, cls, sep)
        with torch.no_grad():
            t = torch.tensor([ids])
            logits = model(t, torch.ones_like(t), torch.tensor([types]))[0].tolist()
        cases.append({"text": text, **({"textPair": pair} if pair else {}), "input_ids": ids, "token_type_ids": types, "logits": logits})
    return cases


def write_wordpiece_family(name: str, model_cls, vocab: list[str], optimum: bool) -> None:
    torch.manual_seed(SEED)
    cfg = BertConfig(vocab_size=len(vocab), embedding_size=24 if model_cls is ElectraForSequenceClassification else 32)
    model = model_cls(cfg).eval()
    wp = WordPiece(vocab)
    cls, sep = vocab.index("[CLS]"), vocab.index("[SEP]")
    with torch.no_grad():
        pooled = [model.pooled(t, torch.ones_like(t), torch.zeros_like(t))[0] for t in (torch.tensor([encode_pair(wp.ids, s, None, MAX_LEN, cls, sep)[0]]) for s in SAMPLE)]
    spread_head(model.classifier if model.family == "bert" else model.classifier.out_proj, torch.stack(pooled))
    out = FIXTURES / name
    (out / "onnx").mkdir(parents=True, exist_ok=True)
    (out / "config.json").write_text(json.dumps(cfg.to_hf(model.family), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    (out / "tokenizer.json").write_text(json.dumps(wordpiece_tokenizer_json(vocab), ensure_ascii=False), encoding="utf-8")
    tok_config = {"tokenizer_class": "ElectraTokenizer" if model.family == "electra" else "BertTokenizer", "do_lower_case": False,
                  "model_max_length": MAX_LEN, "unk_token": "[UNK]", "sep_token": "[SEP]", "pad_token": "[PAD]", "cls_token": "[CLS]", "mask_token": "[MASK]"}
    (out / "tokenizer_config.json").write_text(json.dumps(tok_config, indent=2) + "\n", encoding="utf-8")
    export_onnx(model, out / "onnx" / "model.onnx")
    golden = {"max_length": MAX_LEN, "cases": golden_cases(model, wp.ids, cls, sep)}
    (out / "golden.json").write_text(json.dumps(golden, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    cli = ["node", str(REPO / "packages" / "cli" / "bin" / "ko-classify.js")]
    if optimum:
        # Optimum's names: model_quantized.onnx for int8, and no manifest.json.
        subprocess.run(cli + ["quantize", str(out / "onnx" / "model.onnx"), "--int8", "-o", str(out / "onnx" / "model_quantized.onnx")], check=True, stdout=subprocess.DEVNULL)
    else:
        subprocess.run(cli + ["quantize", str(out / "onnx" / "model.onnx"), "--int8"], check=True, stdout=subprocess.DEVNULL)
        subprocess.run(cli + ["manifest", str(out)], check=True, stdout=subprocess.DEVNULL)
    print(f"{name}: {len(vocab)} pieces, labels {[max(range(3), key=lambda i: c['logits'][i]) for c in golden['cases']]}")


def write_big_unigram(pieces_total: int = 250_000) -> None:
    """The 16K SentencePiece model plus synthetic pieces (rare syllable runs, scores far below any real
    piece) up to `pieces_total`, saved as a SentencePiece model for the reference ids."""
    proto = sp_pb2.ModelProto()
    proto.ParseFromString((ENCODER / "spm.model").read_bytes())
    seen = {p.piece for p in proto.pieces}
    lowest = min(p.score for p in proto.pieces if p.type == 1)
    k = 0
    while len(proto.pieces) < pieces_total:
        # Two or three syllables counted up from 가: regular, so git stores the file compactly.
        a, b = divmod(k, 11172)
        piece = ("▁" if k % 2 else "") + chr(0xAC00 + b) + chr(0xAC00 + (a * 7919) % 11172) + (chr(0xAC00 + a) if k % 3 == 0 else "")
        k += 1
        if piece in seen:
            continue
        seen.add(piece)
        p = proto.pieces.add()
        p.piece, p.score, p.type = piece, lowest - 1 - (k % 1000) / 100, 1
    out = FIXTURES / "tiny-mdeberta"
    (out / "onnx").mkdir(parents=True, exist_ok=True)
    model_path = Path("/tmp/tiny-mdeberta-spm.model")
    model_path.write_bytes(proto.SerializeToString())
    spm_to_hf(model_path, out, model_max_length=MAX_LEN)
    sp = spm.SentencePieceProcessor(model_file=str(model_path))
    torch.manual_seed(SEED)
    cfg = DebertaV2Config(vocab_size=pieces_total, hidden_size=32, num_hidden_layers=2, num_attention_heads=2, intermediate_size=64,
                          max_relative_positions=32, position_buckets=8, pooler_hidden_size=32, num_labels=3, initializer_range=0.2,
                          id2label={"0": "negative", "1": "neutral", "2": "positive"})
    model = DebertaV2ForSequenceClassification(cfg).eval()
    with torch.no_grad():
        emb = model.deberta.embeddings.word_embeddings.weight
        base = emb[:61].clone()
        emb.copy_(base[torch.arange(pieces_total) * 7 % 61])
        pooled = [model.pooler(model.deberta(t, torch.ones_like(t)))[0] for t in (torch.tensor([[1] + sp.encode(s)[: MAX_LEN - 2] + [2]]) for s in SAMPLE)]
    spread_head(model.classifier, torch.stack(pooled))
    (out / "config.json").write_text(json.dumps(cfg.to_hf(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    export_onnx(model, out / "onnx" / "model.onnx")
    use_sliced_relative_attention(model, False)
    cases = golden_cases(model, lambda t: sp.encode(t), 1, 2)
    (out / "golden.json").write_text(json.dumps({"max_length": MAX_LEN, "cases": cases}, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    subprocess.run(["node", str(REPO / "packages" / "cli" / "bin" / "ko-classify.js"), "manifest", str(out)], check=True, stdout=subprocess.DEVNULL)
    print(f"tiny-mdeberta: {pieces_total} pieces")


if __name__ == "__main__":
    texts, _ = nsmc("train")
    vocab = wordpiece_vocab(texts[:20000])
    write_wordpiece_family("tiny-bert", BertForSequenceClassification, vocab, optimum=False)
    write_wordpiece_family("tiny-electra", ElectraForSequenceClassification, vocab, optimum=True)
    write_big_unigram()
