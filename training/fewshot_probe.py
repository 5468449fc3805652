"""A quick PyTorch probe of a sentence encoder checkpoint: KorSTS dev Spearman and few-shot logistic
regression on mean-pooled embeddings (the SDK's own table, with its real head and int8 model, is
`scripts/fewshot.mjs`; this one is for comparing checkpoints during training).

    /usr/bin/python3 training/fewshot_probe.py --checkpoint training/.work/ko-sentence/final.pt

Tasks (train pools and test sets as the SDK's table uses them): NSMC (pool: train.tsv, test: 2,000
rows of dev.tsv), K-MHaS hate vs not and one-vs-rest politics / gender / origin (pool: the 90% train
part, test: the 10% held out), Korean HateSpeech 3-way (pool: 90%, test: the held-out 10%).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import torch
from torch.nn import functional as F

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ko_train.data import hate_speech_split, kmhas_split, nsmc  # noqa: E402
from ko_train.deberta import DebertaV2Config  # noqa: E402
from ko_train.loop import load_checkpoint  # noqa: E402
from ko_train.sentence import SentenceEncoder  # noqa: E402
from ko_train.tokenizer import load_spm  # noqa: E402
from train_sentence import embed, sts_dev  # noqa: E402


def logreg(x: np.ndarray, y: np.ndarray, n: int, l2: float = 1e-2, steps: int = 300) -> torch.Tensor:
    xt, yt = torch.from_numpy(x).double(), torch.from_numpy(y)
    w = torch.zeros(x.shape[1], n, dtype=torch.double, requires_grad=True)
    b = torch.zeros(n, dtype=torch.double, requires_grad=True)
    opt = torch.optim.LBFGS([w, b], max_iter=steps, line_search_fn="strong_wolfe")

    def closure():
        opt.zero_grad()
        loss = F.cross_entropy(xt @ w * 10 + b, yt) + l2 * (w ** 2).sum()
        loss.backward()
        return loss

    opt.step(closure)
    return lambda z: (torch.from_numpy(z).double() @ w * 10 + b).argmax(1).numpy()


def macro_f1(y: np.ndarray, p: np.ndarray, n: int) -> float:
    f = []
    for c in range(n):
        tp = ((p == c) & (y == c)).sum(); fp = ((p == c) & (y != c)).sum(); fn = ((p != c) & (y == c)).sum()
        f.append(0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn))
    return float(np.mean(f))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--checkpoint", type=Path, required=True)
    ap.add_argument("--shots", default="16")
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    ck = load_checkpoint(args.checkpoint)
    model = SentenceEncoder(DebertaV2Config.from_hf(ck["config"]))
    model.load_state_dict({k: v for k, v in ck["model"].items() if k.startswith("deberta.")})
    model.eval()
    sp = load_spm()
    dev = torch.device("cpu")
    out = {"checkpoint": str(args.checkpoint), "korsts_dev": sts_dev(model, sp, dev)}
    rng = np.random.default_rng(0)
    tasks = {}
    tx, ty = nsmc("train"); dx, dy = nsmc("dev")
    pool = rng.choice(len(tx), 3000, replace=False); test = rng.choice(len(dx), 2000, replace=False)
    tasks["nsmc"] = ([tx[i] for i in pool], np.array([ty[i] for i in pool]), [dx[i] for i in test], np.array([dy[i] for i in test]), 2)
    kt, kl, ktr, kho = kmhas_split()
    kp = rng.choice(ktr, 4000, replace=False)
    for name, f in (("kmhas_hate", lambda ls: int(ls != [8])), ("kmhas_politics", lambda ls: int(2 in ls)),
                    ("kmhas_gender", lambda ls: int(5 in ls)), ("kmhas_origin", lambda ls: int(0 in ls))):
        tasks[name] = ([kt[i] for i in kp], np.array([f(kl[i]) for i in kp]), [kt[i] for i in kho], np.array([f(kl[i]) for i in kho]), 2)
    ht, hl, htr, hho = hate_speech_split()
    tasks["hate_speech"] = ([ht[i] for i in htr], np.array([hl[i] for i in htr]), [ht[i] for i in hho], np.array([hl[i] for i in hho]), 3)
    cache: dict[str, np.ndarray] = {}

    def emb(texts):
        miss = [t for t in dict.fromkeys(texts) if t not in cache]
        if miss:
            for t, e in zip(miss, embed(model, sp, miss, dev)):
                cache[t] = e
        return np.stack([cache[t] for t in texts])

    for k in [int(s) for s in args.shots.split(",")]:
        for name, (ptx, pty, ttx, tty, n) in tasks.items():
            xt = emb(ttx)
            accs, f1s = [], []
            for seed in range(1, args.seeds + 1):
                r = np.random.default_rng(seed)
                pick = np.concatenate([r.choice(np.flatnonzero(pty == c), k, replace=False) for c in range(n)])
                predict = logreg(emb([ptx[i] for i in pick]), pty[pick], n)
                p = predict(xt)
                accs.append(float((p == tty).mean())); f1s.append(macro_f1(tty, p, n))
            out[f"{name}@{k}"] = {"accuracy": round(float(np.mean(accs)), 4), "macro_f1": round(float(np.mean(f1s)), 4), "sd_f1": round(float(np.std(f1s)), 4)}
            print(name, k, out[f"{name}@{k}"], flush=True)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
