"""Assignment 12_autodiff: what is checked, on which inputs, against what.

References are computed here, independently of any student code and of calcml's own
``autodiff`` and ``network`` modules: ``forward_derivative`` against the complex step
(exact to rounding, like a dual number, so finite differences lose the marks at the
1e-12 tolerance); every VJP and the network's gradients by the complex step of the
scalar loss they differentiate (L = sum(G * Z) for a layer with upstream gradient G),
never by the transposes students derive; the cross-entropy from the logits with each
row shifted by its largest real part (so the same code takes complex steps).
"""

from __future__ import annotations

import numpy as np

from calcml.grading.compare import relu_vjp_close
from calcml.grading.core import Case, Fn, GradedFunction, close
from calcml.grading.inputs import rounded
from calcml.grading.references import complex_step_gradient

A = "12_autodiff"

_KEYS = ("W1", "b1", "W2", "b2")


# --- forward_derivative --------------------------------------------------------------------

def _forward_derivative(f, x):
    return float(complex_step_gradient(lambda z: f(z), float(x)))


#: f'(x) is checked to 1e-12 relative: central differences (about 1e-10 at best) lose
_EXACT = close(rtol=1e-12, atol=1e-14)

# smooth f built from + - * /, integer **, exp, log, sin, cos, tanh; {c} a random constant
_FD_FAMILY = [
    "lambda x: x ** 3 * np.sin({c} * x)",
    "lambda x: np.exp(-{c} * x ** 2) / (1 + x ** 2)",
    "lambda x: np.log(1 + x ** 2) * np.cos(x) - {c} / (2 + np.tanh(x))",
    "lambda x: np.tanh({c} * x) ** 2 + 3 * x - 1",
    "lambda x: (x ** 2 - {c}) / (x ** 4 + 1)",
    "lambda x: {c} - 2 / x + x ** 2 / 4",
    "lambda x: np.sin(np.exp(x / {c})) * x",
    "lambda x: np.log(x ** 2 + {c}) ** 2 - np.cos(3 * x) / {c}",
]


def _fd_case(source: str, x: float, note: str) -> Case:
    return Case((Fn(source), x), note=note)


def _fd_visible() -> list[Case]:
    return [
        _fd_case("lambda x: x ** 3", 2.0, "the power rule: 3 x^2 = 12 at x = 2"),
        _fd_case("lambda x: np.sin(x) * np.exp(x)", 0.5,
                 "the product rule: (cos x + sin x) e^x = 2.2373... at x = 0.5"),
        _fd_case("lambda x: 1 / (1 + np.exp(-x))", 1.0,
                 "the sigmoid: sigma(1)(1 - sigma(1)) = 0.19661..., through / and exp"),
        _fd_case("lambda x: np.log(x) / x", 3.0,
                 "the quotient rule: (1 - log x) / x^2 = -0.010957... at x = 3"),
    ]


def _fd_hidden(rng: np.random.Generator) -> list[Case]:
    out = []
    for k in rng.permutation(len(_FD_FAMILY)):
        src = _FD_FAMILY[k].format(c=rounded(rng.uniform(0.5, 2.0)))
        f = Fn(src)
        while True:  # a point where f' is not tiny, so 1e-12 relative is meaningful
            x = rounded(rng.uniform(0.3, 2.5) * rng.choice([-1.0, 1.0]), 4)
            if abs(_forward_derivative(f, x)) > 0.05:
                break
        out.append(_fd_case(src, x, "a composition of the supported operations"))
    out.append(_fd_case("lambda x: 2.5 * x - 7", float(rounded(rng.uniform(3, 9), 3)),
                        "a straight line: f' = 2.5 everywhere, away from 0"))
    out.append(_fd_case("lambda x: x ** 2 * 0 + 4.0", float(rounded(rng.uniform(-2, 2), 3)),
                        "a constant: f' = 0"))
    out.append(_fd_case("lambda x: np.exp(x) ** 2", float(rounded(rng.uniform(8, 12), 3)),
                        "large values (e^{2x} near e^20): relative accuracy still 1e-12"))
    return out


# --- linear_vjp ------------------------------------------------------------------------------

