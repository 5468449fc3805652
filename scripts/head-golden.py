"""Golden values for packages/core/test/head-golden.test.ts, computed independently of core's head:
the weights of multinomial logistic regression (mean cross-entropy + lambda/2 * ||W||^2, bias not
penalised) by scipy's L-BFGS-B to a tight tolerance, and the NLL-minimising temperature of fixed
logits by scipy's bounded scalar minimiser (in T, not core's bisection on 1/T).

  /usr/bin/python3 scripts/head-golden.py > packages/core/test/fixtures/head-golden.json
"""
import json

import numpy as np
from scipy.optimize import minimize, minimize_scalar
from scipy.special import log_softmax, softmax

rng = np.random.default_rng(28)


def unit(x):
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def fit(x, y, labels, lam):
    n, d = x.shape
    onehot = np.eye(labels)[y]

    def f(theta):
        w = theta[: labels * d].reshape(labels, d)
        b = theta[labels * d:]
        z = x @ w.T + b
        loss = -(log_softmax(z, axis=1) * onehot).sum() / n + lam / 2 * (w ** 2).sum()
        g = (softmax(z, axis=1) - onehot) / n
        return loss, np.concatenate([(g.T @ x + lam * w).ravel(), g.sum(axis=0)])

    r = minimize(f, np.zeros(labels * (d + 1)), jac=True, method="L-BFGS-B", options={"maxiter": 10000, "gtol": 1e-12, "ftol": 1e-15})
    return r.x[: labels * d].reshape(labels, d), r.x[labels * d:]


cases = []
# the last two have more features than examples (core fits those through their Gram matrix)
for labels, per, d, noise, lam in [(2, 12, 8, 1.5, 1e-2), (3, 10, 16, 2.0, 1e-3), (4, 6, 8, 1.0, 3e-2), (3, 5, 40, 1.5, 1e-2), (2, 8, 64, 2.0, 1e-3)]:
    centres = unit(rng.normal(size=(labels, d)))
    y = np.repeat(np.arange(labels), per)
    x = unit(centres[y] + noise * rng.normal(size=(labels * per, d)) / np.sqrt(d))
    w, b = fit(x, y, labels, lam)
    cases.append({"lambda": lam, "labels": [f"l{c}" for c in range(labels)], "x": x.round(7).tolist(), "y": y.tolist(), "weights": w.tolist(), "bias": b.tolist()})

z = rng.normal(size=(40, 3)) * 3
gold = (z + 4 * rng.normal(size=(40, 3))).argmax(axis=1)  # related to the logits, but less sure than they say
nll = lambda t: -log_softmax(z / t, axis=1)[np.arange(40), gold].mean()
t = minimize_scalar(nll, bounds=(0.05, 20), method="bounded", options={"xatol": 1e-10}).x
print(json.dumps({"fits": cases, "temperature": {"logits": z.tolist(), "gold": gold.tolist(), "t": t}}))
