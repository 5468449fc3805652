"""Trains a DeBERTa-v2 classifier from scratch and exports it to public/models/<name>/.

    /usr/bin/python3 training/train_classifier.py --task sentiment --steps 12000
    /usr/bin/python3 training/train_classifier.py --task hate-speech --steps 3000 --init sentiment

sentiment: every review of nsmc/reviews.tsv.gz (which holds the train.tsv rows) with its 1-10 rating:
cross-entropy on the binary label where the rating is 1-4 (negative) or 9-10 (positive), class-weighted
to a balanced prior, plus an auxiliary rating-regression loss on all rows (5-8 included). Model
selection on nsmc/dev.tsv only.
hate-speech: korean-hate-speech/train.tsv, 10% held out (stratified, seeded) for selection and the card.

Checkpoints (best and latest) go to training/.work/<task>/; `--resume` continues from the latest.
"""
from __future__ import annotations

import argparse
import gzip
import json
import math
import random
import sys
import time
from pathlib import Path

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ko_train.data import HATE_LABELS, hate_speech, nsmc  # noqa: E402
from ko_train.deberta import DebertaV2Config, DebertaV2ForSequenceClassification  # noqa: E402
from ko_train.paths import DATA, WORK  # noqa: E402
from ko_train.tokenizer import SpmEncoder  # noqa: E402

MAX_LEN = 128
SIZES = {
    "small": dict(hidden_size=192, num_hidden_layers=3, num_attention_heads=3, intermediate_size=768),
    "base": dict(hidden_size=256, num_hidden_layers=4, num_attention_heads=4, intermediate_size=1024),
}


def load_sentiment(enc: SpmEncoder):
    texts, ratings = [], []
    with gzip.open(DATA / "nsmc" / "reviews.tsv.gz", "rt", encoding="utf-8") as f:
        next(f)
        for row in f:
            parts = row.rstrip("\n").split("\t")
            if len(parts) == 4 and parts[3].strip():
                texts.append(parts[3]); ratings.append(int(parts[2]))
    labels = [0 if r <= 4 else 1 if r >= 9 else -1 for r in ratings]
    reg = [(r - 5.5) / 4.5 for r in ratings]
    dev_texts, dev_labels = nsmc("dev")
    return (encode_all(enc, texts), labels, reg), (encode_all(enc, dev_texts), dev_labels)


def load_hate(enc: SpmEncoder, seed: int):
    texts, labels = hate_speech()
    rng = random.Random(seed)
    by_label: dict[int, list[int]] = {}
    for i, y in enumerate(labels):
        by_label.setdefault(y, []).append(i)
    held = set()
    for idx in by_label.values():
        rng.shuffle(idx)
        held.update(idx[: round(len(idx) * 0.1)])
    tr = [i for i in range(len(texts)) if i not in held]
    ho = sorted(held)
    # The held-out part as a TSV, so `ko-classify eval` scores the exported model on the same rows.
    with open(WORK / "hate-speech-holdout.tsv", "w", encoding="utf-8") as f:
        f.write("comments\thate\n")
        for i in ho:
            f.write(f"{texts[i]}\t{HATE_LABELS[labels[i]]}\n")
    ids = encode_all(enc, texts)
    return ([ids[i] for i in tr], [labels[i] for i in tr], None), ([ids[i] for i in ho], [labels[i] for i in ho])


def encode_all(enc: SpmEncoder, texts: list[str]) -> list[list[int]]:
    import unicodedata
    pieces = enc.sp.encode([unicodedata.normalize("NFC", t) for t in texts])
    return [[1] + p[: MAX_LEN - 2] + [2] for p in pieces]


def batches(ids: list[list[int]], batch_size: int, rng: random.Random) -> list[list[int]]:
    """Length-bucketed: shuffle, sort within chunks of 50 batches, cut, shuffle batch order."""
    order = list(range(len(ids)))
    rng.shuffle(order)
    chunk = batch_size * 50
    out = []
    for s in range(0, len(order), chunk):
        part = sorted(order[s:s + chunk], key=lambda i: len(ids[i]))
        out.extend(part[j:j + batch_size] for j in range(0, len(part), batch_size))
    rng.shuffle(out)
    return out


def pad(ids: list[list[int]], rows: list[int]):
    width = max(len(ids[i]) for i in rows)
    x = torch.zeros(len(rows), width, dtype=torch.long)
    for r, i in enumerate(rows):
        x[r, : len(ids[i])] = torch.tensor(ids[i])
    return x, (x != 0).long()


