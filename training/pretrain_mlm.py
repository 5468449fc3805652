"""Masked-LM pretraining of the DeBERTa-v2 encoder on the unlabelled reviews and comments.

    /usr/bin/python3 training/pretrain_mlm.py --steps 200000 --minutes 150 [--resume]

The next step toward issue 4's accuracy target: the from-scratch classifier plateaus at ~86.5% on
NSMC dev. Checkpoints go to $KO_TRAIN_WORK/mlm/ (latest.pt every --save-every steps, with optimizer
state for --resume, so a long run can span sessions; set KO_TRAIN_WORK outside the work tree to
keep it). Fine-tune from it with `train_classifier.py --task sentiment --init mlm`.

Masking as BERT: 15% of non-special tokens, 80% [MASK], 10% random, 10% unchanged; loss on
masked positions only; batches bucketed by length.
"""
from __future__ import annotations

import argparse
import json
import math
import random
import sys
import time
import unicodedata
from pathlib import Path

import torch
from torch.nn import functional as F

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ko_train.deberta import DebertaV2Config, DebertaV2ForMaskedLM  # noqa: E402
from ko_train.paths import WORK  # noqa: E402
from ko_train.tokenizer import CLS, MASK, PAD, SEP, SpmEncoder, corpus_lines  # noqa: E402
from train_classifier import MAX_LEN, SIZES, batches  # noqa: E402

FIRST_NORMAL = 5  # ids 0-4 are [PAD] [CLS] [SEP] [UNK] [MASK]


def mask_batch(x: torch.Tensor, vocab: int, gen: torch.Generator) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Returns (inputs, flat positions of masked tokens, their original ids)."""
    special = (x == PAD) | (x == CLS) | (x == SEP)
    chosen = (torch.rand(x.shape, generator=gen) < 0.15) & ~special
    inputs = x.clone()
    roll = torch.rand(x.shape, generator=gen)
    inputs[chosen & (roll < 0.8)] = MASK
    random_ids = torch.randint(FIRST_NORMAL, vocab, x.shape, generator=gen)
    swap = chosen & (roll >= 0.8) & (roll < 0.9)
    inputs[swap] = random_ids[swap]
    positions = chosen.reshape(-1).nonzero().squeeze(1)
    return inputs, positions, x.reshape(-1)[positions]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", choices=list(SIZES), default="small")
    ap.add_argument("--steps", type=int, default=200_000, help="length of the LR schedule")
    ap.add_argument("--minutes", type=float, default=0, help="stop (and save) after this long; 0 = run to --steps")
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--lr", type=float, default=5e-4)
    ap.add_argument("--warmup", type=int, default=2000)
    ap.add_argument("--save-every", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--limit", type=int, default=0, help="use only this many lines (smoke tests)")
    ap.add_argument("--resume", action="store_true")
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)
    gen = torch.Generator().manual_seed(args.seed)
    work = WORK / "mlm"
    work.mkdir(parents=True, exist_ok=True)
    enc = SpmEncoder(WORK / "tokenizer" / "spm.model")
    lines = corpus_lines(args.limit or None, seed=args.seed)
    pieces = enc.sp.encode([unicodedata.normalize("NFC", t) for t in lines])
    ids = [[CLS] + p[: MAX_LEN - 2] + [SEP] for p in pieces if p]
    print(f"{len(ids)} sequences", flush=True)

    size = SIZES[args.size]
    cfg = DebertaV2Config(vocab_size=enc.sp.get_piece_size(), **size, pooler_hidden_size=size["hidden_size"])
    model = DebertaV2ForMaskedLM(cfg)
    params = list(model.parameters())
    opt = torch.optim.AdamW([{"params": [p for p in params if p.dim() > 1], "weight_decay": 0.01},
                             {"params": [p for p in params if p.dim() <= 1], "weight_decay": 0.0}],
                            lr=args.lr, betas=(0.9, 0.98), eps=1e-6)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / args.warmup) * max(0.0, 0.5 * (1 + math.cos(math.pi * min(1.0, s / args.steps)))))
    step = 0
    if args.resume and (work / "latest.pt").exists():
        ck = torch.load(work / "latest.pt")
        model.load_state_dict(ck["model"]); opt.load_state_dict(ck["opt"]); sched.load_state_dict(ck["sched"])
        step = ck["step"]; rng.setstate(ck["rng"]); gen.set_state(ck["gen"])
        print(f"resumed at step {step}", flush=True)

    def save() -> None:
        state = {"model": model.state_dict(), "config": cfg.to_hf(), "step": step}
        torch.save({**state, "opt": opt.state_dict(), "sched": sched.state_dict(), "rng": rng.getstate(),
                    "gen": gen.get_state()}, work / "latest.pt")
        # `train_classifier.py --init mlm` reads best.pt's "model" (encoder weights; the MLM head is ignored).
        torch.save(state, work / "best.pt")
        (work / "progress.json").write_text(json.dumps({"step": step, "loss": round(avg, 4)}))

    model.train()
    t0, seen, avg, plan = time.time(), 0, float("nan"), []
    while step < args.steps:
        if not plan:
            plan = batches(ids, args.batch_size, rng)
        rows = plan.pop()
        width = max(len(ids[i]) for i in rows)
        x = torch.zeros(len(rows), width, dtype=torch.long)
        for r, i in enumerate(rows):
            x[r, : len(ids[i])] = torch.tensor(ids[i])
        inputs, positions, targets = mask_batch(x, cfg.vocab_size, gen)
        if positions.numel() == 0:
            continue
        loss = F.cross_entropy(model(inputs, (x != PAD).long(), positions), targets)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step(); sched.step()
        step += 1; seen += len(rows)
        avg = loss.item() if math.isnan(avg) else 0.98 * avg + 0.02 * loss.item()
        if step % 100 == 0:
            print(f"step {step} loss {avg:.4f} lr {sched.get_last_lr()[0]:.2e} {seen / (time.time() - t0):.0f} seq/s", flush=True)
        if step % args.save_every == 0:
            save()
        if args.minutes and time.time() - t0 > args.minutes * 60:
            break
    save()
    print(f"saved step {step} to {work}", flush=True)


if __name__ == "__main__":
    main()
