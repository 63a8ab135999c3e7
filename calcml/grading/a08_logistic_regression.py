"""Assignment 08_logistic_regression: what is checked, on which inputs, against what.

References are computed here, independently of any student code and of calcml's own
models: the loss with ``scipy.special.xlogy``, the gradient by the complex step on the
loss written as a softplus (exact to rounding, and not the formula students derive),
training by a plain loop on the analytic gradient, predictions from ``expit``.
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit, xlogy

from calcml.grading.core import Case, GradedFunction, finite_scalar, integer_array
from calcml.grading.references import complex_step_gradient, mean_bce_from_logits

A = "08_logistic_regression"


def _scalar(value):
    return float(np.asarray(value, dtype=float))


# --- binary_cross_entropy -------------------------------------------------------------

def _binary_cross_entropy(y, p):
    y = np.asarray(y, dtype=float)
    # the clip only matters for p exactly 0 or 1, where any finite value is accepted
    p = np.clip(np.asarray(p, dtype=float), 1e-15, 1 - 1e-15)
    return float(-np.mean(xlogy(y, p) + xlogy(1 - y, 1 - p)))


def _bce_visible() -> list[Case]:
    return [
        Case((np.array([1.0, 0.0]), np.array([0.5, 0.5])),
             note="p = 1/2 for both: the loss is log 2 = 0.693..."),
        Case((np.array([1, 0, 1]), np.array([0.9, 0.2, 0.6])),
             note="integer labels: -(log 0.9 + log 0.8 + log 0.6) / 3"),
        Case((np.array([1, 0]), np.array([1.0, 0.0])), compare=finite_scalar,
             note="p exactly 1 and 0: the loss must be finite (only finiteness is checked)"),
    ]


def _bce_hidden(rng: np.random.Generator) -> list[Case]:
    out = []
    for m in (1, 6, 40):
        y = rng.integers(0, 2, size=m).astype(float)
        out.append(Case((y, rng.uniform(0.001, 0.999, size=m)), note=f"{m} random examples"))
    y = rng.integers(0, 2, size=12)
    out.append(Case((y, rng.uniform(0.02, 0.98, size=12)), note="integer labels"))
    y = np.ones(5)
    out.append(Case((y, rng.uniform(0.001, 0.3, size=5)),
                    note="all labels 1: only the log p term counts"))
    y = np.zeros(5)
    out.append(Case((y, rng.uniform(0.6, 0.999, size=5)),
                    note="all labels 0: only the log(1 - p) term counts"))
    # p exactly 0 or 1 where the label agrees: 0 * log 0 must not become nan
    y = rng.integers(0, 2, size=8)
    y[:2] = rng.permutation([0, 1])  # both p = 0 and p = 1 occur
    p = rng.uniform(0.1, 0.9, size=8)
    p[:3] = y[:3]
    out.append(Case((y, p), compare=finite_scalar,
                    note="p exactly 0 or 1 on correctly labelled examples: finite, no nan"))
    # p exactly 0 or 1 where the label disagrees: log 0 must be clipped
    y = rng.integers(0, 2, size=8)
    y[-2:] = rng.permutation([0, 1])  # both p = 0 and p = 1 occur
    p = rng.uniform(0.1, 0.9, size=8)
    p[-2:] = 1 - y[-2:]
    out.append(Case((y, p), compare=finite_scalar,
                    note="p exactly 0 or 1 on wrongly labelled examples: finite, no inf"))
    return out


# --- logistic_gradient ------------------------------------------------------------------

def _logistic_gradient(w, b, X, y):
    w = np.asarray(w, dtype=float)
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    b = _scalar(b)
    dw = complex_step_gradient(lambda v: mean_bce_from_logits(X @ v + b, y), w)
    db = complex_step_gradient(lambda c: mean_bce_from_logits(X @ w + c, y), b)
    return dw, float(db)


def _lg_visible() -> list[Case]:
    return [
        Case((np.array([0.0, 0.0]), 0.0, np.array([[1.0, 2.0], [3.0, -1.0]]), np.array([1, 0])),
             note="w = 0, b = 0: every p is 1/2, so dw = X^T (1/2 - y) / m"),
        Case((np.array([0.5, -1.0]), 0.25, np.array([[1.0, 0.0], [0.0, 1.0], [2.0, 2.0]]),
              np.array([1.0, 0.0, 1.0])),
             note="three examples: dw = X^T (p - y) / m, db = mean(p - y)"),
    ]


def _lg_hidden(rng: np.random.Generator) -> list[Case]:
    out = []
    for m, n in ((1, 3), (7, 2), (30, 4), (50, 1)):
        X = rng.normal(0, 1.5, size=(m, n))
        out.append(Case((rng.normal(size=n), float(rng.normal()), X,
                         rng.integers(0, 2, size=m).astype(float)),
                        note=f"{m} examples, {n} features"))
    m, n = 9, 3
    out.append(Case((rng.normal(size=n), float(rng.normal()), rng.integers(-3, 4, size=(m, n)),
                     rng.integers(0, 2, size=m)), note="integer X and y"))
    X = rng.normal(0, 1, size=(10, 3))
    out.append(Case((np.zeros(3), float(rng.uniform(1, 3)), X, rng.integers(0, 2, size=10)),
                    note="w = 0 and b != 0: the bias enters every p"))
    X = rng.normal(0, 1, size=(8, 2))
    w = rng.normal(0, 1, size=2)
    y = (X @ w > 0).astype(float)
    out.append(Case((12 * w, 0.0, X, y), note="large, mostly correct scores: p near 0 and 1"))
    return out


# --- train_logistic_regression --------------------------------------------------------

def _train_logistic_regression(X, y, lr, n_epochs):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    m, n = X.shape
    w, b = np.zeros(n), 0.0
    for _ in range(int(n_epochs)):
        r = expit(X @ w + b) - y  # residuals p - y
        w, b = w - lr * (X.T @ r) / m, b - lr * float(np.sum(r)) / m
    return w, float(b)


def _separable(rng: np.random.Generator, m: int, n: int, noise: float = 0.0):
    X = rng.normal(0, 1, size=(m, n))
    w, b = rng.normal(0, 1, size=n), float(rng.normal(0, 0.5))
    y = (X @ w + b + noise * rng.normal(size=m) > 0).astype(float)
    return X, y


def _tr_visible() -> list[Case]:
    X = np.array([[0.0], [1.0], [2.0], [3.0]])
    y = np.array([0.0, 0.0, 1.0, 1.0])
    return [
        Case((X, y, 0.5, 1), note="one step from w = 0, b = 0"),
        Case((X, y, 0.5, 0), note="no steps: the zeros you start from"),
        Case((X, y, 0.5, 50), note="fifty steps on four points in one feature"),
    ]


def _tr_hidden(rng: np.random.Generator) -> list[Case]:
    out = []
    X, y = _separable(rng, 20, 2, noise=1.0)
    out.append(Case((X, y, 0.3, 1), note="a single step"))
    out.append(Case((X, y, 0.3, 2), note="two steps: w and b both use the gradient at the "
                                         "same point"))
    X, y = _separable(rng, 30, 3, noise=0.5)
    out.append(Case((X, y, float(rng.uniform(0.05, 0.5)), int(rng.integers(50, 200))),
                    note="many steps"))
    X, y = _separable(rng, 12, 2, noise=0.3)
    out.append(Case((X, y, 0.1, 0), note="n_epochs = 0"))
    Xi = rng.integers(-3, 4, size=(15, 2))
    yi = (Xi[:, 0] - Xi[:, 1] + 0.5 > 0).astype(int)
    out.append(Case((Xi, yi, 0.2, 30), note="integer X and y"))
    X = rng.normal(2.0, 0.5, size=(16, 1))
    y = (rng.uniform(size=16) < 0.75).astype(float)
    out.append(Case((X, y, 0.5, 25), note="unbalanced labels: the bias matters"))
    return out


# --- logistic_predict -----------------------------------------------------------------

def _logistic_predict(w, b, X, threshold=0.5):
    z = np.asarray(X, dtype=float) @ np.asarray(w, dtype=float) + _scalar(b)
    return (expit(z) >= threshold).astype(int)


def _away_from(w, b, X, threshold):
    """The rows of X whose probability is not within 1e-6 of the threshold."""
    p = expit(np.asarray(X, dtype=float) @ w + b)
    return X[np.abs(p - threshold) > 1e-6]


def _pr_visible() -> list[Case]:
    X = np.array([[2.0, 1.0], [-1.0, 0.5], [0.0, -3.0]])
    w = np.array([1.0, -1.0])
    return [
        Case((w, 0.0, X), note="z = [1, -1.5, 3]: labels [1, 0, 1]"),
        Case((w, -1.0, np.array([[1.0, 0.0], [3.0, 1.0]])),
             note="z = 0 exactly on the first row, so p = 0.5 = threshold: label 1"),
        Case((w, 0.0, X), {"threshold": 0.8}, note="a higher threshold: p = 0.73 is now 0"),
    ]


def _pr_hidden(rng: np.random.Generator) -> list[Case]:
    out = []
    for m, n in ((10, 2), (25, 4)):
        w, b = rng.normal(size=n), float(rng.normal())
        X = _away_from(w, b, rng.normal(0, 2, size=(m, n)), 0.5)
        out.append(Case((w, b, X), note=f"{n} features, default threshold"))
    for t in (0.8, 0.25):
        while True:  # some labels must change when the threshold moves away from 0.5
            w, b = rng.normal(0, 1.5, size=3), float(rng.normal(0, 0.5))
            X = _away_from(w, b, rng.normal(0, 1.5, size=(20, 3)), t)
            at_t, at_half = _logistic_predict(w, b, X, t), _logistic_predict(w, b, X)
            if 0 < at_t.sum() < len(at_t) and np.any(at_t != at_half):
                break
        out.append(Case((w, b, X), {"threshold": t}, note=f"threshold {t}"))
    # z = 0 exactly: w and b are multiples of 1/4, X small integers
    w = rng.integers(-4, 5, size=2) / 4
    w[w == 0] = 0.5
    X = rng.integers(-3, 4, size=(8, 2))
    b = -float(X[0] @ w)
    out.append(Case((w, b, X), note="z = 0 exactly on the first row: p = 0.5 earns label 1"))
    w = rng.normal(size=2)
    X = _away_from(w, 0.0, rng.integers(-5, 6, size=(12, 2)), 0.5)
    out.append(Case((w, 0.0, X), note="integer X"))
    w = rng.normal(size=3)
    out.append(Case((w, float(rng.normal()), rng.normal(0, 1, size=(1, 3))),
                    note="a single example"))
    w = rng.normal(size=2)
    b = 3.0
    X = _away_from(w, b, rng.normal(0, 1, size=(10, 2)), 0.5)
    out.append(Case((w, b, X), note="a large bias: most labels 1"))
    return out


FUNCTIONS = [
    GradedFunction(A, "binary_cross_entropy", ("y", "p"), _binary_cross_entropy,
                   _bce_visible, _bce_hidden,
                   hint="-mean(y log p + (1 - y) log(1 - p)); clip p into [eps, 1 - eps] "
                        "first (e.g. eps = 1e-12) so that log never sees 0",
                   points=2),
    GradedFunction(A, "logistic_gradient", ("w", "b", "X", "y"), _logistic_gradient,
                   _lg_visible, _lg_hidden,
                   hint="with p = sigma(X w + b): dw = X^T (p - y) / m and db = mean(p - y); "
                        "return them as a tuple (dw, db)",
                   points=3),
    GradedFunction(A, "train_logistic_regression", ("X", "y", "lr", "n_epochs"),
                   _train_logistic_regression, _tr_visible, _tr_hidden,
                   hint="start from w = zeros(n), b = 0; each of the n_epochs steps computes "
                        "both gradients at the current (w, b), then updates both",
                   points=2),
    GradedFunction(A, "logistic_predict", ("w", "b", "X", "threshold"), _logistic_predict,
                   _pr_visible, _pr_hidden, compare=integer_array,
                   hint="p = sigma(X w + b); label 1 where p >= threshold (note the >=), "
                        "returned as an integer array (astype(int))",
                   points=1),
]
