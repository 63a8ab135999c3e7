"""Every training loop of calcml against a bare numpy loop doing the same arithmetic.

Not a test. For each loop and each problem size the library call and a hand-written
loop (the same updates, no input checks, no bookkeeping) run in turns, several times;
the best time of each is kept and their ratio printed (library / bare). The goal is a
ratio of 1.1 or less everywhere: checking the inputs once and recording a loss only when
asked must cost next to nothing beside the arithmetic itself. The results of the two are
compared too, so a fast but wrong loop cannot pass.

    python benchmarks/training.py              # the three sizes below
    python benchmarks/training.py --repeats 9  # steadier numbers

The sizes: 1000 x 20 and 10000 x 100 synthetic problems, and the 8x8 digits (1797 x 64,
ten classes). numpy's BLAS is held to one thread (as `make` does), the machine's default
for this course.
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402

from calcml.datasets import digits  # noqa: E402
from calcml.models import train_logistic_regression, train_mlp, train_softmax_regression  # noqa: E402
from calcml.network import init_mlp_multiclass, train_mlp_multiclass  # noqa: E402
from calcml.optim import linear_regression_gd, minibatch_sgd  # noqa: E402

GOAL = 1.1


# --------------------------------------------------------------------- the bare loops


def bare_linear_regression(X: np.ndarray, y: np.ndarray, lr: float, epochs: int) -> np.ndarray:
    m = len(y)
    theta = np.zeros(X.shape[1])
    for _ in range(epochs):
        theta = theta - lr * (2.0 / m) * (X.T @ (X @ theta - y))
    return theta


def lsq_grad(theta: np.ndarray, Xb: np.ndarray, yb: np.ndarray) -> np.ndarray:
    """The batch gradient both SGD loops call (the user's function, not the library's)."""
    return (2.0 / len(yb)) * (Xb.T @ (Xb @ theta - yb))


def bare_minibatch_sgd(X: np.ndarray, y: np.ndarray, lr: float, epochs: int,
                       batch: int) -> np.ndarray:
    rng = np.random.default_rng(0)
    m = len(y)
    theta = np.zeros(X.shape[1])
    for _ in range(epochs):
        perm = rng.permutation(m)
        for i in range(0, m, batch):
            idx = perm[i:i + batch]
            theta = theta - lr * lsq_grad(theta, X[idx], y[idx])
    return theta


def _sigmoid(z: np.ndarray) -> np.ndarray:
    e = np.exp(-np.abs(z))
    r = 1.0 / (1.0 + e)
    return np.where(z >= 0, r, e * r)


def bare_logistic(X: np.ndarray, y: np.ndarray, lr: float, epochs: int) -> tuple[Any, ...]:
    m = len(y)
    w, b = np.zeros(X.shape[1]), 0.0
    for _ in range(epochs):
        dz = (_sigmoid(X @ w + b) - y) / m
        w = w - lr * (X.T @ dz)
        b = b - lr * float(np.sum(dz))
    return w, b


def bare_softmax(X: np.ndarray, y: np.ndarray, k: int, lr: float, epochs: int) -> tuple[Any, ...]:
    m = len(y)
    Y = np.eye(k)[y]
    W, b = np.zeros((X.shape[1], k)), np.zeros(k)
    for _ in range(epochs):
        Z = X @ W + b
        E = np.exp(Z - Z.max(axis=1, keepdims=True))
        dZ = (E / E.sum(axis=1, keepdims=True) - Y) / m
        W = W - lr * (X.T @ dZ)
        b = b - lr * dZ.sum(axis=0)
    return W, b


def bare_mlp(X: np.ndarray, y: np.ndarray, h: int, lr: float, epochs: int) -> dict[str, Any]:
    m, n = X.shape
    rng = np.random.default_rng(0)
    W1 = rng.normal(0.0, np.sqrt(2.0 / n), (n, h))
    W2 = rng.normal(0.0, np.sqrt(2.0 / h), (h, 1))
    b1, b2 = np.zeros(h), np.zeros(1)
    for _ in range(epochs):
        Z1 = X @ W1 + b1
        A1 = np.maximum(Z1, 0.0)
        z2 = A1 @ W2[:, 0] + b2[0]
        dz2 = (_sigmoid(z2) - y) / m
        dZ1 = np.outer(dz2, W2[:, 0]) * (Z1 > 0)
        W2 = W2 - lr * (A1.T @ dz2)[:, None]
        b2 = b2 - lr * np.sum(dz2)
        W1 = W1 - lr * (X.T @ dZ1)
        b1 = b1 - lr * dZ1.sum(axis=0)
    return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}


def bare_mlp_multiclass(X: np.ndarray, y: np.ndarray, h: int, k: int, lr: float,
                        epochs: int) -> tuple[Any, ...]:
    """The multi-class network of chapter 12 by batch GD, recording the loss each epoch."""
    m = len(y)
    P = init_mlp_multiclass(X.shape[1], h, k, 0)
    W1, b1, W2, b2 = P["W1"], P["b1"], P["W2"], P["b2"]
    rows = np.arange(m)
    losses = np.empty(epochs + 1)
    for epoch in range(epochs + 1):
        Z1 = X @ W1 + b1
        A1 = np.maximum(Z1, 0.0)
        Z2 = A1 @ W2 + b2
        top = Z2.max(axis=1)
        E = np.exp(Z2 - top[:, None])
        S = E.sum(axis=1)
        losses[epoch] = np.mean(top + np.log(S) - Z2[rows, y])
        dZ2 = E / S[:, None]
        dZ2[rows, y] -= 1.0
        dZ2 /= m
        dZ1 = np.where(Z1 > 0, dZ2 @ W2.T, 0.0)
        if epoch == epochs:
            break
        W1, b1 = W1 - lr * (X.T @ dZ1), b1 - lr * dZ1.sum(axis=0)
        W2, b2 = W2 - lr * (A1.T @ dZ2), b2 - lr * dZ2.sum(axis=0)
    return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}, {"train": losses}


# --------------------------------------------------------------------- the problems


def problems() -> dict[str, dict[str, np.ndarray]]:
    """name -> X, a real target t, binary labels yb and class labels yc (with k)."""
    out = {}
    rng = np.random.default_rng(42)
    for m, n in ((1000, 20), (10000, 100)):
        X = rng.normal(size=(m, n))
        w = rng.normal(size=n)
        t = X @ w + 0.1 * rng.normal(size=m)
        out[f"{m}x{n}"] = {"X": X, "t": t, "yb": (t > 0).astype(float),
                           "yc": np.digitize(t, np.quantile(t, [0.25, 0.5, 0.75])), "k": 4}
    Xd, yd = digits()
    Xd = Xd / 16.0
    out["digits"] = {"X": Xd, "t": yd.astype(float), "yb": (yd >= 5).astype(float),
                     "yc": yd, "k": 10}
    return out


def loops(p: dict[str, Any], epochs: int) -> list[tuple[str, Callable[[], Any], Callable[[], Any]]]:
    X, t, yb, yc, k = p["X"], p["t"], p["yb"], p["yc"], p["k"]
    lr_ls = 0.5 / np.linalg.norm(X, 2) ** 2 * len(t)  # below 1/L of the MSE
    sgd_epochs = max(1, epochs // 4)  # each SGD epoch does about the work of a GD epoch
    return [
        ("linear_regression_gd",
         lambda: linear_regression_gd(X, t, lr_ls, epochs),
         lambda: bare_linear_regression(X, t, lr_ls, epochs)),
        ("minibatch_sgd (batch 64)",
         lambda: minibatch_sgd(lsq_grad, np.zeros(X.shape[1]), X, t, 0.01, sgd_epochs, 64),
         lambda: bare_minibatch_sgd(X, t, 0.01, sgd_epochs, 64)),
        ("train_logistic_regression",
         lambda: train_logistic_regression(X, yb, 0.5, epochs),
         lambda: bare_logistic(X, yb, 0.5, epochs)),
        ("train_softmax_regression",
         lambda: train_softmax_regression(X, yc, k, 0.5, epochs),
         lambda: bare_softmax(X, yc, k, 0.5, epochs)),
        ("train_mlp (16 hidden)",
         lambda: train_mlp(X, yb, 16, 0.1, epochs),
         lambda: bare_mlp(X, yb, 16, 0.1, epochs)),
        ("train_mlp_multiclass (32)",
         lambda: train_mlp_multiclass(X, yc, 32, 0.1, epochs, k=k),
         lambda: bare_mlp_multiclass(X, yc, 32, k, 0.1, epochs)),
    ]


def best_times(lib: Callable[[], Any], bare: Callable[[], Any],
               repeats: int) -> tuple[float, float]:
    """The best time of each over ``repeats`` rounds, the two taking turns in every round
    (and the order flipping), so that a moment of load on the machine hits both alike."""
    best = [float("inf"), float("inf")]
    for r in range(repeats):
        order = (0, 1) if r % 2 == 0 else (1, 0)
        for i in order:
            start = time.perf_counter()
            (lib, bare)[i]()
            best[i] = min(best[i], time.perf_counter() - start)
    return best[0], best[1]


def same(a: Any, b: Any) -> bool:
    if isinstance(a, dict):
        return all(np.allclose(a[key], b[key], rtol=1e-9, atol=1e-12) for key in a)
    if isinstance(a, tuple):
        return all(same(x, y) for x, y in zip(a, b, strict=True))
    return bool(np.allclose(a, b, rtol=1e-9, atol=1e-12))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=10, help="runs of each; the best counts")
    parser.add_argument("--epochs", type=int, default=200)
    args = parser.parse_args()
    print(f"{'loop':28s} {'problem':>12s} {'calcml s':>10s} {'bare s':>10s} {'ratio':>7s}")
    worst, wrong = 0.0, []
    for name, p in problems().items():
        epochs = args.epochs if name != "10000x100" else args.epochs // 4
        for loop, lib, bare in loops(p, epochs):
            if not same(lib(), bare()):
                wrong.append(f"{loop} on {name}")
            t_lib, t_bare = best_times(lib, bare, args.repeats)
            ratio = t_lib / t_bare
            worst = max(worst, ratio)
            flag = "" if ratio <= GOAL else "  above the goal"
            print(f"{loop:28s} {name:>12s} {t_lib:10.4f} {t_bare:10.4f} {ratio:7.3f}{flag}")
    print(f"worst ratio {worst:.3f} (goal {GOAL}); "
          + ("results agree everywhere" if not wrong else f"DIFFERENT RESULTS: {wrong}"))
    return 0 if worst <= GOAL and not wrong else 1


if __name__ == "__main__":
    raise SystemExit(main())
