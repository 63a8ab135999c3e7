"""Assignment 10_backpropagation: what is checked, on which inputs, against what.

References are computed here, independently of any student code and of calcml's own
models: ReLU and the forward pass written out with ``scipy.special.expit``; the
gradients of ``mlp_backward`` by the complex step through the whole network (exact to
rounding, and not the backward pass students derive), taken at a cache the case builds
with the reference forward pass; ``gradient_check`` by the formula of COURSE_SPEC;
training by a plain loop on a hand-written backward pass.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from scipy.special import expit

from calcml.grading.compare import relu_prime_close
from calcml.grading.core import Case, Fn, GradedFunction
from calcml.grading.inputs import rounded
from calcml.grading.references import complex_step_gradient, mean_bce_from_logits

A = "10_backpropagation"

_KEYS = ("W1", "b1", "W2", "b2")


# --- relu ---------------------------------------------------------------------------------

def _relu(z):
    """max(z, 0) as floats; a complex z (a complex step) stays complex, cut where Re z <= 0."""
    z = np.asarray(z)
    z = z if z.dtype.kind == "c" else z.astype(float)
    out = np.where(z.real > 0, z, 0.0)
    return out if out.ndim else out.item()


def _relu_visible() -> list[Case]:
    return [
        Case((np.array([-2.0, 0.0, 3.5]),), note="negative -> 0, positive unchanged"),
        Case((np.array([[1.0, -1.0], [-0.5, 2.0]]),), note="a 2-D array, elementwise"),
    ]


def _relu_hidden(rng: np.random.Generator) -> list[Case]:
    z = rng.normal(0, 2, size=9)
    z[rng.integers(9)] = 0.0
    return [
        Case((z,), note="a 1-D array with an exact zero"),
        Case((rng.normal(0, 2, size=(4, 5)),), note="a 4 x 5 array: elementwise, not a "
                                                    "reduction"),
        Case((rng.integers(-5, 6, size=7),), note="an integer array"),
        Case((float(rng.uniform(-3, -0.1)),), note="a negative float"),
        Case((float(rng.uniform(0.1, 3)),), note="a positive float"),
        Case((-np.abs(rng.normal(size=(3, 2))),), note="all negative: all zeros"),
    ]


# --- relu_derivative ------------------------------------------------------------------------

def _relu_derivative(z):
    return (np.asarray(z, dtype=float) > 0).astype(float)


def _rd_case(z, note: str) -> Case:
    return Case((z,), note=note, compare=relu_prime_close(z))


def _rd_visible() -> list[Case]:
    return [
        _rd_case(np.array([-2.0, 3.0, 0.5]), "0 for negative z, 1 for positive z, as floats"),
        _rd_case(np.array([-1.0, 0.0, 1.0]), "at z = 0 any value in [0, 1] is accepted"),
    ]


def _rd_hidden(rng: np.random.Generator) -> list[Case]:
    z = rng.normal(0, 2, size=10)
    z[rng.choice(10, size=2, replace=False)] = 0.0
    Z = rng.normal(0, 1, size=(3, 4))
    Z[rng.integers(3), rng.integers(4)] = 0.0
    return [
        _rd_case(rng.normal(0, 2, size=8), "a 1-D array"),
        _rd_case(z, "a 1-D array with exact zeros"),
        _rd_case(Z, "a 3 x 4 array with an exact zero"),
        _rd_case(np.append(rng.integers(-3, 4, size=8), 0), "an integer array with a zero"),
        _rd_case(np.zeros(3), "all zeros"),
        _rd_case(rng.uniform(0.001, 0.01, size=4), "small positive z: still exactly 1"),
    ]


# --- the network, written out for the references -------------------------------------------

def _forward(params, X):
    X = np.asarray(X, dtype=float)
    Z1 = X @ np.asarray(params["W1"], dtype=float) + np.asarray(params["b1"], dtype=float)
    A1 = _relu(Z1)
    Z2 = A1 @ np.asarray(params["W2"], dtype=float) + np.asarray(params["b2"], dtype=float)
    p = expit(Z2[:, 0])
    return p, {"X": X, "Z1": Z1, "A1": A1, "Z2": Z2, "p": p}


def _mlp_forward(params, X):
    return _forward(params, X)


def _loss_complex(params, X, y):
    """Mean BCE of the network at (possibly complex) params, as a softplus."""
    Z1 = X @ params["W1"] + params["b1"]
    A1 = _relu(Z1)
    return mean_bce_from_logits((A1 @ params["W2"] + params["b2"])[:, 0], y)


def _mlp_backward(params, cache, y):
    X = np.asarray(cache["X"], dtype=float)
    y = np.asarray(y, dtype=float)
    base = {k: np.asarray(params[k], dtype=float) for k in _KEYS}
    return {key: complex_step_gradient(lambda v, key=key: _loss_complex({**base, key: v}, X, y),
                                       base[key])
            for key in _KEYS}


def _random_params(rng: np.random.Generator, n: int, h: int, scale: float = 1.0) -> dict:
    return {"W1": rng.normal(0, scale, size=(n, h)), "b1": rng.normal(0, 0.5, size=h),
            "W2": rng.normal(0, scale, size=(h, 1)), "b2": rng.normal(0, 0.5, size=1)}


_WORKED = {"W1": np.array([[0.5, -1.0], [1.0, 0.5]]), "b1": np.array([0.0, 0.5]),
           "W2": np.array([[1.0], [-2.0]]), "b2": np.array([0.25])}
_WORKED_X = np.array([[1.0, 2.0], [-1.0, -1.0]])


# --- mlp_forward ------------------------------------------------------------------------------

def _fw_visible() -> list[Case]:
    return [
        Case((_WORKED, _WORKED_X),
             note="two examples, two hidden units: Z1 = [[2.5, 0.5], [-1.5, 1]], one ReLU "
                  "is off; p has shape (2,), Z2 shape (2, 1)"),
        Case((_WORKED, np.array([[0.0, 0.0]])), note="one example at the origin: Z1 = b1"),
    ]


def _fw_hidden(rng: np.random.Generator) -> list[Case]:
    out = []
    for m, n, h in ((5, 2, 3), (12, 4, 6), (1, 3, 2), (8, 2, 1)):
        out.append(Case((_random_params(rng, n, h), rng.normal(0, 1.5, size=(m, n))),
                        note=f"m={m}, n={n}, hidden units h={h}"))
    params = _random_params(rng, 3, 4)
    params["b1"] = np.array([-10.0, 0.0, 10.0, 0.0])
    out.append(Case((params, rng.normal(size=(6, 3))),
                    note="one unit always off (b1 = -10), one always on (b1 = 10)"))
    out.append(Case((_random_params(rng, 2, 3), rng.integers(-3, 4, size=(7, 2))),
                    note="an integer X"))
    return out


# --- mlp_backward -----------------------------------------------------------------------------

def _bw_case(params: dict, X: np.ndarray, y: np.ndarray, note: str) -> Case:
    _, cache = _forward(params, X)  # the reference cache: a wrong mlp_forward cannot matter
    return Case((params, cache, y), note=note)


def _bw_visible() -> list[Case]:
    return [
        _bw_case(_WORKED, _WORKED_X, np.array([1.0, 0.0]),
                 "the two-example network: dZ2 = (p - y) / m, then back through W2 and "
                 "the ReLU"),
        _bw_case(_WORKED, np.array([[1.0, -1.0]]), np.array([1.0]),
                 "one example whose hidden units are both off: dW1 and db1 are zero"),
    ]


def _bw_hidden(rng: np.random.Generator) -> list[Case]:
    out = []
    for m, n, h in ((6, 2, 3), (15, 3, 5), (1, 2, 4), (10, 4, 1)):
        out.append(_bw_case(_random_params(rng, n, h), rng.normal(0, 1.5, size=(m, n)),
                            rng.integers(0, 2, size=m).astype(float),
                            f"m={m}, n={n}, hidden units h={h}"))
    params = _random_params(rng, 2, 4)
    params["b1"] = np.array([-10.0, 0.0, 0.0, 10.0])
    out.append(_bw_case(params, rng.normal(size=(8, 2)), rng.integers(0, 2, size=8),
                        "a dead unit (no gradient through it) and integer labels y"))
    params = _random_params(rng, 3, 3, scale=3.0)
    out.append(_bw_case(params, rng.normal(size=(9, 3)), rng.integers(0, 2, size=9).astype(float),
                        "large weights: p near 0 and 1"))
    return out


# --- gradient_check ------------------------------------------------------------------------

def _gradient_check(f, x, analytic_grad, h=1e-5):
    x = np.asarray(x, dtype=float)
    a = np.asarray(analytic_grad, dtype=float)
    n = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        e = np.zeros_like(x)
        e[idx] = h
        n[idx] = (float(f(x + e)) - float(f(x - e))) / (2 * h)
    return float(np.linalg.norm(a - n) / max(np.linalg.norm(a) + np.linalg.norm(n), 1e-12))


# smooth f: R^n -> R (any shape of x) with their gradients, as source text; {c} random
_GC_FAMILY = [
    ("lambda x: np.sum(np.sin({c} * x))", lambda x, c: c * np.cos(c * x)),
    ("lambda x: np.sum(x ** 2) * {c}", lambda x, c: 2 * c * x),
    ("lambda x: np.log(1 + np.sum(np.exp({c} * x)))",
     lambda x, c: c * np.exp(c * x) / (1 + np.sum(np.exp(c * x)))),
    ("lambda x: np.sum(x ** 3) / {c}", lambda x, c: 3 * x ** 2 / c),
]


def _gc_random(rng: np.random.Generator) -> tuple[Fn, Callable[[np.ndarray], Any]]:
    src, grad = _GC_FAMILY[rng.integers(len(_GC_FAMILY))]
    c = rounded(rng.uniform(0.5, 1.5))
    return Fn(src.format(c=c)), lambda x: grad(np.asarray(x, dtype=float), c)


def _gc_visible() -> list[Case]:
    f = Fn("lambda x: np.sum(x ** 2)")
    x = np.array([1.0, -2.0, 0.5])
    return [
        Case((f, x, 2 * x),
             note="f = sum x^2 with its true gradient 2x: nearly 0 (rounding only)"),
        Case((f, x, x), note="a wrong gradient (x instead of 2x): 1/3 exactly in theory"),
        Case((Fn("lambda x: 3.0"), x, np.zeros(3)),
             note="a constant f and a zero gradient: 0, not nan (the 1e-12 in the max)"),
    ]


def _gc_hidden(rng: np.random.Generator) -> list[Case]:
    out = []
    f, grad = _gc_random(rng)
    x = rng.normal(size=4)
    out.append(Case((f, x, grad(x)), note="a correct gradient"))
    f, grad = _gc_random(rng)
    x = rng.normal(size=3)
    wrong = grad(x)
    wrong[rng.integers(3)] += rng.choice([-1.0, 1.0]) * rng.uniform(0.1, 1.0)
    out.append(Case((f, x, wrong), note="a gradient with one wrong component"))
    f, grad = _gc_random(rng)
    x = rng.normal(size=5)
    out.append(Case((f, x, -grad(x)), note="a gradient with the wrong sign"))
    f, grad = _gc_random(rng)
    X = rng.normal(size=(2, 3))
    out.append(Case((f, X, 2 * grad(X)), note="x is a 2 x 3 matrix (like W1), gradient "
                                               "doubled"))
    f = Fn("lambda x: np.sum(np.sin(x)) + np.prod(x)")
    x = rng.normal(size=3)
    others = np.array([np.prod(np.delete(x, i)) for i in range(3)])  # d prod / d x_i
    out.append(Case((f, x, np.cos(x) + others), {"h": 1e-3},
                    note="h = 1e-3: the difference error shows in the result"))
    f = Fn("lambda x: np.sum(x ** 4)")
    xi = rng.integers(-3, 4, size=4)
    out.append(Case((f, xi, 4.0 * xi ** 3), note="an integer x: x + h must not be rounded"))
    f = Fn("lambda x: 1.5")
    out.append(Case((f, rng.normal(size=3), np.zeros(3)),
                    note="a constant f and a zero gradient: 0, not nan"))
    f, grad = _gc_random(rng)
    x = rng.normal(size=3)
    out.append(Case((f, x, np.zeros(3)), note="an analytic gradient of zeros: the result is 1"))
    return out


# --- train_mlp ------------------------------------------------------------------------------

def _train_mlp(X, y, n_hidden, lr, n_epochs, seed=0):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    m, n = X.shape
    rng = np.random.default_rng(seed)
    params = {"W1": rng.normal(0, np.sqrt(2 / n), (n, n_hidden)), "b1": np.zeros(n_hidden),
              "W2": rng.normal(0, np.sqrt(2 / n_hidden), (n_hidden, 1)), "b2": np.zeros(1)}
    for _ in range(int(n_epochs)):
        p, c = _forward(params, X)
        d2 = (p - y)[:, None] / m  # dJ/dZ2, shape (m, 1)
        d1 = (d2 @ params["W2"].T) * (c["Z1"] > 0)  # dJ/dZ1, shape (m, h)
        grads = {"W1": X.T @ d1, "b1": d1.sum(axis=0), "W2": c["A1"].T @ d2,
                 "b2": d2.sum(axis=0)}
        params = {k: params[k] - lr * grads[k] for k in _KEYS}
    return params


def _xor_like(rng: np.random.Generator, m: int):
    X = rng.uniform(-1, 1, size=(m, 2))
    return X, (X[:, 0] * X[:, 1] > 0).astype(float)


def _tm_visible() -> list[Case]:
    # XOR with inputs +-1 (no input row of zeros: it would put Z1 = b1 = 0 exactly on the
    # ReLU's corner, where valid conventions for relu'(0) differ)
    X = np.array([[-1.0, -1.0], [-1.0, 1.0], [1.0, -1.0], [1.0, 1.0]])
    y = np.array([0.0, 1.0, 1.0, 0.0])
    return [
        Case((X, y, 3, 0.5, 0), note="no steps: the initialisation (W1 drawn first, then W2, "
                                     "biases zero)"),
        Case((X, y, 3, 0.5, 1), note="one step of batch gradient descent on XOR"),
        Case((X, y, 4, 0.5, 30), {"seed": 3}, note="thirty steps from seed 3"),
    ]


def _tm_hidden(rng: np.random.Generator) -> list[Case]:
    out = []
    X, y = _xor_like(rng, 20)
    seed = int(rng.integers(0, 1000))
    out.append(Case((X, y, 5, 0.3, 0), {"seed": seed}, note="n_epochs = 0: the initialisation"))
    out.append(Case((X, y, 5, 0.3, 1), {"seed": seed}, note="a single step"))
    out.append(Case((X, y, 6, 0.5, 2), note="two steps with the default seed: every gradient "
                                            "at the same point"))
    X, y = _xor_like(rng, 40)
    out.append(Case((X, y, 8, float(rng.uniform(0.2, 0.8)), int(rng.integers(40, 80))),
                    {"seed": int(rng.integers(0, 1000))}, note="many steps on an XOR-like set"))
    X3 = rng.normal(size=(15, 3))
    y3 = (X3[:, 0] ** 2 + X3[:, 1] > 0.5).astype(int)
    out.append(Case((X3, y3, 4, 0.2, 10), {"seed": int(rng.integers(0, 1000))},
                    note="three inputs, integer labels"))
    Xi = rng.choice(np.array([-2, -1, 1, 2]), size=(10, 2))  # no zero row: see _tm_visible
    yi = (Xi[:, 0] != Xi[:, 1]).astype(float)
    out.append(Case((Xi, yi, 2, 0.1, 5), {"seed": int(rng.integers(0, 1000))},
                    note="an integer X, two hidden units"))
    return out


FUNCTIONS = [
    GradedFunction(A, "relu", ("z",), _relu, _relu_visible, _relu_hidden,
                   hint="np.maximum(z, 0) works elementwise (np.max(z, 0) reduces an axis "
                        "instead); do not change z in place",
                   points=1),
    GradedFunction(A, "relu_derivative", ("z",), _relu_derivative, _rd_visible, _rd_hidden,
                   hint="a float array: 1.0 where z > 0 and 0.0 where z < 0 "
                        "((z > 0).astype(float))",
                   points=1),
    GradedFunction(A, "mlp_forward", ("params", "X"), _mlp_forward, _fw_visible, _fw_hidden,
                   hint="Z1 = X W1 + b1, A1 = relu(Z1), Z2 = A1 W2 + b2 of shape (m, 1), "
                        "p = sigmoid(Z2) flattened to shape (m,); return (p, cache) with the "
                        "cache keys X, Z1, A1, Z2, p",
                   points=2),
    GradedFunction(A, "mlp_backward", ("params", "cache", "y"), _mlp_backward, _bw_visible,
                   _bw_hidden,
                   hint="dZ2 = (p - y)[:, None] / m; dW2 = A1^T dZ2, db2 = dZ2 summed over rows; "
                        "dZ1 = (dZ2 W2^T) * relu'(Z1); dW1 = X^T dZ1, db1 = dZ1 summed over rows",
                   points=3),
    GradedFunction(A, "gradient_check", ("f", "x", "analytic_grad", "h"), _gradient_check,
                   _gc_visible, _gc_hidden,
                   hint="central differences (f(x + h e_i) - f(x - h e_i)) / (2h) on a float copy "
                        "of x for every entry i (any shape), then "
                        "||a - n|| / max(||a|| + ||n||, 1e-12) with Euclidean norms",
                   points=2),
    GradedFunction(A, "train_mlp", ("X", "y", "n_hidden", "lr", "n_epochs", "seed"), _train_mlp,
                   _tm_visible, _tm_hidden,
                   hint="one rng = np.random.default_rng(seed); draw W1 with std sqrt(2/n), then "
                        "W2 with std sqrt(2/n_hidden); b1 = zeros(n_hidden), b2 = zeros(1); each "
                        "step: forward, backward, then update all four with the same gradients",
                   points=3),
]
