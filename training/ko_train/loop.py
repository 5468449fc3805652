"""What every training script shares: device choice, bf16 autocast, length-bucketed batches held on
the device, AdamW with warmup + cosine, a wall-clock budget fitted to the measured speed, and
checkpoints in the layout of `shared/pretrained/` ({"model", "config", "step", "scores"}).

The same code runs on a 2-core CPU and on a GPU: on CUDA the token matrix lives in GPU memory (a
batch is one index + slice, no host work per step) and matmuls run under bf16 autocast.
"""
from __future__ import annotations

import argparse
import contextlib
import dataclasses
import inspect
import math
import time
from pathlib import Path

import numpy as np
import torch

from .deberta import DebertaV2Config

MAX_LEN = 128
SIZES = {
    "small": dict(hidden_size=192, num_hidden_layers=3, num_attention_heads=3, intermediate_size=768),
    "base": dict(hidden_size=256, num_hidden_layers=4, num_attention_heads=4, intermediate_size=1024),
    "teacher": dict(hidden_size=512, num_hidden_layers=8, num_attention_heads=8, intermediate_size=2048),
}


def add_common_args(ap: argparse.ArgumentParser, *, batch_size: int, lr: float) -> None:
    ap.add_argument("--device", choices=["auto", "cpu", "cuda"], default="auto",
                    help="auto = cuda when a GPU is visible (bf16 autocast), else cpu")
    ap.add_argument("--size", choices=list(SIZES), help="default: base, or the --init checkpoint's")
    ap.add_argument("--steps", type=int, default=0, help="length of the LR schedule (0 = fit it to --minutes)")
    ap.add_argument("--minutes", type=float, default=0,
                    help="wall-clock budget: the speed of the first steps sets the schedule to end on time")
    ap.add_argument("--batch-size", type=int, default=batch_size)
    ap.add_argument("--lr", type=float, default=lr)
    ap.add_argument("--warmup", type=int, default=0,
                    help="warmup steps (0 = a tenth of the schedule up to 1000 for MLM, a fifteenth for classifiers)")
    ap.add_argument("--lr-floor", type=float, default=0.02, help="the cosine decays to this fraction of --lr")
    ap.add_argument("--limit", type=int, default=0, help="use only this many rows of each split (smoke tests)")
    ap.add_argument("--threads", type=int, default=2, help="CPU threads")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--resume", action="store_true", help="continue from <out>/latest.pt")


def pick_device(name: str) -> torch.device:
    if name == "cuda" and not torch.cuda.is_available():
        raise SystemExit("--device cuda: no CUDA device is visible to torch")
    if name == "auto":
        name = "cuda" if torch.cuda.is_available() else "cpu"
    return torch.device(name)


def autocast(device: torch.device):
    """bf16 autocast on CUDA; full fp32 on CPU (torch 1.13's CPU bf16 is slower, not faster)."""
    if device.type == "cuda":
        return torch.autocast("cuda", dtype=torch.bfloat16)
    return contextlib.nullcontext()


def encode(sp, texts: list[str], max_len: int = MAX_LEN) -> tuple[np.ndarray, np.ndarray]:
    """`[CLS] pieces [SEP]` per text (NFC first, as the browser engine does), as a padded int32
    matrix and the row lengths."""
    import unicodedata
    pieces = sp.encode([unicodedata.normalize("NFC", t) for t in texts])
    arr = np.zeros((len(pieces), max_len), dtype=np.int32)
    lens = np.zeros(len(pieces), dtype=np.int64)
    for i, p in enumerate(pieces):
        row = [1] + p[: max_len - 2] + [2]
        arr[i, : len(row)] = row
        lens[i] = len(row)
    return arr, lens


class Feed:
    """Token matrix on the device; yields (row indices, x[rows, :width]) length-bucketed batches
    forever: shuffle, sort within chunks of 50 batches, cut, shuffle the batch order."""

    def __init__(self, arr: np.ndarray, lens: np.ndarray, batch_size: int, seed: int, device: torch.device):
        self.x = torch.from_numpy(arr).to(device)
        self.lens = lens
        self.batch_size = batch_size
        self.rng = np.random.default_rng(seed)
        self.plan: list[np.ndarray] = []
        self.device = device
        self.epoch = 0.0

    def next(self) -> tuple[torch.Tensor, torch.Tensor]:
        if not self.plan:
            order = self.rng.permutation(len(self.lens))
            chunk = self.batch_size * 50
            for s in range(0, len(order), chunk):
                part = order[s:s + chunk]
                part = part[np.argsort(self.lens[part], kind="stable")]
                self.plan.extend(part[j:j + self.batch_size] for j in range(0, len(part), self.batch_size))
            self.rng.shuffle(self.plan)
        rows = self.plan.pop()
        self.epoch += len(rows) / len(self.lens)
        width = int(self.lens[rows].max())
        idx = torch.from_numpy(rows).to(self.device, non_blocking=True)
        return idx, self.x[idx, :width].long()

    def state(self) -> dict:
        return {"rng": self.rng.bit_generator.state, "plan": self.plan, "epoch": self.epoch}

    def load_state(self, s: dict) -> None:
        self.rng.bit_generator.state = s["rng"]
        self.plan, self.epoch = s["plan"], s["epoch"]


