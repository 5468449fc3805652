"""What each classifier task trains on: rows (token matrices), labels, dev split, selection metric."""
from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .data import HATE_LABELS, KMHAS_KOREAN, KMHAS_LABELS, hate_speech_split, kmhas_split, nsmc, rated_reviews, sentiment_label, split_holdout
from .loop import encode
from .tokenizer import corpus_lines

DISTILL_SEED = 7  # the corpus order of shared/pretrained/teacher-logits.npy and teacher_logits.py

# Label display names per locale of each built-in task, written to config.json (`label_display_names`);
# export_model.py also fills them in for checkpoints saved without them (shared/pretrained/).
DISPLAY_NAMES: dict[str, dict[str, dict[str, str]]] = {
    "sentiment": {"ko": {"negative": "부정", "positive": "긍정"}},
    "hate-speech": {"ko": {"none": "없음", "offensive": "공격적", "hate": "혐오"}},
    "k-mhas": {"ko": dict(zip(KMHAS_LABELS, KMHAS_KOREAN))},
}


@dataclass
class TaskData:
    id2label: dict[str, str]
    train: tuple[np.ndarray, np.ndarray]
    train_y: np.ndarray  # label index per row, -1 = no label
    dev: tuple[np.ndarray, np.ndarray]
    dev_y: np.ndarray
    metric: str
    reg: np.ndarray | None = None  # auxiliary regression target per row
    soft: np.ndarray | None = None  # teacher logits per row
    # Multi-label: train_y / dev_y are 0/1 matrices (rows x labels) and the head is trained with sigmoids.
    multi_label: bool = False
    # The dev rows as (text, label) for a TSV that `ko-classify eval` and `card` score the export on.
    dev_rows: list[tuple[str, str]] = field(default_factory=list)
    # Label display names per locale, written to config.json (`label_display_names`).
    display_names: dict[str, dict[str, str]] | None = None


def sentiment_task(sp, args) -> TaskData:
    dev_t, dev_y = nsmc("dev")
    if args.limit:
        dev_t, dev_y = dev_t[: args.limit], dev_y[: args.limit]
    texts, ratings = rated_reviews()
    labels = [sentiment_label(r) for r in ratings]
    common = dict(id2label={"0": "negative", "1": "positive"}, dev=encode(sp, dev_t), dev_y=np.array(dev_y),
                  metric="accuracy", display_names=DISPLAY_NAMES["sentiment"])
    if args.distill:
        lines = corpus_lines(args.limit or None, seed=DISTILL_SEED)
        soft = np.load(args.distill, mmap_mode="r")
        if len(soft) < len(lines):
            raise SystemExit(f"{args.distill} has {len(soft)} rows; corpus_lines(seed={DISTILL_SEED}) has {len(lines)}")
        first: dict[str, int] = {}
        for t, y in zip(texts, labels):
            first.setdefault(t, y)
        y = np.array([first.get(t, -1) for t in lines])
        return TaskData(train=encode(sp, lines), train_y=y, soft=np.asarray(soft[: len(lines)], dtype=np.float32), **common)
    if args.limit:
        texts, ratings, labels = texts[: args.limit], ratings[: args.limit], labels[: args.limit]
    reg = ((np.array(ratings) - 5.5) / 4.5).astype(np.float32)
    return TaskData(train=encode(sp, texts), train_y=np.array(labels), reg=reg, **common)


def hate_speech_task(sp, args) -> TaskData:
    texts, labels, tr, ho = hate_speech_split()
    if args.limit:
        tr, ho = tr[: args.limit], ho[: args.limit]
    arr, lens = encode(sp, texts)
    y = np.array(labels)
    return TaskData(id2label={str(i): name for i, name in enumerate(HATE_LABELS)}, train=(arr[tr], lens[tr]),
                    train_y=y[tr], dev=(arr[ho], lens[ho]), dev_y=y[ho], metric="macro_f1",
                    display_names=DISPLAY_NAMES["hate-speech"])


