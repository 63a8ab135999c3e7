"""Assignment 11_optimizers: what is checked, on which inputs, against what.

References are written here, independently of any student code and of
:mod:`calcml.optimizers`, and never as the formula the notebook shows:

* the heavy ball in its other form, u <- beta u - lr g, x <- x + u;
* optimal_momentum from the derivation's intermediate identity
  beta = (1 - sqrt(lr l_min))^2 with lr = (2 / (sqrt(l_max) + sqrt(l_min)))^2;
* the Armijo step as the smallest exponent j with the test passing at t0 shrink^j
  (powers, not repeated multiplication);
* Adam with m_t and v_t as explicit weighted sums of all gradients so far,
  (1 - beta1) sum_s beta1^(t - s) g_s, bias-corrected by division by the sum of the
  weights, 1 - beta1^t.

Test functions cross into the sandbox as source text (:class:`Fn`), with matrices
written as exact literals, so that the grader and the student's kernel evaluate the
same f.
"""

from __future__ import annotations

import math

import numpy as np

from calcml.grading.a05_gradient_descent import _pair_1d, _pair_nd
from calcml.grading.compare import raises
from calcml.grading.core import Case, Fn, GradedFunction
from calcml.grading.inputs import literal, rounded, with_eigenvalues

A = "11_optimizers"

_ROSENBROCK = Fn("lambda v: (1 - v[0]) ** 2 + 100 * (v[1] - v[0] ** 2) ** 2")
_ROSENBROCK_GRAD = Fn("lambda v: np.array([-2 * (1 - v[0]) - 400 * v[0] * (v[1] - v[0] ** 2), "
                      "200 * (v[1] - v[0] ** 2)])")


def _ill_conditioned(rng: np.random.Generator, kappa: float, n: int = 2) -> tuple[Fn, Fn]:
    """f(x) = 1/2 x^T A x - b^T x with A's eigenvalues spread over [1, kappa]."""
    lam = np.geomspace(1.0, kappa, n)
    A_ = rounded(with_eigenvalues(rng, lam))
    b = rounded(rng.normal(size=n))
    return (Fn(f"lambda x: 0.5 * x @ {literal(A_)} @ x - {literal(b)} @ x"),
            Fn(f"lambda x: {literal(A_)} @ x - {literal(b)}"))


def _float_rows(x0, n_steps: int) -> np.ndarray:
    x = np.array(x0, dtype=float)
    out = np.empty((int(n_steps) + 1,) + x.shape)
    out[0] = x
    return out


# --- momentum_descent ----------------------------------------------------------------

def _momentum_descent(grad, x0, lr, beta, n_steps):
    out = _float_rows(x0, n_steps)
    x, u = out[0].copy(), np.zeros_like(out[0])
    for k in range(1, int(n_steps) + 1):
        u = beta * u - lr * np.asarray(grad(x), dtype=float)
        x = x + u
        out[k] = x
    return out


def _mom_visible() -> list[Case]:
    return [
        Case((Fn("lambda x: 2 * x"), 1.0, 0.1, 0.5, 3),
             note="f = x^2: v1 = 2, x1 = 0.8; v2 = 0.5 * 2 + 1.6 = 2.6, x2 = 0.54; "
                  "v3 = 2.38, x3 = 0.302"),
        Case((Fn("lambda x: np.array([1.0, 10.0]) * x"), np.array([1.0, 1.0]), 0.1, 0.8, 5),
             note="an ill-conditioned quadratic, array x0: shape (6, 2)"),
        Case((Fn("lambda x: 2 * x"), 3.0, 0.1, 0.9, 0), note="n_steps = 0: just [x0]"),
    ]


