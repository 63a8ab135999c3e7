"""Assignment 06_newton: what is checked, on which inputs, against what.

References are written here, independently of any student code and of
:mod:`calcml.optim`: the iterations of COURSE_SPEC as plain loops, with the linear
systems solved by least squares (``np.linalg.lstsq``, an SVD) rather than by the LU
solve or the inverse a student would use.

Random cases are redrawn until no step length (for ``newton_root``) or gradient norm
(for ``newton_minimize``) lies within 1 % (plus 1e-13) of ``tol``, far more than the
rounding noise of those numbers, so that any valid order of floating-point operations
stops at the same iteration. The cases that probe
the stopping rule at its boundary use numbers that are exact in binary floating point
(powers of two, a 3-4-5 triangle), so every valid implementation computes the
boundary value exactly.
"""

from __future__ import annotations

import numpy as np

from calcml.grading.core import Case, Fn, GradedFunction
from calcml.grading.inputs import literal, rounded, with_eigenvalues

A = "06_newton"


def _far_from(values, tol: float) -> bool:
    """No value is within rounding noise of tol (so every valid code compares alike)."""
    return all(abs(v - tol) > 0.01 * tol + 1e-13 for v in values)


def _solve(H, b) -> np.ndarray:
    """The solution of H d = b by least squares (H is invertible in every case)."""
    return np.linalg.lstsq(np.asarray(H, dtype=float), np.asarray(b, dtype=float),
                           rcond=None)[0]


# --- newton_root ---------------------------------------------------------------------

def _root_trace(f, df, x0, tol=1e-12, max_iter=50):
    """All iterates and step lengths |x_new - x| of Newton's method for f(x) = 0."""
    x, xs, steps = float(x0), [float(x0)], []
    while True:
        x_new = x - float(f(x)) / float(df(x))
        xs.append(x_new)
        steps.append(abs(x_new - x))
        if steps[-1] < tol or len(steps) >= max_iter:
            return xs, steps
        x = x_new


def _newton_root(f, df, x0, tol=1e-12, max_iter=50):
    xs, steps = _root_trace(f, df, x0, tol, max_iter)
    return xs[-1], len(steps)


# functions with one simple root near the start; {a} a random coefficient
_ROOTS = [
    ("lambda x: x ** 3 - {a}", "lambda x: 3 * x ** 2", (1.0, 8.0), (1.0, 2.5)),
    ("lambda x: np.exp(x) - {a}", "lambda x: np.exp(x)", (2.0, 10.0), (0.0, 2.0)),
    ("lambda x: np.cos(x) - {a} * x", "lambda x: -np.sin(x) - {a}", (0.5, 2.0), (0.2, 1.0)),
    ("lambda x: x * np.exp(x) - {a}", "lambda x: (1 + x) * np.exp(x)", (1.0, 5.0), (0.5, 1.5)),
]


def _robust_root_case(rng: np.random.Generator, tol: float = 1e-12, max_iter: int = 50,
                      integer_start: bool = False) -> tuple[Fn, Fn, float | int]:
    for _ in range(50):
        f_src, df_src, (a_lo, a_hi), (x_lo, x_hi) = _ROOTS[rng.integers(len(_ROOTS))]
        a = rounded(rng.uniform(a_lo, a_hi))
        x0 = int(rng.integers(1, 3)) if integer_start else rounded(rng.uniform(x_lo, x_hi))
        f, df = Fn(f_src.format(a=a)), Fn(df_src.format(a=a))
        _, steps = _root_trace(f, df, x0, tol, max_iter)
        if _far_from(steps, tol) and len(steps) < max_iter:
            return f, df, x0
    raise RuntimeError("no robust Newton root case found")  # pragma: no cover


def _double_root(a: float, c: float) -> tuple[Fn, Fn]:
    """f = a (x - c)^2 and f', as source text."""
    shift = f"(x - {c})" if c >= 0 else f"(x - ({c}))"
    return Fn(f"lambda x: {a} * {shift} ** 2"), Fn(f"lambda x: 2 * {a} * {shift}")


