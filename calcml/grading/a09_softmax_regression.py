"""Assignment 09_softmax_regression: what is checked, on which inputs, against what.

References are computed here, independently of any student code and of calcml's own
models: ``scipy.special.softmax`` and ``xlogy``; the Jacobian and the gradient by the
complex step (exact to rounding, and not the formulas students derive), the loss for
the gradient written as logsumexp(z) - z_y; training by a plain loop on the analytic
gradient.
"""

from __future__ import annotations

import numpy as np
from scipy.special import softmax as _scipy_softmax
from scipy.special import xlogy

from calcml.grading.core import Case, GradedFunction, close, finite_scalar
from calcml.grading.references import complex_step_gradient, complex_step_jacobian

A = "09_softmax_regression"

def _softmax_complex(z):
    """Softmax along the last axis that also works for complex logits (complex step)."""
    c = np.max(z.real, axis=-1, keepdims=True)
    e = np.exp(z - c)
    return e / np.sum(e, axis=-1, keepdims=True)


def _random_probabilities(rng: np.random.Generator, m: int, k: int, scale: float = 1.5):
    return _scipy_softmax(rng.normal(0, scale, size=(m, k)), axis=1)


# --- softmax -----------------------------------------------------------------------------

def _softmax(Z):
    return _scipy_softmax(np.asarray(Z, dtype=float), axis=-1)


def _sm_visible() -> list[Case]:
    return [
        Case((np.array([1.0, 2.0, 0.5]),),
             note="a 1-D vector of logits: s = e^z / sum(e^z) = [0.231, 0.629, 0.140]"),
        Case((np.array([[0.0, 0.0], [1.0, 3.0]]),),
             note="a 2-D array: each row on its own; equal logits give equal shares"),
        Case((np.array([1e4, 0.0, -1e4]),), no_warnings=True,
             note="logits of 1e4: subtract the maximum first, no overflow warning or nan"),
    ]


def _sm_hidden(rng: np.random.Generator) -> list[Case]:
    out = [
        Case((rng.normal(0, 2, size=5),), note="a 1-D array of 5 logits"),
        Case((rng.normal(0, 2, size=(6, 4)),), note="a 6 x 4 array: softmax of each row"),
        Case((rng.normal(0, 2, size=(3, 3)),), note="a square array: rows, not columns"),
        Case((rng.normal(0, 2, size=(1, 5)),), note="a single row, kept 2-D"),
        Case((rng.integers(-4, 5, size=(4, 3)),), note="an integer array"),
    ]
    Z = rng.normal(0, 1, size=(4, 3))
    Z[0] += 1e4
    Z[2] *= 1e4
    Z[3] -= 1e4
    out.append(Case((Z,), no_warnings=True,
                    note="rows with logits near +1e4, -1e4 and spread over 1e4: no overflow, "
                         "no nan, each row shifted by its own maximum"))
    z = rng.normal(0, 1, size=4)
    z[rng.integers(4)] = 1e4
    out.append(Case((z,), no_warnings=True, note="a 1-D vector with one logit of 1e4"))
    c = float(rng.normal(0, 3))
    out.append(Case((np.full((2, 4), c),), note="constant rows: the uniform distribution"))
    return out


# --- softmax_jacobian ---------------------------------------------------------------------

def _softmax_jacobian(z):
    return complex_step_jacobian(_softmax_complex, z)  # J[j, i] = ds_j / dz_i


def _sj_visible() -> list[Case]:
    return [
        Case((np.array([1.0, 2.0, 0.5]),),
             note="the chapter's example: diagonal s_i (1 - s_i), off-diagonal -s_i s_j"),
        Case((np.array([0.0, 0.0]),), note="two equal logits: [[1/4, -1/4], [-1/4, 1/4]]"),
    ]


def _sj_hidden(rng: np.random.Generator) -> list[Case]:
    return [
        Case((rng.normal(0, 1.5, size=3),), note="3 logits"),
        Case((rng.normal(0, 2, size=5),), note="5 logits"),
        Case((rng.integers(-3, 4, size=4),), note="an integer array"),
        Case((np.array([float(rng.normal())]),), note="a single logit: s = [1], J = [[0]]"),
        Case((rng.normal(0, 1, size=4) + 40,), note="all logits near 40"),
        Case((np.full(6, float(rng.normal())),), note="six equal logits"),
    ]


# --- one_hot ------------------------------------------------------------------------------

def _one_hot(y, k):
    y = np.asarray(y)
    return (y[:, None] == np.arange(int(k))[None, :]).astype(float)


def _oh_visible() -> list[Case]:
    return [
        Case((np.array([0, 2, 1]), 3), note="three labels, three classes"),
        Case((np.array([1, 1]), 4), note="k = 4 columns even though only class 1 occurs"),
    ]


