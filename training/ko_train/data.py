"""Readers for the shared datasets (TSV with a header row)."""
from __future__ import annotations

import csv
import gzip
import random
from pathlib import Path

from .paths import DATA, WORK


def read_tsv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


def nsmc(split: str) -> tuple[list[str], list[int]]:
    rows = read_tsv(DATA / "nsmc" / f"{split}.tsv")
    return [r["document"] or "" for r in rows], [int(r["label"]) for r in rows]


def rated_reviews() -> tuple[list[str], list[int]]:
    """Every non-empty review of `nsmc/reviews.tsv.gz` with its 1-10 rating, in file order."""
    texts: list[str] = []
    ratings: list[int] = []
    with gzip.open(DATA / "nsmc" / "reviews.tsv.gz", "rt", encoding="utf-8") as f:
        next(f)
        for row in f:
            parts = row.rstrip("\n").split("\t")
            if len(parts) == 4 and parts[3].strip():
                texts.append(parts[3]); ratings.append(int(parts[2]))
    return texts, ratings


def sentiment_label(rating: int) -> int:
    """NSMC's rule: 1-4 negative (0), 9-10 positive (1), 5-8 neutral (-1, no label)."""
    return 0 if rating <= 4 else 1 if rating >= 9 else -1


HATE_LABELS = ["none", "offensive", "hate"]


def hate_speech() -> tuple[list[str], list[int]]:
    rows = read_tsv(DATA / "korean-hate-speech" / "train.tsv")
    return [r["comments"] for r in rows], [HATE_LABELS.index(r["hate"]) for r in rows]


def split_holdout(labels: list, seed: int = 42, fraction: float = 0.1) -> tuple[list[int], list[int]]:
    """Stratified by label: `fraction` of each label's rows (seeded shuffle) held out; (train, held)."""
    rng = random.Random(seed)
    by_label: dict = {}
    for i, y in enumerate(labels):
        by_label.setdefault(y, []).append(i)
    held: set[int] = set()
    for idx in by_label.values():
        rng.shuffle(idx)
        held.update(idx[: round(len(idx) * fraction)])
    return [i for i in range(len(labels)) if i not in held], sorted(held)


def hate_speech_split() -> tuple[list[str], list[int], list[int], list[int]]:
    """Korean HateSpeech train.tsv split 90/10 (stratified, seed 42) as (texts, labels, train, held).
    Also writes the held-out part to $KO_TRAIN_WORK/hate-speech-holdout.tsv for `ko-classify eval`."""
    texts, labels = hate_speech()
    tr, ho = split_holdout(labels, 42)
    WORK.mkdir(parents=True, exist_ok=True)
    with open(WORK / "hate-speech-holdout.tsv", "w", encoding="utf-8") as f:
        f.write("comments\thate\n")
        f.writelines(f"{texts[i]}\t{HATE_LABELS[labels[i]]}\n" for i in ho)
    return texts, labels, tr, ho


# K-MHaS label ids 0-8 (shared/data/README.md), with the dataset's Korean names.
KMHAS_LABELS = ["origin", "physical", "politics", "profanity", "age", "gender", "race", "religion", "not_hate_speech"]
KMHAS_KOREAN = ["출신차별", "외모차별", "정치성향차별", "혐오욕설", "연령차별", "성차별", "인종차별", "종교차별", "해당사항없음"]


def kmhas_split() -> tuple[list[str], list[list[int]], list[int], list[int]]:
    """K-MHaS train.tsv as (texts, label id lists, train rows, validation rows): 10% held out,
    stratified by label set (seed 42). Also writes the validation part, with label names, to
    $KO_TRAIN_WORK/k-mhas-validation.tsv for `ko-classify eval`."""
    rows = read_tsv(DATA / "k-mhas" / "train.tsv")
    texts = [r["document"] for r in rows]
    labels = [sorted({int(x) for x in r["label"].split(",") if x.strip()}) for r in rows]
    tr, ho = split_holdout([",".join(map(str, ls)) for ls in labels], 42)
    WORK.mkdir(parents=True, exist_ok=True)
    with open(WORK / "k-mhas-validation.tsv", "w", encoding="utf-8") as f:
        f.write("document\tlabels\n")
        f.writelines(f"{texts[i]}\t{','.join(KMHAS_LABELS[x] for x in labels[i])}\n" for i in ho)
    return texts, labels, tr, ho
