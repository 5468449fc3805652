"""Golden values for packages/cli/test/calibration.test.ts, computed independently of the CLI:
temperatures with scipy's bounded scalar minimiser on the NLL (in T, not the CLI's bisection on 1/T),
ECE with numpy's digitize, thresholds with ko_train.metrics.tune_thresholds.

  /usr/bin/python3 training/calibration_golden.py > packages/cli/test/fixtures/calibration-golden.json
"""
import json
import sys
from pathlib import Path

import numpy as np
from scipy.optimize import minimize_scalar
from scipy.special import expit, log_expit, log_softmax, softmax

sys.path.insert(0, str(Path(__file__).parent))
from ko_train.metrics import tune_thresholds  # noqa: E402

rng = np.random.default_rng(7)
BINS = 15


def ece(conf, right):
    # bin m holds ((m-1)/M, m/M]; 0 goes to the first bin
    idx = np.clip(np.ceil(conf * BINS).astype(int) - 1, 0, BINS - 1)
    total = 0.0
    for b in range(BINS):
        sel = idx == b
        if sel.any():
            total += sel.mean() * abs(right[sel].mean() - conf[sel].mean())
    return total


# single-label: 3 classes, overconfident logits (true scale 1, given ×3)
n, k = 600, 3
gold = rng.integers(0, k, n)
base = rng.normal(0, 1.2, (n, k))
base[np.arange(n), gold] += 1.0
logits = (base * 3.0).astype(np.float32).astype(np.float64)
nll = lambda t: -log_softmax(logits / t, axis=1)[np.arange(n), gold].mean()
T = minimize_scalar(nll, bounds=(0.05, 20), method="bounded", options={"xatol": 1e-10}).x
p0, p1 = softmax(logits, axis=1), softmax(logits / T, axis=1)
single = {
    "logits": logits.tolist(), "gold": gold.tolist(), "temperature": T, "nll_at_t": nll(T),
    "ece_before": ece(p0.max(1), (p0.argmax(1) == gold).astype(float)),
    "ece_after": ece(p1.max(1), (p1.argmax(1) == gold).astype(float)),
}

# multi-label: 3 labels, each with its own miscalibration
n, k = 500, 3
scale = np.array([2.5, 0.6, 1.0])
shift = np.array([0.0, 0.0, -1.0])
z_true = rng.normal(0, 2, (n, k)) + shift
y = (rng.random((n, k)) < expit(z_true)).astype(float)
y[:, 0] = np.where(y.sum(1) == 0, 1.0, y[:, 0])  # every row has a label
zl = (z_true * scale).astype(np.float32).astype(np.float64)
temps = []
for j in range(k):
    f = lambda t: -(y[:, j] * log_expit(zl[:, j] / t) + (1 - y[:, j]) * log_expit(-zl[:, j] / t)).mean()
    temps.append(minimize_scalar(f, bounds=(0.05, 20), method="bounded", options={"xatol": 1e-10}).x)
q0, q1 = expit(zl), expit(zl / np.array(temps))
multi = {
    "logits": zl.tolist(), "gold": [[j for j in range(k) if y[i, j]] for i in range(n)], "temperatures": temps,
    "ece_before": ece(q0.ravel(), y.ravel()), "ece_after": ece(q1.ravel(), y.ravel()),
    "ece_label1_before": ece(q0[:, 1], y[:, 1]),
    "thresholds_after": tune_thresholds(q1, y).tolist(),
}
json.dump({"note": "made by training/calibration_golden.py (scipy/numpy), independent of the CLI", "single": single, "multi": multi}, sys.stdout)
print()
