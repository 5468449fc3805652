"""Exports the sentence encoder to public/models/ko-sentence/ in the Hugging Face layout, plus golden data.

    /usr/bin/python3 training/export_sentence.py --checkpoint training/.work/ko-sentence/final.pt

Writes config.json (no id2label: `sentence_embedding` says what the graph gives), tokenizer files (from
the committed training/encoder/spm.model), LICENSE.md (CC BY-SA 4.0: KorSTS, KorNLI and Korean
HateSpeech), onnx/model.onnx (fp32, opset 17, output `sentence_embedding` [batch, 256], unit length),
then the TypeScript toolchain: `ko-classify quantize --int8` (activation scales calibrated on training
text: KorSTS train sentences and unlabelled comments, never an evaluation row), `--int4`, `optimize`,
`manifest`. Golden data for the tests: packages/core/test/fixtures/ko-sentence-golden.json (Python
sentencepiece ids and PyTorch fp32 embeddings, from the literal Hugging Face form of the attention).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import random
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ko_train.deberta import DebertaV2Config, use_sliced_relative_attention  # noqa: E402
from ko_train.loop import load_checkpoint  # noqa: E402
from ko_train.paths import DATA, ENCODER, FIXTURES, MODELS, REPO, WORK  # noqa: E402
from ko_train.sentence import SentenceEncoder, export_sentence_onnx, korsts, unlabelled_lines  # noqa: E402
from ko_train.tokenizer import SpmEncoder, spm_to_hf  # noqa: E402
from ko_train.data import read_tsv  # noqa: E402

MAX_LEN = 128
GOLDEN_ROWS = 48


def weights_space(model: SentenceEncoder) -> str:
    """`ko-sentence-<8 hex>`: a hash of the weights, so it changes exactly when they do."""
    h = hashlib.sha256()
    for k, v in sorted(model.state_dict().items()):
        h.update(k.encode())
        h.update(v.detach().float().contiguous().numpy().tobytes())
    return "ko-sentence-" + h.hexdigest()[:8]


def hf_config(cfg: DebertaV2Config, space: str) -> dict:
    d = cfg.to_hf()
    for k in ("id2label", "label2id", "problem_type", "label_display_names", "label_thresholds", "pooler_hidden_size",
              "pooler_dropout", "pooler_hidden_act"):
        d.pop(k, None)
    d["architectures"] = ["DebertaV2Model"]
    d["sentence_embedding"] = {"dim": cfg.hidden_size, "pooling": "mean", "normalized": True, "output": "sentence_embedding", "space": space}
    d["default_locale"] = "ko"
    return d


def golden_texts() -> list[str]:
    a, b, _ = korsts("dev")
    rows = read_tsv(FIXTURES / "hate-speech-holdout.tsv")
    rng = random.Random(5)
    picks = rng.sample(a + b, 24) + [r["comments"] for r in rng.sample(rows, 16)]
    # Short, long, mixed-script and emoji texts the tokenizer must treat like sentencepiece does.
    picks += ["좋아요", "택배가 일주일째 안 와요", "가격이 너무 비싸요. 좀 내려주세요!", "품질은 괜찮은데 포장이 엉망이었어요 ㅠㅠ",
              "배송 빠르고 친절해요 👍", "ABC 마트에서 산 운동화 사이즈가 안 맞아요", "ㅋㅋㅋㅋ 진짜 웃기다", "이 제품은 2024년형 모델입니다."]
    return picks[:GOLDEN_ROWS]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--checkpoint", type=Path, default=WORK / "ko-sentence" / "final.pt")
    ap.add_argument("--name", default="ko-sentence")
    ap.add_argument("--skip-quantize", action="store_true", help="fp32 only (no TypeScript toolchain)")
    args = ap.parse_args()
    ck = load_checkpoint(args.checkpoint)
    cfg = DebertaV2Config.from_hf(ck["config"])
    model = SentenceEncoder(cfg)
    keep = {k: v for k, v in ck["model"].items() if k.startswith("deberta.")}
    model.load_state_dict(keep)
    model.eval()
    space = weights_space(model)
    print(f"checkpoint {args.checkpoint} step {ck.get('step')} scores {ck.get('scores')} space {space}", flush=True)

    out = MODELS / args.name
    (out / "onnx").mkdir(parents=True, exist_ok=True)
    spm_to_hf(ENCODER / "spm.model", out, model_max_length=MAX_LEN)
    shutil.copyfile(DATA / "korean-hate-speech" / "LICENSE.md", out / "LICENSE.md")
    (out / "config.json").write_text(json.dumps(hf_config(cfg, space), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    export_sentence_onnx(model, out / "onnx" / "model.onnx")

    enc = SpmEncoder(ENCODER / "spm.model")
    texts = golden_texts()
    ids = [enc.encode(unicodedata.normalize("NFC", t), MAX_LEN) for t in texts]
    use_sliced_relative_attention(model, False)
    with torch.no_grad():
        emb = [model(torch.tensor([row]), torch.ones(1, len(row), dtype=torch.long))[0].tolist() for row in ids]
    use_sliced_relative_attention(model, True)
    FIXTURES.mkdir(parents=True, exist_ok=True)
    (FIXTURES / f"{args.name}-golden.json").write_text(json.dumps(
        {"model": args.name, "space": space, "max_length": MAX_LEN, "texts": texts, "input_ids": ids,
         "embeddings": [[round(x, 7) for x in e] for e in emb]}, ensure_ascii=False) + "\n", encoding="utf-8")

    cli = ["node", str(REPO / "packages" / "cli" / "bin" / "ko-classify.js")]
    subprocess.run(cli + ["manifest", str(out)], check=True, stdout=subprocess.DEVNULL)
    if args.skip_quantize:
        print(f"exported {out} (fp32 only)")
        return
    calib = WORK / "ko-sentence-calibration.tsv"
    a, b, _ = korsts("train")
    lines = a[:300] + b[:300] + unlabelled_lines(seed=3, limit=600)
    with open(calib, "w", encoding="utf-8") as f:
        f.write("text\n")
        f.writelines(t.replace("\t", " ").replace("\n", " ") + "\n" for t in lines if t.strip())
    subprocess.run(cli + ["quantize", str(out / "onnx" / "model.onnx"), "--int8", "--calibrate", str(calib), "--text-col", "text"], check=True, stdout=subprocess.DEVNULL)
    subprocess.run(cli + ["quantize", str(out / "onnx" / "model.onnx"), "--int4"], check=True, stdout=subprocess.DEVNULL)
    if subprocess.run(cli + ["optimize", str(out / "onnx" / "model_int8.onnx")], stdout=subprocess.DEVNULL).returncode != 0:
        print("warning: ko-classify optimize left model_int8.onnx unoptimised (see above)", flush=True)
    subprocess.run(cli + ["manifest", str(out)], check=True, stdout=subprocess.DEVNULL)
    print(f"exported {out}")


if __name__ == "__main__":
    main()