def _root_visible() -> list[Case]:
    return [
        Case((Fn("lambda x: x ** 2 - 2"), Fn("lambda x: 2 * x"), 1.0),
             note="sqrt(2) from x0 = 1: 1.5, 1.41667, 1.414216, ..."),
        Case((Fn("lambda x: np.exp(x) - 1 / x"), Fn("lambda x: np.exp(x) + 1 / x ** 2"), 0.05),
             note="the chapter's f'(x) = e^x - 1/x: its root 0.567143... minimises e^x - ln x"),
        Case((Fn("lambda x: x ** 2 - 2"), Fn("lambda x: 2 * x"), 1.0), {"max_iter": 3},
             note="max_iter = 3 reached: return x3 and 3"),
    ]


def _root_hidden(rng: np.random.Generator) -> list[Case]:
    out = []
    for _ in range(3):
        f, df, x0 = _robust_root_case(rng)
        out.append(Case((f, df, x0), note="a smooth f with a simple root, default tol"))
    f, df, x0 = _robust_root_case(rng, tol=1e-6)
    out.append(Case((f, df, x0), {"tol": 1e-6}, note="tol = 1e-6"))
    f, df, x0 = _robust_root_case(rng, integer_start=True)
    out.append(Case((f, df, x0), note="an integer x0"))
    # a double root: x - f/df = c + (x - c)/2, exact in binary: the step halves each time.
    # c is never -1: near x = -1 a relative test |step| < tol * |x| stops at the same update.
    a, c = float(2.0 ** rng.integers(-2, 3)), float(rng.choice([-3, -2, 0, 1, 2, 3]))
    j, k = int(rng.integers(0, 3)), int(rng.integers(3, 8))
    f2, df2 = _double_root(a, c)
    out.append(Case((f2, df2, c + 2.0 ** j), {"tol": 2.0 ** (j - k)},
                    note=f"a double root: each step halves; a step equals tol exactly at "
                         f"update {k}, which is not < tol, so the loop stops at update {k + 1}"))
    out.append(Case((f2, df2, c - 2.0 ** j), {"max_iter": int(rng.integers(8, 15))},
                    note="a double root converges slowly: max_iter is reached"))
    c = float(rng.integers(600, 2000))
    f2, df2 = _double_root(a, c)
    out.append(Case((f2, df2, c + 2.0 ** j),
                    note=f"a double root at {c:g}, far from 0 and 1: the steps halve down "
                         "through [tol, tol * |x|); the test is on |x_new - x| itself"))
    b = rounded(rng.uniform(0.5, 3), 2)
    out.append(Case((Fn(f"lambda x: {b} * x - {rounded(b * rng.uniform(-2, 2), 2)}"),
                     Fn(f"lambda x: {b} + 0 * x"), rounded(rng.uniform(-3, 3), 2)),
                    note="a straight line: the first update reaches the root, a second, of "
                         "(almost) zero length, stops the loop: n_iter = 2"))
    f, df, x0 = _robust_root_case(rng)
    out.append(Case((f, df, x0), {"tol": 0.0, "max_iter": int(rng.integers(6, 12))},
                    note="tol = 0: no step is < 0, so the loop runs max_iter updates"))
    f, df, x0 = _robust_root_case(rng)
    out.append(Case((f, df, x0), {"max_iter": 1}, note="max_iter = 1: exactly one update"))
    return out


# --- newton_step ---------------------------------------------------------------------

def _newton_step(g, H):
    return -_solve(H, g)


def _well_conditioned(rng: np.random.Generator, n: int, kind: str) -> np.ndarray:
    if kind == "spd":
        return rounded(with_eigenvalues(rng, rng.uniform(1, 10, size=n)))
    if kind == "indefinite":
        ev = rng.uniform(1, 10, size=n) * np.where(np.arange(n) % 2 == 0, 1, -1)
        return rounded(with_eigenvalues(rng, ev))
    return rounded(np.eye(n) * rng.uniform(2, 4) + rng.uniform(-1, 1, size=(n, n)))  # not symmetric


def _step_visible() -> list[Case]:
    return [
        Case((np.array([277.6, 213.6]), np.array([[198.4, -2.6], [-2.6, 157.6]])),
             note="the chapter's quartic at (4, 4): the step is about (-1.417, -1.379)"),
        Case((np.array([2.0, -4.0]), np.array([[2.0, 0.0], [0.0, 4.0]])),
             note="a diagonal H: the step is -g_i / H_ii = (-1, 1)"),
    ]