def _linear_vjp(X, W, b, G):
    X, W, b, G = (np.asarray(a, dtype=float) for a in (X, W, b, G))

    def L(X, W, b):  # the scalar whose gradients are the VJP: sum(G * Z)
        return np.sum(G * (X @ W + b))

    return (complex_step_gradient(lambda v: L(v, W, b), X),
            complex_step_gradient(lambda v: L(X, v, b), W),
            complex_step_gradient(lambda v: L(X, W, v), b))


def _lv_case(X, W, b, G, note: str) -> Case:
    return Case((X, W, b, G), note=note)


def _lv_visible() -> list[Case]:
    X = np.array([[1.0, 2.0, 0.0], [0.0, -1.0, 3.0]])
    W = np.array([[1.0, 0.0], [0.5, -1.0], [2.0, 1.0]])
    b = np.array([0.1, -0.2])
    return [
        _lv_case(X, W, b, np.array([[1.0, 0.0], [0.0, 1.0]]),
                 "m=2, n=3, k=2: dX = G W^T (2 x 3), dW = X^T G (3 x 2), db = G summed "
                 "over rows"),
        _lv_case(X[:1], W, b, np.array([[2.0, -1.0]]), "one example (m = 1)"),
    ]


def _lv_hidden(rng: np.random.Generator) -> list[Case]:
    out = []
    for m, n, k, note in ((5, 3, 2, "m=5, n=3, k=2"),
                          (4, 3, 3, "n = k: a transposed dW has the right shape but not the "
                                    "right values"),
                          (3, 3, 3, "m = n = k: every product has the right shape"),
                          (1, 4, 2, "a single example"),
                          (7, 2, 5, "more outputs than inputs")):
        out.append(_lv_case(rng.normal(size=(m, n)), rng.normal(size=(n, k)),
                            rng.normal(size=k), rng.normal(size=(m, k)), note))
    out.append(_lv_case(rng.integers(-3, 4, size=(4, 2)), rng.normal(size=(2, 3)),
                        rng.normal(size=3), rng.integers(-2, 3, size=(4, 3)),
                        "integer X and G"))
    return out


# --- relu_vjp --------------------------------------------------------------------------------

def _relu_vjp(Z, G):
    Z = np.asarray(Z, dtype=float)
    G = np.asarray(G, dtype=float)

    def L(v):  # sum(G * relu(v)), the ReLU cut on the real part (complex-step friendly)
        return np.sum(G * np.where(v.real > 0, v, 0.0))

    return complex_step_gradient(L, Z)  # 0 where Z == 0 (relu'(0) = 0)


def _rv_case(Z, G, note: str) -> Case:
    return Case((Z, G), note=note, compare=relu_vjp_close(Z, G))


def _rv_visible() -> list[Case]:
    return [
        _rv_case(np.array([[-1.0, 2.0], [0.5, -3.0]]), np.array([[10.0, 20.0], [30.0, 40.0]]),
                 "G passes where Z > 0 and is stopped where Z < 0"),
        _rv_case(np.array([[0.0, 1.0, -1.0]]), np.array([[5.0, 5.0, 5.0]]),
                 "at Z == 0 any value between 0 and G is accepted"),
    ]


def _rv_hidden(rng: np.random.Generator) -> list[Case]:
    Z = rng.normal(size=(5, 4))
    Z[rng.integers(5), rng.integers(4)] = 0.0
    Zs = rng.normal(size=(3, 3))
    return [
        _rv_case(rng.normal(size=(6, 3)), rng.normal(size=(6, 3)), "a 6 x 3 layer"),
        _rv_case(Z, rng.normal(size=(5, 4)), "an exact zero in Z"),
        _rv_case(Zs, rng.normal(size=(3, 3)) - 5.0,
                 "negative G: where Z > 0 it passes unchanged (mask by Z, not by G)"),
        _rv_case(-np.abs(rng.normal(size=(2, 5))), rng.normal(size=(2, 5)),
                 "every unit off: all zeros"),
        _rv_case(np.abs(rng.normal(size=(4, 2))) + 0.1, rng.normal(size=(4, 2)),
                 "every unit on: G unchanged, not multiplied by Z"),
        _rv_case(rng.normal(size=(3, 4)), rng.integers(-5, 6, size=(3, 4)), "an integer G"),
        _rv_case(rng.normal(size=7), rng.normal(size=7), "a 1-D Z and G"),
    ]