def read_labelled(path: Path, text_col: str, label_col: str) -> tuple[list[str], list[str]]:
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    if not rows or text_col not in rows[0] or label_col not in rows[0]:
        raise SystemExit(f"{path} needs a header with columns {text_col!r} and {label_col!r} (--text-col, --label-col)")
    keep = [r for r in rows if (r[text_col] or "").strip() and (r[label_col] or "").strip()]
    return [r[text_col] for r in keep], [r[label_col].strip() for r in keep]


def tsv_task(sp, args) -> TaskData:
    """Your own labels: a TSV with a text and a label column. With --label-sep, a row may carry several
    labels (multi-label, one sigmoid each); else one (softmax). No --dev: a stratified 10% of --train."""
    texts, raw = read_labelled(Path(args.train), args.text_col, args.label_col)
    split = (lambda v: [x.strip() for x in v.split(args.label_sep) if x.strip()]) if args.label_sep else (lambda v: [v])
    if args.dev:
        dev_texts, dev_raw = read_labelled(Path(args.dev), args.text_col, args.label_col)
        tr_t, tr_r = texts, raw
    else:
        tr, ho = split_holdout(raw, 42)
        tr_t, tr_r = [texts[i] for i in tr], [raw[i] for i in tr]
        dev_texts, dev_raw = [texts[i] for i in ho], [raw[i] for i in ho]
    if args.limit:
        tr_t, tr_r, dev_texts, dev_raw = tr_t[: args.limit], tr_r[: args.limit], dev_texts[: args.limit], dev_raw[: args.limit]
    names = sorted({lab for v in tr_r for lab in split(v)})
    if len(names) < 2:
        raise SystemExit(f"{args.train}: column {args.label_col!r} has fewer than two labels")
    unknown = sorted({lab for v in dev_raw for lab in split(v)} - set(names))
    if unknown:
        raise SystemExit(f"the dev rows have labels the training rows lack: {unknown}")
    index = {n: i for i, n in enumerate(names)}
    if args.label_sep:
        def matrix(values):
            y = np.zeros((len(values), len(names)), dtype=np.float32)
            for r, v in enumerate(values):
                for lab in split(v):
                    y[r, index[lab]] = 1
            return y
        train_y, dev_y, metric = matrix(tr_r), matrix(dev_raw), "micro_f1"
    else:
        train_y, dev_y, metric = np.array([index[v] for v in tr_r]), np.array([index[v] for v in dev_raw]), "macro_f1"
    return TaskData(id2label={str(i): n for i, n in enumerate(names)}, train=encode(sp, tr_t), train_y=train_y, dev=encode(sp, dev_texts),
                    dev_y=dev_y, metric=metric, multi_label=bool(args.label_sep), dev_rows=list(zip(dev_texts, dev_raw)))


def kmhas_task(sp, args) -> TaskData:
    """K-MHaS: 9 labels, 1-4 per comment (multi-label), 10% held out for selection and thresholds."""
    texts, labels, tr, ho = kmhas_split()
    if args.limit:
        tr, ho = tr[: args.limit], ho[: args.limit]
    arr, lens = encode(sp, texts)
    y = np.zeros((len(texts), len(KMHAS_LABELS)), dtype=np.float32)
    for r, ls in enumerate(labels):
        y[r, ls] = 1
    return TaskData(id2label={str(i): n for i, n in enumerate(KMHAS_LABELS)}, train=(arr[tr], lens[tr]), train_y=y[tr], dev=(arr[ho], lens[ho]),
                    dev_y=y[ho], metric="micro_f1", multi_label=True,
                    dev_rows=[(texts[i], ",".join(KMHAS_LABELS[x] for x in labels[i])) for i in ho],
                    display_names=DISPLAY_NAMES["k-mhas"])


TASKS = {"sentiment": sentiment_task, "hate-speech": hate_speech_task, "tsv": tsv_task, "k-mhas": kmhas_task}


