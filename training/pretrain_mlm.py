"""Masked-LM pretraining of the DeBERTa-v2 encoder on the unlabelled reviews and comments.

    # on a GPU (the shipped encoder: training/README.md has the whole sequence)
    python3 training/pretrain_mlm.py --name S --size base --minutes 10.5 --lr 4e-4 --init S0
    # a 2-core CPU smoke run
    python3 training/pretrain_mlm.py --name mlm-smoke --limit 5000 --steps 20 --batch-size 32

Rows: `corpus_lines(seed=7)` (every review of nsmc/reviews.tsv.gz, the unlabelled Korean HateSpeech
comments and its train comments, shuffled). Masking as BERT: 15% of non-special tokens, 80% [MASK],
10% random, 10% unchanged; loss on masked positions only. Checkpoints go to $KO_TRAIN_WORK/<name>/:
`mlm.pt` (encoder + MLM head, the layout of shared/pretrained/encoder-mlm.pt) and `latest.pt` (with
optimizer state, every --save-every steps, for --resume). Fine-tune from it with
`train_classifier.py --init $KO_TRAIN_WORK/<name>/mlm.pt`.
"""
from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path

import torch
from torch.nn import functional as F

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ko_train.deberta import DebertaV2ForMaskedLM  # noqa: E402
from ko_train.loop import (Budget, Feed, Schedule, add_common_args, autocast, encode, load_checkpoint,  # noqa: E402
                           model_config, pick_device, save_checkpoint)
from ko_train.paths import WORK  # noqa: E402
from ko_train.tokenizer import CLS, MASK, PAD, SEP, comment_lines, corpus_lines, load_spm  # noqa: E402

FIRST_NORMAL = 5  # ids 0-4 are [PAD] [CLS] [SEP] [UNK] [MASK]


def mask_batch(x: torch.Tensor, vocab: int, gen: torch.Generator) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Returns (inputs, flat positions of masked tokens, their original ids)."""
    special = (x == PAD) | (x == CLS) | (x == SEP)
    chosen = (torch.rand(x.shape, generator=gen, device=x.device) < 0.15) & ~special
    roll = torch.rand(x.shape, generator=gen, device=x.device)
    inputs = x.clone()
    inputs[chosen & (roll < 0.8)] = MASK
    swap = chosen & (roll >= 0.8) & (roll < 0.9)
    inputs[swap] = torch.randint(FIRST_NORMAL, vocab, x.shape, generator=gen, device=x.device)[swap]
    positions = chosen.reshape(-1).nonzero().squeeze(1)
    return inputs, positions, x.reshape(-1)[positions]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--name", default="mlm", help="run folder under $KO_TRAIN_WORK")
    ap.add_argument("--init", help="an MLM checkpoint to continue from (weights only; a new schedule)")
    ap.add_argument("--save-every", type=int, default=1000)
    ap.add_argument("--corpus", choices=["all", "comments"], default="all",
                    help="all: reviews and comments (the shipped encoder); comments: comments only (comment_lines)")
    add_common_args(ap, batch_size=512, lr=4e-4)
    ap.set_defaults(seed=7)
    args = ap.parse_args()
    if not args.steps and not args.minutes:
        ap.error("give --steps N or --minutes M")

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    device = pick_device(args.device)
    out = WORK / args.name
    out.mkdir(parents=True, exist_ok=True)
    sp = load_spm()
    lines = (comment_lines if args.corpus == "comments" else corpus_lines)(args.limit or None, seed=args.seed)
    arr, lens = encode(sp, lines)
    keep = lens > 2  # a line that tokenizes to nothing has nothing to mask
    arr, lens = arr[keep], lens[keep]
    print(f"{len(lens)} sequences, device {device}", flush=True)

    init = None
    if args.init:
        init = load_checkpoint(Path(args.init) if Path(args.init).is_file() else WORK / args.init / "mlm.pt")
    cfg = model_config(args.size, sp.get_piece_size(), init and init["config"])
    model = DebertaV2ForMaskedLM(cfg)
    if init:
        model.load_state_dict(init["model"])
        print(f"init from {args.init} (step {init.get('step')})", flush=True)
    model.to(device).train()
    params = list(model.parameters())
    sched = Schedule(params, args, device)
    budget = Budget(args.minutes, sched, overhead=1.03)
    feed = Feed(arr, lens, args.batch_size, args.seed, device)
    gen = torch.Generator(device=device).manual_seed(args.seed)
    if args.resume and (out / "latest.pt").exists():
        ck = torch.load(out / "latest.pt", map_location="cpu", weights_only=False)
        model.load_state_dict(ck["model"]); sched.load_state(ck["schedule"]); feed.load_state(ck["feed"])
        gen.set_state(ck["gen"])
        budget.fitted = True
        print(f"resumed at step {sched.step} of {sched.steps}", flush=True)

    def save() -> None:
        save_checkpoint(out / "mlm.pt", model, cfg, sched.step, loss=round(avg, 4), epoch=round(feed.epoch, 3))
        torch.save({"model": model.state_dict(), "schedule": sched.state(), "feed": feed.state(),
                    "gen": gen.get_state()}, out / "latest.pt")
        with open(out / "log.jsonl", "a") as f:
            f.write(json.dumps({"step": sched.step, "loss": round(avg, 4), "epoch": round(feed.epoch, 3),
                                "minutes": round((time.time() - t0) / 60, 2)}) + "\n")

    t0, avg = time.time(), float("nan")
    while not sched.done():
        _, x = feed.next()
        inputs, positions, targets = mask_batch(x, cfg.vocab_size, gen)
        if positions.numel() == 0:
            continue
        with autocast(device):
            logits = model(inputs, (x != PAD).long(), positions)
        loss = F.cross_entropy(logits.float(), targets)
        sched.apply(loss, params)
        budget.tick()
        if sched.step % 100 == 0 or sched.done():
            avg = loss.item() if math.isnan(avg) else 0.9 * avg + 0.1 * loss.item()
            print(f"step {sched.step}/{sched.steps or '?'} loss {avg:.4f} lr {sched.lr():.2e} epoch {feed.epoch:.2f} "
                  f"{sched.step * args.batch_size / (time.time() - t0):.0f} seq/s", flush=True)
        if sched.step % args.save_every == 0:
            save()
    avg = loss.item() if math.isnan(avg) else avg
    save()
    print(f"saved step {sched.step} (epoch {feed.epoch:.2f}, {(time.time() - t0) / 60:.1f} min) to {out / 'mlm.pt'}", flush=True)


if __name__ == "__main__":
    main()
