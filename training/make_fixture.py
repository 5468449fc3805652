"""Builds the tiny test fixture: a randomly initialised DeBERTa-v2 sequence classifier (real
disentangled-attention graph, ~100K params) with a tiny SentencePiece tokenizer, exported to ONNX in
the Hugging Face layout, plus golden token ids (Python sentencepiece) and golden logits (PyTorch).

    /usr/bin/python3 training/make_fixture.py

Deterministic: the same seed gives the same files.
"""
from __future__ import annotations

import json
import subprocess
import sys
import unicodedata
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ko_train.data import nsmc, read_tsv  # noqa: E402
from ko_train.deberta import DebertaV2Config, DebertaV2ForSequenceClassification  # noqa: E402
from ko_train.export import export_onnx, write_config  # noqa: E402
from ko_train.fixture_tools import spread_head  # noqa: E402
from ko_train.paths import FIXTURES, REPO, WORK  # noqa: E402
from ko_train.tokenizer import SpmEncoder, spm_to_hf, train_spm  # noqa: E402

SEED = 1234
MAX_LEN = 32  # small so truncation is exercised by ordinary sentences

SENTENCES = [
    "이 영화 정말 최고예요! 강력 추천합니다",
    "시간 낭비였다... 너무 지루함",
    "배우들 연기는 좋았는데 스토리가 별로",
    "ㅋㅋㅋㅋ 진짜 웃기다 ㅎㅎ",
    "Hello, 한국어 mixed 123 텍스트 😀",
    "",
    "   앞뒤   공백    많은   문장   ",
    "漢字와 한글이 섞인 文章",
    "아주 긴 문장입니다 " * 12,
    "ㄱㄴㄷ ㅏㅑㅓ",
    "탭\t과\n줄바꿈",
]


@torch.no_grad()
def spread_labels(model: DebertaV2ForSequenceClassification, enc: SpmEncoder, texts: list[str]) -> None:
    """Labels over all three classes (see fixture_tools.spread_head), from real sentences' pooled vectors."""
    pooled = []
    for t in texts:
        x = torch.tensor([enc.encode(unicodedata.normalize("NFC", t), MAX_LEN)])
        pooled.append(model.pooler(model.deberta(x, torch.ones_like(x)))[0])
    spread_head(model.classifier, torch.stack(pooled))


def main() -> None:
    torch.manual_seed(SEED)
    out = FIXTURES / "tiny-deberta"
    texts, _ = nsmc("train")
    spm_model = train_spm(WORK / "fixture-spm", 2000, texts[:20000], seed=SEED, character_coverage=0.99)
    spm_to_hf(spm_model, out, model_max_length=MAX_LEN)

    cfg = DebertaV2Config(
        vocab_size=2000, hidden_size=32, num_hidden_layers=2, num_attention_heads=2, intermediate_size=64,
        max_position_embeddings=64, type_vocab_size=2, max_relative_positions=32, position_buckets=8,
        pooler_hidden_size=32, num_labels=3, initializer_range=0.2, id2label={"0": "negative", "1": "neutral", "2": "positive"},
    )
    model = DebertaV2ForSequenceClassification(cfg).eval()
    enc = SpmEncoder(spm_model)
    spread_labels(model, enc, [r["document"] for r in read_tsv(FIXTURES / "nsmc-dev-sample.tsv")][:400])
    write_config(model, out)
    export_onnx(model, out / "onnx" / "model.onnx")

    cases = [{"text": s} for s in SENTENCES]
    cases += [{"text": unicodedata.normalize("NFD", SENTENCES[0]), "nfd_of": 0}]
    cases += [{"text": "영화가 재미있나요?", "textPair": "네 정말 재미있어요"},
              {"text": "긴 질문 " * 20, "textPair": "짧은 답"}]
    golden = []
    for case in cases:
        ids = enc.encode(unicodedata.normalize("NFC", case["text"]), MAX_LEN, case.get("textPair"))
        types = [0] * len(ids)
        if "textPair" in case:
            first_sep = ids.index(2)
            types = [0] * (first_sep + 1) + [1] * (len(ids) - first_sep - 1)
        with torch.no_grad():
            t = torch.tensor([ids])
            logits = model(t, torch.ones_like(t), torch.tensor([types]))[0].tolist()
        golden.append({**case, "input_ids": ids, "token_type_ids": types, "logits": logits})
    # A padded batch through PyTorch too, so the JS engine's padding is checked against the reference.
    batch_ids = [g["input_ids"] for g in golden[:4]]
    width = max(map(len, batch_ids))
    ids_t = torch.tensor([b + [0] * (width - len(b)) for b in batch_ids])
    with torch.no_grad():
        batch_logits = model(ids_t, (ids_t != 0).long(), torch.zeros_like(ids_t)).tolist()
    # longText: 'window': the whole text's Python ids cut into windows by the documented rule (room =
    # max length - 2, stride 3/4 of it), each window's PyTorch logits: the engine's average must match.
    long_text = "정말 재미있는 영화였다 " * 30 + "최악이다 " * 30
    pieces = enc.sp.encode(unicodedata.normalize("NFC", long_text))
    room = MAX_LEN - 2
    stride = room * 3 // 4
    windows = []
    for start in range(0, len(pieces), stride):
        windows.append([1] + pieces[start:start + room] + [2])
        if start + room >= len(pieces):
            break
    with torch.no_grad():
        window_logits = [model(torch.tensor([w]), torch.ones(1, len(w), dtype=torch.long), torch.zeros(1, len(w), dtype=torch.long))[0].tolist() for w in windows]
    (out / "golden.json").write_text(json.dumps(
        {"max_length": MAX_LEN, "cases": golden, "padded_batch": {"indices": [0, 1, 2, 3], "logits": batch_logits},
         "window_case": {"text": long_text, "windows": windows, "logits": window_logits}},
        ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    cli = ["node", str(REPO / "packages" / "cli" / "bin" / "ko-classify.js")]
    for mode in ("--int8", "--int4"):
        subprocess.run(cli + ["quantize", str(out / "onnx" / "model.onnx"), mode], check=True, stdout=subprocess.DEVNULL)
    subprocess.run(cli + ["manifest", str(out)], check=True, stdout=subprocess.DEVNULL)
    labels = [max(range(3), key=lambda i: g["logits"][i]) for g in golden]
    print(f"fixture written to {out}; golden labels per class {[labels.count(c) for c in range(3)]}")


if __name__ == "__main__":
    main()