def _step_hidden(rng: np.random.Generator) -> list[Case]:
    out = []
    for n, kind, note in [(2, "spd", "a positive definite 2 x 2 Hessian"),
                          (4, "spd", "a positive definite 4 x 4 Hessian"),
                          (3, "indefinite", "an indefinite H (a saddle): still -H^{-1} g"),
                          (3, "general", "H not symmetric: solve H d = -g, not H^T d = -g"),
                          (1, "spd", "n = 1: g of shape (1,), H of shape (1, 1)")]:
        out.append(Case((rounded(rng.normal(0, 3, size=n)), _well_conditioned(rng, n, kind)),
                        note=note))
    Hi = rng.integers(-2, 3, size=(3, 3)) + 6 * np.eye(3, dtype=int)
    out.append(Case((rng.integers(-5, 6, size=3), Hi), note="integer g and H"))
    return out


# --- newton_minimize -----------------------------------------------------------------

def _minimize_trace(grad, hess, x0, tol=1e-10, max_iter=50):
    """The iterates and the gradient norms tested before each step."""
    x = np.array(x0, dtype=float)
    path, norms = [x], []
    for _ in range(int(max_iter)):
        g = np.asarray(grad(x), dtype=float)
        norms.append(float(np.sqrt(np.sum(g * g))))
        if norms[-1] < tol:
            break
        x = x - _solve(hess(x), g)
        path.append(x)
    return np.array(path), norms


def _newton_minimize(grad, hess, x0, tol=1e-10, max_iter=50):
    return _minimize_trace(grad, hess, x0, tol, max_iter)[0]


# the notes' quartic f = x^4 + 0.8 y^4 + 4x^2 + 2y^2 - xy - 0.2 x^2 y
_QUARTIC_GRAD = Fn("lambda v: np.array([4 * v[0] ** 3 + 8 * v[0] - v[1] - 0.4 * v[0] * v[1], "
                   "3.2 * v[1] ** 3 + 4 * v[1] - v[0] - 0.2 * v[0] ** 2])")
_QUARTIC_HESS = Fn("lambda v: np.array([[12 * v[0] ** 2 + 8 - 0.4 * v[1], -1 - 0.4 * v[0]], "
                   "[-1 - 0.4 * v[0], 9.6 * v[1] ** 2 + 4]])")


def _convex_family(rng: np.random.Generator, n: int) -> tuple[Fn, Fn]:
    """Gradient and Hessian of a strictly convex f: a quadratic plus exp or quartic terms."""
    A_ = rounded(with_eigenvalues(rng, rng.uniform(1, 4, size=n)))
    b = rounded(rng.normal(size=n))
    if rng.random() < 0.5:
        c = rounded(rng.uniform(-1, 1, size=n))
        a_, b_, c_ = literal(A_), literal(b), literal(c)
        return (Fn(f"lambda x: {a_} @ x - {b_} + {c_} * np.exp({c_} * x)"),
                Fn(f"lambda x: {a_} + np.diag({c_} ** 2 * np.exp({c_} * x))"))
    return (Fn(f"lambda x: {literal(A_)} @ x - {literal(b)} + x ** 3"),
            Fn(f"lambda x: {literal(A_)} + np.diag(3 * x ** 2)"))


def _robust_min_case(rng: np.random.Generator, n: int, tol: float = 1e-10,
                     integer_start: bool = False):
    for _ in range(50):
        grad, hess = _convex_family(rng, n)
        x0 = rng.integers(-2, 3, size=n) if integer_start else rounded(rng.uniform(-2, 2, size=n))
        _, norms = _minimize_trace(grad, hess, x0, tol)
        if norms[-1] < tol and _far_from(norms, tol):
            return grad, hess, x0
    raise RuntimeError("no robust Newton minimisation case found")  # pragma: no cover


def _min_visible() -> list[Case]:
    return [
        Case((_QUARTIC_GRAD, _QUARTIC_HESS, np.array([4.0, 4.0])),
             note="the chapter's quartic from (4, 4): the second and third rows are about "
                  "(2.583, 2.621) and (1.592, 1.675); 9 rows in all"),
        Case((Fn("lambda x: np.array([2 * x[0] - 2, 4 * x[1] + 4])"),
              Fn("lambda x: np.array([[2.0, 0.0], [0.0, 4.0]])"), np.array([3.0, 5.0])),
             note="a quadratic: one Newton step lands on the minimum (1, -1), then it stops"),
        Case((_QUARTIC_GRAD, _QUARTIC_HESS, np.array([4.0, 4.0])), {"max_iter": 2},
             note="max_iter = 2: x0 and two steps, 3 rows"),
    ]


