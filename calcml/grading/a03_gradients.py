"""Assignment 03_gradients: what is checked, on which inputs, against what.

References are computed here, independently of any student code: complex-step
derivatives (exact to rounding, no step-size trade-off) for every gradient and
Jacobian, an explicit loop over the examples for the MSE, and ``np.linalg.lstsq``
(an orthogonal factorisation, not the normal equations) for the least-squares fit.
"""

from __future__ import annotations

import numpy as np

from calcml.grading.core import Case, Fn, GradedFunction, close
from calcml.grading.inputs import SEED_DESIGN, SEED_Y, literal, scalar_field
from calcml.grading.references import complex_step_gradient, complex_step_jacobian

A = "03_gradients"

# --- numerical_gradient -------------------------------------------------------------------

def _numerical_gradient(f, x, h=1e-5):
    return complex_step_gradient(f, x)


def _ng_visible() -> list[Case]:
    return [
        Case((Fn("lambda x: x[0] ** 2 + x[1] ** 2"), np.array([2.0, 3.0])),
             note="f = x^2 + y^2 at (2, 3): (2x, 2y) = (4, 6)"),
        Case((Fn("lambda x: (2 * x[0] + 3 * x[1]) ** 2"), np.array([1.0, 2.0])),
             note="f = (2x + 3y)^2 at (1, 2): (32, 48)"),
        Case((Fn("lambda x: np.sin(x[0]) * x[1] + x[2] ** 3"), np.array([0.0, 2.0, -1.0])),
             note="three variables: (cos(x) y, sin(x), 3z^2) = (2, 0, 3)"),
    ]


def _ng_hidden(rng: np.random.Generator) -> list[Case]:
    out = []
    for n in (2, 3, 5, 8, 1):
        out.append(Case((scalar_field(rng, n), rng.uniform(-1.5, 1.5, size=n)),
                        note=f"a random f of {n} variables"))
    out.append(Case((scalar_field(rng, 4), rng.uniform(-1, 1, size=4)), {"h": 1e-4},
                    note="h = 1e-4 given"))
    out.append(Case((scalar_field(rng, 3), rng.choice([-2, -1, 1, 2], size=3)),
                    note="an integer array x: the steps must not be rounded away"))
    return out


# --- quadratic_form_gradient --------------------------------------------------------------

def _quadratic_form_gradient(B, x):
    B = np.asarray(B, dtype=float)
    return complex_step_gradient(lambda z: z @ B @ z, x)


def _qf_visible() -> list[Case]:
    return [
        Case((np.eye(2), np.array([1.0, -2.0])), note="B = I: x^T x has gradient 2x"),
        Case((np.array([[1.0, 2.0], [0.0, 3.0]]), np.array([1.0, 1.0])),
             note="a non-symmetric B: (B + B^T) x = (4, 8), not 2 B x = (6, 6)"),
    ]


def _qf_hidden(rng: np.random.Generator) -> list[Case]:
    out = []
    for n in (3, 5):
        out.append(Case((rng.normal(size=(n, n)), rng.normal(size=n)),
                        note=f"a non-symmetric {n} x {n} B"))
    M = rng.normal(size=(4, 4))
    out.append(Case((M + M.T, rng.normal(size=4)), note="a symmetric B"))
    M = rng.normal(size=(3, 3))
    out.append(Case((M - M.T, rng.normal(size=3)),
                    note="an antisymmetric B: x^T B x = 0 for every x"))
    out.append(Case((rng.integers(-4, 5, size=(3, 3)), rng.integers(-3, 4, size=3)),
                    note="integer arrays"))
    out.append(Case((rng.normal(size=(1, 1)), rng.normal(size=1)), note="n = 1"))
    return out


# --- mse and mse_gradient -------------------------------------------------------------------

def _mse(X, y, theta):
    X, y, theta = (np.asarray(a, dtype=float) for a in (X, y, theta))
    total = 0.0
    for row, target in zip(X, y, strict=True):
        total += (float(row @ theta) - float(target)) ** 2
    return total / len(y)


def _mse_gradient(X, y, theta):
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    return complex_step_gradient(lambda t: np.sum((X @ t - y) ** 2) / len(y), theta)


