"""Exports a trained classifier to public/models/<name>/ in the Hugging Face layout, plus golden data.

    python3 training/export_model.py --task sentiment --name ko-sentiment --checkpoint ../shared/pretrained/ko-sentiment.pt

`--checkpoint` defaults to $KO_TRAIN_WORK/<task>/best.pt (what train_classifier.py wrote); fp16
checkpoints (shared/pretrained/) are cast to fp32. Writes config.json, tokenizer files (from the
committed training/encoder/spm.model), LICENSE.md (CC BY-SA 4.0: the encoder's pretraining text includes
Korean HateSpeech comments), onnx/model.onnx (fp32, opset 17, dynamic batch/sequence), then
runs the TypeScript toolchain (`ko-classify quantize --int8/--int4`, `optimize`, `manifest`). Golden data for
the test suite go to packages/core/test/fixtures/<name>-golden.json: Python sentencepiece ids for
the committed 1,000-sentence sample and PyTorch logits for its first 200; ids for every sentence of
the evaluation split go to training/.work/<name>-eval-ids.jsonl for `ko-classify check-tokenizer`.
"""
from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ko_train.data import hate_speech_split, kmhas_split, nsmc, read_tsv  # noqa: E402
from ko_train.deberta import DebertaV2Config, DebertaV2ForSequenceClassification, use_sliced_relative_attention  # noqa: E402
from ko_train.export import export_onnx  # noqa: E402
from ko_train.loop import load_checkpoint  # noqa: E402
from ko_train.paths import DATA, ENCODER, FIXTURES, MODELS, REPO, WORK  # noqa: E402
from ko_train.tasks import DISPLAY_NAMES  # noqa: E402
from ko_train.tokenizer import SpmEncoder, spm_to_hf  # noqa: E402

MAX_LEN = 128
LOGIT_ROWS = 200


def calibration_tsv(task: str) -> tuple[Path, str]:
    """Text the int8 activation scales are calibrated on: the task's training text (never its
    evaluation rows), as a TSV and its text column."""
    if task == "sentiment":
        return DATA / "nsmc" / "train.tsv", "document"
    texts, _, train, _ = hate_speech_split() if task == "hate-speech" else kmhas_split()
    path = WORK / f"{task}-calibration.tsv"
    with open(path, "w", encoding="utf-8") as f:
        f.write("text\n")
        f.writelines(texts[i].replace("\t", " ") + "\n" for i in train if texts[i].strip())
    return path, "text"


def export_model_dir(model: DebertaV2ForSequenceClassification, out: Path, calibration: tuple[Path, str]) -> None:
    """The Hugging Face layout browsers load: config, tokenizer (from the committed spm.model), LICENSE.md,
    ONNX fp32, then the TypeScript toolchain's int8 (activation scales calibrated on `calibration`,
    a TSV and its text column) and int4 files and the manifest."""
    model.eval()
    (out / "onnx").mkdir(parents=True, exist_ok=True)
    spm_to_hf(ENCODER / "spm.model", out, model_max_length=MAX_LEN)
    # CC BY-SA 4.0: the encoder learned from Korean HateSpeech comments, so every model is shared under
    # that dataset's licence, shipped beside it.
    shutil.copyfile(DATA / "korean-hate-speech" / "LICENSE.md", out / "LICENSE.md")
    (out / "config.json").write_text(json.dumps(model.config.to_hf(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    export_onnx(model, out / "onnx" / "model.onnx")
    cli = ["node", str(REPO / "packages" / "cli" / "bin" / "ko-classify.js")]
    subprocess.run(cli + ["manifest", str(out)], check=True, stdout=subprocess.DEVNULL)
    tsv, column = calibration
    subprocess.run(cli + ["quantize", str(out / "onnx" / "model.onnx"), "--int8", "--calibrate", str(tsv), "--text-col", column], check=True, stdout=subprocess.DEVNULL)
    subprocess.run(cli + ["quantize", str(out / "onnx" / "model.onnx"), "--int4"], check=True, stdout=subprocess.DEVNULL)
    # ONNX Runtime's own graph optimisation saved into the int8 file: loads skip it, and the constant
    # relative-position projections are folded once here instead of recomputed at every run.
    # A graph it cannot match is left as quantized (the command says why): slower to load, same results.
    if subprocess.run(cli + ["optimize", str(out / "onnx" / "model_int8.onnx")], stdout=subprocess.DEVNULL).returncode != 0:
        print("warning: ko-classify optimize left model_int8.onnx unoptimised (see above)", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--task", choices=["sentiment", "hate-speech", "k-mhas"], required=True)
    ap.add_argument("--name", required=True)
    ap.add_argument("--checkpoint", type=Path, help="default: $KO_TRAIN_WORK/<task>/best.pt")
    args = ap.parse_args()

    ck = load_checkpoint(args.checkpoint or WORK / args.task / "best.pt")
    cfg = DebertaV2Config.from_hf(ck["config"])
    # Checkpoints saved before display names were recorded (shared/pretrained/) get the task's.
    cfg.label_display_names = cfg.label_display_names or DISPLAY_NAMES.get(args.task)
    model = DebertaV2ForSequenceClassification(cfg)
    model.load_state_dict(ck["model"])
    model.eval()
    print(f"checkpoint step {ck.get('step')} dev {ck.get('scores')}", flush=True)
    out = MODELS / args.name
    export_model_dir(model, out, calibration_tsv(args.task))

    enc = SpmEncoder(ENCODER / "spm.model")
    if args.task == "sentiment":
        sample = [r["document"] for r in read_tsv(FIXTURES / "nsmc-dev-sample.tsv")]
        eval_texts, _ = nsmc("dev")
    elif args.task == "hate-speech":
        texts = hate_speech_split()[0]  # also writes the held-out TSV the card is scored on
        sample = texts[:1000]
        eval_texts = texts
    else:
        texts = kmhas_split()[0]  # also writes the validation TSV the card is scored on
        sample = texts[:1000]
        eval_texts = texts
    norm = lambda t: unicodedata.normalize("NFC", t)  # noqa: E731
    ids = [enc.encode(norm(t), MAX_LEN) for t in sample]
    # Golden logits from the literal Hugging Face form of c2p/p2c: the tests then check the exported
    # (sliced) graph against it, not against itself.
    use_sliced_relative_attention(model, False)
    with torch.no_grad():
        logits = []
        for row in ids[:LOGIT_ROWS]:
            x = torch.tensor([row])
            logits.append(model(x, torch.ones_like(x))[0].tolist())
    (FIXTURES / f"{args.name}-golden.json").write_text(json.dumps(
        {"model": args.name, "max_length": MAX_LEN, "texts": sample, "input_ids": ids, "logits": logits},
        ensure_ascii=False) + "\n", encoding="utf-8")
    with open(WORK / f"{args.name}-eval-ids.jsonl", "w", encoding="utf-8") as f:
        for t in eval_texts:
            f.write(json.dumps({"text": t, "ids": enc.encode(norm(t), MAX_LEN)}, ensure_ascii=False) + "\n")
    print(f"exported {out}")


if __name__ == "__main__":
    main()