class Schedule:
    """AdamW (β 0.9/0.98, ε 1e-6, weight decay 0.01 on matrices) with linear warmup then cosine
    decay to `floor`. The horizon may be unknown at first (`--minutes`): `Budget` sets it after
    measuring the first steps, and the LR follows from then on."""

    def __init__(self, params: list[torch.nn.Parameter], args, device: torch.device,
                 warmup_of=lambda steps: min(1000, steps // 10)):
        decay = [p for p in params if p.dim() > 1]
        flat = [p for p in params if p.dim() <= 1]
        groups = [{"params": decay, "weight_decay": 0.01}, {"params": flat, "weight_decay": 0.0}]
        # The fused CUDA kernel (torch >= 2.0) saves a launch per parameter.
        fused = device.type == "cuda" and "fused" in inspect.signature(torch.optim.AdamW).parameters
        self.opt = torch.optim.AdamW(groups, lr=args.lr, betas=(0.9, 0.98), eps=1e-6, **({"fused": True} if fused else {}))
        self.base_lr, self.floor = args.lr, args.lr_floor
        self.steps = args.steps or None
        self.fixed_warmup = args.warmup or None
        self.warmup_of = warmup_of
        self.step = 0

    @property
    def warmup(self) -> int:
        if self.fixed_warmup:
            return self.fixed_warmup
        # Until the budget has fitted the horizon, assume a long one.
        return max(1, self.warmup_of(self.steps or 10_000))

    def lr(self) -> float:
        s = self.step
        warm = min(1.0, (s + 1) / self.warmup)
        progress = min(1.0, s / self.steps) if self.steps else 0.0
        return self.base_lr * warm * max(self.floor, 0.5 * (1 + math.cos(math.pi * progress)))

    def apply(self, loss: torch.Tensor, params: list[torch.nn.Parameter]) -> None:
        for g in self.opt.param_groups:
            g["lr"] = self.lr()
        self.opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        self.opt.step()
        self.step += 1

    def done(self) -> bool:
        return self.steps is not None and self.step >= self.steps

    def state(self) -> dict:
        return {"opt": self.opt.state_dict(), "step": self.step, "steps": self.steps}

    def load_state(self, s: dict) -> None:
        self.opt.load_state_dict(s["opt"])
        self.step, self.steps = s["step"], s["steps"]


class Budget:
    """Fits the schedule to `--minutes`: times steps 5..(100 or 20 s, whichever comes first) and
    sets the horizon to the steps that fit, with `overhead` for evaluation and saving."""

    def __init__(self, minutes: float, schedule: Schedule, overhead: float, min_steps: int = 20):
        self.minutes, self.schedule, self.overhead, self.min_steps = minutes, schedule, overhead, min_steps
        self.t5: float | None = None
        self.t0 = time.time()
        self.fitted = not minutes

    def tick(self) -> None:
        s = self.schedule
        if self.fitted:
            return
        if s.step == 5:
            self.t5 = time.time()
        elif self.t5 is not None and (s.step >= 100 or time.time() - self.t5 > 20):
            per = (time.time() - self.t5) / (s.step - 5) * self.overhead
            left = self.minutes * 60 - (time.time() - self.t0)
            fit = s.step + max(0, int(left / per))
            s.steps = max(self.min_steps, min(fit, s.steps or fit))
            self.fitted = True
            print(f"budget: {per * 1000:.0f} ms/step -> schedule of {s.steps} steps in {self.minutes} min", flush=True)


def model_config(size: str | None, vocab: int, init: dict | None = None, **kw) -> DebertaV2Config:
    """A named size, or (with `init`, a checkpoint's config) the architecture of the checkpoint a run
    starts from; `kw` sets the head (num_labels, id2label, ...)."""
    if init is None:
        s = SIZES[size or "base"]
        return DebertaV2Config(vocab_size=vocab, **s, pooler_hidden_size=s["hidden_size"], **kw)
    cfg = DebertaV2Config.from_hf(init)
    if size and any(getattr(cfg, k) != v for k, v in SIZES[size].items()):
        raise SystemExit(f"--size {size} does not match the --init checkpoint (hidden {cfg.hidden_size}, "
                         f"{cfg.num_hidden_layers} layers): leave --size out to take the checkpoint's")
    return dataclasses.replace(cfg, **kw)


def load_checkpoint(path: Path) -> dict:
    """A checkpoint as `shared/pretrained/` stores them; fp16 weights come back as fp32."""
    ck = torch.load(path, map_location="cpu", weights_only=False)
    ck["model"] = {k: v.float() if v.is_floating_point() else v for k, v in ck["model"].items()}
    return ck


def save_checkpoint(path: Path, model: torch.nn.Module, config: DebertaV2Config, step: int, **extra) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    torch.save({"model": {k: v.detach().cpu() for k, v in model.state_dict().items()}, "config": config.to_hf(),
                "step": step, **extra}, tmp)
    tmp.replace(path)
