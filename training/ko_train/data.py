"""Readers for the shared datasets (TSV with a header row)."""
from __future__ import annotations

import csv
import gzip
from pathlib import Path

from .paths import DATA


def read_tsv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


def nsmc(split: str) -> tuple[list[str], list[int]]:
    rows = read_tsv(DATA / "nsmc" / f"{split}.tsv")
    return [r["document"] or "" for r in rows], [int(r["label"]) for r in rows]


def nsmc_rated_reviews(exclude: set[str]) -> tuple[list[str], list[int]]:
    """Extra sentiment supervision from the 1-10 ratings: 1-4 → 0, 9-10 → 1 (neutral 5-8 dropped)."""
    texts: list[str] = []
    labels: list[int] = []
    with gzip.open(DATA / "nsmc" / "reviews.tsv.gz", "rt", encoding="utf-8") as f:
        next(f)
        for row in f:
            parts = row.rstrip("\n").split("\t")
            if len(parts) != 4 or not parts[3].strip() or parts[3] in exclude:
                continue
            rating = int(parts[2])
            if rating <= 4:
                texts.append(parts[3]); labels.append(0)
            elif rating >= 9:
                texts.append(parts[3]); labels.append(1)
    return texts, labels


HATE_LABELS = ["none", "offensive", "hate"]


def hate_speech() -> tuple[list[str], list[int]]:
    rows = read_tsv(DATA / "korean-hate-speech" / "train.tsv")
    return [r["comments"] for r in rows], [HATE_LABELS.index(r["hate"]) for r in rows]
