"""Helpers for the random test fixtures."""
from __future__ import annotations

import torch
from torch import nn


@torch.no_grad()
def spread_head(head: nn.Linear, pooled: torch.Tensor, scale: float = 1.5) -> None:
    """A random encoder pools nearly the same vector for every text, so a random head puts every text
    on one label and every label-agreement test on the fixture passes by construction. Point a 3-way
    head along the two directions in which the pooled vectors of real sentences vary most (centred),
    so labels spread over all classes with margins a sign flip or an off-by-one would break."""
    mean = pooled.mean(0)
    _, _, v = torch.linalg.svd(pooled - mean, full_matrices=False)
    spread = ((pooled - mean) @ v[:2].T).std(0)
    d1, d2 = v[0] / spread[0], v[1] / spread[1]
    w = torch.stack([d1, d2, -(d1 + d2)]) * scale
    head.weight.copy_(w)
    head.bias.copy_(-(w @ mean))