def _mom_hidden(rng: np.random.Generator) -> list[Case]:
    out = []
    for n_steps in (int(rng.integers(4, 10)), int(rng.integers(20, 40))):
        _, g = _pair_1d(rng)
        out.append(Case((g, rounded(rng.uniform(-2, 2)), rounded(rng.uniform(0.03, 0.08)),
                         rounded(rng.uniform(0.3, 0.8), 2), n_steps),
                        note=f"a float x0, {n_steps} steps: shape ({n_steps + 1},)"))
    kappa = float(rng.choice([20.0, 50.0]))
    _, g = _ill_conditioned(rng, kappa)
    k = int(rng.integers(15, 30))
    out.append(Case((g, rounded(rng.normal(size=2)), rounded(1.0 / kappa, 4), 0.8, k),
                    note=f"an ill-conditioned quadratic (kappa = {kappa:g}), beta = 0.8, "
                         f"{k} steps"))
    _, g = _pair_nd(rng, 3, quartic=True)
    out.append(Case((g, rounded(rng.normal(size=3)), 0.05, rounded(rng.uniform(0.5, 0.9), 2),
                     12),
                    note="a quartic in 3 variables"))
    _, g = _pair_nd(rng, 2)
    out.append(Case((g, rng.integers(-3, 4, size=2), 0.1, 0.6, int(rng.integers(3, 8))),
                    note="an integer array x0: the iterates are floats"))
    _, g = _pair_nd(rng, 2)
    out.append(Case((g, rounded(rng.normal(size=2)), 0.1, 0.0, 6),
                    note="beta = 0: plain gradient descent"))
    _, g = _pair_nd(rng, 3)
    out.append(Case((g, rounded(rng.normal(size=3)), 0.1, 0.9, 0),
                    note="n_steps = 0 with an array x0: shape (1, 3)"))
    return out


# --- optimal_momentum ----------------------------------------------------------------

def _optimal_momentum(l_min, l_max):
    lr = (2.0 / (math.sqrt(l_max) + math.sqrt(l_min))) ** 2
    return lr, (1.0 - math.sqrt(lr * l_min)) ** 2


def _opt_visible() -> list[Case]:
    return [
        Case((1.0, 100.0), note="kappa = 100: lr = 4/121 = 0.0330579, beta = (9/11)^2 = 0.669421"),
        Case((2.0, 2.0), note="kappa = 1: lr = 1/l = 0.5, beta = 0 (no momentum needed)"),
        Case((0.5, 4.5), note="sqrt(kappa) = 3: lr = 4/8 = 0.5, beta = 1/4"),
    ]


def _opt_hidden(rng: np.random.Generator) -> list[Case]:
    out = []
    for lo, hi in ((0.05, 0.5), (0.5, 5.0), (1.0, 1e4)):
        l_min = rounded(rng.uniform(lo, hi), 4)
        kappa = float(rng.choice([3.0, 10.0, 250.0, 1e4]))
        out.append(Case((l_min, rounded(l_min * kappa, 4)), note=f"kappa about {kappa:g}"))
    l_max = rounded(rng.uniform(1, 5))
    out.append(Case((l_max, l_max), note="l_min = l_max: beta = 0"))
    out.append(Case((int(rng.integers(1, 4)), int(rng.integers(5, 40))),
                    note="integer eigenvalue bounds"))
    l_min = rounded(rng.uniform(1e-4, 1e-3), 6)
    out.append(Case((l_min, rounded(rng.uniform(10, 100))), note="kappa near 1e5: beta near 1"))
    return out


# --- backtracking_step ---------------------------------------------------------------

def _backtracking_step(f, g, x, d, t0=1.0, alpha=1e-4, shrink=0.5):
    x, g, d = (np.asarray(a, dtype=float) for a in (x, g, d))
    slope = float(np.sum(g * d))
    fx = float(f(x))
    for j in range(2000):
        t = t0 * shrink ** j
        if float(f(x + t * d)) <= fx + alpha * t * slope:
            return t
    raise ValueError("no step length passes the Armijo test")


def _quadratic_point(rng: np.random.Generator, n: int) -> tuple[Fn, Fn, np.ndarray]:
    f, g = _pair_nd(rng, n)
    return f, g, rounded(rng.normal(size=n) * 2)


