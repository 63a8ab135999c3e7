"""Recompute the worked examples of the notes with calcml and compare with the verified table.

``calcml/data/seed_examples.json`` holds every numeric worked example of the source
notes, verified and corrected. Each test below recomputes one example with the tools
of :mod:`calcml.diff` and :mod:`calcml.functions` (derivatives by central differences
and the complex step, gradients, Jacobians, Hessians, closed forms, numerical
maximisation) and compares every expected value with the computed one.

A :class:`Check` records which expected keys were compared; at the end of each test it
fails if a key of the example was neither compared nor explicitly left out with a
reason, so a value added to the table later cannot go unchecked by accident.

Examples that are not calculus computations (counting, a data table, Monte Carlo) or
that belong to the optimisation and neural-network algorithms (gradient descent and
Newton runs, the perceptron) are listed in :data:`SKIPPED` with the reason.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from scipy.optimize import brentq, minimize_scalar
from scipy.special import lambertw

from calcml.diff import (
    central_difference,
    complex_step,
    complex_step_gradient,
    gradient,
    hessian,
    jacobian,
)
from calcml.functions import (
    binary_cross_entropy,
    cross_entropy,
    heaviside,
    relu,
    relu_derivative,
    sigmoid,
    sigmoid_derivative,
    softmax,
)
from calcml.seeds import all_seed_examples, seed_example

SKIPPED: dict[str, str] = {
    "s000_perceptron_and": "perceptron learning-rule trace (an algorithm, no derivative); "
                           "tested with the perceptron code",
    "s000_forward_pass": "neural-network forward pass: two matrix products, no derivative; "
                         "tested with the neural-network code",
    "s000_variance_scaling": "Monte-Carlo variance of a sum (probability, not calculus); the "
                             "simulated digits depend on an unspecified sampling order",
    "s002_sentiment_counts": "a data table, checked in tests/test_datasets.py against "
                             "calcml.datasets.sentiment_counts",
    "s002_newton_1d": "Newton's method iterates (an optimisation run); tested with the "
                      "optimisation code",
    "s003_parameter_count": "counting a network's parameters; no calculus",
    "s004_neuron_output": "one weighted sum, no derivative; tested with the neural-network code",
    "s004_one_vs_one": "counting classifier pairs k(k-1)/2; no calculus",
}
"""Example ids this module does not recompute, each with the reason."""

RNG = np.random.default_rng(2024)

# tolerances: complex step is exact to rounding; central differences (h = 1e-5) to about
# 1e-10 relative; second differences (h = 1e-4) to about 1e-7 relative, 1e-6 absolute
EXACT = {"rtol": 1e-12, "atol": 1e-14}
CS = {"rtol": 1e-12, "atol": 1e-13}
CD = {"rtol": 1e-7, "atol": 1e-8}
HESS = {"rtol": 1e-6, "atol": 1e-5}


# ----------------------------------------------------------------------------- helpers


def _parse_symbolic(text: str) -> str:
    """A notes-style formula ("6ab - 15b^2", "lambda^2 + 10 lambda + 23") as Python code.

    Single letters are variables, juxtaposition is multiplication, ^ is a power;
    ``sqrt`` and ``lambda`` are names.
    """
    tokens = re.findall(r"sqrt|lambda|[A-Za-z]|\d+(?:\.\d+)?|[-+*/^()]|\S", text)
    out: list[str] = []
    previous = ""
    for tok in tokens:
        is_operand_start = bool(re.fullmatch(r"sqrt|lambda|[A-Za-z]|\d.*|\(", tok))
        if is_operand_start and re.fullmatch(r"lambda|[A-Za-z]|\d.*|\)", previous or "+"):
            if previous != "sqrt":
                out.append("*")
        if not re.fullmatch(r"sqrt|lambda|[A-Za-z]|\d+(?:\.\d+)?|[-+*/^()]", tok):
            raise ValueError(f"unexpected token {tok!r} in {text!r}")
        out.append({"^": "**", "lambda": "lam"}.get(tok, tok))
        previous = tok
    return " ".join(out)


def evaluate_symbolic(text: str, **variables: float) -> float:
    """Evaluate a formula of the table at the given variable values."""
    code = _parse_symbolic(text)
    namespace = {"sqrt": math.sqrt, "__builtins__": {}}
    namespace.update({("lam" if k == "lambda" else k): v for k, v in variables.items()})
    return float(eval(code, namespace))  # noqa: S307 - tokens checked by _parse_symbolic


def test_evaluate_symbolic_reads_the_tables_formulas():
    assert evaluate_symbolic("7/3") == pytest.approx(7 / 3)
    assert evaluate_symbolic("-1/sqrt(13)") == pytest.approx(-1 / math.sqrt(13))
    assert evaluate_symbolic("5 + sqrt(2)") == pytest.approx(5 + math.sqrt(2))
    assert evaluate_symbolic("6ab - 15b^2", a=2.0, b=3.0) == pytest.approx(36 - 135)
    assert evaluate_symbolic("3 + 16x^3", x=2.0) == pytest.approx(131)
    assert evaluate_symbolic("lambda^2 - 10 lambda + 23", **{"lambda": 2.0}) == pytest.approx(7)
    assert evaluate_symbolic("-x - 6y", x=1.0, y=2.0) == pytest.approx(-13)


class Check:
    """Compare computed values with one example's expected values and track coverage."""

    def __init__(self, example_id: str) -> None:
        self.id = example_id
        self.entry = seed_example(example_id)
        self.expected = self.entry["expected"]
        self.done: set[tuple[str, ...]] = set()

    def want(self, key: str | tuple[str, ...]) -> Any:
        path = (key,) if isinstance(key, str) else tuple(key)
        value: Any = self.expected
        for part in path:
            value = value[part]
        return value

    def _mark(self, key: str | tuple[str, ...]) -> None:
        self.done.add((key,) if isinstance(key, str) else tuple(key))

    def close(self, key: str | tuple[str, ...], computed: Any, *, rtol: float = 1e-9,
              atol: float = 1e-12) -> None:
        """``computed`` equals the expected numbers within the tolerances, same shape."""
        want = np.asarray(self.want(key), dtype=float)
        got = np.asarray(computed, dtype=float)
        assert got.shape == want.shape, (
            f"{self.id}[{key!r}]: computed shape {got.shape}, expected shape {want.shape}"
        )
        assert np.allclose(got, want, rtol=rtol, atol=atol), (
            f"{self.id}[{key!r}]: computed {got.tolist()}, verified value {want.tolist()}"
        )
        self._mark(key)

    def equal(self, key: str | tuple[str, ...], computed: Any) -> None:
        want = self.want(key)
        assert computed == want, f"{self.id}[{key!r}]: computed {computed!r}, expected {want!r}"
        self._mark(key)

    def exact(self, key: str | tuple[str, ...], computed: Any, *, rtol: float = 1e-9) -> None:
        """An exact value written as text ("7/3", "-1/sqrt(13)", or a list of them)."""
        want = self.want(key)
        values = [evaluate_symbolic(t) for t in np.ravel(want)]
        np.testing.assert_allclose(np.ravel(computed), values, rtol=rtol, atol=1e-12,
                                   err_msg=f"{self.id}[{key!r}] = {want!r}")
        self._mark(key)

    def formula(self, key: str | tuple[str, ...], names: str,
                reference: Callable[[np.ndarray], np.ndarray], *, rtol: float = 1e-7,
                atol: float = 1e-7, n_points: int = 5) -> None:
        """Formulas in the variables ``names`` agree with ``reference`` at random points."""
        texts = np.asarray(self.want(key), dtype=object)
        for _ in range(n_points):
            point = RNG.uniform(-2, 2, size=len(names))
            values = {name: float(v) for name, v in zip(names, point, strict=True)}
            got = np.array([evaluate_symbolic(t, **values) for t in texts.ravel()])
            got = got.reshape(texts.shape)
            np.testing.assert_allclose(got, reference(point), rtol=rtol, atol=atol,
                                       err_msg=f"{self.id}[{key!r}] at {values}")
        self._mark(key)

    def skip(self, key: str | tuple[str, ...], reason: str) -> None:
        assert reason, "give a reason"
        self.want(key)  # the key must exist
        self._mark(key)

    def finish(self) -> None:
        """Every expected value was compared or explicitly left out."""
        missing = []
        for key, value in self.expected.items():
            if (key,) in self.done:
                continue
            if isinstance(value, dict):
                missing += [f"{key}/{sub}" for sub in value if (key, sub) not in self.done]
            else:
                missing.append(key)
        assert not missing, f"{self.id}: expected values not checked: {missing}"