# --- softmax_cross_entropy_vjp ---------------------------------------------------------------

def _cross_entropy(Z, labels):
    """Mean of log(sum_j e^{Z_ij}) - Z_i,y_i, each row shifted by its largest real part."""
    c = np.max(Z.real, axis=1, keepdims=True)
    lse = np.log(np.sum(np.exp(Z - c), axis=1)) + c[:, 0]
    return np.mean(lse - Z[np.arange(len(Z)), labels])


def _softmax_cross_entropy_vjp(Z, y):
    Z = np.asarray(Z, dtype=float)
    labels = np.asarray(y).astype(int)
    return (float(_cross_entropy(Z, labels)),
            complex_step_gradient(lambda v: _cross_entropy(v, labels), Z))


def _sce_visible() -> list[Case]:
    return [
        Case((np.array([[2.0, 1.0, 0.1], [0.0, 0.0, 0.0]]), np.array([0, 2])),
             note="loss = (0.41703 + log 3) / 2; dZ = (softmax(Z) - onehot(y)) / m with m = 2"),
        Case((np.array([[1e4, 0.0], [0.0, 1e4]]), np.array([0, 0])), no_warnings=True,
             note="logits of 1e4: the loss is (0 + 1e4) / 2, exact and finite (work from "
                  "log-sum-exp, not log of a softmax)"),
    ]


def _sce_hidden(rng: np.random.Generator) -> list[Case]:
    out = []
    for m, k, note in ((6, 4, "m=6, k=4"), (1, 3, "a single example: m = 1"),
                       (8, 2, "two classes"), (5, 5, "m = k: rows are examples, columns "
                                                     "classes")):
        out.append(Case((rng.normal(0, 2, size=(m, k)), rng.integers(0, k, size=m)), note=note))
    Z = rng.normal(0, 1, size=(4, 3)) * 1e4
    y = np.argmin(Z, axis=1)  # the true class has the smallest logit: the loss is huge
    out.append(Case((Z, y), no_warnings=True,
                    note="logits of magnitude 1e4, the true class the least likely: a loss "
                         "near 1e4, exact (no overflow, no log(0))"))
    Z = rng.normal(0, 1, size=(3, 4))
    Z[1] += 1e4
    out.append(Case((Z, rng.integers(0, 4, size=3)), no_warnings=True,
                    note="one row shifted by 1e4: each row by its own maximum"))
    out.append(Case((rng.integers(-3, 4, size=(5, 3)), np.array([0, 1, 2, 2, 0])),
                    note="integer logits, every class present"))
    return out


# --- mlp_multiclass_gradient -----------------------------------------------------------------

def _network_loss(P, X, labels):
    Z1 = X @ P["W1"] + P["b1"]
    A1 = np.where(Z1.real > 0, Z1, 0.0)
    return _cross_entropy(A1 @ P["W2"] + P["b2"], labels)


def _mlp_multiclass_gradient(params, X, y):
    X = np.asarray(X, dtype=float)
    labels = np.asarray(y).astype(int)
    base = {k: np.asarray(params[k], dtype=float) for k in _KEYS}
    grads = {key: complex_step_gradient(
        lambda v, key=key: _network_loss({**base, key: v}, X, labels), base[key])
        for key in _KEYS}
    return float(_network_loss(base, X, labels)), grads


def _random_params(rng: np.random.Generator, n: int, h: int, k: int, scale: float = 1.0):
    return {"W1": rng.normal(0, scale, size=(n, h)), "b1": rng.normal(0, 0.5, size=h),
            "W2": rng.normal(0, scale, size=(h, k)), "b2": rng.normal(0, 0.5, size=k)}


_WORKED = {"W1": np.array([[1.0, -1.0], [0.5, 1.0]]), "b1": np.array([0.0, 0.5]),
           "W2": np.array([[1.0, -1.0, 0.5], [0.0, 2.0, -1.0]]), "b2": np.array([0.1, 0.0, -0.1])}


