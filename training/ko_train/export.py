"""ONNX export of a sequence classifier in the Hugging Face / transformers.js model layout."""
from __future__ import annotations

import json
from pathlib import Path

import onnx
import torch

from .deberta import DebertaV2ForSequenceClassification


class _Wrapper(torch.nn.Module):
    def __init__(self, model: DebertaV2ForSequenceClassification, with_types: bool):
        super().__init__()
        self.model = model
        self.with_types = with_types

    def forward(self, input_ids, attention_mask, token_type_ids=None):
        return self.model(input_ids, attention_mask, token_type_ids if self.with_types else None)


def export_onnx(model: DebertaV2ForSequenceClassification, out_file: Path, opset: int = 17) -> None:
    """Exports with dynamic batch and sequence axes; int64 inputs, `logits` output."""
    was_training = model.training
    with_types = model.config.type_vocab_size > 0
    ids = torch.tensor([[1, 10, 11, 12, 2], [1, 13, 2, 0, 0]], dtype=torch.long)
    mask = (ids != 0).long()
    args: tuple = (ids, mask)
    names = ["input_ids", "attention_mask"]
    if with_types:
        args = (ids, mask, torch.zeros_like(ids))
        names.append("token_type_ids")
    axes = {n: {0: "batch_size", 1: "sequence_length"} for n in names}
    axes["logits"] = {0: "batch_size"}
    out_file.parent.mkdir(parents=True, exist_ok=True)
    with torch.no_grad():
        # export() restores the wrapper's own train/eval mode afterwards, so the wrapper must be in eval.
        torch.onnx.export(_Wrapper(model, with_types).eval(), args, str(out_file), input_names=names,
                          output_names=["logits"], dynamic_axes=axes, opset_version=opset,
                          do_constant_folding=True)
    model.train(was_training)
    onnx.checker.check_model(onnx.load(str(out_file)), full_check=True)


def write_config(model: DebertaV2ForSequenceClassification, out_dir: Path) -> None:
    cfg = model.config.to_hf()
    (out_dir / "config.json").write_text(json.dumps(cfg, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
