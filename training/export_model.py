"""Exports a trained classifier to public/models/<name>/ in the Hugging Face layout, plus golden data.

    /usr/bin/python3 training/export_model.py --task sentiment --name ko-sentiment

Writes config.json, tokenizer files, onnx/model.onnx (fp32, opset 17, dynamic batch/sequence), then
runs the TypeScript toolchain (`ko-classify quantize --int8/--int4`, `manifest`). Golden data for
the test suite go to packages/core/test/fixtures/<name>-golden.json: Python sentencepiece ids for
the committed 1,000-sentence sample and PyTorch logits for its first 200; ids for every sentence of
the evaluation split go to training/.work/<name>-eval-ids.jsonl for scripts/check-tokenizer.mjs.
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
from ko_train.data import hate_speech, nsmc, read_tsv  # noqa: E402
from ko_train.deberta import DebertaV2Config, DebertaV2ForSequenceClassification, use_sliced_relative_attention  # noqa: E402
from ko_train.export import export_onnx  # noqa: E402
from ko_train.paths import DATA, FIXTURES, MODELS, REPO, WORK  # noqa: E402
from ko_train.tokenizer import SpmEncoder  # noqa: E402

MAX_LEN = 128
LOGIT_ROWS = 200


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--task", choices=["sentiment", "hate-speech"], required=True)
    ap.add_argument("--name", required=True)
    args = ap.parse_args()

    ck = torch.load(WORK / args.task / "best.pt")
    cfg = DebertaV2Config.from_hf(ck["config"])
    model = DebertaV2ForSequenceClassification(cfg)
    model.load_state_dict(ck["model"])
    model.eval()
    print(f"checkpoint step {ck['step']} dev {ck['scores']}", flush=True)

    out = MODELS / args.name
    (out / "onnx").mkdir(parents=True, exist_ok=True)
    for f in ("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"):
        shutil.copy(WORK / "tokenizer" / "hf" / f, out / f)
    if args.task == "hate-speech":
        # CC BY-SA 4.0: the model is shared under the dataset's licence, shipped beside it.
        shutil.copy(DATA / "korean-hate-speech" / "LICENSE.md", out / "LICENSE.md")
    (out / "config.json").write_text(json.dumps(cfg.to_hf(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    export_onnx(model, out / "onnx" / "model.onnx")

    enc = SpmEncoder(WORK / "tokenizer" / "spm.model")
    if args.task == "sentiment":
        sample = [r["document"] for r in read_tsv(FIXTURES / "nsmc-dev-sample.tsv")]
        eval_texts, _ = nsmc("dev")
    else:
        texts, _ = hate_speech()
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

    cli = ["node", str(REPO / "packages" / "cli" / "dist" / "bin.js")]
    subprocess.run(cli + ["manifest", str(out)], check=True)
    subprocess.run(cli + ["quantize", str(out / "onnx" / "model.onnx"), "--int8"], check=True)
    subprocess.run(cli + ["quantize", str(out / "onnx" / "model.onnx"), "--int4"], check=True)
    print(f"exported {out}")


if __name__ == "__main__":
    main()
