"""Tests of calcml.autodiff: dual numbers, forward_derivative, jvp and forward_jacobian.

Every derivative is compared with an independent computation: an analytic derivative
written here, the complex step (calcml.diff.complex_step), or a Jacobian by central
differences (calcml.diff.jacobian).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from calcml.autodiff import Dual, forward_derivative, forward_jacobian, jvp
from calcml.diff import complex_step, jacobian

# f written once, evaluated on duals and on complex numbers alike
FUNCTIONS = [
    lambda x: x ** 3 - 2 * x + 1,
    lambda x: np.sin(x) * np.exp(x),
    lambda x: np.log(1 + x ** 2) / (2 + np.cos(x)),
    lambda x: np.tanh(3 * x) - 1 / x,
    lambda x: (x - 1) / (x + 2) ** 2,
    lambda x: 5 - x * np.sin(x ** 2) + 2.0 / np.exp(x),
]


@pytest.mark.parametrize("k", range(len(FUNCTIONS)))
@pytest.mark.parametrize("x", [-1.3, 0.4, 2.7])
def test_forward_derivative_matches_complex_step_to_rounding(k, x):
    f = FUNCTIONS[k]
    got = forward_derivative(f, x)
    want = complex_step(f, x)
    assert isinstance(got, float)
    assert got == pytest.approx(want, rel=1e-13, abs=1e-14)


def test_dual_rules_against_analytic_derivatives():
    a, b = 0.7, 2.5
    x = Dual(a, b)
    cases = {
        "x*x": (x * x, a * a, 2 * a * b),
        "1/x": (1 / x, 1 / a, -b / a ** 2),
        "x**4": (x ** 4, a ** 4, 4 * a ** 3 * b),
        "x**-2": (x ** -2, a ** -2, -2 * a ** -3 * b),
        "x**0.5": (x ** 0.5, math.sqrt(a), b / (2 * math.sqrt(a))),
        "exp": (np.exp(x), math.exp(a), math.exp(a) * b),
        "log": (np.log(x), math.log(a), b / a),
        "sin": (np.sin(x), math.sin(a), math.cos(a) * b),
        "cos": (np.cos(x), math.cos(a), -math.sin(a) * b),
        "tanh": (np.tanh(x), math.tanh(a), (1 - math.tanh(a) ** 2) * b),
        "sqrt": (np.sqrt(x), math.sqrt(a), b / (2 * math.sqrt(a))),
        "3-x": (3 - x, 3 - a, -b),
        "-x": (-x, -a, -b),
    }
    for name, (d, value, tangent) in cases.items():
        assert isinstance(d, Dual), name
        assert d.value == pytest.approx(value, rel=1e-15), name
        assert d.tangent == pytest.approx(tangent, rel=1e-14), name


def test_integer_powers_at_zero_and_constants():
    assert (Dual(0.0, 1.0) ** 1).tangent == 1.0
    assert (Dual(0.0, 1.0) ** 2).tangent == 0.0
    assert (Dual(3.0, 1.0) ** 0).tangent == 0.0
    assert forward_derivative(lambda x: 4.0, 1.0) == 0.0
    assert forward_derivative(lambda x: x, 5.0) == 1.0
    assert forward_derivative(lambda x: x ** np.int64(3), 2.0) == 12.0


def test_numpy_scalars_on_the_left():
    d = np.float64(2.0) * Dual(1.0, 1.0) + np.float64(1.0)
    assert isinstance(d, Dual) and (d.value, d.tangent) == (3.0, 2.0)


def test_bad_inputs_say_what_is_wrong():
    with pytest.raises(TypeError, match="^f must be a function"):
        forward_derivative(3.0, 1.0)
    with pytest.raises(ValueError, match="^x must be finite"):
        forward_derivative(np.sin, float("nan"))
    with pytest.raises(TypeError, match="^f must return a number"):
        forward_derivative(lambda x: [x, x], 1.0)
    with pytest.raises(ValueError, match="logarithm needs a positive value"):
        forward_derivative(np.log, -1.0)
    with pytest.raises(ValueError, match="non-integer power needs a positive value"):
        Dual(-1.0, 1.0) ** 0.5
    with pytest.raises(ZeroDivisionError, match="value 0"):
        Dual(1.0, 1.0) / Dual(0.0, 1.0)
    with pytest.raises(TypeError, match="^value must be a real number"):
        Dual("1", 0.0)
    with pytest.raises(TypeError, match="Dual \\*\\* Dual"):
        Dual(1.0, 1.0) ** Dual(2.0, 0.0)


def F(z):
    """R^3 -> R^2, written with indexing, a matrix product and ufuncs."""
    A = np.array([[1.0, -2.0, 0.5], [0.0, 3.0, 1.0]])
    return A @ np.sin(z) + np.array([z[0] * z[1], np.exp(z[2]) / (1 + z[0] ** 2)])


def test_jvp_is_jacobian_times_v():
    rng = np.random.default_rng(1)
    x, v = rng.normal(size=3), rng.normal(size=3)
    J = jacobian(F, x)
    got = jvp(F, x, v)
    assert got.shape == (2,) and got.dtype == float
    np.testing.assert_allclose(got, J @ v, rtol=1e-8, atol=1e-10)


def test_forward_jacobian_n_passes_numerator_layout():
    rng = np.random.default_rng(2)
    x = rng.normal(size=3)
    J = forward_jacobian(F, x)
    assert J.shape == (2, 3)
    np.testing.assert_allclose(J, jacobian(F, x), rtol=1e-8, atol=1e-10)
    g = forward_jacobian(lambda z: np.sum(z ** 2) * z[0], x)  # a scalar F: the gradient
    want = np.array([np.sum(x ** 2) + 2 * x[0] ** 2, 2 * x[1] * x[0], 2 * x[2] * x[0]])
    np.testing.assert_allclose(g, want, rtol=1e-14)


def test_jvp_inputs_unchanged_and_shape_errors():
    x, v = np.array([0.1, 0.2, 0.3]), np.array([1.0, 0.0, 0.0])
    x0, v0 = x.copy(), v.copy()
    jvp(F, x, v)
    assert np.array_equal(x, x0) and np.array_equal(v, v0)
    with pytest.raises(ValueError, match="^v must have the shape of x"):
        jvp(F, x, np.ones(2))
    with pytest.raises(ValueError, match="^x must be 1-D"):
        jvp(F, np.ones((2, 2)), np.ones((2, 2)))