_SEED_X, _SEED_Y = SEED_DESIGN, SEED_Y


def _mse_visible() -> list[Case]:
    return [
        Case((_SEED_X, _SEED_Y, np.zeros(2)),
             note="points (1,2), (2,5), (3,3), theta = 0: (4 + 25 + 9) / 3"),
        Case((_SEED_X, _SEED_Y, np.array([7 / 3, 1 / 2])),
             note="the best line 7/3 + x/2: MSE = 25/18"),
    ]


def _mse_grad_visible() -> list[Case]:
    return [
        Case((_SEED_X, _SEED_Y, np.zeros(2)), note="theta = 0: (-20/3, -14)"),
        Case((_SEED_X, _SEED_Y, np.array([7 / 3, 1 / 2])),
             note="at the least-squares theta the gradient is 0"),
    ]


def _regression(rng: np.random.Generator, m: int, n: int) -> tuple[np.ndarray, np.ndarray]:
    X = rng.normal(size=(m, n))
    return X, X @ rng.normal(size=n) + rng.normal(0, 0.5, size=m)


def _mse_hidden(rng: np.random.Generator) -> list[Case]:
    out = []
    for m, n in ((10, 3), (40, 5), (6, 1)):
        X, y = _regression(rng, m, n)
        out.append(Case((X, y, rng.normal(size=n)), note=f"X of shape ({m}, {n})"))
    X, y = _regression(rng, 1, 3)
    out.append(Case((X, y, rng.normal(size=3)), note="a single example (m = 1)"))
    X = rng.integers(-3, 4, size=(5, 2))
    out.append(Case((X, rng.integers(-5, 6, size=5), rng.integers(-2, 3, size=2)),
                    note="integer arrays"))
    X = rng.normal(size=(7, 2))
    theta = rng.normal(size=2)
    out.append(Case((X, X @ theta, theta), note="a perfect fit: zero error"))
    return out


# --- normal_equation ------------------------------------------------------------------------

def _normal_equation(X, y):
    return np.linalg.lstsq(np.asarray(X, dtype=float), np.asarray(y, dtype=float),
                           rcond=None)[0]


def _ne_visible() -> list[Case]:
    return [
        Case((_SEED_X, _SEED_Y), note="(1,2), (2,5), (3,3) with a column of ones: (7/3, 1/2)"),
        Case((np.array([[2.0, 0.0], [0.0, 4.0]]), np.array([2.0, 2.0])),
             note="a square invertible X: the exact solution (1, 0.5)"),
    ]


def _ne_hidden(rng: np.random.Generator) -> list[Case]:
    out = []
    for m, n in ((12, 3), (50, 4)):
        out.append(Case(_regression(rng, m, n), note=f"noisy data, X of shape ({m}, {n})"))
    t = rng.uniform(0, 10, size=15)
    X = np.column_stack([np.ones(15), t, t ** 2 / 10])
    out.append(Case((X, 1 - 0.5 * t + rng.normal(0, 1, size=15)),
                    note="correlated columns (1, t, t^2/10): not a column-by-column fit"))
    X = rng.normal(size=(4, 4)) + 2 * np.eye(4)
    out.append(Case((X, rng.normal(size=4)), note="a square invertible X"))
    X = rng.normal(size=(8, 1))
    out.append(Case((X, rng.normal(size=8)), note="a single column"))
    X = np.column_stack([np.ones(6, dtype=int), rng.permutation(6), rng.integers(-4, 5, 6)])
    while np.linalg.matrix_rank(X) < 3:  # pragma: no cover - vanishingly rare
        X[:, 2] = rng.integers(-4, 5, 6)
    out.append(Case((X, rng.integers(-9, 10, size=6)), note="integer arrays"))
    return out


# --- numerical_jacobian ---------------------------------------------------------------------

# Smooth F: R^n -> R^k returning shape (k,); {A} is a (k, n) literal, {c} a (k,) literal.
_VECTOR_FIELDS = [
    "lambda x: {A} @ np.sin(x) + {c} * np.sum(x ** 2)",
    "lambda x: np.tanh({A} @ x) + {c} * x[0] * x[-1]",
    "lambda x: np.exp({A} @ x / 3) - {c} * np.prod(x)",
]


