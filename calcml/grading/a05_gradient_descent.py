"""Assignment 05_gradient_descent: what is checked, on which inputs, against what.

References are written here, independently of any student code and of
:mod:`calcml.optim`: the iterations of COURSE_SPEC as plain loops, and for batch
linear regression the closed form of the affine iteration theta <- M theta + c,
computed as a power of an augmented matrix instead of by looping.

Test functions cross into the sandbox as source text (:class:`Fn`); matrices inside
them are written out as ``np.array([...])`` literals with exactly representable or
``repr``-exact floats, so that the grader and the student's kernel evaluate the same f.
"""

from __future__ import annotations

import numpy as np

from calcml.grading.core import Case, Fn, GradedFunction
from calcml.grading.inputs import SEED_DESIGN, SEED_Y, literal, rounded, with_eigenvalues

A = "05_gradient_descent"


# Smooth 1-D test functions with their derivatives; {a}, {c} random coefficients.
_FAMILY_1D = [
    ("lambda x: {a} * (x - {c}) ** 2", "lambda x: 2 * {a} * (x - {c})"),
    ("lambda x: x ** 4 / 4 + {a} * x ** 2 - {c} * x", "lambda x: x ** 3 + 2 * {a} * x - {c}"),
    ("lambda x: np.sqrt(1 + {a} * x ** 2) - {c} * x / 4",
     "lambda x: {a} * x / np.sqrt(1 + {a} * x ** 2) - {c} / 4"),
    ("lambda x: np.log(np.cosh({a} * x)) - {c} * x / 4",
     "lambda x: {a} * np.tanh({a} * x) - {c} / 4"),
]


def _pair_1d(rng: np.random.Generator) -> tuple[Fn, Fn]:
    f_src, g_src = _FAMILY_1D[rng.integers(len(_FAMILY_1D))]
    a, c = rounded(rng.uniform(0.5, 1.5)), rounded(rng.uniform(-1.0, 1.0))
    return Fn(f_src.format(a=a, c=c)), Fn(g_src.format(a=a, c=c))


def _pair_nd(rng: np.random.Generator, n: int, quartic: bool = False) -> tuple[Fn, Fn]:
    """f(x) = 1/2 x^T A x - b^T x (+ 1/4 sum x^4) and its gradient."""
    A_ = rounded(with_eigenvalues(rng, rng.uniform(1.0, 4.0, size=n)))
    b = rounded(rng.normal(size=n))
    if quartic:
        return (Fn(f"lambda x: 0.5 * x @ {literal(A_)} @ x - {literal(b)} @ x"
                   " + 0.25 * np.sum(x ** 4)"),
                Fn(f"lambda x: {literal(A_)} @ x - {literal(b)} + x ** 3"))
    return (Fn(f"lambda x: 0.5 * x @ {literal(A_)} @ x - {literal(b)} @ x"),
            Fn(f"lambda x: {literal(A_)} @ x - {literal(b)}"))


# --- gradient_descent ----------------------------------------------------------------

def _gradient_descent(grad, x0, lr, n_steps):
    x = np.array(x0, dtype=float)  # a new float array: x0 stays as it was
    path = np.empty((int(n_steps) + 1,) + x.shape)
    path[0] = x
    for k in range(1, int(n_steps) + 1):
        x = x - lr * np.asarray(grad(x), dtype=float)
        path[k] = x
    return path


# the notes' two-variable example f = 85 - (1/90) x^2 (x - 6) y^2 (y - 6)
_F85_GRAD = Fn("lambda v: np.array([-(3 * v[0] ** 2 - 12 * v[0]) * v[1] ** 2 * (v[1] - 6) / 90, "
               "-v[0] ** 2 * (v[0] - 6) * (3 * v[1] ** 2 - 12 * v[1]) / 90])")


def _gd_visible() -> list[Case]:
    return [
        Case((Fn("lambda x: 2 * x"), 1.0, 0.25, 3),
             note="f = x^2 with lr = 0.25 halves x each step: [1, 0.5, 0.25, 0.125]"),
        Case((Fn("lambda x: np.exp(x) - 1 / x"), 0.05, 0.005, 4),
             note="the chapter's f = e^x - ln x from 0.05: 5 iterates, x1 = 0.14474..."),
        Case((_F85_GRAD, np.array([0.5, 0.6]), 0.05, 2),
             note="an array x0: one row per iterate, shape (3, 2); row 1 is about "
                  "(0.50567, 0.604675)"),
        Case((Fn("lambda x: 2 * x"), 3.0, 0.1, 0), note="n_steps = 0: just [x0]"),
    ]