def _oh_hidden(rng: np.random.Generator) -> list[Case]:
    return [
        Case((rng.integers(0, 4, size=10), 4), note="10 labels in 4 classes"),
        Case((rng.integers(0, 3, size=6), 6), note="k larger than max(y) + 1"),
        Case((np.array([int(rng.integers(0, 5))]), 5), note="a single label"),
        Case((rng.integers(0, 2, size=7).astype(np.int32), 2), note="int32 labels, k = 2"),
        Case((np.array([0, 1, 2, 3, 4])[rng.permutation(5)], 5), note="every class once"),
    ]


# --- cross_entropy ------------------------------------------------------------------------

def _cross_entropy(Y, P):
    Y = np.asarray(Y, dtype=float)
    # the clip only matters where P_ij is exactly 0, where any finite value is accepted
    P = np.clip(np.asarray(P, dtype=float), 1e-15, None)
    return float(-np.mean(np.sum(xlogy(Y, P), axis=1)))


def _ce_visible() -> list[Case]:
    Y = np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])
    return [
        Case((Y, np.array([[0.7, 0.2, 0.1], [0.3, 0.3, 0.4]])),
             note="-(log 0.7 + log 0.4) / 2: only the true class's probability counts"),
        Case((Y, np.array([[0.5, 0.5, 0.0], [0.5, 0.0, 0.5]])), compare=finite_scalar,
             note="some P_ij exactly 0 (in wrong classes): the result must be finite "
                  "(0 log 0 would be nan)"),
    ]


def _ce_hidden(rng: np.random.Generator) -> list[Case]:
    out = []
    for m, k in ((5, 3), (20, 4), (1, 6)):
        y = rng.integers(0, k, size=m)
        P = _random_probabilities(rng, m, k)
        out.append(Case((_one_hot(y, k), P), note=f"{m} examples, {k} classes"))
    y = rng.integers(0, 3, size=6)
    out.append(Case((_one_hot(y, 3).astype(int), _random_probabilities(rng, 6, 3)),
                    note="an integer one-hot Y"))
    P = _random_probabilities(rng, 4, 3, scale=0.3)
    out.append(Case((np.tile([0.0, 1.0, 0.0], (4, 1)), P),
                    note="every example in class 1: not the mean over all entries"))
    # exact zeros in the wrong classes: 0 * log 0 must not become nan
    y = rng.integers(0, 3, size=5)
    Y = _one_hot(y, 3)
    P = _random_probabilities(rng, 5, 3)
    P[(np.arange(5), (y + 1) % 3)] = 0.0
    P /= P.sum(axis=1, keepdims=True)
    out.append(Case((Y, P), compare=finite_scalar,
                    note="P_ij exactly 0 in wrong classes: finite, no nan"))
    # an exact zero in the true class: log 0 must be clipped
    P = _random_probabilities(rng, 5, 3)
    P[0, y[0]] = 0.0
    P /= P.sum(axis=1, keepdims=True)
    out.append(Case((Y, P), compare=finite_scalar,
                    note="P_ij exactly 0 for the true class: finite, no inf"))
    return out


# --- softmax_gradient ---------------------------------------------------------------------

def _mean_ce_complex(W, b, X, y):
    """Mean cross-entropy as logsumexp(z_i) - z_{i, y_i}; works for complex W, b."""
    Z = X @ W + b
    c = np.max(Z.real, axis=1, keepdims=True)
    lse = np.log(np.sum(np.exp(Z - c), axis=1)) + c[:, 0]
    return np.mean(lse - Z[np.arange(len(y)), y])


def _softmax_gradient(W, b, X, y):
    W = np.asarray(W, dtype=float)
    b = np.asarray(b, dtype=float)
    X = np.asarray(X, dtype=float)
    y = np.asarray(y).astype(int)
    dW = complex_step_gradient(lambda V: _mean_ce_complex(V, b, X, y), W)
    db = complex_step_gradient(lambda c: _mean_ce_complex(W, c, X, y), b)
    return dW, db


_SEED_X = np.array([[0.5, -1.0], [-0.3, 0.8], [1.2, 0.4]])  # the notes' data, ones column split
_SEED_THETA = np.array([[0.1, -0.2, 0.3], [0.0, 0.4, -0.1], [-0.3, 0.2, 0.2]])  # rows theta_j


def _sg_visible() -> list[Case]:
    return [
        Case((np.zeros((2, 3)), np.zeros(3), np.array([[1.0, 0.0], [0.0, 1.0]]),
              np.array([0, 2])),
             note="W = 0, b = 0: every probability is 1/3, so dW = X^T (1/3 - Y) / m"),
        Case((_SEED_THETA[:, 1:].T.copy(), _SEED_THETA[:, 0].copy(), _SEED_X, np.array([0, 2, 1])),
             note="the chapter's worked example (bias split off the weights): "
                  "dW = X^T (S - Y) / m, db = mean of S - Y over the rows"),
    ]


