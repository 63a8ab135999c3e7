"""Assignment 01_derivatives: what is checked, on which inputs, against what.

References are computed here, independently of any student code: the formulas of
COURSE_SPEC evaluated directly, and scipy's ``expit`` for the logistic function.
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit

from calcml.grading.core import Case, Fn, GradedFunction
from calcml.grading.inputs import rounded

A = "01_derivatives"

# Smooth test functions f with their derivatives, written as source text so the
# sandbox can rebuild them. {a}, {b}, {c} are filled with random coefficients.
_FAMILY = [
    ("lambda x: {a} * np.sin({b} * x) + {c} * x", "lambda x: {a} * {b} * np.cos({b} * x) + {c}"),
    ("lambda x: {a} * x ** 3 - {b} * x ** 2 + {c}", "lambda x: 3 * {a} * x ** 2 - 2 * {b} * x"),
    ("lambda x: {a} * np.exp({b} * x / 4)", "lambda x: {a} * {b} / 4 * np.exp({b} * x / 4)"),
    ("lambda x: np.log(1 + {a} * x ** 2)", "lambda x: 2 * {a} * x / (1 + {a} * x ** 2)"),
    ("lambda x: {a} / (1 + x ** 2) + {c}", "lambda x: -2 * {a} * x / (1 + x ** 2) ** 2"),
]


def _random_pair(rng: np.random.Generator) -> tuple[Fn, Fn]:
    f_src, df_src = _FAMILY[rng.integers(len(_FAMILY))]
    a, b, c = rounded(rng.uniform(0.5, 2.0, size=3)).tolist()
    return Fn(f_src.format(a=a, b=b, c=c)), Fn(df_src.format(a=a, b=b, c=c))


# --- central_difference -------------------------------------------------------------

def _central_difference(f, x, h=1e-5):
    x = np.asarray(x, dtype=float)
    out = (np.asarray(f(x + h), dtype=float) - np.asarray(f(x - h), dtype=float)) / (2.0 * h)
    return out if out.ndim else float(out)


def _cd_visible() -> list[Case]:
    return [
        Case((Fn("lambda x: x ** 2"), 3.0), note="f(x) = x^2 at x = 3: slope 6"),
        Case((Fn("lambda x: x ** 3"), 1.0), {"h": 0.5},
             note="h is an argument: ((1.5)^3 - (0.5)^3) / 1 = 3.25, not 3"),
        Case((Fn("np.sin"), np.array([0.0, np.pi / 2, np.pi])),
             note="an array x: one derivative per entry, same shape as x"),
    ]


def _cd_hidden(rng: np.random.Generator) -> list[Case]:
    out = []
    for shape, h in [((), 1e-5), ((5,), 1e-5), ((3, 4), 1e-4), ((6,), 0.1), ((), 0.3)]:
        f, _ = _random_pair(rng)
        x = rng.uniform(-2, 2, size=shape)
        out.append(Case((f, float(x) if shape == () else x), {"h": h},
                        note=f"x of shape {shape}, h = {h}"))
    f, _ = _random_pair(rng)
    out.append(Case((f, rng.integers(-3, 4, size=4)), note="an integer array x"))
    f, _ = _random_pair(rng)
    out.append(Case((f, float(rng.uniform(-1, 1))), note="the default h"))
    return out


# --- sigmoid and its derivative -------------------------------------------------------

def _sigmoid(z):
    out = expit(np.asarray(z, dtype=float))
    return out if out.ndim else float(out)


def _sigmoid_derivative(z):
    s = expit(np.asarray(z, dtype=float))
    out = s * (1.0 - s)
    return out if out.ndim else float(out)


_EXTREMES = np.array([-1e4, -800.0, -40.0, 0.0, 40.0, 800.0, 1e4])


def _sig_visible() -> list[Case]:
    return [
        Case((0.0,), note="sigma(0) = 1/2"),
        Case((np.array([-1.0, 0.0, 2.0]),), note="elementwise on an array"),
        Case((np.array([-1e4, 1e4]),), no_warnings=True,
             note="|z| = 1e4: no overflow warning, no nan"),
    ]


def _sigd_visible() -> list[Case]:
    return [
        Case((0.0,), note="sigma'(0) = sigma(0) (1 - sigma(0)) = 1/4"),
        Case((np.array([-1.0, 0.0, 2.0]),), note="elementwise on an array"),
        Case((np.array([-1e4, 1e4]),), no_warnings=True,
             note="|z| = 1e4: sigma' is (almost) 0, with no overflow warning and no nan"),
    ]


def _sig_hidden(rng: np.random.Generator) -> list[Case]:
    return [
        Case((float(rng.normal()),), note="a float"),
        Case((rng.normal(0, 3, size=8),), note="a 1-D array"),
        Case((rng.normal(0, 5, size=(3, 4)),), note="a 2-D array"),
        Case((rng.integers(-5, 6, size=6),), note="an integer array"),
        Case((rng.permutation(_EXTREMES),), no_warnings=True,
             note="large |z| up to 1e4: no overflow warning, no nan"),
        Case((-float(rng.uniform(800, 1e4)),), no_warnings=True, note="a large negative float"),
    ]


# --- tangent_line --------------------------------------------------------------------

def _tangent_line(f, df, x0):
    slope = float(df(x0))
    return slope, float(f(x0)) - slope * float(x0)


def _tl_visible() -> list[Case]:
    return [
        Case((Fn("lambda x: x ** 2"), Fn("lambda x: 2 * x"), 1.0),
             note="y = x^2 at x0 = 1: the tangent is y = 2x - 1"),
        Case((Fn("np.exp"), Fn("np.exp"), 0.0), note="y = e^x at 0: y = x + 1"),
    ]


def _tl_hidden(rng: np.random.Generator) -> list[Case]:
    out = []
    for _ in range(5):
        f, df = _random_pair(rng)
        out.append(Case((f, df, float(rng.uniform(-2, 2))), note="a random smooth f"))
    return out


# --- chain_derivative ----------------------------------------------------------------

_LINKS = [
    ("np.sin", "np.cos"),
    ("np.exp", "np.exp"),
    ("lambda u: u ** 3", "lambda u: 3 * u ** 2"),
    ("lambda u: 2 * u + 1", "lambda u: 2.0 + 0 * u"),
    ("lambda u: 1 / (1 + np.exp(-u))", "lambda u: np.exp(-u) / (1 + np.exp(-u)) ** 2"),
    ("np.tanh", "lambda u: 1 - np.tanh(u) ** 2"),
    ("lambda u: u ** 2", "lambda u: 2 * u"),
]


def _chain_derivative(fs, dfs, x):
    u, slope = float(x), 1.0
    for f, df in zip(fs, dfs, strict=True):
        slope *= float(df(u))
        u = float(f(u))
    return slope


def _chain(links):
    return [Fn(f) for f, _ in links], [Fn(df) for _, df in links]


def _cr_visible() -> list[Case]:
    fs, dfs = _chain([("lambda u: u ** 2", "lambda u: 2 * u"), ("np.sin", "np.cos")])
    one_f, one_df = _chain([("lambda u: u ** 3", "lambda u: 3 * u ** 2")])
    return [
        Case((fs, dfs, 1.5), note="sin(x^2): fs[0] is applied first, so d/dx = cos(x^2) 2x"),
        Case((one_f, one_df, 2.0), note="a single function: just its derivative"),
    ]


def _cr_hidden(rng: np.random.Generator) -> list[Case]:
    out = []
    for n in (2, 3, 4, 3):
        picks = [_LINKS[i] for i in rng.choice(len(_LINKS), size=n, replace=False)]
        fs, dfs = _chain(picks)
        out.append(Case((fs, dfs, float(rng.uniform(-1, 1))), note=f"{n} functions composed"))
    return out


# --- square_loss_minimizer and coin_mle ----------------------------------------------

def _square_loss_minimizer(a):
    return float(np.mean(np.asarray(a, dtype=float)))


def _slm_visible() -> list[Case]:
    return [Case((np.array([1.0, 2.0, 6.0]),), note="three power lines: the mean, 3")]


def _slm_hidden(rng: np.random.Generator) -> list[Case]:
    return [
        Case((rng.exponential(2.0, size=7),), note="skewed data: mean and median differ"),
        Case((rng.integers(0, 20, size=5),), note="an integer array"),
        Case((np.array([float(rng.normal())]),), note="one point"),
        Case((rng.normal(10, 3, size=50),), note="many points"),
    ]


def _coin_mle(heads, tails):
    return float(heads) / (float(heads) + float(tails))


def _coin_visible() -> list[Case]:
    return [Case((7, 3), note="7 heads and 3 tails: p = 0.7")]


def _coin_hidden(rng: np.random.Generator) -> list[Case]:
    h, t = (int(v) for v in rng.integers(1, 40, size=2))
    return [
        Case((h, t), note="random counts"),
        Case((int(rng.integers(1, 9)), 3 * int(rng.integers(1, 9)) + 1), note="p not on a grid"),
        Case((0, int(rng.integers(1, 10))), note="no heads: p = 0"),
        Case((int(rng.integers(1, 10)), 0), note="no tails: p = 1"),
    ]


FUNCTIONS = [
    GradedFunction(A, "central_difference", ("f", "x", "h"), _central_difference,
                   _cd_visible, _cd_hidden,
                   hint="(f(x + h) - f(x - h)) / (2h) with the h you are given; "
                        "x may be a float or an array"),
    GradedFunction(A, "sigmoid", ("z",), _sigmoid, _sig_visible, _sig_hidden,
                   hint="for z < 0 use the equal form e^z / (1 + e^z), so that no exponential "
                        "sees a large positive argument (np.where evaluates both branches)"),
    GradedFunction(A, "sigmoid_derivative", ("z",), _sigmoid_derivative, _sigd_visible,
                   _sig_hidden, hint="sigma(z) (1 - sigma(z)) with a stable sigma"),
    GradedFunction(A, "tangent_line", ("f", "df", "x0"), _tangent_line, _tl_visible,
                   _tl_hidden, hint="slope = f'(x0); the line passes through (x0, f(x0))"),
    GradedFunction(A, "chain_derivative", ("fs", "dfs", "x"), _chain_derivative, _cr_visible,
                   _cr_hidden, hint="evaluate each derivative at the value flowing into "
                                    "its function, then multiply"),
    GradedFunction(A, "square_loss_minimizer", ("a",), _square_loss_minimizer, _slm_visible,
                   _slm_hidden, hint="set the derivative 2 sum_i (x - a_i) to zero"),
    GradedFunction(A, "coin_mle", ("heads", "tails"), _coin_mle, _coin_visible, _coin_hidden,
                   hint="maximise heads log p + tails log(1 - p): set its derivative to zero"),
]