def _gd_hidden(rng: np.random.Generator) -> list[Case]:
    out = []
    for n_steps in (int(rng.integers(5, 15)), int(rng.integers(20, 40))):
        _, g = _pair_1d(rng)
        out.append(Case((g, rounded(rng.uniform(-2, 2)), rounded(rng.uniform(0.05, 0.12)), n_steps),
                        note=f"a float x0, {n_steps} steps: shape ({n_steps + 1},)"))
    for n in (2, 3):
        _, g = _pair_nd(rng, n, quartic=n == 3)
        k = int(rng.integers(4, 12))
        out.append(Case((g, rounded(rng.normal(size=n)), 0.1, k),
                        note=f"an array x0 of length {n}, {k} steps: shape ({k + 1}, {n})"))
    _, g = _pair_nd(rng, 2)
    out.append(Case((g, rng.integers(-3, 4, size=2), 0.15, int(rng.integers(3, 8))),
                    note="an integer array x0: the iterates are floats"))
    a = rounded(rng.uniform(1, 2))
    out.append(Case((Fn(f"lambda x: 2 * {a} * x"), rounded(rng.uniform(0.5, 1.5)),
                     rounded(1.1 / a), 5), note="learning rate too large: the iterates diverge"))
    _, g = _pair_nd(rng, 3)
    out.append(Case((g, rounded(rng.normal(size=3)), 0.1, 0),
                    note="n_steps = 0 with an array x0: shape (1, 3)"))
    _, g = _pair_1d(rng)
    out.append(Case((g, rounded(rng.uniform(-1, 1)), 0.1, 0), note="n_steps = 0 with a float x0"))
    return out


# --- gd_until_converged --------------------------------------------------------------

def _gd_until_converged(f, grad, x0, lr, tol=1e-10, max_steps=10_000):
    x = np.array(x0, dtype=float)
    steps = 0
    while True:
        x_new = x - lr * np.asarray(grad(x), dtype=float)
        steps += 1
        if abs(float(f(x_new)) - float(f(x))) < tol or steps >= max_steps:
            return (x_new if x_new.ndim else float(x_new)), steps
        x = x_new


def _halving_case(rng: np.random.Generator, vector: bool) -> Case:
    """f = a x^2 (or a ||x||^2) with lr = 1/(4a): x halves at each update, every
    number is a power of two times 3, all exact in floating point. tol is set to the
    exact change of f at update k + 1, so the rule |change| < tol stops at k + 2."""
    a = float(2.0 ** rng.integers(-2, 3))
    k = int(rng.integers(2, 7))
    if vector:
        x0 = 2.0 ** rng.integers(-1, 3, size=3) * rng.choice([-1.0, 1.0], size=3)
        f, g, sq = Fn(f"lambda x: {a} * x @ x"), Fn(f"lambda x: 2 * {a} * x"), float(x0 @ x0)
    else:
        x0 = float(2.0 ** rng.integers(-1, 3) * rng.choice([-1.0, 1.0]))
        f, g, sq = Fn(f"lambda x: {a} * x ** 2"), Fn(f"lambda x: 2 * {a} * x"), x0 * x0
    tol = 3 * a * sq / 4.0 ** (k + 1)  # = f(x_k) - f(x_{k+1}) exactly
    return Case((f, g, x0, 1 / (4 * a)), {"tol": tol},
                note=f"|f(x_new) - f(x)| equals tol exactly at update {k + 1}: not < tol, "
                     f"so the loop stops at update {k + 2}")


def _conv_visible() -> list[Case]:
    return [
        Case((Fn("lambda x: x ** 2"), Fn("lambda x: 2 * x"), 1.0, 0.25), {"tol": 0.01},
             note="x halves each update; the change of f is first below 0.01 at update 5: "
                  "return x5 = 1/32 and 5"),
        Case((Fn("lambda x: x ** 2"), Fn("lambda x: 2 * x"), 1.0, 0.01), {"max_steps": 10},
             note="max_steps = 10 reached: return x10 = 0.98^10 and 10"),
        Case((Fn("lambda x: x[0] ** 2 + 2 * x[1] ** 2"),
              Fn("lambda x: np.array([2 * x[0], 4 * x[1]])"), np.array([1.0, 1.0]), 0.1),
             note="an array x0 with the default tol = 1e-10"),
    ]


