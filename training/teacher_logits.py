"""Writes a teacher classifier's logits for every row `train_classifier.py --distill` trains on.

    python3 training/teacher_logits.py --checkpoint $KO_TRAIN_WORK/T-ft/best.pt --out $KO_TRAIN_WORK/teacher-logits.npy

Rows: `corpus_lines(seed=7)` in order (with `--limit N`, its first N), as float16 `(rows, labels)`:
the layout of shared/pretrained/teacher-logits.npy. Also prints the teacher's NSMC dev scores.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ko_train.data import nsmc  # noqa: E402
from ko_train.deberta import DebertaV2Config, DebertaV2ForSequenceClassification  # noqa: E402
from ko_train.loop import encode, load_checkpoint, pick_device  # noqa: E402
from ko_train.tokenizer import corpus_lines, load_spm  # noqa: E402
from ko_train.metrics import scores  # noqa: E402
from ko_train.tasks import DISTILL_SEED  # noqa: E402
from train_classifier import predict  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--checkpoint", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--device", choices=["auto", "cpu", "cuda"], default="auto")
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    device = pick_device(args.device)
    ck = load_checkpoint(Path(args.checkpoint))
    model = DebertaV2ForSequenceClassification(DebertaV2Config.from_hf(ck["config"]))
    model.load_state_dict(ck["model"])
    model.to(device)
    sp = load_spm()
    t0 = time.time()
    logits = predict(model, encode(sp, corpus_lines(args.limit or None, seed=DISTILL_SEED)), device)
    np.save(args.out, logits.astype(np.float16))
    dev_t, dev_y = nsmc("dev")
    if args.limit:
        dev_t, dev_y = dev_t[: args.limit], dev_y[: args.limit]
    dev = scores(predict(model, encode(sp, dev_t), device), np.array(dev_y), multi_label=False)
    print(f"wrote {args.out} {logits.shape} in {time.time() - t0:.0f} s; teacher dev {dev}", flush=True)


if __name__ == "__main__":
    main()