def _mg_visible() -> list[Case]:
    return [
        Case((_WORKED, np.array([[1.0, 2.0], [-1.0, 1.0]]), np.array([0, 2])),
             note="n=2 inputs, h=2 hidden units, k=3 classes, m=2 examples: "
                  "Z1 = [[2, 1.5], [-0.5, 2.5]], one ReLU off"),
        Case((_WORKED, np.array([[1.0, -3.0]]), np.array([1])),
             note="one example whose hidden units are both off: W1 and b1 get zero gradient"),
    ]


def _mg_hidden(rng: np.random.Generator) -> list[Case]:
    out = []
    for m, n, h, k in ((6, 3, 4, 3), (10, 4, 5, 4), (1, 2, 3, 2), (8, 5, 2, 6)):
        out.append(Case((_random_params(rng, n, h, k), rng.normal(0, 1.5, size=(m, n)),
                         rng.integers(0, k, size=m)),
                        note=f"m={m}, n={n}, hidden units h={h}, classes k={k}"))
    P = _random_params(rng, 3, 4, 3)
    P["b1"] = np.array([-20.0, 0.3, -0.2, 20.0])
    out.append(Case((P, rng.normal(size=(7, 3)), rng.integers(0, 3, size=7)),
                    note="a dead unit (b1 = -20: no gradient through it) and one always on"))
    out.append(Case((_random_params(rng, 3, 3, 4, scale=4.0), rng.normal(size=(6, 3)),
                     rng.integers(0, 4, size=6)),
                    note="large weights: logits of tens, a confident softmax"))
    out.append(Case((_random_params(rng, 2, 3, 3), rng.integers(-3, 4, size=(5, 2)),
                     np.array([2, 0, 1, 1, 2])), note="an integer X"))
    return out


_EXACT_VJP = close()

FUNCTIONS = [
    GradedFunction(A, "forward_derivative", ("f", "x"), _forward_derivative, _fd_visible,
                   _fd_hidden, compare=_EXACT,
                   hint="evaluate f once on the dual number Dual(x, 1.0) and return its "
                        "derivative part as a float; the Dual class must implement + - * / "
                        "(both sides), integer ** and exp, log, sin, cos, tanh with their "
                        "derivative rules. Finite differences are not exact enough (1e-12)",
                   points=2),
    GradedFunction(A, "linear_vjp", ("X", "W", "b", "G"), _linear_vjp, _lv_visible,
                   _lv_hidden, compare=_EXACT_VJP,
                   hint="dX = G W^T (shape of X), dW = X^T G (shape of W), db = G summed over "
                        "the rows (axis 0, shape of b); return the tuple (dX, dW, db)",
                   points=2),
    GradedFunction(A, "relu_vjp", ("Z", "G"), _relu_vjp, _rv_visible, _rv_hidden,
                   hint="G times relu'(Z): keep G where Z > 0 and put 0 where Z < 0 "
                        "(np.where(Z > 0, G, 0.0)); the mask comes from Z, and G is not "
                        "multiplied by Z; do not change G in place",
                   points=1),
    GradedFunction(A, "softmax_cross_entropy_vjp", ("Z", "y"), _softmax_cross_entropy_vjp,
                   _sce_visible, _sce_hidden, compare=_EXACT_VJP,
                   hint="with c = each row's maximum, log-sum-exp = c + log(sum(exp(Z - c))); "
                        "loss = mean over rows of logsumexp - Z[i, y_i]; dZ = (softmax(Z) - "
                        "onehot(y)) / m with onehot(y)[i, y_i] = 1",
                   points=2),
    GradedFunction(A, "mlp_multiclass_gradient", ("params", "X", "y"), _mlp_multiclass_gradient,
                   _mg_visible, _mg_hidden, compare=_EXACT_VJP,
                   hint="forward: Z1 = X W1 + b1, A1 = relu(Z1), Z2 = A1 W2 + b2; backward: "
                        "dZ2 = (softmax(Z2) - onehot(y)) / m, dW2 = A1^T dZ2, db2 = dZ2 summed "
                        "over rows, dZ1 = (dZ2 W2^T) * relu'(Z1), dW1 = X^T dZ1, db1 = dZ1 "
                        "summed over rows; return (loss, grads) with the loss from the logits",
                   points=3),
]