def newton_step(f: Callable[[np.ndarray], float], x: np.ndarray) -> np.ndarray:
    """x - H^-1 grad at x, with calcml's numerical gradient and Hessian."""
    return x - np.linalg.solve(hessian(f, x), gradient(f, x))


def newton_minimise(f: Callable[[np.ndarray], float], x: np.ndarray, steps: int = 3) -> np.ndarray:
    """A few Newton steps: for a quadratic the first lands within the Hessian's rounding
    error (about eps |f| / h^2, ~1e-7 relative) of the minimum, the next ones remove that."""
    for _ in range(steps):
        x = newton_step(f, x)
    return x


def classify(eigenvalues: np.ndarray, tol: float = 1e-6) -> tuple[str, str]:
    """Second-derivative test from the Hessian's eigenvalues."""
    if np.all(eigenvalues > tol):
        return "positive definite", "minimum"
    if np.all(eigenvalues < -tol):
        return "negative definite", "maximum"
    if np.any(eigenvalues > tol) and np.any(eigenvalues < -tol):
        return "indefinite", "saddle"
    return "semidefinite", "inconclusive"


def _complex_sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


# ---------------------------------------------------------------------- bookkeeping


def test_every_example_is_recomputed_or_skipped_with_a_reason():
    ids = set(all_seed_examples())
    tested = {name[len("test_"):] for name in globals() if name.startswith("test_s0")}
    assert not tested & set(SKIPPED), f"both tested and skipped: {tested & set(SKIPPED)}"
    assert not set(SKIPPED) - ids, f"skipped ids not in the table: {set(SKIPPED) - ids}"
    assert not tested - ids, f"tests for ids not in the table: {tested - ids}"
    untouched = ids - tested - set(SKIPPED)
    assert not untouched, f"neither tested nor skipped: {untouched}"
    assert all(len(reason) > 10 for reason in SKIPPED.values())


# ---------------------------------------------------------------- seed 000 (chain rule)


def test_s000_sigmoid_derivative():
    c = Check("s000_sigmoid_derivative")
    x = np.array(c.entry["inputs"]["x"])
    c.close("sigma", sigmoid(x), **EXACT)
    c.close("dsigma_dx", sigmoid_derivative(x), **EXACT)
    c.close("dsigma_dx", central_difference(sigmoid, x), **CD)
    c.close("dsigma_dx", complex_step(_complex_sigmoid, x), **CS)
    # the quotient form of the notes: e^-x / (1 + e^-x)^2
    c.close("dsigma_dx", np.exp(-x) / (1 + np.exp(-x)) ** 2, **EXACT)
    c.close("dsigma_dx_at_0", central_difference(sigmoid, 0.0), **CD)
    c.finish()


def test_s000_linreg_closed_form():
    c = Check("s000_linreg_closed_form")
    x = np.array(c.entry["inputs"]["x"])
    y = np.array(c.entry["inputs"]["y"])
    m = len(x)
    mu_x, mu_y = x.mean(), y.mean()
    theta1 = (mu_y * x.sum() - (x * y).sum()) / (mu_x * x.sum() - (x**2).sum())
    theta0 = mu_y - theta1 * mu_x
    c.close("theta0", theta0, **EXACT)
    c.close("theta1", theta1, **EXACT)
    c.exact("theta0_exact", theta0)
    c.exact("theta1_exact", theta1)
    X = np.column_stack([np.ones(m), x])
    c.close("theta_normal_equation", np.linalg.solve(X.T @ X, X.T @ y), **EXACT)

    def mse(theta):
        return np.mean((X @ theta - y) ** 2)

    # the MSE is quadratic: Newton's method with numerical derivatives finds the minimum
    theta_star = newton_minimise(mse, np.zeros(2))
    c.close("theta_normal_equation", theta_star, rtol=1e-9)
    c.close("mse_min", mse(np.array([theta0, theta1])), **EXACT)
    c.exact("mse_min_exact", mse(np.array([theta0, theta1])))
    c.close("grad_at_theta_zero", gradient(mse, np.zeros(2)), **CD)
    c.close("grad_at_theta_zero", complex_step_gradient(mse, np.zeros(2)), **CS)
    c.close("grad_at_theta_zero", 2 / m * X.T @ (X @ np.zeros(2) - y), **EXACT)
    c.exact("grad_at_theta_zero_exact", gradient(mse, np.zeros(2)), rtol=1e-8)
    assert np.allclose(gradient(mse, theta_star), 0.0, atol=1e-8)
    c.finish()


