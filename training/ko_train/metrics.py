"""Dev-set scores for model selection: single-label (argmax) or multi-label (sigmoid > threshold)."""
from __future__ import annotations

import numpy as np


def single_label_scores(logits: np.ndarray, y: np.ndarray, n_labels: int) -> dict[str, float]:
    p = logits.argmax(-1)
    f1 = []
    for c in range(n_labels):
        tp = ((p == c) & (y == c)).sum(); fp = ((p == c) & (y != c)).sum(); fn = ((p != c) & (y == c)).sum()
        f1.append(0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn))
    return {"accuracy": round(float((p == y).mean()), 5), "macro_f1": round(float(np.mean(f1)), 5)}


def multi_label_scores(logits: np.ndarray, y: np.ndarray, thresholds: np.ndarray | float = 0.5) -> dict[str, float]:
    """Micro- and macro-F1 over labels, and the share of rows whose label set is exactly right."""
    p = (1 / (1 + np.exp(-logits))) >= thresholds
    t = y >= 0.5
    tp, fp, fn = (p & t).sum(0), (p & ~t).sum(0), (~p & t).sum(0)
    per = np.where(tp > 0, 2 * tp / np.maximum(2 * tp + fp + fn, 1), 0.0)
    micro = 2 * tp.sum() / max(2 * tp.sum() + fp.sum() + fn.sum(), 1)
    return {"micro_f1": round(float(micro), 5), "macro_f1": round(float(per.mean()), 5), "exact_match": round(float((p == t).all(1).mean()), 5)}


def scores(logits: np.ndarray, y: np.ndarray, multi_label: bool) -> dict[str, float]:
    return multi_label_scores(logits, y) if multi_label else single_label_scores(logits, y, logits.shape[1])


def tune_thresholds(probs: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Per label, the decision threshold (0.05-0.95) with the best F1 on these rows."""
    grid = np.round(np.arange(0.05, 0.951, 0.025), 3)
    t = y >= 0.5
    best = np.full(probs.shape[1], 0.5)
    for j in range(probs.shape[1]):
        f1 = [2 * ((p := probs[:, j] >= g) & t[:, j]).sum() / max(p.sum() + t[:, j].sum(), 1) for g in grid]
        best[j] = grid[int(np.argmax(f1))]
    return best