def _conv_hidden(rng: np.random.Generator) -> list[Case]:
    out = [_halving_case(rng, False), _halving_case(rng, True), _halving_case(rng, False)]
    for tol in (1e-4, 1e-6):
        f, g = _pair_1d(rng)
        out.append(Case((f, g, rounded(rng.uniform(-2, 2)), 0.1), {"tol": tol},
                        note=f"a float x0, tol = {tol}"))
    f, g = _pair_nd(rng, 3, quartic=True)
    out.append(Case((f, g, rounded(rng.normal(size=3)), 0.1), {"tol": 1e-5},
                    note="an array x0, tol = 1e-5"))
    f, g = _pair_nd(rng, 2)
    out.append(Case((f, g, rounded(rng.normal(size=2)), 0.2), note="the default tol and max_steps"))
    f, g = _pair_nd(rng, 2)
    m = int(rng.integers(8, 20))
    out.append(Case((f, g, rng.integers(-4, 5, size=2), 0.01), {"max_steps": m},
                    note=f"an integer array x0; max_steps = {m} is reached"))
    f, g = _pair_1d(rng)
    m = int(rng.integers(3, 10))
    out.append(Case((f, g, rounded(rng.uniform(1, 2)), 0.001), {"tol": 1e-12, "max_steps": m},
                    note=f"a float x0; max_steps = {m} is reached"))
    out.append(Case((Fn("lambda x: x ** 2"), Fn("lambda x: 2 * x"), 1.0, 0.25),
                    {"tol": 0.5, "max_steps": 1},
                    note="max_steps = 1: one update, whatever tol says"))
    out.append(Case((Fn("lambda x: x ** 2"), Fn("lambda x: 2 * x"), 1.0, 1.5),
                    {"tol": 1e-3, "max_steps": 4},
                    note="lr = 1.5 is too large: f grows at every update (the change of f is "
                         "negative, its size is not below tol), so max_steps = 4 is reached"))
    return out


# --- linear_regression_gd ------------------------------------------------------------

def _linear_regression_gd(X, y, lr, n_epochs):
    """theta_k of theta <- M theta + c from 0, as the power of an augmented matrix."""
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    m, n = X.shape
    step = np.eye(n + 1)
    step[:n, :n] -= lr * (2.0 / m) * (X.T @ X)
    step[:n, n] = lr * (2.0 / m) * (X.T @ y)
    start = np.zeros(n + 1)
    start[n] = 1.0
    return (np.linalg.matrix_power(step, int(n_epochs)) @ start)[:n]


def _regression_data(rng: np.random.Generator, m: int, n: int, bias: bool = True):
    X = rounded(rng.normal(size=(m, n)), 2)
    if bias:
        X[:, 0] = 1.0
    y = rounded(X @ rng.normal(size=n) + 0.3 * rng.normal(size=m), 2)
    return X, y


def _stable_lr(X: np.ndarray, fraction: float) -> float:
    """A learning rate of ``fraction`` times 2 / (largest eigenvalue of (2/m) X^T X)."""
    X = np.asarray(X, dtype=float)
    top = np.linalg.eigvalsh(2.0 / len(X) * X.T @ X)[-1]
    return rounded(fraction * 2.0 / top, 4)


def _lr_visible() -> list[Case]:
    X, y = SEED_DESIGN, SEED_Y
    return [
        Case((X, y, 0.1, 1), note="one update from theta = 0: 0.1 * (2/3) X^T y = [0.667, 1.4]"),
        Case((X, y, 0.1, 500),
             note="the points (1,2), (2,5), (3,3): theta approaches (7/3, 1/2)"),
        Case((X, y, 0.1, 0), note="n_epochs = 0: theta is still zero, shape (2,)"),
    ]


def _lr_hidden(rng: np.random.Generator) -> list[Case]:
    out = []
    for m, n, epochs in ((12, 2, int(rng.integers(2, 6))), (20, 3, 60), (30, 4, 200)):
        X, y = _regression_data(rng, m, n)
        out.append(Case((X, y, _stable_lr(X, 0.6), epochs),
                        note=f"m = {m} examples, n = {n} columns, {epochs} epochs"))
    X, y = _regression_data(rng, 9, 3, bias=False)
    out.append(Case((X, y, _stable_lr(X, 0.5), 25), note="no column of ones"))
    Xi = rng.integers(-3, 4, size=(8, 2))
    Xi[:, 0] = 1
    yi = rng.integers(-5, 6, size=8)
    out.append(Case((Xi, yi, _stable_lr(Xi, 0.5), 10), note="integer X and y"))
    X, y = _regression_data(rng, 6, 2)
    out.append(Case((X, y, _stable_lr(X, 1.05), 8),
                    note="a learning rate slightly too large: theta oscillates and grows"))
    X, y = _regression_data(rng, 5, 3)
    out.append(Case((X, y, 0.05, 0), note="n_epochs = 0"))
    return out


# --- minibatch_sgd -------------------------------------------------------------------

def _minibatch_sgd(grad_fn, theta0, X, y, lr, n_epochs, batch_size, seed=0):
    theta = np.array(theta0, dtype=float)
    X, y = np.asarray(X), np.asarray(y)
    m = len(y)
    rng = np.random.default_rng(seed)
    for _ in range(int(n_epochs)):
        perm = rng.permutation(m)
        start = 0
        while start < m:
            idx = perm[start:start + batch_size]
            theta = theta - lr * np.asarray(grad_fn(theta, X[idx], y[idx]), dtype=float)
            start += batch_size
    return theta


