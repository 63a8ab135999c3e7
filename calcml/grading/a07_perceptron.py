"""Assignment 07_perceptron: what is checked, on which inputs, against what.

References are written here, independently of any student code and of
:mod:`calcml.perceptron`: ``np.heaviside`` for the step, the score written as
``X @ w[1:] + w[0]`` (no bias column), the learning rule as a plain loop, and the
gradient of the linear neuron's loss by the complex step (no hand-derived formula).

Perceptron data live on the grid of multiples of 1/4 and the learning rates are
powers of two, so every score w . x is computed exactly in floating point, whatever
the order of the sums: points exactly on a decision boundary (score 0, where the step
is 1) are then classified the same way by every valid implementation.
"""

from __future__ import annotations

import numpy as np

from calcml.grading.core import Case, GradedFunction, close, integer_array
from calcml.grading.inputs import rounded
from calcml.grading.references import complex_step_gradient

A = "07_perceptron"

_AND_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
_GATES = {"and": np.array([0, 0, 0, 1]), "or": np.array([0, 1, 1, 1]),
          "xor": np.array([0, 1, 1, 0])}


def _grid(rng: np.random.Generator, shape, low: float = -3.0, high: float = 3.0) -> np.ndarray:
    """Random multiples of 1/4 in [low, high]: every product and sum of a few is exact."""
    return rng.integers(int(4 * low), int(4 * high) + 1, size=shape) / 4.0


# --- add_bias ------------------------------------------------------------------------

def _add_bias(X):
    X = np.asarray(X, dtype=float)
    out = np.ones((X.shape[0], X.shape[1] + 1))
    out[:, 1:] = X
    return out


def _bias_visible() -> list[Case]:
    return [
        Case((np.array([[2.0, 3.0], [4.0, 5.0]]),), note="a 1 in front of every row"),
        Case((np.array([[0.5], [-1.5], [2.0]]),), note="one feature: shape (3, 1) -> (3, 2)"),
    ]


def _bias_hidden(rng: np.random.Generator) -> list[Case]:
    return [
        Case((rng.normal(size=(5, 3)),), note="a (5, 3) float array"),
        Case((rng.normal(size=(1, 4)),), note="a single row"),
        Case((rng.integers(-5, 6, size=(4, 2)),), note="an integer array"),
        Case((rng.normal(size=(6, 1)),), note="a single column"),
        Case((np.zeros((3, 3)),), note="zeros: the new column is ones, not zeros"),
    ]


# --- heaviside -----------------------------------------------------------------------

def _heaviside(z):
    out = np.heaviside(np.asarray(z, dtype=float), 1.0).astype(np.int64)
    return out if out.ndim else int(out)


def _step_visible() -> list[Case]:
    return [
        Case((np.array([-2.0, -0.5, 0.0, 0.5, 2.0]),), note="1 where z >= 0: the step at 0 is 1"),
        Case((0.0,), note="a float z: return an int, here 1"),
        Case((-3.5,), note="a negative float: 0"),
    ]


def _step_hidden(rng: np.random.Generator) -> list[Case]:
    z = rng.normal(size=9)
    z[rng.choice(9, size=2, replace=False)] = 0.0
    return [
        Case((z,), note="a float array containing zeros"),
        Case((rng.normal(size=(3, 4)),), note="a 2-D array: same shape"),
        Case((rng.integers(-3, 4, size=8),), note="an integer array"),
        Case((np.array([-1e-300, 1e-300, -0.0, 1e300, -1e300]),),
             note="tiny and huge values; -0.0 counts as 0, so its step is 1"),
        Case((float(-rng.uniform(0.1, 5)),), note="a negative float: the int 0"),
        Case((float(rng.uniform(0.1, 5)),), note="a positive float: the int 1"),
        Case((0,), note="the Python int 0: the int 1"),
    ]


# --- perceptron_predict --------------------------------------------------------------

def _perceptron_predict(w, X):
    w, X = np.asarray(w, dtype=float), np.asarray(X, dtype=float)
    return (X @ w[1:] + w[0] >= 0).astype(np.int64)


def _predict_visible() -> list[Case]:
    return [
        Case((np.array([-3.0, 2.0, 1.0]), _AND_X),
             note="the AND weights learned in the chapter: (1, 1) lies on the boundary, "
                  "score 0, so it gets 1"),
        Case((np.array([0.1, 0.2, 0.3]), np.array([[1.0, 1.0], [-1.0, -1.0]])),
             note="w[0] = 0.1 is the bias: scores 0.6 and -0.4"),
    ]