def test_s000_bernoulli_entropy():
    c = Check("s000_bernoulli_entropy")
    p = np.array(c.entry["inputs"]["p"])

    def entropy_bits(q):
        return -(q * np.log2(q) + (1 - q) * np.log2(1 - q))

    c.close("H_bits", entropy_bits(p), **EXACT)
    c.close("H_bits_p0.5", entropy_bits(0.5), **EXACT)
    c.close("H_nats_p0.5", entropy_bits(0.5) * np.log(2), **EXACT)
    # the formula as the notes print it, with the bracket missing
    c.close("seed_formula_as_written_at_p0.5",
            -(0.5 * np.log2(0.5)) + (1 - 0.5) * np.log2(1 - 0.5), **EXACT)
    # the fair coin is the maximum: H'(1/2) = 0, H'' < 0
    assert abs(central_difference(entropy_bits, 0.5)) < 1e-9
    assert hessian(lambda q: entropy_bits(q[0]), np.array([0.5]))[0, 0] < 0
    c.finish()


def test_s001_normal_equation_half_factor():
    c = Check("s001_normal_equation_half_factor")
    X = np.array(c.entry["inputs"]["X"])
    y = np.array(c.entry["inputs"]["y"])
    theta = np.array(c.entry["inputs"]["theta_check"])

    def J_half(t):
        return 0.5 * np.sum((X @ t - y) ** 2)

    r = X @ theta - y
    c.close("J_half_sum_at_theta0", J_half(theta), **EXACT)
    c.close("quadratic_form_at_theta0", r @ r, **EXACT)
    theta_star = newton_minimise(J_half, theta)
    c.close("theta_star", theta_star, rtol=1e-9)
    c.close("theta_star", np.linalg.solve(X.T @ X, X.T @ y), **EXACT)
    c.close("J_half_min", J_half(np.linalg.solve(X.T @ X, X.T @ y)), **EXACT)
    c.exact("J_half_min_exact", J_half(theta_star), rtol=1e-9)
    c.finish()


def test_s001_matrix_calculus_table():
    c = Check("s001_matrix_calculus_table")
    inp = c.entry["inputs"]
    B, x, b = np.array(inp["B"]), np.array(inp["x"]), np.array(inp["b"])
    A, B_tr = np.array(inp["A"]), np.array(inp["B_for_trace"])
    for grad in (gradient, complex_step_gradient):
        tol = CD if grad is gradient else CS
        c.close("grad_xTBx", grad(lambda v: v @ B @ v, x), **tol)
        c.close("grad_xTb", grad(lambda v: v @ b, x), **tol)
        c.close("grad_xTx", grad(lambda v: v @ v, x), **tol)
        c.close("grad_trace_AB_wrt_A", grad(lambda M: np.trace(M @ B_tr), A), **tol)
    c.close("grad_xTBx", (B + B.T) @ x, **EXACT)
    c.close("grad_trace_AB_wrt_A", B_tr.T, **EXACT)
    c.close("seed_2Bx", 2 * B @ x, **EXACT)
    assert not np.allclose(2 * B @ x, gradient(lambda v: v @ B @ v, x))  # B is not symmetric
    c.finish()


# ---------------------------------------------------------------- seed 002 (derivatives)


def test_s002_basic_derivatives():
    c = Check("s002_basic_derivatives")
    x0 = c.entry["inputs"]["x0"]
    functions = {
        "x^2": lambda t: t**2,
        "x^3": lambda t: t**3,
        "1/x": lambda t: 1 / t,
        "sin": np.sin,
        "cos": np.cos,
        "exp": np.exp,
        "log": np.log,
    }
    assert set(functions) == set(c.want("derivative_at_x0"))
    for name, f in functions.items():
        c.close(("derivative_at_x0", name), central_difference(f, x0), **CD)
        c.close(("derivative_at_x0", name), complex_step(f, x0), **CS)
    y0 = c.entry["inputs"]["y0_inverse_rule"]
    c.close("sqrt_derivative_at_y0", complex_step(np.sqrt, y0), **CS)
    # inverse-function rule: g'(y) = 1 / f'(g(y)) with f = x^2, g = sqrt
    c.close("sqrt_derivative_at_y0", 1 / central_difference(lambda t: t**2, np.sqrt(y0)), **CD)
    c.finish()


def test_s002_euler_limit():
    c = Check("s002_euler_limit")
    n = np.array(c.entry["inputs"]["n"], dtype=float)
    c.close("values", (1 + 1 / n) ** n, rtol=1e-9)
    c.close("e", np.exp(1.0), **EXACT)
    # e is also the base whose exponential is its own derivative
    assert complex_step(lambda t: np.e**t, 0.0) == pytest.approx(1.0, rel=1e-14)
    c.finish()


def test_s002_derivative_rules():
    c = Check("s002_derivative_rules")
    x0 = c.entry["inputs"]["x0"]
    rules = {
        "sum_rule": (lambda t: 2 * t + t**2, lambda t: 2 + 2 * t),
        "product_rule": (lambda t: t * np.exp(t), lambda t: np.exp(t) + t * np.exp(t)),
        "chain_rule": (lambda t: np.exp(2 * t), lambda t: 2 * np.exp(2 * t)),
    }
    for key, (f, df) in rules.items():
        c.close(key, complex_step(f, x0), **CS)
        c.close(key, central_difference(f, x0), **CD)
        c.close(key, df(x0), **EXACT)
    c.finish()