def _bt_visible() -> list[Case]:
    x = np.array([4.0])
    return [
        Case((Fn("lambda x: x @ x"), 2 * x, x, -2 * x),
             note="f = x^2 at 4 along d = -8: t = 1 lands on -4 (f not lower), t = 0.5 on 0"),
        Case((Fn("lambda x: x @ x"), np.array([2.0, 0.0]), np.array([1.0, 0.0]),
              np.array([-0.5, 0.0])),
             note="a short direction: t0 = 1 passes at once, return 1.0"),
        Case((_ROSENBROCK, np.array([-215.6, -88.0]), np.array([-1.2, 1.0]),
              np.array([215.6, 88.0])), {"alpha": 0.3, "shrink": 0.7},
             note="Rosenbrock at (-1.2, 1) along -g: twenty shrinks, t = 0.7^20 = 0.000797923"),
        Case((Fn("lambda x: x @ x"), np.array([2.0, 4.0]), np.array([1.0, 2.0]),
              np.array([1.0, 1.0])), compare=raises("ValueError"),
             note="d = (1, 1) points uphill (g.d = 6 > 0): raise ValueError"),
    ]


def _bt_hidden(rng: np.random.Generator) -> list[Case]:
    out = []
    for _ in range(3):
        x = rounded(rng.uniform(-1.5, 1.5, size=2))
        g = _ROSENBROCK_GRAD(x)
        out.append(Case((_ROSENBROCK, g, x, -g),
                        note="Rosenbrock along -g with the defaults (several halvings)"))
    x = rounded(rng.uniform(-1.5, 1.5, size=2))
    g = _ROSENBROCK_GRAD(x)
    out.append(Case((_ROSENBROCK, g, x, -g), {"t0": 0.01, "alpha": 0.4, "shrink": 0.8},
                    note="t0 = 0.01, alpha = 0.4, shrink = 0.8"))
    f, gf, x = _quadratic_point(rng, 3)
    g = gf(x)
    d = -g + 0.5 * np.linalg.norm(g) * rounded(rng.normal(size=3)) / 3
    if g @ d >= 0:
        d = -g
    out.append(Case((f, g, x, d), {"t0": 4.0, "alpha": 0.45, "shrink": 0.6},
                    note="a descent direction that is not -g; alpha = 0.45 matters"))
    A_ = rounded(with_eigenvalues(rng, rng.uniform(1.0, 4.0, size=3)))
    b, x = rounded(rng.normal(size=3)), rounded(rng.normal(size=3) * 2)
    g = A_ @ x - b
    out.append(Case((Fn(f"lambda x: 0.5 * x @ {literal(A_)} @ x - {literal(b)} @ x"), g, x,
                     -np.linalg.solve(A_, g)), {"t0": 4.0, "alpha": 0.45},
                    note="the Newton direction -A^-1 g of a quadratic (not -g): t = 1 is the "
                         "first to pass, and the slope is g.d, not -g.g"))
    f, gf, x = _quadratic_point(rng, 2)
    g = gf(x)
    out.append(Case((f, g, x, -0.01 * g), note="a short step: t0 = 1 passes at once"))
    f, gf, x = _quadratic_point(rng, 2)
    g = gf(x)
    out.append(Case((f, g, x, -g), {"t0": 8.0, "alpha": 0.49},
                    note="alpha = 0.49: the sufficient decrease rejects steps a plain "
                         "decrease accepts"))
    xi = rng.integers(-3, 4, size=2)
    xi[0] = xi[0] or 1
    f, gf = _pair_nd(rng, 2)
    g = gf(xi.astype(float))
    out.append(Case((f, g, xi, -g), note="an integer x: x + t d must be computed in floats"))
    # not descent directions: the right answer is ValueError
    x = rng.integers(1, 9, size=2) / 4 * rng.choice([-1.0, 1.0], size=2)  # dyadic: g.d is 0
    g = 2 * x
    out.append(Case((Fn("lambda x: x @ x"), g, x, np.array([-g[1], g[0]])),
                    compare=raises("ValueError"),
                    note="d is perpendicular to g (g.d = 0, no descent): raise ValueError"))
    f, gf, x = _quadratic_point(rng, 3)
    g = gf(x)
    out.append(Case((f, g, x, g * rounded(rng.uniform(0.1, 2.0))), compare=raises("ValueError"),
                    note="d points uphill (along +g): raise ValueError"))
    return out


# --- gd_backtracking -----------------------------------------------------------------

def _gd_backtracking(f, grad, x0, n_steps, t0=1.0, alpha=1e-4, shrink=0.5):
    x = np.array(x0, dtype=float)
    rows = [x]
    for _ in range(int(n_steps)):
        g = np.asarray(grad(x), dtype=float)
        if np.count_nonzero(g) == 0:
            break
        x = x - _backtracking_step(f, g, x, -g, t0, alpha, shrink) * g
        rows.append(x)
    return np.array(rows)


