"""Assignment 04_hessian: what is checked, on which inputs, against what.

References are computed here, independently of any student code: every test function
of ``numerical_hessian`` carries its Hessian worked out by hand (so the reference has no
difference error at all), critical points are built as Q diag(lambda) Q^T from chosen
eigenvalues, and the Taylor model is evaluated by explicit sums.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from calcml.grading.compare import largest_entry_close
from calcml.grading.core import Case, Fn, GradedFunction, close, exactly
from calcml.grading.inputs import literal, rounded, with_eigenvalues

A = "04_hessian"


class _Smooth(Fn):
    """A test function f: R^n -> R that also knows its exact Hessian.

    Only ``source`` crosses into the sandbox; ``hessian`` stays with the grader.
    """

    def __init__(self, source: str, hessian: Callable[[np.ndarray], np.ndarray]):
        super().__init__(source)
        self.hessian = hessian


# --- the test functions and their Hessians ----------------------------------------------------

def _quartic(rng: np.random.Generator, n: int) -> _Smooth:
    """1/4 sum c_i x_i^4 + 1/2 x^T A x + b.x with A symmetric: H = diag(3 c x^2) + A."""
    c = rounded(rng.uniform(0.5, 2.0, size=n))
    M = rounded(rng.uniform(-1.0, 1.0, size=(n, n)))
    A_ = M + M.T  # exactly symmetric
    b = rounded(rng.uniform(-1.0, 1.0, size=n))
    src = (f"lambda x: 0.25 * np.sum({literal(c)} * x ** 4) + 0.5 * x @ {literal(A_)} @ x"
           f" + {literal(b)} @ x")
    return _Smooth(src, lambda x: np.diag(3 * c * x ** 2) + A_)


def _exp_sin(rng: np.random.Generator, n: int) -> _Smooth:
    """exp(a.x / 2) + sum w_i sin x_i: H = exp(a.x / 2) a a^T / 4 - diag(w sin x)."""
    a = rounded(rng.uniform(-1.0, 1.0, size=n))
    w = rounded(rng.uniform(1.0, 2.0, size=n)) * rng.choice([-1, 1], n)
    src = f"lambda x: np.exp({literal(a)} @ x / 2) + np.sum({literal(w)} * np.sin(x))"
    return _Smooth(src, lambda x: np.exp(a @ x / 2) * np.outer(a, a) / 4 - np.diag(w * np.sin(x)))


def _log_norm(rng: np.random.Generator, n: int) -> _Smooth:
    """k log(1 + x.x): H = k (2 I / (1 + s) - 4 x x^T / (1 + s)^2) with s = x.x."""
    k = rounded(rng.uniform(1.0, 3.0))

    def hessian(x: np.ndarray) -> np.ndarray:
        s = x @ x
        return k * (2 * np.eye(len(x)) / (1 + s) - 4 * np.outer(x, x) / (1 + s) ** 2)

    return _Smooth(f"lambda x: {k} * np.log(1 + x @ x)", hessian)


def _poly_sin(rng: np.random.Generator, n: int = 2) -> _Smooth:
    """a x^2 y^3 + sin(x y) in two variables."""
    a = rounded(rng.uniform(0.5, 1.5))

    def hessian(v: np.ndarray) -> np.ndarray:
        x, y = v
        s, c = np.sin(x * y), np.cos(x * y)
        fxx = 2 * a * y ** 3 - y ** 2 * s
        fyy = 6 * a * x ** 2 * y - x ** 2 * s
        fxy = 6 * a * x * y ** 2 + c - x * y * s
        return np.array([[fxx, fxy], [fxy, fyy]])

    return _Smooth(f"lambda x: {a} * x[0] ** 2 * x[1] ** 3 + np.sin(x[0] * x[1])", hessian)


def _rosenbrock(rng: np.random.Generator, n: int = 2) -> _Smooth:
    """(1 - x)^2 + 10 (y - x^2)^2."""

    def hessian(v: np.ndarray) -> np.ndarray:
        x, y = v
        return np.array([[2 - 40 * (y - x ** 2) + 80 * x ** 2, -40 * x], [-40 * x, 20.0]])

    return _Smooth("lambda x: (1 - x[0]) ** 2 + 10 * (x[1] - x[0] ** 2) ** 2", hessian)


def _triple(rng: np.random.Generator, n: int = 3) -> _Smooth:
    """x y z + x^3 + y^2 z: H = [[6x, z, y], [z, 2z, x + 2y], [y, x + 2y, 0]]."""

    def hessian(v: np.ndarray) -> np.ndarray:
        x, y, z = v
        return np.array([[6 * x, z, y], [z, 2 * z, x + 2 * y], [y, x + 2 * y, 0.0]])

    return _Smooth("lambda x: x[0] * x[1] * x[2] + x[0] ** 3 + x[1] ** 2 * x[2]", hessian)


_NOTES_QUARTIC = _Smooth(
    "lambda x: x[0] ** 4 + 0.8 * x[1] ** 4 + 4 * x[0] ** 2 + 2 * x[1] ** 2 - x[0] * x[1]"
    " - 0.2 * x[0] ** 2 * x[1]",
    lambda v: np.array([[12 * v[0] ** 2 + 8 - 0.4 * v[1], -1 - 0.4 * v[0]],
                        [-1 - 0.4 * v[0], 9.6 * v[1] ** 2 + 4]]))


# --- numerical_hessian -----------------------------------------------------------------------

_H_RTOL = 1e-5  # "about 1e-5 relative": relative to the largest entry of the Hessian
_H_ATOL = 1e-7


def _numerical_hessian(f, x, h=1e-4):
    return f.hessian(np.asarray(x, dtype=float))


def _nh_visible() -> list[Case]:
    return [
        Case((_Smooth("lambda x: 2 * x[0] ** 2 + 3 * x[1] ** 2 - x[0] * x[1]",
                      lambda v: np.array([[4.0, -1.0], [-1.0, 6.0]])), np.array([0.0, 0.0])),
             note="f = 2x^2 + 3y^2 - xy: the constant Hessian [[4, -1], [-1, 6]]"),
        Case((_NOTES_QUARTIC, np.array([4.0, 4.0])),
             note="the quartic of the Newton chapter at (4, 4): [[198.4, -2.6], [-2.6, 157.6]]"),
        Case((_Smooth("lambda x: x[0] * x[1] * x[2]",
                      lambda v: np.array([[0.0, v[2], v[1]], [v[2], 0.0, v[0]],
                                          [v[1], v[0], 0.0]])), np.array([1.0, 2.0, 3.0])),
             note="f = xyz: only mixed partials, [[0, 3, 2], [3, 0, 1], [2, 1, 0]]"),
    ]


def _nh_hidden(rng: np.random.Generator) -> list[Case]:
    out = [
        Case((_quartic(rng, 1), rounded(rng.uniform(0.5, 1.5, size=1)) * rng.choice([-1, 1])),
             note="n = 1"),
        Case((_poly_sin(rng), rounded(rng.uniform(-1.2, 1.2, size=2))), note="a x^2 y^3 + sin(xy)"),
        Case((_quartic(rng, 3), rounded(rng.uniform(-1.5, 1.5, size=3))),
             note="a quartic in 3 variables"),
        Case((_exp_sin(rng, 4), rounded(rng.uniform(-1.5, 1.5, size=4))),
             note="exp(a.x/2) + sum w sin x, n = 4"),
        Case((_log_norm(rng, 5), rounded(rng.uniform(-1.0, 1.0, size=5))),
             note="k log(1 + x.x), n = 5"),
        Case((_rosenbrock(rng), rounded(rng.uniform(-1.2, 1.2, size=2))),
             note="a Rosenbrock function"),
        Case((_NOTES_QUARTIC, rounded(rng.uniform(-3, 3, size=2))),
             note="the Newton chapter's quartic"),
        Case((_quartic(rng, 3), rounded(rng.uniform(-1.5, 1.5, size=3))), {"h": 1e-3},
             note="h = 1e-3 given"),
        Case((_triple(rng), rng.choice([-2, -1, 1, 2], size=3)),
             note="an integer array x: the steps must not be rounded away"),
    ]
    return out


# --- classify_critical_point -------------------------------------------------------------------

def _classify_critical_point(H, tol=1e-8):
    lam = np.linalg.eigvalsh(np.asarray(H, dtype=float))
    if np.all(lam > tol):
        return "minimum"
    if np.all(lam < -tol):
        return "maximum"
    if np.any(lam > tol) and np.any(lam < -tol):
        return "saddle"
    return "inconclusive"


def _cc_visible() -> list[Case]:
    return [
        Case((np.array([[4.0, -1.0], [-1.0, 6.0]]),),
             note="f = 2x^2 + 3y^2 - xy: eigenvalues 5 +- sqrt(2), both positive"),
        Case((np.array([[-4.0, -1.0], [-1.0, -6.0]]),), note="both eigenvalues negative"),
        Case((np.array([[4.0, 0.0], [0.0, -4.0]]),),
             note="f = 2x^2 - 2y^2: eigenvalues 4 and -4, opposite signs"),
        Case((np.array([[1.0, 1.0], [1.0, 1.0]]),),
             note="eigenvalues 2 and 0: the test says nothing"),
    ]


def _cc_hidden(rng: np.random.Generator) -> list[Case]:
    pos = rng.uniform(0.5, 3, size=4)
    a, b = rng.uniform(0.5, 2, size=2)
    c = float(np.sqrt(a * b) + rng.uniform(0.5, 2))
    tol = 10.0 ** -int(rng.integers(2, 4))
    out = [
        Case((with_eigenvalues(rng, pos[:3]),), note="positive definite, n = 3"),
        Case((with_eigenvalues(rng, -pos),), note="negative definite, n = 4"),
        Case((np.array([[a, c], [c, b]]),),
             note="positive diagonal but c^2 > ab: the diagonal alone does not decide"),
        Case((with_eigenvalues(rng, [pos[0], -pos[1], -pos[2]]),),
             note="eigenvalues +, -, -: positive determinant yet a saddle"),
        Case((with_eigenvalues(rng, [pos[0], 0.0, pos[1]]),), note="singular, otherwise positive"),
        Case((with_eigenvalues(rng, [-pos[0], 0.0]),), note="singular, otherwise negative"),
        Case((with_eigenvalues(rng, [pos[0], -pos[1], 0.0]),),
             note="a zero eigenvalue, but also one of each sign: still a saddle"),
        Case((with_eigenvalues(rng, [1e-11, pos[0]]),),
             note="an eigenvalue of 1e-11, below the default tol"),
        Case((with_eigenvalues(rng, [5 * tol, pos[0]]),), {"tol": tol},
             note=f"tol = {tol} given; eigenvalues a little above it"),
        Case((with_eigenvalues(rng, [0.5 * tol, pos[0], pos[1]]),), {"tol": tol},
             note=f"tol = {tol} given; one eigenvalue between 0 and tol"),
        Case((with_eigenvalues(rng, [-0.5 * tol, -pos[0]]),), {"tol": tol},
             note=f"tol = {tol} given; one eigenvalue between -tol and 0"),
        Case((np.diag([pos[0], 0.25]),), {"tol": 0.25},
             note="an eigenvalue exactly equal to tol is not greater than tol"),
        Case((np.array([[-float(pos[3])]]),), note="a 1 x 1 Hessian"),
        Case((np.array([[2, 1], [1, 2]]),), note="an integer array"),
    ]
    return out


# --- taylor2 ------------------------------------------------------------------------------------

def _taylor2(f0, g, H, x0, x):
    g, H = np.asarray(g, dtype=float), np.asarray(H, dtype=float)
    d = np.asarray(x, dtype=float) - np.asarray(x0, dtype=float)
    n = len(d)
    linear = sum(g[i] * d[i] for i in range(n))
    quadratic = sum(H[i, j] * d[i] * d[j] for i in range(n) for j in range(n))
    return float(f0) + float(linear) + 0.5 * float(quadratic)


def _t2_visible() -> list[Case]:
    return [
        Case((4.0, np.array([3.0, 5.0]), np.array([[4.0, -1.0], [-1.0, 6.0]]),
              np.array([1.0, 1.0]), np.array([2.0, 0.0])),
             note="f = 2x^2 + 3y^2 - xy around (1, 1): exact for a quadratic, f(2, 0) = 8"),
        Case((1.0, np.array([1.0]), np.array([[1.0]]), np.array([0.0]), np.array([0.5])),
             note="e^x around 0 at x = 0.5: 1 + 0.5 + 0.125 = 1.625"),
        Case((2.0, np.array([1.0, -1.0]), np.eye(2), np.array([3.0, 3.0]), np.array([3.0, 3.0])),
             note="x = x0: the model gives f0"),
    ]


def _t2_hidden(rng: np.random.Generator) -> list[Case]:
    out = []
    for n in (2, 3, 5):
        M = rng.normal(size=(n, n))
        x0 = rng.normal(size=n)
        out.append(Case((float(rng.normal()), rng.normal(size=n), M + M.T, x0,
                         x0 + rng.normal(0, 0.7, size=n)), note=f"random data, n = {n}"))
    x0 = rng.uniform(-2, 2, size=2)
    x = x0 + rng.normal(size=2)
    grad = np.array([4 * x0[0] ** 3 + 8 * x0[0] - x0[1] - 0.4 * x0[0] * x0[1],
                     3.2 * x0[1] ** 3 + 4 * x0[1] - x0[0] - 0.2 * x0[0] ** 2])
    f0 = float(_NOTES_QUARTIC(x0))
    out.append(Case((f0, grad, _NOTES_QUARTIC.hessian(x0), x0, x),
                    note="the Newton chapter's quartic around a random point"))
    M = rng.integers(-3, 4, size=(3, 3))
    out.append(Case((int(rng.integers(-5, 6)), rng.integers(-3, 4, size=3), M + M.T,
                     rng.integers(-2, 3, size=3), rng.integers(-2, 3, size=3)),
                    note="integers everywhere"))
    out.append(Case((float(rng.normal()), rng.normal(size=1), np.array([[-abs(rng.normal())]]),
                     rng.normal(size=1), rng.normal(size=1)), note="n = 1"))
    return out


FUNCTIONS = [
    GradedFunction(A, "numerical_hessian", ("f", "x", "h"), _numerical_hessian, _nh_visible,
                   _nh_hidden, compare=largest_entry_close(_H_RTOL, _H_ATOL),
                   hint="a central second difference for each diagonal entry and the four-point "
                        "formula (f(x+he_i+he_j) - f(x+he_i-he_j) - f(x-he_i+he_j) "
                        "+ f(x-he_i-he_j)) / (4h^2) for each mixed one, on float copies of x",
                   points=3),
    GradedFunction(A, "classify_critical_point", ("H", "tol"), _classify_critical_point,
                   _cc_visible, _cc_hidden, compare=exactly,
                   hint="decide from the eigenvalues (np.linalg.eigvalsh), not the entries: "
                        "compare each with tol and -tol; an eigenvalue within tol of 0 blocks "
                        "minimum and maximum but not saddle",
                   points=2),
    GradedFunction(A, "taylor2", ("f0", "g", "H", "x0", "x"), _taylor2, _t2_visible, _t2_hidden,
                   compare=close(),
                   hint="with d = x - x0: f0 + g . d + (1/2) d^T H d, a single number",
                   points=1),
]