def test_s002_power_lines():
    c = Check("s002_power_lines")
    for name, a in c.entry["inputs"]["points"].items():
        a = np.array(a)

        def loss(x, a=a):
            return np.sum((x[0] - a) ** 2)

        x_star = newton_minimise(loss, np.zeros(1))[0]
        c.close(("argmin", name), x_star, rtol=1e-9)
        c.close(("argmin", name), np.mean(a), **EXACT)
        assert abs(central_difference(lambda t, a=a: np.sum((t - a) ** 2), np.mean(a))) < 1e-8
    c.skip("formula", "prose formula x* = mean(a); the argmin values above test it")
    c.finish()


def test_s002_coin_mle():
    c = Check("s002_coin_mle")
    k = c.entry["inputs"]["successes"]
    n_fail = c.entry["inputs"]["failures"]

    def log_likelihood(p):
        return k * np.log(p) + n_fail * np.log(1 - p)

    # maximise numerically, then polish on the root of G'(p) (complex-step derivative)
    rough = minimize_scalar(lambda p: -log_likelihood(p), bounds=(1e-9, 1 - 1e-9),
                            method="bounded", options={"xatol": 1e-10}).x
    p_hat = brentq(lambda p: complex_step(log_likelihood, p), rough - 1e-3, rough + 1e-3,
                   xtol=1e-15)
    c.close("p_hat", rough, rtol=1e-7)
    c.close("p_hat", p_hat, rtol=1e-12)
    c.close("g_at_p_hat", p_hat**k * (1 - p_hat) ** n_fail, rtol=1e-9)
    c.close("log_likelihood_at_p_hat", log_likelihood(p_hat), rtol=1e-12)
    # the notes' g'(p) = p^6 (1 - p)^2 (7 - 10 p), checked by the complex step
    for p in RNG.uniform(0.05, 0.95, size=5):
        assert complex_step(lambda q: q**7 * (1 - q) ** 3, p) == pytest.approx(
            p**6 * (1 - p) ** 2 * (7 - 10 * p), rel=1e-12, abs=1e-15)
    c.finish()


def test_s002_partial_derivatives():
    c = Check("s002_partial_derivatives")
    point = np.array(c.entry["inputs"]["point"])

    def f(v):
        return 3 * v[0] ** 2 * v[1] ** 3

    g_cd, g_cs = gradient(f, point), complex_step_gradient(f, point)
    c.close("df_dx", g_cd[0], **CD)
    c.close("df_dy", g_cd[1], **CD)
    c.close("df_dx", g_cs[0], **CS)
    c.close("df_dy", g_cs[1], **CS)
    x, y = point
    c.close("df_dx", 6 * x * y**3, **EXACT)
    c.close("df_dy", 9 * x**2 * y**2, **EXACT)
    c.finish()


def test_s002_gradient_x2y2():
    c = Check("s002_gradient_x2y2")
    point = np.array(c.entry["inputs"]["point"])

    def f(v):
        return v[0] ** 2 + v[1] ** 2

    c.close("gradient", gradient(f, point), **CD)
    c.close("gradient", complex_step_gradient(f, point), **CS)
    x_min = newton_minimise(f, point)
    c.close("minimiser", x_min, atol=1e-6)
    c.close("min_value", f(x_min), atol=1e-10)
    assert np.all(np.linalg.eigvalsh(hessian(f, x_min)) > 0)
    c.finish()


def _f85(v):
    x, y = v[0], v[1]
    return 85 - (1 / 90) * x**2 * (x - 6) * y**2 * (y - 6)


def test_s002_f85_partials_and_min():
    c = Check("s002_f85_partials_and_min")
    # the partial derivatives printed in the notes, at random points
    for v in RNG.uniform(-1, 7, size=(5, 2)):
        x, y = v
        expected_grad = [-(1 / 90) * x * (3 * x - 12) * y**2 * (y - 6),
                         -(1 / 90) * x**2 * (x - 6) * y * (3 * y - 12)]
        np.testing.assert_allclose(complex_step_gradient(_f85, v), expected_grad, rtol=1e-12,
                                   atol=1e-13)
    # Newton's method on grad f = 0 from inside the square finds the critical point
    v = np.array([3.0, 3.5])
    for _ in range(20):
        v = newton_step(_f85, v)
    c.close("critical_point", v, rtol=1e-7)
    critical = np.array(c.want("critical_point"))
    np.testing.assert_allclose(complex_step_gradient(_f85, critical), 0.0, atol=1e-13)
    c.close("f_at_critical_point", _f85(critical), **EXACT)
    c.exact("f_at_critical_point_exact", _f85(critical), rtol=1e-12)
    H = hessian(_f85, critical)
    c.close("hessian_at_critical_point", H, **HESS)
    assert classify(np.linalg.eigvalsh(H)) == ("positive definite", "minimum")
    # the lines on which each partial derivative vanishes
    for key, index in (("roots_df_dx_eq_0", 0), ("roots_df_dy_eq_0", 1)):
        lines = [part.split("=") for part in c.want(key).replace(" ", "").split(",")]
        for var, value in lines:
            for t in RNG.uniform(-1, 7, size=3):
                point = np.array([float(value), t] if var == "x" else [t, float(value)])
                assert abs(complex_step_gradient(_f85, point)[index]) < 1e-12, (key, var, value)
        c._mark(key)
        # and nowhere else: at random points the partial is not 0
        assert np.all(np.abs([complex_step_gradient(_f85, p)[index]
                              for p in RNG.uniform(0.5, 3.5, size=(5, 2))]) > 1e-3)
    c.finish()


def test_s002_gradient_descent_2d():
    c = Check("s002_gradient_descent_2d")
    start = np.array(c.entry["inputs"]["start"])
    lr = c.entry["inputs"]["learning_rate"]
    g0 = gradient(_f85, start)
    c.close("grad_at_start", g0, **CD)
    c.close("grad_at_start", complex_step_gradient(_f85, start), **CS)
    c.close("x1", start - lr * complex_step_gradient(_f85, start), **EXACT)
    c.close("x1", start - lr * g0, rtol=1e-9)
    c.close("grad_at_0.5_0.5", gradient(_f85, np.array([0.5, 0.5])), **CD)
    c.close("f_at_limit", _f85(np.array([4.0, 4.0])), **EXACT)
    c.skip("steps_to_converge", "length of a gradient-descent run: tested with the optimisers")
    c.skip("limit", "end point of a gradient-descent run: tested with the optimisers")
    c.finish()