def _gdb_visible() -> list[Case]:
    return [
        Case((Fn("lambda x: x ** 2"), Fn("lambda x: 2 * x"), 4.0, 5),
             note="t = 1/2 lands on 0, where the gradient is exactly 0: stop, [4.0, 0.0]"),
        Case((_ROSENBROCK, _ROSENBROCK_GRAD, np.array([-1.2, 1.0]), 4),
             note="Rosenbrock from (-1.2, 1): each step starts again at t0 = 1"),
        Case((Fn("lambda x: x @ x"), Fn("lambda x: 2 * x"), np.array([1.0, 2.0]), 0),
             note="n_steps = 0: just [x0], shape (1, 2)"),
    ]


def _gdb_hidden(rng: np.random.Generator) -> list[Case]:
    out = []
    x0 = rounded(rng.uniform(-1.5, 1.5, size=2))
    k = int(rng.integers(10, 25))
    out.append(Case((_ROSENBROCK, _ROSENBROCK_GRAD, x0, k),
                    note=f"Rosenbrock, {k} steps with the defaults"))
    out.append(Case((_ROSENBROCK, _ROSENBROCK_GRAD, rounded(rng.uniform(-1.5, 1.5, size=2)), 8),
                    {"t0": 0.05, "alpha": 0.3, "shrink": 0.7},
                    note="t0 = 0.05, alpha = 0.3, shrink = 0.7"))
    kappa = float(rng.choice([10.0, 30.0]))
    f, g = _ill_conditioned(rng, kappa, 3)
    out.append(Case((f, g, rounded(rng.normal(size=3)), 15), {"t0": 1.0, "alpha": 0.4},
                    note=f"an ill-conditioned quadratic, kappa = {kappa:g}"))
    f, g = _pair_1d(rng)
    out.append(Case((f, g, rounded(rng.uniform(-2, 2)), 10),
                    note="a float x0: shape (11,) unless the gradient vanishes exactly"))
    a = float(2.0 ** rng.integers(-1, 3))
    x0 = 2.0 ** rng.integers(-1, 3, size=3) * rng.choice([-1.0, 1.0], size=3)
    out.append(Case((Fn(f"lambda x: {a} * x @ x"), Fn(f"lambda x: 2 * {a} * x"), x0, 6),
                    note=f"f = {a} |x|^2: backtracking lands exactly on 0, where the gradient "
                         "is exactly zero: stop there (2 rows)"))
    f, g = _pair_nd(rng, 2)
    out.append(Case((f, g, rng.integers(-3, 4, size=2), 5), note="an integer x0"))
    return out


# --- adam ----------------------------------------------------------------------------

def _adam(grad, x0, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, n_steps=100):
    out = _float_rows(x0, n_steps)
    x = out[0].copy()
    grads = []
    for t in range(1, int(n_steps) + 1):
        grads.append(np.asarray(grad(x), dtype=float))
        w1 = (1 - beta1) * beta1 ** np.arange(t - 1, -1, -1.0)  # weights of g_1 .. g_t
        w2 = (1 - beta2) * beta2 ** np.arange(t - 1, -1, -1.0)
        history = np.array(grads)
        m_hat = np.tensordot(w1, history, axes=1) / w1.sum()
        v_hat = np.tensordot(w2, history ** 2, axes=1) / w2.sum()
        x = x - lr * m_hat / (np.sqrt(v_hat) + eps)
        out[t] = x
    return out


def _adam_visible() -> list[Case]:
    return [
        Case((Fn("lambda x: 2 * x"), 1.0), {"lr": 0.1, "n_steps": 3},
             note="f = x^2 from 1: the first steps have length close to lr = 0.1 "
                  "(bias correction makes m_hat = g, v_hat = g^2 at t = 1)"),
        Case((Fn("lambda x: np.array([1.0, 100.0]) * x"), np.array([1.0, 1.0])),
             {"lr": 0.05, "n_steps": 4},
             note="gradients of very different sizes: both coordinates move by about lr"),
        Case((Fn("lambda x: 2 * (x - 3)"), 0.0),
             note="the defaults: lr = 1e-3, 100 steps, shape (101,)"),
    ]


