"""calcml.taylor: Taylor polynomials against independently computed series, and the
observed order of their error."""

from __future__ import annotations

import math

import numpy as np
import pytest

from calcml.taylor import error_order, taylor_polynomial


def test_exp_polynomial_matches_the_series_term_by_term():
    rng = np.random.default_rng(0)
    x0 = 0.3
    xs = rng.uniform(-1, 1, size=(3, 4))
    for k in range(6):
        # the derivatives of exp at x0 are all exp(x0)
        got = taylor_polynomial([np.exp(x0)] * (k + 1), x0, xs)
        want = sum(np.exp(x0) * (xs - x0) ** j / math.factorial(j) for j in range(k + 1))
        assert got.shape == xs.shape
        assert np.allclose(got, want, rtol=1e-13), (k, got, want)


def test_sine_at_zero_and_a_scalar_point_gives_a_float():
    derivs = [0.0, 1.0, 0.0, -1.0, 0.0, 1.0]  # sin, cos, -sin, -cos, ... at 0
    value = taylor_polynomial(derivs, 0.0, 0.5)
    assert isinstance(value, float)
    assert value == pytest.approx(0.5 - 0.5**3 / 6 + 0.5**5 / 120, rel=1e-15)


def test_order_zero_is_the_constant_and_inputs_are_unchanged():
    derivs = np.array([2.0, 5.0])
    xs = np.array([1.0, 2.0, 3.0])
    taylor_polynomial(derivs[:1], 1.0, xs)
    assert np.array_equal(taylor_polynomial(derivs[:1], 1.0, xs), [2.0, 2.0, 2.0])
    assert np.array_equal(derivs, [2.0, 5.0]) and np.array_equal(xs, [1.0, 2.0, 3.0])


@pytest.mark.parametrize("k", [0, 1, 2, 3, 4])
def test_error_is_of_order_k_plus_one(k):
    x0 = 0.2
    derivs = [np.exp(x0)] * (k + 1)
    steps = 0.1 / 2.0 ** np.arange(5)
    errors = np.abs(np.exp(x0 + steps) - taylor_polynomial(derivs, x0, x0 + steps))
    orders = error_order(steps, errors)
    assert orders.shape == (4,)
    assert np.allclose(orders, k + 1, atol=0.1), orders


def test_error_order_of_a_known_power_law():
    steps = np.array([1.0, 0.5, 0.25])
    assert np.allclose(error_order(steps, 3 * steps**2), [2.0, 2.0])


@pytest.mark.parametrize("derivs, message", [([], "at least f"), ([[1.0]], "derivs"),
                                             ([1.0, np.nan], "derivs")])
def test_bad_derivatives_are_named(derivs, message):
    with pytest.raises(ValueError, match=message):
        taylor_polynomial(derivs, 0.0, 1.0)


def test_bad_error_order_inputs_are_named():
    with pytest.raises(ValueError, match="same length"):
        error_order([1.0, 0.5], [1.0])
    with pytest.raises(ValueError, match="positive"):
        error_order([1.0, 0.5], [1.0, 0.0])
    with pytest.raises(ValueError, match="equal"):
        error_order([1.0, 1.0], [1.0, 0.5])