def _min_hidden(rng: np.random.Generator) -> list[Case]:
    out = []
    for n in (2, 3):
        grad, hess, x0 = _robust_min_case(rng, n)
        out.append(Case((grad, hess, x0), note=f"a strictly convex f on R^{n}, default tol"))
    grad, hess, x0 = _robust_min_case(rng, 2, tol=1e-5)
    out.append(Case((grad, hess, x0), {"tol": 1e-5}, note="tol = 1e-5"))
    grad, hess, x0 = _robust_min_case(rng, 2, integer_start=True)
    out.append(Case((grad, hess, x0), note="an integer x0: the iterates are floats"))
    start = rounded(rng.uniform(-4, 4, size=2), 1)
    out.append(Case((_QUARTIC_GRAD, _QUARTIC_HESS, start), {"max_iter": int(rng.integers(2, 5))},
                    note="the chapter's quartic from another start, max_iter reached"))
    out.append(Case((_QUARTIC_GRAD, _QUARTIC_HESS, start), {"max_iter": 0},
                    note="max_iter = 0: no step, just [x0]"))
    # boundary: grad(x0) = (3, 4) exactly, so ||grad(x0)|| = 5 = tol is not < tol
    d = rounded(rng.uniform(1, 3, size=2), 0)
    x0 = rounded(rng.uniform(-3, 3, size=2), 0)
    b = d * x0 - np.array([3.0, 4.0])
    grad = Fn(f"lambda x: {literal(d)} * x - {literal(b)}")
    hess = Fn(f"lambda x: np.diag({literal(d)})")
    out.append(Case((grad, hess, x0), {"tol": 5.0},
                    note="||grad(x0)|| = 5 equals tol, which is not < tol: one step is taken"))
    # boundary in the middle: f = sum |x|^3 / 3, Newton halves x; ||grad(x_k)|| = 2 * 4^(j-k)
    j, k = int(rng.integers(0, 3)), int(rng.integers(2, 6))
    x0 = 2.0 ** j * np.array([1.0, -1.0, 1.0, 1.0])
    out.append(Case((Fn("lambda x: x * np.abs(x)"), Fn("lambda x: np.diag(2 * np.abs(x))"), x0),
                    {"tol": 2.0 * 4.0 ** (j - k)},
                    note=f"f = sum |x_i|^3 / 3: x halves each step; ||grad|| equals tol exactly "
                         f"at row {k}, which is not < tol, so the path has {k + 2} rows"))
    grad, hess, x0 = _robust_min_case(rng, 3)
    x_star = _minimize_trace(grad, hess, x0)[0][-1]
    out.append(Case((grad, hess, rounded(x_star, 5)), {"tol": 1e-3},
                    note="x0 is (nearly) the minimiser: ||grad(x0)|| < tol, so no step: [x0]"))
    return out


FUNCTIONS = [
    GradedFunction(A, "newton_root", ("f", "df", "x0", "tol", "max_iter"), _newton_root,
                   _root_visible, _root_hidden, points=3,
                   hint="count every update x_new = x - f(x)/df(x); stop as soon as "
                        "|x_new - x| is strictly below tol or max_iter updates were made, "
                        "and return x_new with the count"),
    GradedFunction(A, "newton_step", ("g", "H"), _newton_step, _step_visible, _step_hidden,
                   points=2, hint="the step d solves the linear system H d = -g; "
                                  "np.linalg.solve(H, -g) does it without forming H^{-1}"),
    GradedFunction(A, "newton_minimize", ("grad", "hess", "x0", "tol", "max_iter"),
                   _newton_minimize, _min_visible, _min_hidden, points=3,
                   hint="keep a list starting with a float copy of x0; before each step test "
                        "||grad(x)|| < tol, then x <- x - H^{-1} grad(x) with H = hess(x); "
                        "at most max_iter steps"),
]
