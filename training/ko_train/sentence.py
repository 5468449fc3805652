"""The sentence encoder: the DeBERTa-v2 encoder with masked mean pooling and L2 normalisation, its
training data (KorSTS, KorNLI, Korean HateSpeech labels, unlabelled comments and reviews) and its
ONNX export (`sentence_embedding`: one unit-length row per text).

Never reads NSMC labels or ratings, nor K-MHaS labels: those two score the few-shot table, so the
encoder must not have seen them.
"""
from __future__ import annotations

import gzip
import random
from pathlib import Path

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from .data import HATE_LABELS, hate_speech_split, kmhas_split, read_tsv
from .deberta import DebertaV2Config, DebertaV2Model
from .paths import DATA

BIAS_LABELS = ["none", "gender", "others"]


class SentenceEncoder(nn.Module):
    """`deberta.*` weights with HF names (so an MLM or classifier checkpoint loads into it)."""

    def __init__(self, c: DebertaV2Config):
        super().__init__()
        self.config = c
        self.deberta = DebertaV2Model(c)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        hidden = self.deberta(input_ids, attention_mask)
        m = attention_mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * m).sum(1) / m.sum(1).clamp(min=1.0)
        return F.normalize(pooled, dim=-1)


def korsts(split: str) -> tuple[list[str], list[str], np.ndarray]:
    rows = read_tsv(DATA / "korsts" / f"{split}.tsv")
    return [r["sentence1"] for r in rows], [r["sentence2"] for r in rows], np.array([float(r["score"]) for r in rows], dtype=np.float32)


def kornli_triples() -> list[tuple[str, str, str | None]]:
    """(premise, entailed, contradicting or None) from both XNLI-ko files (no train split exists here)."""
    by_premise: dict[str, dict[str, list[str]]] = {}
    for f in ("xnli.dev.ko.tsv", "xnli.test.ko.tsv"):
        for r in read_tsv(DATA / "kornli" / f):
            by_premise.setdefault(r["sentence1"], {}).setdefault(r["gold_label"], []).append(r["sentence2"])
    out = []
    for p, g in by_premise.items():
        for e in g.get("entailment", []):
            c = g.get("contradiction", [])
            out.append((p, e, c[0] if c else None))
    return out


def hate_rows() -> tuple[list[str], np.ndarray, np.ndarray]:
    """Korean HateSpeech, the 90% train part only (the 10% held out stays unseen): texts, hate and bias ids."""
    rows = read_tsv(DATA / "korean-hate-speech" / "train.tsv")
    texts, labels, train, _ = hate_speech_split()
    hate = np.array([labels[i] for i in train], dtype=np.int64)
    bias = np.array([BIAS_LABELS.index(rows[i]["bias"]) for i in train], dtype=np.int64)
    return [texts[i] for i in train], hate, bias


def unlabelled_lines(seed: int = 11, limit: int = 200_000) -> list[str]:
    """Text only: Korean HateSpeech's unlabelled comments, K-MHaS train-part documents and NSMC review
    text (reviews.tsv.gz and train.tsv documents, never their labels or ratings; dev.tsv text excluded)."""
    with gzip.open(DATA / "korean-hate-speech" / "unlabeled_comments.txt.gz", "rt", encoding="utf-8") as f:
        lines = [ln.strip() for ln in f if ln.strip()]
    texts, _, km_train, _ = kmhas_split()
    lines.extend(texts[i] for i in km_train)
    dev = {r["document"] for r in read_tsv(DATA / "nsmc" / "dev.tsv")}
    reviews = [r["document"] for r in read_tsv(DATA / "nsmc" / "train.tsv")]
    with gzip.open(DATA / "nsmc" / "reviews.tsv.gz", "rt", encoding="utf-8") as f:
        head = f.readline().rstrip("\n").split("\t")
        col = head.index("document") if "document" in head else 0
        reviews.extend(ln.rstrip("\n").split("\t")[col] for ln in f)
    rng = random.Random(seed)
    rng.shuffle(reviews)
    lines.extend(r for r in reviews[: limit] if r.strip() and r not in dev)
    lines = [ln for ln in lines if len(ln) >= 4]
    rng.shuffle(lines)
    return lines[:limit]


class _ExportWrapper(nn.Module):
    def __init__(self, model: SentenceEncoder):
        super().__init__()
        self.model = model

    def forward(self, input_ids, attention_mask):
        return self.model(input_ids, attention_mask)


def export_sentence_onnx(model: SentenceEncoder, out_file: Path, opset: int = 17) -> None:
    """Dynamic batch and sequence axes; int64 inputs; output `sentence_embedding` [batch, hidden]."""
    import onnx
    ids = torch.tensor([[1, 10, 11, 12, 2], [1, 13, 2, 0, 0]], dtype=torch.long)
    mask = (ids != 0).long()
    out_file.parent.mkdir(parents=True, exist_ok=True)
    axes = {"input_ids": {0: "batch_size", 1: "sequence_length"}, "attention_mask": {0: "batch_size", 1: "sequence_length"},
            "sentence_embedding": {0: "batch_size"}}
    with torch.no_grad():
        torch.onnx.export(_ExportWrapper(model).eval(), (ids, mask), str(out_file), input_names=["input_ids", "attention_mask"],
                          output_names=["sentence_embedding"], dynamic_axes=axes, opset_version=opset, do_constant_folding=True)
    onnx.checker.check_model(onnx.load(str(out_file)), full_check=True)