def _random_vector_field(rng: np.random.Generator, k: int, n: int) -> Fn:
    A_ = literal(rng.uniform(-1.5, 1.5, size=(k, n)), digits=3)
    c = literal(rng.uniform(-1.5, 1.5, size=k), digits=3)
    return Fn(_VECTOR_FIELDS[rng.integers(len(_VECTOR_FIELDS))].format(A=A_, c=c))


def _numerical_jacobian(F, x, h=1e-5):
    return complex_step_jacobian(F, x)


def _nj_visible() -> list[Case]:
    return [
        Case((Fn("lambda x: np.array([x[0] ** 2 + 2 * x[1], 3 * x[0] + 4 * x[1] ** 2])"),
              np.array([1.0, 2.0])), note="F = (x^2 + 2y, 3x + 4y^2) at (1, 2): [[2, 2], [3, 16]]"),
        Case((Fn("lambda x: np.array([x[0] * x[1] * x[2], x[0] + x[1] ** 2])"),
              np.array([1.0, 2.0, 3.0])),
             note="R^3 -> R^2: shape (2, 3), row i holds the partials of F_i"),
        Case((Fn("lambda x: np.array([[1.0, 2.0], [0.0, -1.0], [3.0, 0.5]]) @ x"),
              np.array([0.3, -0.7])), note="a linear map A x: the Jacobian is A itself"),
    ]


def _nj_hidden(rng: np.random.Generator) -> list[Case]:
    out = []
    for k, n in ((2, 3), (3, 2), (4, 4), (1, 5), (3, 1)):
        out.append(Case((_random_vector_field(rng, k, n), rng.uniform(-1, 1, size=n)),
                        note=f"a random F from R^{n} to R^{k}"))
    out.append(Case((_random_vector_field(rng, 3, 3), rng.uniform(-1, 1, size=3)), {"h": 1e-4},
                    note="h = 1e-4 given"))
    out.append(Case((_random_vector_field(rng, 2, 3), rng.choice([-2, -1, 1, 2], size=3)),
                    note="an integer array x"))
    return out


FUNCTIONS = [
    GradedFunction(A, "numerical_gradient", ("f", "x", "h"), _numerical_gradient,
                   _ng_visible, _ng_hidden, compare=close(rtol=1e-6, atol=1e-8),
                   hint="one central difference per coordinate, (f(x + h e_j) - f(x - h e_j)) "
                        "/ (2h), each on a new float copy of x",
                   points=2),
    GradedFunction(A, "quadratic_form_gradient", ("B", "x"), _quadratic_form_gradient,
                   _qf_visible, _qf_hidden,
                   hint="write x^T B x = sum_ij B_ij x_i x_j and differentiate by x_k: B enters "
                        "once as it is and once transposed; 2 B x holds only for symmetric B",
                   points=1),
    GradedFunction(A, "mse", ("X", "y", "theta"), _mse, _mse_visible, _mse_hidden,
                   hint="the mean over the m rows of X of the squared residual x_i . theta - y_i",
                   points=1),
    GradedFunction(A, "mse_gradient", ("X", "y", "theta"), _mse_gradient, _mse_grad_visible,
                   _mse_hidden,
                   hint="(2/m) X^T (X theta - y): keep both the 2 and the 1/m, and the residual "
                        "as prediction minus target",
                   points=2),
    GradedFunction(A, "normal_equation", ("X", "y"), _normal_equation, _ne_visible, _ne_hidden,
                   compare=close(rtol=1e-6, atol=1e-9),
                   hint="set the MSE gradient to zero: X^T X theta = X^T y, and solve that "
                        "n x n system (np.linalg.solve)",
                   points=2),
    GradedFunction(A, "numerical_jacobian", ("F", "x", "h"), _numerical_jacobian, _nj_visible,
                   _nj_hidden, compare=close(rtol=1e-6, atol=1e-8),
                   hint="column j is the central difference (F(x + h e_j) - F(x - h e_j)) / (2h); "
                        "the result has one row per output and one column per input",
                   points=2),
]
