"""Fine-tunes (or distils) a DeBERTa-v2 sequence classifier; checkpoints go to $KO_TRAIN_WORK/<name>/.

    # the shipped ko-sentiment, on a GPU (training/README.md has the whole sequence)
    python3 training/train_classifier.py --task sentiment --init training/encoder/encoder-mlm.pt --minutes 3 --lr 2e-4
    # a 2-core CPU smoke run of every code path
    python3 training/train_classifier.py --task sentiment --limit 2000 --steps 30 --eval-every 15

Tasks:
  sentiment    every rated review of nsmc/reviews.tsv.gz: class-weighted CE on ratings 1-4 / 9-10 plus
               0.5 x rating regression on every row (5-8 included); selected on nsmc/dev.tsv accuracy.
               With `--distill LOGITS.npy`: the rows are `corpus_lines(seed=7)` (every review and comment,
               the order `teacher_logits.py` wrote), loss KL(T=2) to the teacher + 0.5 x CE where a row has
               a rating label.
  hate-speech  korean-hate-speech/train.tsv, 10% held out (stratified, seed 42; written to
               $KO_TRAIN_WORK/hate-speech-holdout.tsv for `ko-classify eval`); selected on held-out macro-F1.

`--init PATH` starts the encoder and pooler from a checkpoint (a masked-LM encoder such as
`training/encoder/encoder-mlm.pt`, or another classifier); the head starts fresh. Checkpoints:
`best.pt` (best dev score, the layout of shared/pretrained/), `latest.pt` (with optimizer state, for
`--resume`), `log.jsonl`, `summary.json`.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ko_train.deberta import DebertaV2Config, DebertaV2ForSequenceClassification  # noqa: E402
from ko_train.loop import (Budget, Feed, Schedule, add_common_args, autocast, encode, load_checkpoint,  # noqa: E402
                           model_config, pick_device, save_checkpoint)
from ko_train.metrics import multi_label_scores, scores, tune_thresholds  # noqa: E402
from ko_train.paths import ENCODER, MODELS, REPO, WORK  # noqa: E402
from ko_train.tasks import TASKS, TaskData  # noqa: E402
from ko_train.tokenizer import PAD, load_spm  # noqa: E402


@torch.no_grad()
def predict(model: DebertaV2ForSequenceClassification, data: tuple[np.ndarray, np.ndarray], device: torch.device,
            batch_size: int = 512) -> np.ndarray:
    """Logits for every row, run in length order (little padding)."""
    arr, lens = data
    was_training = model.training
    model.eval()
    order = np.argsort(lens, kind="stable")
    out = np.zeros((len(lens), model.config.num_labels), dtype=np.float32)
    for s in range(0, len(order), batch_size):
        rows = order[s:s + batch_size]
        x = torch.from_numpy(arr[rows, : int(lens[rows].max())]).long().to(device)
        with autocast(device):
            out[rows] = model(x, (x != PAD).long()).float().cpu().numpy()
    model.train(was_training)
    return out


def resolve_init(init: str) -> Path:
    """A checkpoint path, or the name of an earlier run under $KO_TRAIN_WORK (its best.pt, or an
    MLM run's mlm.pt)."""
    for p in (Path(init), WORK / init / "best.pt", WORK / init / "mlm.pt"):
        if p.is_file():
            return p
    raise SystemExit(f"--init {init}: no such checkpoint (a .pt path, or a run name under {WORK})")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--task", choices=list(TASKS), required=True)
    ap.add_argument("--name", help="run folder under $KO_TRAIN_WORK (default: the task)")
    ap.add_argument("--init", help="checkpoint whose encoder + pooler start the model (MLM encoder or classifier)")
    ap.add_argument("--distill", metavar="LOGITS.npy", help="sentiment: distil from these teacher logits (KL at T=2 + 0.5 x CE)")
    ap.add_argument("--temperature", type=float, default=2.0)
    ap.add_argument("--eval-every", type=int, default=0, help="default 500 steps (sentiment), 100 (hate-speech)")
    ap.add_argument("--aux-weight", type=float, default=0.5, help="weight of the rating-regression loss (sentiment)")
    tsv = ap.add_argument_group("--task tsv: your own labels")
    tsv.add_argument("--train", help="TSV with a header row")
    tsv.add_argument("--dev", help="TSV for selection and the card (default: a stratified 10%% of --train)")
    tsv.add_argument("--text-col", default="text")
    tsv.add_argument("--label-col", default="label")
    tsv.add_argument("--label-sep", help="several labels per row, separated by this (multi-label)")
    tsv.add_argument("--no-export", action="store_true", help="do not export the model after training")
    tsv.add_argument("--out", type=Path, help="where to export (default: public/models/<name>)")
    add_common_args(ap, batch_size=256, lr=2e-4)
    args = ap.parse_args()
    if args.task == "tsv":
        if not args.train or not args.name:
            ap.error("--task tsv needs --train A.tsv and --name NAME")
        args.init = args.init or str(ENCODER / "encoder-mlm.pt")
    if args.distill and args.task != "sentiment":
        ap.error("--distill applies to --task sentiment")
    if not args.steps and not args.minutes:
        ap.error("give --steps N or --minutes M")

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    device = pick_device(args.device)
    out = WORK / (args.name or args.task)
    out.mkdir(parents=True, exist_ok=True)
    sp = load_spm()
    t_load = time.time()
    data = TASKS[args.task](sp, args)
    n_labels = len(data.id2label)
    labelled = data.train_y if data.multi_label else data.train_y[data.train_y >= 0]
    counts = labelled.sum(0).astype(int) if data.multi_label else np.bincount(labelled, minlength=n_labels)
    print(f"{len(data.train_y)} train rows ({len(labelled)} labelled, per label {counts.tolist()}), "
          f"{len(data.dev_y)} dev rows, read in {time.time() - t_load:.0f} s, device {device}", flush=True)

    init = load_checkpoint(resolve_init(args.init)) if args.init else None
    problem = "multi_label_classification" if data.multi_label else "single_label_classification"
    cfg = model_config(args.size, sp.get_piece_size(), init and init["config"], num_labels=n_labels, id2label=data.id2label, problem_type=problem,
                       label_display_names=data.display_names, label_thresholds=None)
    model = DebertaV2ForSequenceClassification(cfg)
    if init:
        keep = {k: v for k, v in init["model"].items() if not k.startswith(("classifier.", "cls."))}
        missing = model.load_state_dict(keep, strict=False).missing_keys
        print(f"init from {args.init}: fresh {missing}", flush=True)
    model.to(device).train()
    aux = nn.Linear(cfg.pooler_hidden_size, 1).to(device)
    params = list(model.parameters()) + list(aux.parameters())
    sched = Schedule(params, args, device, warmup_of=lambda steps: max(50, steps // 15))
    budget = Budget(args.minutes, sched, overhead=1.15)
    feed = Feed(*data.train, args.batch_size, args.seed, device)
    y_all = torch.from_numpy(data.train_y).to(device)
    reg_all = torch.from_numpy(data.reg).to(device) if data.reg is not None else None
    soft_all = torch.from_numpy(data.soft).to(device) if data.soft is not None else None
    class_w = torch.tensor(counts.sum() / (n_labels * np.maximum(counts, 1)), dtype=torch.float, device=device)
    best, history = {data.metric: -1.0}, []
    if args.resume and (out / "latest.pt").exists():
        ck = torch.load(out / "latest.pt", map_location="cpu", weights_only=False)
        model.load_state_dict(ck["model"]); aux.load_state_dict(ck["aux"])
        sched.load_state(ck["schedule"]); feed.load_state(ck["feed"])
        best, history = ck["best"], ck["history"]
        budget.fitted = True
        print(f"resumed at step {sched.step} of {sched.steps}", flush=True)
    eval_every = args.eval_every or {"sentiment": 500, "k-mhas": 200}.get(args.task, 100)
    t0 = time.time()
    while True:
        idx, x = feed.next()
        with autocast(device):
            h = model.pooler(model.deberta(x, (x != PAD).long()))
            logits = model.classifier(model.dropout(h)).float()
        y = y_all[idx]
        if data.multi_label:
            ce = F.binary_cross_entropy_with_logits(logits, y)
        else:
            has = (y >= 0).float()
            ce = F.cross_entropy(logits, y.clamp(min=0), weight=class_w, reduction="none")
            ce = (ce * has).sum() / (class_w[y.clamp(min=0)] * has).sum().clamp(min=1e-6)
        if soft_all is not None:
            t = args.temperature
            kl = F.kl_div(F.log_softmax(logits / t, -1), F.softmax(soft_all[idx] / t, -1), reduction="batchmean") * t * t
            loss = kl + 0.5 * ce
        else:
            loss = ce
            if reg_all is not None and args.aux_weight > 0:
                loss = loss + args.aux_weight * F.mse_loss(aux(h.float()).squeeze(-1), reg_all[idx])
        sched.apply(loss, params)
        budget.tick()
        if sched.step % 100 == 0:
            print(f"step {sched.step}/{sched.steps or '?'} loss {loss.item():.4f} lr {sched.lr():.2e} "
                  f"epoch {feed.epoch:.2f} {sched.step * args.batch_size / (time.time() - t0):.0f} seq/s", flush=True)
        if sched.step % eval_every == 0 or sched.done():
            s = scores(predict(model, data.dev, device), data.dev_y, data.multi_label)
            entry = {"step": sched.step, "loss": round(loss.item(), 4), "epoch": round(feed.epoch, 3),
                     "minutes": round((time.time() - t0) / 60, 2), **s}
            history.append(entry)
            with open(out / "log.jsonl", "a") as f:
                f.write(json.dumps(entry) + "\n")
            print(f"eval {entry}", flush=True)
            if s[data.metric] > best[data.metric]:
                best = {**s, "step": sched.step}
                save_checkpoint(out / "best.pt", model, cfg, sched.step, scores=s)
            torch.save({"model": model.state_dict(), "aux": aux.state_dict(), "schedule": sched.state(),
                        "feed": feed.state(), "best": best, "history": history}, out / "latest.pt")
        if sched.done():
            break
    summary = {"best": best, "history": history, "minutes": round((time.time() - t0) / 60, 2), "args": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()}}
    (out / "summary.json").write_text(json.dumps(summary, indent=2))
    print(f"best {best} -> {out / 'best.pt'}", flush=True)
    if data.multi_label:
        add_thresholds(out / "best.pt", data, device)
    if args.task == "tsv" and not args.no_export:
        export_own_model(args, data, out, summary)


def add_thresholds(path: Path, data: TaskData, device: torch.device) -> None:
    """Tunes each label's decision threshold on the dev rows and stores it in the checkpoint's config
    (config.json `label_thresholds`, which the engine reads)."""
    ck = load_checkpoint(path)
    model = DebertaV2ForSequenceClassification(DebertaV2Config.from_hf(ck["config"]))
    model.load_state_dict(ck["model"])
    probs = 1 / (1 + np.exp(-predict(model.to(device), data.dev, device)))
    t = tune_thresholds(probs, data.dev_y)
    ck["config"]["label_thresholds"] = {data.id2label[str(j)]: float(v) for j, v in enumerate(t)}
    ck["scores_tuned"] = multi_label_scores(np.log(probs / (1 - probs)), data.dev_y, t)
    torch.save(ck, path)
    print(f"thresholds {ck['config']['label_thresholds']} -> dev {ck['scores_tuned']}", flush=True)


def export_own_model(args, data: TaskData, work: Path, summary: dict) -> None:
    """public/models/<name>: the best checkpoint in the browser layout (fp32, int8, int4, manifest,
    licence) and a card with each dtype's scores on the dev rows."""
    from export_model import export_model_dir

    ck = load_checkpoint(work / "best.pt")
    model = DebertaV2ForSequenceClassification(DebertaV2Config.from_hf(ck["config"]))
    model.load_state_dict(ck["model"])
    target = args.out or MODELS / args.name
    # int8 activation scales calibrated on the training text itself (what the model will be given).
    export_model_dir(model, target, (Path(args.train), args.text_col))
    dev = work / "dev.tsv"
    dev.write_text("text\tlabel\n" + "".join(f"{t.replace(chr(9), ' ')}\t{y}\n" for t, y in data.dev_rows), encoding="utf-8")
    kind = "multi-label" if data.multi_label else "single-label"
    meta = {
        "summary": f"A {kind} Korean classifier trained with `train_classifier.py --task tsv` from the ko-classify encoder.",
        "task": f"{kind} classification of `{args.label_col}` from `{args.text_col}`",
        "parameters": f"{sum(v.numel() for v in ck['model'].values()) / 1e6:.1f}M",
        "data": f"`{args.train}` ({len(data.train_y)} training rows); dev: {'`' + args.dev + '`' if args.dev else 'a stratified 10% of it'} ({len(data.dev_rows)} rows). Best dev {data.metric} at step {summary['best'].get('step')}.",
        "licence": "CC BY-SA 4.0 — the encoder's pretraining text includes Korean HateSpeech comments; see LICENSE.md (and your data's own licence)",
        "evalName": "the dev rows",
        "evalPath": str(dev),
        "evalArgs": "--text-col text --label-col label",
        "reproduce": [" ".join(["python3 training/train_classifier.py"] + [a for a in sys.argv[1:]])],
    }
    (work / "card.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")
    cli = ["node", str(REPO / "packages" / "cli" / "bin" / "ko-classify.js")]
    subprocess.run(cli + ["card", str(target), str(dev), "--meta", str(work / "card.json"), "--text-col", "text", "--label-col", "label"], check=True)
    print(f"exported {target}", flush=True)


if __name__ == "__main__":
    main()