def _predict_hidden(rng: np.random.Generator) -> list[Case]:
    out = []
    for m, n in ((8, 2), (6, 3)):
        out.append(Case((rounded(rng.normal(size=n + 1)), rounded(rng.normal(size=(m, n)))),
                        note=f"random w and X of shape ({m}, {n})"))
    w = rng.integers(-2, 3, size=3).astype(float)
    w[1] = 1.0 if w[1] == 0 else w[1]
    X = _grid(rng, (8, 2))
    X[:3, 0] = -(w[0] + w[2] * X[:3, 1]) / w[1]  # three points exactly on the boundary
    out.append(Case((w, X), note="points exactly on the boundary (score 0) get 1"))
    out.append(Case((rng.integers(-3, 4, size=3), rng.integers(-2, 3, size=(7, 2))),
                    note="integer w and X (with ties at score 0)"))
    w = np.array([float(rng.choice([-2.0, 2.0])), 0.0, 0.0])
    out.append(Case((w, rounded(rng.normal(size=(4, 2)))),
                    note="only the bias is non-zero: all 0 or all 1, depending on its sign"))
    out.append(Case((rounded(rng.normal(size=4)), rounded(rng.normal(size=(1, 3)))),
                    note="a single example: shape (1,)"))
    return out


# --- perceptron_train ----------------------------------------------------------------

def _perceptron_train(X, y, lr=1.0, max_epochs=100):
    w, n_updates, _ = _train_trace(X, y, lr, max_epochs)
    return w, n_updates


def _train_trace(X, y, lr=1.0, max_epochs=100):
    """The perceptron rule: (w, number of updates, number of epochs run)."""
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    w = np.zeros(X.shape[1] + 1)
    n_updates = 0
    epochs = 0
    while epochs < int(max_epochs):
        epochs += 1
        mistakes = 0
        for xi, yi in zip(X, y, strict=True):
            y_hat = 1.0 if xi @ w[1:] + w[0] >= 0 else 0.0
            if y_hat != yi:
                w[0] += lr * (yi - y_hat)
                w[1:] += lr * (yi - y_hat) * xi
                n_updates += 1
                mistakes += 1
        if mistakes == 0:
            break
    return w, n_updates, epochs


def _separable(rng: np.random.Generator, m: int, n: int, lr: float = 1.0,
               max_epochs: int = 100):
    """Grid points labelled by a hyperplane with a small margin, both classes present,
    on which the perceptron needs at least 6 updates and converges within max_epochs."""
    for _ in range(200):
        w = rng.integers(-3, 4, size=n + 1).astype(float)
        w[1] = 2.0 if w[1] == 0 else w[1]
        X = _grid(rng, (4 * m, n)) + _grid(rng, (1, n), -2, 2)  # off-centre clouds
        score = X @ w[1:] + w[0]
        X = X[np.abs(score) >= 0.15 * np.linalg.norm(w[1:])][:m]
        y = (X @ w[1:] + w[0] >= 0).astype(np.int64)
        if len(X) < m or y.min() == y.max():
            continue
        done = _train_trace(X, y, lr, max_epochs)
        if done[1] >= 6 and done[2] < max_epochs:
            return X, y
    raise RuntimeError("no separable perceptron case found")  # pragma: no cover


def _train_visible() -> list[Case]:
    return [
        Case((_AND_X, _GATES["and"]),
             note="the chapter's AND gate: w = (-3, 2, 1) after 11 updates"),
        Case((_AND_X, _GATES["or"]), {"lr": 0.5}, note="the OR gate with lr = 0.5"),
        Case((_AND_X, _GATES["xor"]), {"max_epochs": 5},
             note="XOR is not linearly separable: max_epochs = 5 ends the training"),
    ]


def _train_hidden(rng: np.random.Generator) -> list[Case]:
    out = []
    for m, n, lr in ((10, 2, 1.0), (16, 2, 0.5), (12, 3, 2.0)):
        X, y = _separable(rng, m, n, lr)
        out.append(Case((X, y), {"lr": lr},
                        note=f"{m} linearly separable points in R^{n}, lr = {lr}"))
    X, y = _separable(rng, 8, 2)
    out.append(Case((X, y), note="the default lr = 1 and max_epochs = 100"))
    Xi, yi = _separable(rng, 9, 2)
    Xi = (4 * Xi).astype(np.int64)
    out.append(Case((Xi, yi), {"lr": 0.25},
                    note="integer X and y with lr = 0.25: the weights are floats"))
    X = _grid(rng, (10, 2))
    y = rng.integers(0, 2, size=10)
    y[:2] = [0, 1]
    X[1] = X[0]  # the same point with two labels: never separable
    k = int(rng.integers(3, 9))
    out.append(Case((X, y), {"max_epochs": k},
                    note=f"not separable (one point carries both labels): {k} epochs"))
    gate = ["and", "or"][int(rng.integers(2))]
    out.append(Case((_AND_X[::-1].copy(), _GATES[gate][::-1].copy()),
                    note=f"the {gate.upper()} gate with the samples in reverse order"))
    out.append(Case((_AND_X, _GATES["and"]), {"max_epochs": int(rng.integers(1, 4))},
                    note="the AND gate stopped by max_epochs before it converges"))
    return out