def _E_mb(points: np.ndarray) -> Callable[[np.ndarray], float]:
    def E(p):
        m, b = p[0], p[1]
        return np.sum((m * points[:, 0] + b - points[:, 1]) ** 2)

    return E


def test_s002_least_squares_E_mb():
    c = Check("s002_least_squares_E_mb")
    points = np.array(c.entry["inputs"]["points"])
    E = _E_mb(points)
    origin = np.zeros(2)
    # E is a quadratic: its coefficients are its value, gradient and Hessian at 0
    g0 = complex_step_gradient(E, origin)
    H = hessian(E, origin)
    coefficients = {"const": E(origin), "m": g0[0], "b": g0[1],
                    "m^2": H[0, 0] / 2, "b^2": H[1, 1] / 2, "mb": H[0, 1]}
    assert set(coefficients) == set(c.want("coefficients"))
    for name, value in coefficients.items():
        c.close(("coefficients", name), value, rtol=1e-7, atol=1e-6)
    c.formula("grad", "mb", lambda p: complex_step_gradient(E, p), rtol=1e-12, atol=1e-11)
    m, b = newton_minimise(E, origin)
    c.close("m", m, rtol=1e-9)
    c.close("b", b, rtol=1e-9)
    c.exact("m_exact", m, rtol=1e-9)
    c.exact("b_exact", b, rtol=1e-9)
    m_star, b_star = c.want("m"), c.want("b")
    c.close("E_min", E(np.array([m_star, b_star])), **EXACT)
    c.exact("E_min_exact", E(np.array([m_star, b_star])))
    c.close("L_half_mean_min", E(np.array([m_star, b_star])) / (2 * len(points)), **EXACT)
    c.exact("L_half_mean_min_exact", E(np.array([m_star, b_star])) / (2 * len(points)))
    for key in c.want("gd_illustration"):
        c.skip(("gd_illustration", key), "gradient-descent run: tested with the optimisers")
    c.finish()


def _f_exp_log(x):
    return np.exp(x) - np.log(x)


def test_s002_gradient_descent_1d():
    c = Check("s002_gradient_descent_1d")
    x0 = c.entry["inputs"]["x0"]
    lr = c.entry["inputs"]["learning_rate"]
    c.close("fprime_x0", complex_step(_f_exp_log, x0), **CS)
    c.close("fprime_x0", central_difference(_f_exp_log, x0), **CD)
    # the first iterates of x <- x - lr f'(x), f' by the complex step
    iterates = [x0]
    for _ in range(len(c.want("iterates")) - 1):
        iterates.append(iterates[-1] - lr * complex_step(_f_exp_log, iterates[-1]))
    c.close("iterates", iterates, rtol=1e-12)
    c.close("fprime_x1", complex_step(_f_exp_log, iterates[1]), **CS)
    c.close("fprime_at_rounded_0.1447", complex_step(_f_exp_log, 0.1447), **CS)
    # the minimiser solves f'(x) = e^x - 1/x = 0: the omega constant W(1)
    omega = brentq(lambda t: complex_step(_f_exp_log, t), 0.1, 2.0, xtol=1e-16)
    c.close("omega_constant", omega, rtol=1e-14)
    c.close("omega_constant", lambertw(1.0).real, rtol=1e-15)
    c.close("f_min", _f_exp_log(omega), rtol=1e-14)
    assert _f_exp_log(omega) == pytest.approx(omega + 1 / omega, rel=1e-14)
    c._mark("f_min_identity")
    assert hessian(lambda v: _f_exp_log(v[0]), np.array([omega]))[0, 0] > 0
    c.skip("steps_to_converge", "length of a gradient-descent run: tested with the optimisers")
    c.skip("limit", "end point of a gradient-descent run: tested with the optimisers")
    c.finish()