_MSE_GRAD = Fn("lambda theta, X, y: 2 / len(y) * X.T @ (X @ theta - y)")
_LOGISTIC_GRAD = Fn("lambda theta, X, y: X.T @ (1 / (1 + np.exp(-(X @ theta))) - y) / len(y)")
_RIDGE_GRAD = Fn("lambda theta, X, y: 2 / len(y) * X.T @ (X @ theta - y) + 0.1 * theta")


def _sgd_visible() -> list[Case]:
    X = np.array([[1.0, 0.0], [1.0, 1.0], [1.0, 2.0], [1.0, 3.0], [1.0, 4.0]])
    y = np.array([1.0, 3.0, 5.0, 7.0, 9.0])
    return [
        Case((_MSE_GRAD, np.zeros(2), X, y, 0.05, 1, 5),
             note="batch_size = m: one full-batch step per epoch, like batch GD"),
        Case((_MSE_GRAD, np.zeros(2), X, y, 0.05, 3, 2),
             note="5 examples in batches of 2: each epoch has batches of sizes 2, 2, 1"),
        Case((_MSE_GRAD, np.array([1.0, 1.0]), X, y, 0.02, 2, 1), {"seed": 7},
             note="batch_size = 1 (plain SGD) with seed 7"),
    ]


def _sgd_hidden(rng: np.random.Generator) -> list[Case]:
    out = []
    plans = [  # (m, n, batch_size, n_epochs, grad_fn, what it probes)
        (11, 2, 4, 3, _MSE_GRAD, "m = 11, batches of 4: the last batch has 3 examples"),
        (9, 3, 1, 2, _MSE_GRAD, "batch_size = 1: plain SGD"),
        (12, 3, 3, 4, _RIDGE_GRAD, "batch_size divides m exactly; a ridge gradient"),
        (7, 2, 10, 3, _MSE_GRAD, "batch_size > m: one batch of all m examples per epoch"),
        (16, 3, 5, 5, _LOGISTIC_GRAD, "a logistic gradient, the last batch has 1 example"),
    ]
    for m, n, bs, epochs, g, note in plans:
        X, y = _regression_data(rng, m, n)
        if g is _LOGISTIC_GRAD:
            y = (y > np.median(y)).astype(float)
        lr = 0.5 if g is _LOGISTIC_GRAD else _stable_lr(X, 0.3)
        seed = int(rng.integers(0, 1000))
        out.append(Case((g, rounded(rng.normal(size=n)), X, y, lr, epochs, bs), {"seed": seed},
                        note=f"{note}; {epochs} epochs, seed = {seed}"))
    X, y = _regression_data(rng, 10, 2)
    out.append(Case((_MSE_GRAD, np.zeros(2, dtype=int), X, y, _stable_lr(X, 0.3), 2, 3),
                    note="an integer theta0 (zeros): theta becomes a float array"))
    X, y = _regression_data(rng, 8, 3)
    out.append(Case((_MSE_GRAD, rounded(rng.normal(size=3)), X, y, _stable_lr(X, 0.3), 3, 3),
                    note="the default seed = 0; theta0 must be left unchanged"))
    return out


FUNCTIONS = [
    GradedFunction(A, "gradient_descent", ("grad", "x0", "lr", "n_steps"), _gradient_descent,
                   _gd_visible, _gd_hidden, points=2,
                   hint="collect x0 and then each new x = x - lr * grad(x) (n_steps updates, "
                        "n_steps + 1 rows); work on a float copy of x0, never update it in place"),
    GradedFunction(A, "gd_until_converged", ("f", "grad", "x0", "lr", "tol", "max_steps"),
                   _gd_until_converged, _conv_visible, _conv_hidden, points=3,
                   hint="after each update compare f at the new and the old point; stop when "
                        "the change is strictly below tol or after max_steps updates, and "
                        "return the newest point with the number of updates made"),
    GradedFunction(A, "linear_regression_gd", ("X", "y", "lr", "n_epochs"),
                   _linear_regression_gd, _lr_visible, _lr_hidden, points=2,
                   hint="start from a float zero vector of length X.shape[1]; each epoch is "
                        "one update with the gradient (2/m) X^T (X theta - y)"),
    GradedFunction(A, "minibatch_sgd",
                   ("grad_fn", "theta0", "X", "y", "lr", "n_epochs", "batch_size", "seed"),
                   _minibatch_sgd, _sgd_visible, _sgd_hidden, points=3,
                   hint="make one generator default_rng(seed) before the epoch loop; draw "
                        "perm = rng.permutation(m) at the start of every epoch and keep the "
                        "last, smaller batch"),
]
