"""Assignment 02_partial_derivatives: what is checked, on which inputs, against what.

References are computed here, independently of any student code: the difference
quotient of COURSE_SPEC evaluated on fresh copies of the point, complex-step
derivatives of f = 3 x^2 y^3 and of the line cost E(m, b), and ``np.polyfit`` for the
least-squares line.
"""

from __future__ import annotations

import numpy as np

from calcml.grading.core import Case, Fn, GradedFunction, close
from calcml.grading.inputs import SEED_X, SEED_Y, scalar_field
from calcml.grading.references import complex_step_gradient

A = "02_partial_derivatives"


# --- partial_derivative ---------------------------------------------------------------

def _partial_derivative(f, x, i, h=1e-5):
    step = np.zeros(np.shape(x))
    step[i] = h
    x = np.asarray(x, dtype=float)
    return float((f(x + step) - f(x - step)) / (2.0 * h))


def _pd_visible() -> list[Case]:
    f = Fn("lambda x: 3 * x[0] ** 2 * x[1] ** 3")
    return [
        Case((f, np.array([1.0, 2.0]), 0), note="f = 3x^2 y^3 at (1, 2): df/dx = 6xy^3 = 48"),
        Case((f, np.array([1.0, 2.0]), 1), note="the same f: df/dy = 9x^2y^2 = 36"),
        Case((Fn("lambda x: x[0] ** 2 + x[1] ** 2 + x[2] ** 2"), np.array([1.0, 4.0, 2.0]), 2),
             {"h": 0.5}, note="h is an argument: a sum of squares, d/dz at z = 2 gives 4"),
    ]


def _pd_hidden(rng: np.random.Generator) -> list[Case]:
    out = []
    for n, h in [(2, 1e-5), (3, 1e-5), (5, 1e-4), (4, 0.3), (1, 1e-5)]:
        i = int(rng.integers(n))
        out.append(Case((scalar_field(rng, n), rng.uniform(-1.5, 1.5, size=n), i), {"h": h},
                        note=f"a random f of {n} variables, i = {i}, h = {h}"))
    n = 4
    out.append(Case((scalar_field(rng, n), rng.uniform(-1, 1, size=n), n - 1),
                    note="the last coordinate, default h"))
    x_int = rng.choice([-2, -1, 1, 2], size=3)
    out.append(Case((scalar_field(rng, 3), x_int, int(rng.integers(3))),
                    note="an integer array x: the step must not be rounded away"))
    out.append(Case((scalar_field(rng, 3), rng.uniform(-1, 1, size=3), 0), {"h": 0.25},
                    note="x must be left unchanged"))
    return out


# --- grad_3x2y3 ---------------------------------------------------------------------

def _grad_3x2y3(x, y):
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    # f acts entry by entry, so the partials at each point are the gradient of sum(f)
    dfdx = complex_step_gradient(lambda z: np.sum(3 * z ** 2 * y ** 3), x)
    dfdy = complex_step_gradient(lambda z: np.sum(3 * x ** 2 * z ** 3), y)
    if dfdx.ndim == 0:
        return float(dfdx), float(dfdy)
    return dfdx, dfdy


def _g_visible() -> list[Case]:
    return [
        Case((1.0, 2.0), note="at (1, 2): (6xy^3, 9x^2y^2) = (48, 36)"),
        Case((-2.0, 0.5), note="a negative x: the sign of df/dx follows x"),
        Case((np.array([0.0, 1.0, 2.0]), np.array([1.0, 1.0, -1.0])),
             note="arrays: one pair of partials per point, as two arrays"),
    ]


def _g_hidden(rng: np.random.Generator) -> list[Case]:
    x, y = rng.uniform(-2, 2, size=2)
    return [
        Case((float(x), float(y)), note="a random point"),
        Case((rng.uniform(-2, 2, size=6), rng.uniform(-2, 2, size=6)), note="1-D arrays"),
        Case((rng.normal(size=(2, 3)), rng.normal(size=(2, 3))), note="2-D arrays"),
        Case((rng.integers(-3, 4, size=5), rng.integers(-3, 4, size=5)),
             note="integer arrays"),
        Case((int(rng.integers(1, 5)), -int(rng.integers(1, 5))), note="Python integers"),
        Case((float(rng.uniform(0.5, 2)), 0.0), note="y = 0: both partials vanish"),
    ]


# --- line_cost and line_cost_partials --------------------------------------------------

def _line_cost(m, b, x, y):
    r = float(m) * np.asarray(x, dtype=float) + float(b) - np.asarray(y, dtype=float)
    return float(sum(v * v for v in r))


