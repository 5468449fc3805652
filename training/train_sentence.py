"""Trains the `ko-sentence` encoder from the masked-LM encoder; checkpoints go to $KO_TRAIN_WORK/<name>/.

    # the shipped ko-sentence: 40 minutes on 2 CPU cores (a GPU only makes it faster)
    /usr/bin/python3 training/train_sentence.py --minutes 40
    # a smoke run of every code path
    /usr/bin/python3 training/train_sentence.py --steps 12 --eval-every 6 --limit 300 --name sentence-smoke

Multi-task, one task per step in a fixed cycle (each task's own batch):
  sts      CoSENT on KorSTS train (cosine of the pair ranked by the gold score)
  nli      in-batch negatives on KorNLI (premise -> entailed hypothesis; the contradicting one as a hard negative)
  hate     cosine-classifier cross-entropy on Korean HateSpeech's hate and bias labels (its 90% train part)
  simcse   unsupervised SimCSE (two dropout views, in-batch negatives) on unlabelled comments and review text
Never NSMC labels or ratings, never K-MHaS labels: the few-shot table is scored on those.
Pooling: masked mean of the last layer, L2-normalised. Reported: KorSTS dev Spearman (cosine vs score).
Writes `best.pt`-style `final.pt` (layout of shared/pretrained/), `log.jsonl`, `summary.json`.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ko_train.loop import Budget, Schedule, add_common_args, encode, load_checkpoint, model_config, pick_device, save_checkpoint  # noqa: E402
from ko_train.paths import ENCODER, WORK  # noqa: E402
from ko_train.sentence import BIAS_LABELS, SentenceEncoder, hate_rows, kornli_triples, korsts, unlabelled_lines  # noqa: E402
from ko_train.tokenizer import PAD, load_spm  # noqa: E402
from ko_train.data import HATE_LABELS  # noqa: E402

TRAIN_LEN = 64
CYCLE = ["sts", "nli", "hate", "sts", "simcse", "nli", "sts", "hate", "simcse"]


def spearman(a: np.ndarray, b: np.ndarray) -> float:
    ra = np.argsort(np.argsort(a)).astype(np.float64)
    rb = np.argsort(np.argsort(b)).astype(np.float64)
    return float(np.corrcoef(ra, rb)[0, 1])


@torch.no_grad()
def embed(model: SentenceEncoder, sp, texts: list[str], device, max_len: int = 128, batch: int = 256) -> np.ndarray:
    arr, lens = encode(sp, texts, max_len)
    was = model.training
    model.eval()
    out = np.zeros((len(texts), model.config.hidden_size), dtype=np.float32)
    order = np.argsort(lens, kind="stable")
    for s in range(0, len(order), batch):
        rows = order[s:s + batch]
        x = torch.from_numpy(arr[rows, : int(lens[rows].max())]).long().to(device)
        out[rows] = model(x, (x != PAD).long()).float().cpu().numpy()
    model.train(was)
    return out


def sts_dev(model, sp, device) -> float:
    a, b, y = korsts("dev")
    ea, eb = embed(model, sp, a, device), embed(model, sp, b, device)
    return spearman((ea * eb).sum(1), y)


class Sampler:
    """Shuffled passes over `n` rows, `size` at a time."""

    def __init__(self, n: int, size: int, rng: np.random.Generator):
        self.n, self.size, self.rng, self.order, self.at, self.epochs = n, size, rng, np.array([], dtype=np.int64), 0, 0.0

    def next(self) -> np.ndarray:
        if self.at + self.size > len(self.order):
            self.order, self.at = self.rng.permutation(self.n), 0
        rows = self.order[self.at:self.at + self.size]
        self.at += self.size
        self.epochs += self.size / self.n
        return rows


def batch_of(tok: tuple[np.ndarray, np.ndarray], rows: np.ndarray, device) -> tuple[torch.Tensor, torch.Tensor]:
    arr, lens = tok
    x = torch.from_numpy(arr[rows, : int(lens[rows].max())]).long().to(device)
    return x, (x != PAD).long()


def cosent(cos: torch.Tensor, score: torch.Tensor, scale: float = 20.0) -> torch.Tensor:
    diff = (cos[None, :] - cos[:, None]) * scale  # [i, j] = cos_j - cos_i
    keep = score[:, None] > score[None, :]  # pairs where i should rank above j
    diff = diff.masked_fill(~keep, -1e4)
    return torch.logsumexp(torch.cat([torch.zeros(1, device=cos.device), diff.flatten()]), 0)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--name", default="ko-sentence")
    ap.add_argument("--init", default=str(ENCODER / "encoder-mlm.pt"))
    ap.add_argument("--eval-every", type=int, default=400)
    ap.add_argument("--scale", type=float, default=20.0, help="similarity scale of the contrastive losses")
    ap.add_argument("--tasks", default=",".join(dict.fromkeys(CYCLE)), help="comma-separated subset of sts,nli,hate,simcse")
    add_common_args(ap, batch_size=32, lr=8e-5)
    args = ap.parse_args()
    if not args.steps and not args.minutes:
        ap.error("give --steps N or --minutes M")
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    device = pick_device(args.device)
    out = WORK / args.name
    out.mkdir(parents=True, exist_ok=True)
    sp = load_spm()
    t0 = time.time()
    lim = args.limit or None
    s1, s2, sy = korsts("train")
    sts = (encode(sp, s1[:lim], TRAIN_LEN), encode(sp, s2[:lim], TRAIN_LEN), torch.from_numpy(sy[:lim]))
    tri = kornli_triples()[:lim]
    nli_neg_rows = np.array([i for i, t in enumerate(tri) if t[2] is not None])
    nli = (encode(sp, [t[0] for t in tri], TRAIN_LEN), encode(sp, [t[1] for t in tri], TRAIN_LEN),
           encode(sp, [t[2] or "" for t in tri], TRAIN_LEN))
    htexts, hate_y, bias_y = hate_rows()
    hate = (encode(sp, htexts[:lim], TRAIN_LEN), torch.from_numpy(hate_y[:lim]), torch.from_numpy(bias_y[:lim]))
    plain = encode(sp, unlabelled_lines(limit=(lim or 200_000)), TRAIN_LEN)
    print(f"sts {len(sy[:lim])} pairs, nli {len(tri)} (with contradiction {len(nli_neg_rows)}), hate {len(hate_y[:lim])}, "
          f"unlabelled {len(plain[1])}; read in {time.time() - t0:.0f} s", flush=True)

    init = load_checkpoint(Path(args.init))
    cfg = model_config(args.size, sp.get_piece_size(), init["config"])
    model = SentenceEncoder(cfg)
    keep = {k: v for k, v in init["model"].items() if k.startswith("deberta.")}
    res = model.load_state_dict(keep, strict=False)
    assert not res.missing_keys, res.missing_keys
    model.to(device).train()
    heads = nn.ModuleDict({"hate": nn.Linear(cfg.hidden_size, len(HATE_LABELS), bias=False),
                           "bias": nn.Linear(cfg.hidden_size, len(BIAS_LABELS), bias=False)}).to(device)
    params = list(model.parameters()) + list(heads.parameters())
    sched = Schedule(params, args, device, warmup_of=lambda steps: max(50, steps // 15))
    budget = Budget(args.minutes, sched, overhead=1.08)
    tasks = [t for t in CYCLE if t in args.tasks.split(",")]
    bs = args.batch_size
    samplers = {"sts": Sampler(len(sts[2]), bs, rng), "nli": Sampler(len(tri), bs, rng),
                "hate": Sampler(len(hate[1]), bs * 2, rng), "simcse": Sampler(len(plain[1]), bs * 2, rng)}
    log = open(out / "log.jsonl", "a", encoding="utf-8")
    base = sts_dev(model, sp, device)
    print(f"KorSTS dev Spearman at start: {base:.4f}", flush=True)
    history = [{"step": 0, "korsts_dev": base}]
    losses: dict[str, list[float]] = {t: [] for t in samplers}
    t_train = time.time()
    deadline = t_train + args.minutes * 60 * 1.05 if args.minutes else None
    while not sched.done():
        task = tasks[sched.step % len(tasks)]
        rows = samplers[task].next()
        if task == "sts":
            a, b = batch_of(sts[0], rows, device), batch_of(sts[1], rows, device)
            loss = cosent((model(*a) * model(*b)).sum(1), sts[2][rows].to(device), args.scale)
        elif task == "nli":
            a, p = batch_of(nli[0], rows, device), batch_of(nli[1], rows, device)
            ea, ep = model(*a), model(*p)
            cands = ep
            neg = rows[np.isin(rows, nli_neg_rows)]
            if len(neg):
                cands = torch.cat([ep, model(*batch_of(nli[2], neg, device))])
            loss = F.cross_entropy(ea @ cands.T * args.scale, torch.arange(len(rows), device=device))
        elif task == "hate":
            e = model(*batch_of(hate[0], rows, device))
            loss = sum(F.cross_entropy(e @ F.normalize(heads[k].weight, dim=-1).T * 16.0, y[rows].to(device))
                       for k, y in (("hate", hate[1]), ("bias", hate[2])))
        else:
            x = batch_of(plain, rows, device)
            e1, e2 = model(*x), model(*x)
            loss = F.cross_entropy(e1 @ e2.T * args.scale, torch.arange(len(rows), device=device))
        sched.apply(loss, params)
        budget.tick()
        # The machine may be shared: every 25 steps the horizon is re-fitted to the time left, so the
        # cosine ends on time whatever the speed does (the step count follows the machine).
        if args.minutes and budget.fitted and sched.step % 25 == 0:
            per = (time.time() - t_train) / sched.step * 1.04
            sched.steps = max(sched.step + 1, sched.step + int((t_train + args.minutes * 60 - time.time()) / per))
        losses[task].append(float(loss))
        step = sched.step
        if step % 50 == 0:
            mean = {t: round(float(np.mean(v[-20:])), 4) for t, v in losses.items() if v}
            print(f"step {step}/{sched.steps} lr {sched.lr():.2e} {mean} {time.time() - t_train:.0f} s", flush=True)
        if step % args.eval_every == 0 or sched.done() or (deadline and time.time() > deadline):
            rho = sts_dev(model, sp, device)
            rec = {"step": step, "korsts_dev": rho, "seconds": round(time.time() - t_train),
                   "epochs": {t: round(s.epochs, 2) for t, s in samplers.items()}}
            history.append(rec)
            log.write(json.dumps(rec) + "\n"); log.flush()
            print(f"eval {rec}", flush=True)
            if deadline and time.time() > deadline:
                print("past the budget (+5%): stopping here", flush=True)
                break
    save_checkpoint(out / "final.pt", model, cfg, sched.step, scores={"korsts_dev": history[-1]["korsts_dev"]})
    summary = {"steps": sched.step, "minutes": round((time.time() - t_train) / 60, 1), "korsts_dev_start": base,
               "korsts_dev": history[-1]["korsts_dev"], "history": history, "args": {k: v for k, v in vars(args).items()},
               "epochs": {t: round(s.epochs, 2) for t, s in samplers.items()}, "threads": args.threads, "device": str(device)}
    (out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    print(json.dumps({k: summary[k] for k in ("steps", "minutes", "korsts_dev_start", "korsts_dev")}), flush=True)


if __name__ == "__main__":
    main()