def _sg_hidden(rng: np.random.Generator) -> list[Case]:
    out = []
    for m, n, k in ((1, 2, 3), (8, 3, 4), (30, 2, 2), (12, 4, 5)):
        out.append(Case((rng.normal(size=(n, k)), rng.normal(size=k), rng.normal(0, 1.5, (m, n)),
                         rng.integers(0, k, size=m)), note=f"m={m}, n={n}, k={k}"))
    m, n, k = 10, 3, 3
    out.append(Case((rng.normal(size=(n, k)), rng.normal(size=k),
                     rng.integers(-3, 4, size=(m, n)), rng.integers(0, k, size=m)),
                    note="an integer X"))
    m, n, k = 9, 2, 4
    out.append(Case((rng.normal(size=(n, k)), rng.normal(size=k), rng.normal(size=(m, n)),
                     rng.integers(0, k - 1, size=m)),
                    note="the last class never occurs in y (use k = W.shape[1], not max(y) + 1)"))
    m, n, k = 6, 3, 3
    out.append(Case((np.zeros((n, k)), rng.normal(0, 2, size=k), rng.normal(size=(m, n)),
                     rng.integers(0, k, size=m)), note="W = 0, b != 0: the bias enters every z"))
    return out


# --- train_softmax_regression -------------------------------------------------------------

def _train_softmax_regression(X, y, k, lr, n_epochs):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y).astype(int)
    m, n = X.shape
    Y = _one_hot(y, k)
    W, b = np.zeros((n, int(k))), np.zeros(int(k))
    for _ in range(int(n_epochs)):
        R = _scipy_softmax(X @ W + b, axis=1) - Y
        W, b = W - lr * (X.T @ R) / m, b - lr * R.sum(axis=0) / m
    return W, b


def _blobs(rng: np.random.Generator, m: int, n: int, k: int, spread: float = 2.0):
    centres = rng.normal(0, spread, size=(k, n))
    y = rng.integers(0, k, size=m)
    return centres[y] + rng.normal(0, 1, size=(m, n)), y


def _ts_visible() -> list[Case]:
    X = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    y = np.array([0, 1, 2])
    return [
        Case((X, y, 3, 0.5, 1), note="one step from W = 0, b = 0"),
        Case((X, y, 3, 0.5, 0), note="no steps: the zeros you start from, shapes (n, k), (k,)"),
        Case((X, y, 3, 1.0, 40), note="forty steps, three points, three classes"),
    ]


def _ts_hidden(rng: np.random.Generator) -> list[Case]:
    out = []
    X, y = _blobs(rng, 20, 2, 3)
    out.append(Case((X, y, 3, 0.3, 1), note="a single step"))
    out.append(Case((X, y, 3, 0.3, 2), note="two steps: W and b both use the gradient at the "
                                            "same point"))
    X, y = _blobs(rng, 30, 3, 4)
    out.append(Case((X, y, 4, float(rng.uniform(0.05, 0.5)), int(rng.integers(50, 150))),
                    note="many steps"))
    out.append(Case((X[:10], y[:10], 4, 0.1, 0), note="n_epochs = 0"))
    X, y = _blobs(rng, 15, 2, 3)
    y = np.where(y == 2, 1, y)
    out.append(Case((X, y, 3, 0.2, 20),
                    note="class 2 never occurs: k comes from the argument, not from y"))
    Xi = rng.integers(-3, 4, size=(12, 2))
    yi = rng.integers(0, 2, size=12)
    out.append(Case((Xi, yi, 2, 0.2, 15), note="integer X, k = 2"))
    return out


FUNCTIONS = [
    GradedFunction(A, "softmax", ("Z",), _softmax, _sm_visible, _sm_hidden,
                   hint="subtract each row's maximum (np.max(..., axis=-1, keepdims=True)) "
                        "before exponentiating, then divide by each row's sum",
                   points=2),
    GradedFunction(A, "softmax_jacobian", ("z",), _softmax_jacobian, _sj_visible, _sj_hidden,
                   hint="with s = softmax(z): np.diag(s) - np.outer(s, s), a (k, k) matrix",
                   points=2),
    GradedFunction(A, "one_hot", ("y", "k"), _one_hot, _oh_visible, _oh_hidden,
                   compare=close(dtype="float"),
                   hint="an (m, k) array of float zeros with a 1.0 in column y_i of row i; "
                        "k is given, it is not max(y) + 1",
                   points=1),
    GradedFunction(A, "cross_entropy", ("Y", "P"), _cross_entropy, _ce_visible, _ce_hidden,
                   hint="sum Y * log P along each row, then take minus the mean over the rows; "
                        "clip P below at a small eps (e.g. 1e-12) so log never sees 0",
                   points=2),
    GradedFunction(A, "softmax_gradient", ("W", "b", "X", "y"), _softmax_gradient,
                   _sg_visible, _sg_hidden,
                   hint="with S = softmax(X W + b) row-wise and Y one-hot (k = W.shape[1]): "
                        "dW = X^T (S - Y) / m of shape (n, k), db = (S - Y).mean(axis=0)",
                   points=3),
    GradedFunction(A, "train_softmax_regression", ("X", "y", "k", "lr", "n_epochs"),
                   _train_softmax_regression, _ts_visible, _ts_hidden,
                   hint="start from W = zeros((n, k)), b = zeros(k); each step computes both "
                        "gradients at the current (W, b), then updates both",
                   points=2),
]