def _line_cost_partials(m, b, x, y):
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    dm, db = complex_step_gradient(lambda t: np.sum((t[0] * x + t[1] - y) ** 2), [m, b])
    return float(dm), float(db)


_POINTS = (SEED_X, SEED_Y)


def _lc_visible() -> list[Case]:
    return [
        Case((0.0, 0.0, *_POINTS), note="the line y = 0 through (1,2), (2,5), (3,3): 4 + 25 + 9"),
        Case((0.5, 7 / 3, *_POINTS), note="the best line y = x/2 + 7/3: E = 25/6"),
    ]


def _random_points(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    x = rng.uniform(-3, 5, size=n)
    return x, 1.5 * x - 2 + rng.normal(0, 1, size=n)


def _lc_hidden(rng: np.random.Generator) -> list[Case]:
    out = []
    for n in (5, 30):
        m, b = rng.normal(0, 2, size=2)
        out.append(Case((float(m), float(b), *_random_points(rng, n)), note=f"{n} random points"))
    out.append(Case((int(rng.integers(-3, 4)), int(rng.integers(-3, 4)),
                     rng.integers(-5, 6, size=6), rng.integers(-5, 6, size=6)),
                    note="integers everywhere"))
    x, y = _random_points(rng, 1)
    out.append(Case((float(rng.normal()), float(rng.normal()), x, y), note="a single point"))
    m, b = rng.normal(0, 2, size=2)
    x = rng.uniform(-3, 3, size=8)
    out.append(Case((float(m), float(b), x, m * x + b), note="points on the line: E = 0"))
    return out


def _lcp_visible() -> list[Case]:
    return [
        Case((0.0, 0.0, *_POINTS), note="(28m + 12b - 42, 12m + 6b - 20) at (0, 0)"),
        Case((0.5, 7 / 3, *_POINTS), note="at the best line both partials are zero"),
    ]


# --- fit_line ---------------------------------------------------------------------------

def _fit_line(x, y):
    m, b = np.polyfit(np.asarray(x, dtype=float), np.asarray(y, dtype=float), 1)
    return float(m), float(b)


def _fl_visible() -> list[Case]:
    return [
        Case(_POINTS, note="(1,2), (2,5), (3,3): m = 1/2, b = 7/3"),
        Case((np.array([0.0, 1.0, 2.0, 3.0]), np.array([1.0, 3.0, 5.0, 7.0])),
             note="points on y = 2x + 1 are fitted exactly"),
    ]


def _fl_hidden(rng: np.random.Generator) -> list[Case]:
    out = []
    for n in (6, 40):
        out.append(Case(_random_points(rng, n), note=f"{n} noisy points"))
    x = rng.uniform(20, 60, size=12)
    out.append(Case((x, -0.3 * x + 10 + rng.normal(0, 2, size=12)),
                    note="x far from 0: the intercept is not the mean of y"))
    x = rng.permutation(np.arange(10))[:5]
    out.append(Case((x, rng.integers(-9, 10, size=5)), note="integer arrays, unsorted x"))
    out.append(Case((rng.uniform(-2, 2, size=2), rng.uniform(-2, 2, size=2)),
                    note="two points: the line through both"))
    return out


FUNCTIONS = [
    GradedFunction(A, "partial_derivative", ("f", "x", "i", "h"), _partial_derivative,
                   _pd_visible, _pd_hidden,
                   hint="build x + h e_i and x - h e_i as new float arrays (x.astype(float) "
                        "copies) and leave x itself alone; use the h you are given",
                   points=2),
    GradedFunction(A, "grad_3x2y3", ("x", "y"), _grad_3x2y3, _g_visible, _g_hidden,
                   hint="treat the other variable as a constant and use the power rule; "
                        "return the pair (df/dx, df/dy)",
                   points=1),
    GradedFunction(A, "line_cost", ("m", "b", "x", "y"), _line_cost, _lc_visible, _lc_hidden,
                   hint="the sum (not the mean) over the points of the squared vertical "
                        "distance m x_i + b - y_i",
                   points=1),
    GradedFunction(A, "line_cost_partials", ("m", "b", "x", "y"), _line_cost_partials,
                   _lcp_visible, _lc_hidden,
                   hint="differentiate each square by the chain rule: the inner derivative is "
                        "x_i for m and 1 for b; keep the factor 2",
                   points=2),
    GradedFunction(A, "fit_line", ("x", "y"), _fit_line, _fl_visible, _fl_hidden,
                   compare=close(rtol=1e-6, atol=1e-9),
                   hint="dE/dm = 0 and dE/db = 0 are two linear equations in m and b: "
                        "write them with sums over the points and solve the 2 x 2 system",
                   points=2),
]