def _hessian_example(example_id: str, f: Callable[[np.ndarray], float],
                     classification: tuple[str, str]) -> None:
    c = Check(example_id)
    point = np.array(c.entry["inputs"]["point"], dtype=float)
    H = hessian(f, point)
    c.close("hessian", H, rtol=1e-7, atol=1e-6)
    eigenvalues = np.sort(np.linalg.eigvalsh(H))[::-1]
    c.close("eigenvalues", eigenvalues, rtol=1e-7, atol=1e-6)
    if "eigenvalues_exact" in c.expected:
        c.exact("eigenvalues_exact", eigenvalues, rtol=1e-7)
    # the characteristic polynomial det(H - lambda I) at random lambda, and its roots
    c.formula("char_poly", ["lambda"],
              lambda lam: np.linalg.det(H - lam[0] * np.eye(2)), rtol=1e-6, atol=1e-5)
    for lam in eigenvalues:
        assert abs(evaluate_symbolic(c.want("char_poly"), **{"lambda": lam})) < 1e-5
    c.formula("gradient", "xy", lambda v: complex_step_gradient(f, v), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(gradient(f, point), 0.0, atol=1e-9)  # a critical point
    definiteness, kind = classify(eigenvalues)
    assert (definiteness, kind) == classification
    text = c.want("classification")
    assert definiteness in text and kind in text, (text, definiteness, kind)
    c._mark("classification")
    if "f_at_0" in c.expected:
        c.close("f_at_0", f(point), **EXACT)
    c.finish()


def test_s002_hessian_pd():
    _hessian_example("s002_hessian_pd", lambda v: 2 * v[0] ** 2 + 3 * v[1] ** 2 - v[0] * v[1],
                     ("positive definite", "minimum"))


def test_s002_hessian_nd():
    _hessian_example("s002_hessian_nd",
                     lambda v: -2 * v[0] ** 2 - 3 * v[1] ** 2 - v[0] * v[1] + 15,
                     ("negative definite", "maximum"))


def test_s002_hessian_saddle():
    _hessian_example("s002_hessian_saddle", lambda v: 2 * v[0] ** 2 - 2 * v[1] ** 2,
                     ("indefinite", "saddle"))


def _quartic(v):
    x, y = v[0], v[1]
    return x**4 + 0.8 * y**4 + 4 * x**2 + 2 * y**2 - x * y - 0.2 * x**2 * y


def test_s002_newton_2d():
    c = Check("s002_newton_2d")
    start = np.array(c.entry["inputs"]["start"])
    c.close("grad_at_start", gradient(_quartic, start), **CD)
    c.close("grad_at_start", complex_step_gradient(_quartic, start), **CS)
    c.close("hessian_at_start", hessian(_quartic, start), **HESS)
    x1 = newton_step(_quartic, start)
    c.close("x1", x1, rtol=1e-7)
    x1_exact = start - np.linalg.solve(np.array(c.want("hessian_at_start")),
                                       complex_step_gradient(_quartic, start))
    c.close("x1", x1_exact, **EXACT)
    x1_table = np.array(c.want("x1"))
    c.close("grad_at_x1", complex_step_gradient(_quartic, x1_table), **CS)
    c.close("hessian_at_x1", hessian(_quartic, x1_table), **HESS)
    rounded = np.array([2.58, 2.62])
    c.close("grad_at_rounded_2.58_2.62", complex_step_gradient(_quartic, rounded), **CS)
    c.close("hessian_at_rounded_2.58_2.62", hessian(_quartic, rounded), **HESS)
    c.close("hessian_at_limit", hessian(_quartic, np.zeros(2)), **HESS)
    c.close("f_at_limit", _quartic(np.array(c.want("limit"))), **EXACT)
    c.close("limit", np.zeros(2), atol=0)  # grad = 0 there and the Hessian is PD
    np.testing.assert_allclose(complex_step_gradient(_quartic, np.zeros(2)), 0.0, atol=1e-15)
    assert classify(np.linalg.eigvalsh(hessian(_quartic, np.zeros(2))))[1] == "minimum"
    # the Hessian formula of the notes (with 0.8 y^4: f_yy = 9.6 y^2 + 4)
    for x, y in RNG.uniform(-3, 3, size=(5, 2)):
        H_formula = [[12 * x**2 + 8 - 0.4 * y, -1 - 0.4 * x], [-1 - 0.4 * x, 9.6 * y**2 + 4]]
        np.testing.assert_allclose(hessian(_quartic, np.array([x, y])), H_formula, **HESS)
    for key in ("x2", "x3", "iterates", "grad_norms", "steps_to_grad_norm_below_1e-8"):
        c.skip(key, "later iterates of Newton's method: tested with the optimisers")
    c.finish()


def test_s002_two_layer_backprop():
    c = Check("s002_two_layer_backprop")
    x = np.array(c.entry["inputs"]["x"])
    y = c.entry["inputs"]["y"]
    params = c.entry["inputs"]["params"]
    names = list(params)
    theta0 = np.array([params[k] for k in names])

    def forward(theta, act=sigmoid):
        p = dict(zip(names, theta, strict=True))
        i1 = x[0] * p["w11"] + x[1] * p["w21"] + p["b1"]
        i2 = x[0] * p["w12"] + x[1] * p["w22"] + p["b2"]
        a1, a2 = act(i1), act(i2)
        y_hat = act(a1 * p["w1"] + a2 * p["w2"] + p["b"])
        return a1, a2, y_hat

    def loss(theta):
        y_hat = forward(theta)[2]
        return binary_cross_entropy(np.array([y]), np.atleast_1d(y_hat))

    def loss_complex(theta):  # the same loss with complex-capable pieces
        y_hat = forward(theta, act=_complex_sigmoid)[2]
        return -(y * np.log(y_hat) + (1 - y) * np.log(1 - y_hat))

    a1, a2, y_hat = forward(theta0)
    c.close("a1", a1, **EXACT)
    c.close("a2", a2, **EXACT)
    c.close("y_hat", y_hat, **EXACT)
    c.close("loss", loss(theta0), **EXACT)
    g_cd = gradient(loss, theta0)
    g_cs = complex_step_gradient(loss_complex, theta0)
    assert set(c.want("grad")) == set(names)
    for i, name in enumerate(names):
        c.close(("grad", name), g_cd[i], **CD)
        c.close(("grad", name), g_cs[i], **CS)
    c.finish()


# --------------------------------------------------------------- seed 003 (activations)


def test_s003_activation_derivatives():
    c = Check("s003_activation_derivatives")
    z = np.array(c.entry["inputs"]["z"])
    c.close("sigmoid_derivative", sigmoid_derivative(z), **EXACT)
    c.close("sigmoid_derivative", central_difference(sigmoid, z), **CD)
    c.close("seed_formula_values", sigmoid(z) * (1 - np.exp(-z)), **EXACT)
    c.close("tanh_derivative", complex_step(np.tanh, z), **CS)
    c.close("tanh_derivative", 1 - np.tanh(z) ** 2, **EXACT)
    c.close("relu_derivative", relu_derivative(z), atol=0)
    away = z[z != 0]
    np.testing.assert_allclose(central_difference(relu, away), relu_derivative(away), atol=1e-9)
    c.finish()


def test_s003_product_quotient_rule():
    c = Check("s003_product_quotient_rule")
    x0 = c.entry["inputs"]["x0"]
    product = lambda t: t**2 * np.sin(t)  # noqa: E731
    quotient = lambda t: np.sin(t) / t**2  # noqa: E731
    c.close("product_dy_dx", complex_step(product, x0), **CS)
    c.close("product_dy_dx", central_difference(product, x0), **CD)
    c.close("product_dy_dx", 2 * x0 * np.sin(x0) + x0**2 * np.cos(x0), **EXACT)
    c.close("quotient_dy_dx", complex_step(quotient, x0), **CS)
    c.close("quotient_dy_dx", central_difference(quotient, x0), **CD)
    c.close("quotient_dy_dx", (x0**2 * np.cos(x0) - 2 * x0 * np.sin(x0)) / x0**4, **EXACT)
    c.finish()


def test_s003_neural_network():
    c = Check("s003_neural_network")
    inp = c.entry["inputs"]
    x_b = np.array(inp["x_with_bias"])
    y, eta = inp["y"], inp["eta"]
    W1, W2 = np.array(inp["W1"]), np.array(inp["W2"])

    def forward(W1_, W2_):
        a = W1_ @ x_b
        z = relu(a)
        b = W2_ @ np.concatenate([[1.0], z])
        return a, z, b, sigmoid(b)[()]

    def J(W1_, W2_):
        return (y - forward(W1_, W2_)[3]) ** 2

    a, z, b, y_hat = forward(W1, W2)
    c.close("a", a, **EXACT)
    c.close("z", z, **EXACT)
    c.close("b", b, **EXACT)
    c.close("y_hat", y_hat, **EXACT)
    c.equal("class_threshold_0.5", int(y_hat >= 0.5))
    c.close("loss", J(W1, W2), **EXACT)
    # the local derivatives of the chain, each by a central difference
    c.close("dl_dyhat", central_difference(lambda t: (y - t) ** 2, y_hat), **CD)
    c.close("dyhat_db", central_difference(sigmoid, b), **CD)
    c.close("dyhat_db", sigmoid_derivative(b), **EXACT)
    c.close("db_dW2_1_1", gradient(lambda w: w @ np.concatenate([[1.0], z]), W2)[1], **CD)
    c.close("db_dz1", gradient(lambda zz: W2 @ np.concatenate([[1.0], zz]), z)[0], **CD)
    c.close("dz1_da1", central_difference(relu, a[0]), **CD)
    c.close("da1_dW1_1_2", gradient(lambda M: (M @ x_b)[0], W1)[0, 2], **CD)
    # the full gradients, with respect to the weight matrices
    dW1 = gradient(lambda M: J(M, W2), W1)
    dW2 = gradient(lambda w: J(W1, w), W2)
    c.close("dJ_dW1_full", dW1, **CD)
    c.close("dJ_dW2_full", dW2, **CD)
    c.close("dJ_dW2_1_1", dW2[1], **CD)
    c.close("dJ_dW1_1_2", dW1[0, 2], **CD)
    c.close("W2_1_1_updated", W2[1] - eta * dW2[1], rtol=1e-9)
    c.close("W1_1_2_updated", W1[0, 2] - eta * dW1[0, 2], rtol=1e-9)
    c.finish()


# ------------------------------------------------------ seed 004 (classification, Jacobians)


def test_s004_discriminant_geometry():
    c = Check("s004_discriminant_geometry")
    t0, t1, t2 = (c.entry["inputs"][k] for k in ("theta0", "theta1", "theta2"))

    def g(v):
        return t0 + t1 * v[0] + t2 * v[1]

    # the normal of the boundary g = 0 is the gradient of g (the same at every point)
    for point in RNG.normal(size=(3, 2)):
        c.close("n", gradient(g, point), **CD)
    n = complex_step_gradient(g, np.zeros(2))
    c.close("n", n, **CS)
    c.close("norm_n", np.linalg.norm(n), **EXACT)
    c.exact("norm_n_exact", np.linalg.norm(n))
    c.close("unit_normal", n / np.linalg.norm(n), **EXACT)
    c.exact("unit_normal_exact", n / np.linalg.norm(n))
    c.close("signed_distance", -t0 / np.linalg.norm(n), **EXACT)
    c.exact("signed_distance_exact", -t0 / np.linalg.norm(n))
    closest = -t0 * n / (n @ n)
    c.close("closest_boundary_point_to_origin", closest, **EXACT)
    assert g(closest) == pytest.approx(0.0, abs=1e-14)
    c.finish()


def test_s004_sigmoid_small_input():
    c = Check("s004_sigmoid_small_input")
    a = c.entry["inputs"]["a"]
    c.equal("step", int(heaviside(a)))
    c.close("sigmoid", sigmoid(a), **EXACT)
    # linearisation sigma(0) + sigma'(0) a, with sigma'(0) by a central difference
    c.close("sigmoid_linear_approx", sigmoid(0.0) + central_difference(sigmoid, 0.0) * a,
            rtol=1e-12)
    c.finish()


def test_s004_logistic_posterior():
    c = Check("s004_logistic_posterior")
    a = c.entry["inputs"]["a_theta_T_x"]
    c.close("P_y1", sigmoid(a), **EXACT)
    c.close("P_y1", np.exp(a) / (1 + np.exp(a)), **EXACT)
    c.close("seed_expression_1_over_1_plus_exp_a", 1 / (1 + np.exp(a)), **EXACT)
    c.close("seed_expression_1_over_1_plus_exp_a", sigmoid(-a), **EXACT)
    c.finish()


def test_s004_dlog_sigmoid():
    c = Check("s004_dlog_sigmoid")
    a = c.entry["inputs"]["a"]
    c.close("derivative", central_difference(lambda t: np.log(sigmoid(t)), a), **CD)
    c.close("derivative", complex_step(lambda t: -np.log(1 + np.exp(-t)), a), **CS)
    c.close("derivative", 1 - sigmoid(a), **EXACT)
    c.finish()


def test_s004_bce_gradient():
    c = Check("s004_bce_gradient")
    X = np.array(c.entry["inputs"]["X"])
    y = np.array(c.entry["inputs"]["y"])
    theta = np.array(c.entry["inputs"]["theta"])
    m = len(y)

    def loss(t):  # the summed loss of the notes = m * mean binary cross-entropy
        return m * binary_cross_entropy(y, sigmoid(X @ t))

    def loss_complex(t):
        p = _complex_sigmoid(X @ t)
        return -np.sum(y * np.log(p) + (1 - y) * np.log(1 - p))

    c.close("loss", loss(theta), **EXACT)
    c.close("gradient", gradient(loss, theta), **CD)
    c.close("gradient", complex_step_gradient(loss_complex, theta), **CS)
    c.close("gradient", X.T @ (sigmoid(X @ theta) - y), **EXACT)
    c.finish()


def test_s004_softmax_derivative():
    c = Check("s004_softmax_derivative")
    z = np.array(c.entry["inputs"]["z"])
    s = softmax(z)
    c.close("softmax", s, **EXACT)
    c.close("jacobian", jacobian(softmax, z), **CD)
    c.close("jacobian", np.diag(s) - np.outer(s, s), **EXACT)
    # rows j (output log s_j), columns i (input z_i): delta_ij - s_i
    c.close("log_softmax_jacobian", jacobian(lambda v: np.log(softmax(v)), z), **CD)
    c.close("log_softmax_jacobian", np.eye(3) - s[None, :], **EXACT)
    c.finish()


def test_s004_cce_gradient():
    c = Check("s004_cce_gradient")
    X = np.array(c.entry["inputs"]["X"])
    labels = np.array(c.entry["inputs"]["y"])
    Theta = np.array(c.entry["inputs"]["Theta_rows_theta_j"])
    m, k = X.shape[0], Theta.shape[0]
    Y = np.eye(k)[labels]

    def loss(T):  # summed loss = m * mean categorical cross-entropy; row j of T is theta_j
        return m * cross_entropy(Y, softmax(X @ T.T))

    def loss_complex(T):
        logits = X @ T.T
        return -np.sum(Y * (logits - np.log(np.sum(np.exp(logits), axis=1, keepdims=True))))

    c.close("loss", loss(Theta), **EXACT)
    c.close("gradient_rows_theta_j", gradient(loss, Theta), **CD)
    c.close("gradient_rows_theta_j", complex_step_gradient(loss_complex, Theta), **CS)
    c.close("gradient_rows_theta_j", (softmax(X @ Theta.T) - Y).T @ X, **EXACT)
    c.finish()


def _G_ab(v):
    a, b = v[0], v[1]
    return np.array([a - 5 * b, a * b, a - b])


def _F_cde(u):
    c_, d, e = u[0], u[1], u[2]
    return np.array([3 * c_ * d, d - e])


def test_s004_jacobian_chain_FG():
    c = Check("s004_jacobian_chain_FG")
    p = np.array([c.entry["inputs"]["a"], c.entry["inputs"]["b"]])
    DF = jacobian(_F_cde, _G_ab(p))
    DG = jacobian(_G_ab, p)
    c.close("DF_at_G", DF, **CD)
    c.close("DG", DG, **CD)
    J = jacobian(lambda v: _F_cde(_G_ab(v)), p)
    c.close("jacobian", J, **CD)
    c.close("jacobian", DF @ DG, **CD)  # the chain rule: D(F o G) = DF(G) DG
    c.formula("jacobian_symbolic", "ab", lambda v: jacobian(lambda w: _F_cde(_G_ab(w)), v),
              rtol=1e-7, atol=1e-7)
    c.finish()


def test_s004_gradient_2x3y_squared():
    c = Check("s004_gradient_2x3y_squared")
    point = np.array(c.entry["inputs"]["point"])

    def f(v):
        return (2 * v[0] + 3 * v[1]) ** 2

    c.close("gradient", gradient(f, point), **CD)
    c.close("gradient", complex_step_gradient(f, point), **CS)
    x, y = point
    c.close("gradient", [8 * x + 12 * y, 12 * x + 18 * y], **EXACT)
    c.finish()


def _F_xy(v):
    return np.array([v[0] ** 2 + 2 * v[1], 3 * v[0] + 4 * v[1] ** 2])


def test_s004_jacobian_F_at_1_2():
    c = Check("s004_jacobian_F_at_1_2")
    point = np.array(c.entry["inputs"]["point"])
    c.close("jacobian", jacobian(_F_xy, point), **CD)
    x, y = point
    c.close("jacobian", [[2 * x, 2.0], [3.0, 8 * y]], **EXACT)
    c.finish()


def test_s004_jacobian_FoG():
    c = Check("s004_jacobian_FoG")
    xs = np.array(c.entry["inputs"]["x"])

    def G(v):
        return np.array([v[0], v[0] ** 2])

    rows_direct = [jacobian(lambda v: _F_xy(G(v)), np.array([x]))[:, 0] for x in xs]
    rows_chain = [(jacobian(_F_xy, G(np.array([x]))) @ jacobian(G, np.array([x])))[:, 0]
                  for x in xs]
    c.close("derivative_rows", rows_direct, **CD)
    c.close("derivative_rows", rows_chain, **CD)
    c.formula("symbolic", "x", lambda v: jacobian(lambda w: _F_xy(G(w)), v)[:, 0])
    c.finish()


def test_s004_q12_network():
    c = Check("s004_q12_network")
    inp = c.entry["inputs"]
    X = np.array(inp["X"])
    W = np.array(inp["W_rows_w1_w2_w3"])
    v = np.array(inp["v"])
    y = np.array(inp["y"])

    def forward(W_, v_):
        A = X @ W_.T  # samples x hidden units
        Z = sigmoid(A)
        return A, Z, v_[0] + Z @ v_[1:]

    def loss(W_, v_):
        return np.sum((forward(W_, v_)[2] - y) ** 2)

    A, Z, y_hat = forward(W, v)
    c.close("hidden_preactivations_samples_x_units", A, **EXACT)
    c.close("Z_samples_x_units", Z, **EXACT)
    c.close("y_hat", y_hat, **EXACT)
    c.close("per_sample_loss", (y_hat - y) ** 2, **EXACT)
    c.close("total_loss", loss(W, v), **EXACT)
    c.close("dL_dyhat", gradient(lambda yh: np.sum((yh - y) ** 2), y_hat), **CD)
    c.close("dL_dv", gradient(lambda vv: loss(W, vv), v), **CD)
    c.close("sigmoid_prime_units_x_samples", sigmoid_derivative(A).T, **EXACT)
    c.close("sigmoid_prime_units_x_samples",
            np.array([central_difference(sigmoid, row) for row in A.T]), **CD)
    c.close("dL_dW_rows_w1_w2_w3", gradient(lambda M: loss(M, v), W), **CD)
    # the notes' slip: the hidden outputs stacked transposed (units taken as samples)
    c.close("seed_style_y_hat_using_Z_transposed", v[0] + Z.T @ v[1:], **EXACT)
    c.finish()


def test_s004_sigmoid_derivative_preactivation():
    c = Check("s004_sigmoid_derivative_preactivation")
    cc = np.array(c.entry["inputs"]["c"])
    c.close("sigmoid_prime", sigmoid_derivative(cc), **EXACT)
    c.close("sigmoid_prime", central_difference(sigmoid, cc), **CD)
    c.close("seed_formula_c_times_1_minus_c", cc * (1 - cc), **EXACT)
    c.finish()