@torch.no_grad()
def evaluate(model, ids, labels, num_labels: int) -> dict:
    model.eval()
    preds = []
    order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
    out = np.zeros(len(ids), dtype=np.int64)
    for s in range(0, len(order), 256):
        rows = order[s:s + 256]
        x, m = pad(ids, rows)
        out[rows] = model(x, m).argmax(-1).numpy()
    preds = out
    y = np.array(labels)
    acc = float((preds == y).mean())
    f1s = []
    for c in range(num_labels):
        tp = ((preds == c) & (y == c)).sum(); fp = ((preds == c) & (y != c)).sum(); fn = ((preds != c) & (y == c)).sum()
        f1s.append(0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn))
    model.train()
    return {"accuracy": acc, "macro_f1": float(np.mean(f1s))}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--task", choices=["sentiment", "hate-speech"], required=True)
    ap.add_argument("--size", choices=list(SIZES), default="small")
    ap.add_argument("--steps", type=int, default=12000)
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--lr", type=float, default=6e-4)
    ap.add_argument("--warmup", type=int, default=800)
    ap.add_argument("--eval-every", type=int, default=1000)
    ap.add_argument("--aux-weight", type=float, default=0.5)
    ap.add_argument("--init", help="task whose best checkpoint initialises the encoder (transfer)")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--resume", action="store_true")
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)
    work = WORK / args.task
    work.mkdir(parents=True, exist_ok=True)
    enc = SpmEncoder(WORK / "tokenizer" / "spm.model")

    if args.task == "sentiment":
        (tr_ids, tr_y, tr_reg), (dev_ids, dev_y) = load_sentiment(enc)
        id2label = {"0": "negative", "1": "positive"}
    else:
        (tr_ids, tr_y, tr_reg), (dev_ids, dev_y) = load_hate(enc, args.seed)
        id2label = {str(i): l for i, l in enumerate(HATE_LABELS)}
    n_labels = len(id2label)
    counts = np.bincount([y for y in tr_y if y >= 0], minlength=n_labels)
    class_w = torch.tensor(counts.sum() / (n_labels * counts), dtype=torch.float)
    print(f"train rows {len(tr_ids)} label counts {counts.tolist()} weights {class_w.tolist()}", flush=True)

    cfg = DebertaV2Config(vocab_size=enc.sp.get_piece_size(), **SIZES[args.size],
                          pooler_hidden_size=SIZES[args.size]["hidden_size"], num_labels=n_labels,
                          id2label=id2label)
    model = DebertaV2ForSequenceClassification(cfg)
    aux = nn.Linear(cfg.pooler_hidden_size, 1)
    if args.init:
        src = torch.load(WORK / args.init / "best.pt")["model"]
        keep = {k: v for k, v in src.items() if not k.startswith("classifier.")}
        print("init from", args.init, model.load_state_dict(keep, strict=False), flush=True)
    params = list(model.parameters()) + list(aux.parameters())
    decay = [p for p in params if p.dim() > 1]
    no_decay = [p for p in params if p.dim() <= 1]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.01}, {"params": no_decay, "weight_decay": 0.0}],
                            lr=args.lr, betas=(0.9, 0.98), eps=1e-6)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / args.warmup) * max(0.0, 0.5 * (1 + math.cos(math.pi * min(1.0, s / args.steps)))))
    step, best, history = 0, {"accuracy": -1.0, "macro_f1": -1.0}, []
    if args.resume and (work / "latest.pt").exists():
        ck = torch.load(work / "latest.pt")
        model.load_state_dict(ck["model"]); aux.load_state_dict(ck["aux"])
        opt.load_state_dict(ck["opt"]); sched.load_state_dict(ck["sched"])
        step, best, history = ck["step"], ck["best"], ck["history"]
        rng.setstate(ck["rng"]); torch.set_rng_state(ck["torch_rng"])
        print(f"resumed at step {step}", flush=True)
    metric = "accuracy" if args.task == "sentiment" else "macro_f1"

    y_all = torch.tensor(tr_y)
    reg_all = torch.tensor(tr_reg, dtype=torch.float) if tr_reg is not None else None
    model.train()
    t0, seen = time.time(), 0
    plan: list[list[int]] = []
    while step < args.steps:
        if not plan:
            plan = batches(tr_ids, args.batch_size, rng)
        rows = plan.pop()
        x, m = pad(tr_ids, rows)
        h = model.pooler(model.deberta(x, m))
        logits = model.classifier(model.dropout(h))
        y = y_all[rows]
        loss = F.cross_entropy(logits, y.clamp(min=0), weight=class_w, reduction="none")
        loss = (loss * (y >= 0)).sum() / (class_w[y.clamp(min=0)] * (y >= 0)).sum().clamp(min=1e-6)
        if reg_all is not None and args.aux_weight > 0:
            loss = loss + args.aux_weight * F.mse_loss(aux(h).squeeze(-1), reg_all[rows])
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step(); sched.step()
        step += 1; seen += len(rows)
        if step % 100 == 0:
            print(f"step {step} loss {loss.item():.4f} lr {sched.get_last_lr()[0]:.2e} "
                  f"{seen / (time.time() - t0):.0f} seq/s", flush=True)
        if step % args.eval_every == 0 or step == args.steps:
            scores = evaluate(model, dev_ids, dev_y, n_labels)
            history.append({"step": step, **scores})
            print(f"eval step {step} {scores}", flush=True)
            if scores[metric] > best[metric]:
                best = {**scores, "step": step}
                torch.save({"model": model.state_dict(), "config": cfg.to_hf(), "scores": scores, "step": step},
                           work / "best.pt")
            torch.save({"model": model.state_dict(), "aux": aux.state_dict(), "opt": opt.state_dict(),
                        "sched": sched.state_dict(), "step": step, "best": best, "history": history,
                        "rng": rng.getstate(), "torch_rng": torch.get_rng_state()}, work / "latest.pt")
    (work / "summary.json").write_text(json.dumps({"best": best, "history": history, "args": vars(args)}, indent=2))
    print("best", best, flush=True)


if __name__ == "__main__":
    main()