def _adam_hidden(rng: np.random.Generator) -> list[Case]:
    out = []
    _, g = _pair_1d(rng)
    out.append(Case((g, rounded(rng.uniform(-2, 2))), {"lr": 0.05, "n_steps": 20},
                    note="a float x0, lr = 0.05, 20 steps"))
    _, g = _ill_conditioned(rng, 100.0)
    out.append(Case((g, rounded(rng.normal(size=2))),
                    {"lr": 0.1, "beta1": 0.8, "beta2": 0.99, "n_steps": 25},
                    note="an ill-conditioned quadratic, beta1 = 0.8, beta2 = 0.99"))
    _, g = _pair_nd(rng, 3, quartic=True)
    out.append(Case((g, rounded(rng.normal(size=3))), {"lr": 0.02, "eps": 0.1, "n_steps": 15},
                    note="eps = 0.1: eps is added to sqrt(v_hat), not put inside it"))
    a = rounded(rng.uniform(1, 3))
    out.append(Case((Fn(f"lambda x: 1e-3 * {a} * x"), rounded(rng.normal(size=2))),
                    {"lr": 0.01, "n_steps": 10},
                    note="tiny gradients (about 1e-3): sqrt(v_hat) + eps, with eps outside "
                         "the square root"))
    _, g = _pair_nd(rng, 2)
    out.append(Case((g, rng.integers(-3, 4, size=2)), {"lr": 0.1, "n_steps": 6},
                    note="an integer x0: the iterates are floats"))
    _, g = _pair_1d(rng)
    out.append(Case((g, rounded(rng.uniform(-1, 1))), note="the defaults: 100 steps of 1e-3"))
    _, g = _pair_nd(rng, 2)
    out.append(Case((g, rounded(rng.normal(size=2))), {"lr": 0.1, "beta1": 0.0, "n_steps": 5},
                    note="beta1 = 0: no momentum, RMSProp with bias correction"))
    _, g = _pair_nd(rng, 3)
    out.append(Case((g, rounded(rng.normal(size=3))), {"n_steps": 0},
                    note="n_steps = 0 with an array x0: shape (1, 3)"))
    return out


FUNCTIONS = [
    GradedFunction(A, "momentum_descent", ("grad", "x0", "lr", "beta", "n_steps"),
                   _momentum_descent, _mom_visible, _mom_hidden, points=2,
                   hint="start from v = 0 (shaped like x0, floats); each step first "
                        "v = beta * v + grad(x) with the gradient at the current x, then "
                        "x = x - lr * v; return x0 and the n_steps new points as rows"),
    GradedFunction(A, "optimal_momentum", ("l_min", "l_max"), _optimal_momentum,
                   _opt_visible, _opt_hidden, points=1,
                   hint="kappa = l_max / l_min; lr = 4 / (sqrt(l_max) + sqrt(l_min))**2 and "
                        "beta = ((sqrt(kappa) - 1) / (sqrt(kappa) + 1))**2; return (lr, beta)"),
    GradedFunction(A, "backtracking_step", ("f", "g", "x", "d", "t0", "alpha", "shrink"),
                   _backtracking_step, _bt_visible, _bt_hidden, points=2,
                   hint="try t = t0 first; accept the first t with "
                        "f(x + t d) <= f(x) + alpha * t * (g @ d), else t = shrink * t; "
                        "never change x in place"),
    GradedFunction(A, "gd_backtracking",
                   ("f", "grad", "x0", "n_steps", "t0", "alpha", "shrink"),
                   _gd_backtracking, _gdb_visible, _gdb_hidden, points=2,
                   hint="at every step restart the line search at t0 along d = -grad(x); "
                        "stop early (fewer rows) as soon as grad(x) is exactly zero"),
    GradedFunction(A, "adam", ("grad", "x0", "lr", "beta1", "beta2", "eps", "n_steps"),
                   _adam, _adam_visible, _adam_hidden, points=3,
                   hint="count t from 1; m and v start at zero; divide by 1 - beta1**t and "
                        "1 - beta2**t; the step is lr * m_hat / (sqrt(v_hat) + eps)"),
]