# --- linear_neuron_step --------------------------------------------------------------

def _linear_neuron_step(w, b, x, y, lr):
    """One gradient step, the gradient of L = (y - w.x - b)^2 / 2 by the complex step."""
    w, x = np.asarray(w, dtype=float), np.asarray(x, dtype=float)
    theta = np.append(w, float(b))
    grad = complex_step_gradient(lambda t: 0.5 * (y - (t[:-1] @ x + t[-1])) ** 2, theta)
    new = theta - lr * grad
    return new[:-1], float(new[-1])


def _neuron_visible() -> list[Case]:
    return [
        Case((np.array([0.5, -1.0]), 0.0, np.array([2.0, 1.0]), 1.0, 0.1),
             note="y_hat = 0, error y - y_hat = 1: w += 0.1 * x, b += 0.1"),
        Case((np.array([1.0, 1.0]), 0.5, np.array([1.0, 2.0]), 1.0, 0.05),
             note="y_hat = 3.5 overshoots y = 1: w and b decrease"),
    ]


def _neuron_hidden(rng: np.random.Generator) -> list[Case]:
    out = []
    for n in (3, 5):
        args = (rounded(rng.normal(size=n)), rounded(rng.normal()), rounded(rng.normal(size=n)),
                rounded(rng.normal(0, 2)), rounded(rng.uniform(0.01, 0.3)))
        out.append(Case(args, note=f"random w, b, x, y and lr with n = {n}"))
    out.append(Case((rng.integers(-3, 4, size=3), int(rng.integers(-2, 3)),
                     rng.integers(-3, 4, size=3), int(rng.integers(-5, 6)), 0.1),
                    note="integer w, b, x and y: the new w is a float array"))
    w, x = rounded(rng.normal(size=2)), rounded(rng.normal(size=2))
    out.append(Case((w, 0.25, x, float(w @ x + 0.25), 0.2),
                    note="y equals y_hat (up to rounding): (almost) no change"))
    w1, b1, x1 = rounded(rng.normal(size=1)), rounded(rng.normal()), rounded(rng.normal(size=1))
    out.append(Case((w1, b1, x1, rounded(rng.normal()), 1.0), note="one weight, lr = 1"))
    return out


FUNCTIONS = [
    GradedFunction(A, "add_bias", ("X",), _add_bias, _bias_visible, _bias_hidden, points=1,
                   hint="stack a column of ones of length X.shape[0] to the left of X "
                        "(np.hstack or np.column_stack)"),
    GradedFunction(A, "heaviside", ("z",), _heaviside, _step_visible, _step_hidden,
                   compare=integer_array, points=1,
                   hint="compare z >= 0 and turn the booleans into integers; a float z must "
                        "give a Python (or numpy) int, an array an integer array"),
    GradedFunction(A, "perceptron_predict", ("w", "X"), _perceptron_predict, _predict_visible,
                   _predict_hidden, compare=integer_array, points=2,
                   hint="w[0] multiplies the column of ones that add_bias puts first; the step "
                        "of a score of exactly 0 is 1; return integers"),
    GradedFunction(A, "perceptron_train", ("X", "y", "lr", "max_epochs"), _perceptron_train,
                   _train_visible, _train_hidden, compare=close(), points=3,
                   hint="start from float zeros of length n + 1; in each epoch visit the rows "
                        "in order, predict with the current w, and on a mistake add "
                        "lr (y - y_hat) x_tilde and count it; stop after an epoch with no "
                        "mistake or after max_epochs epochs"),
    GradedFunction(A, "linear_neuron_step", ("w", "b", "x", "y", "lr"), _linear_neuron_step,
                   _neuron_visible, _neuron_hidden, points=2,
                   hint="dL/dw = -(y - y_hat) x and dL/db = -(y - y_hat); step against them "
                        "and return new arrays, leaving w unchanged"),
]
