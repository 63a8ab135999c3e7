"""Tests of calcml.functions against independent implementations (scipy, sklearn, formulas).

Large inputs (|z| up to 1e4) are run with every warning turned into an error, so an
overflow inside a "stable" function fails the test.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from scipy.special import expit
from scipy.special import logsumexp as scipy_logsumexp
from scipy.special import softmax as scipy_softmax
from sklearn.metrics import log_loss

from calcml.diff import central_difference, complex_step
from calcml.functions import (
    binary_cross_entropy,
    cross_entropy,
    heaviside,
    logsumexp,
    relu,
    relu_derivative,
    sigmoid,
    sigmoid_derivative,
    softmax,
)


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(12345)


@pytest.fixture
def no_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


def _wide_values(rng: np.random.Generator, size: int = 200) -> np.ndarray:
    """Moderate values, huge values up to 1e4 in magnitude, and the edge cases."""
    return np.concatenate([
        rng.normal(scale=5, size=size),
        rng.uniform(-1e4, 1e4, size=size),
        [0.0, -0.0, 1e4, -1e4, 709.0, -709.0, 710.0, -710.0, 745.0, -745.0, 800.0, -800.0],
    ])


# ----------------------------------------------------------------------------- sigmoid


def test_sigmoid_matches_scipy_expit(rng, no_warnings):
    z = _wide_values(rng)
    # calcml keeps subnormal values (sigmoid(-710) ~ 4.5e-309) where expit gives 0
    np.testing.assert_allclose(sigmoid(z), expit(z), rtol=1e-15, atol=1e-300)


def test_sigmoid_matches_the_formula_where_it_is_safe(rng):
    z = rng.uniform(-30, 30, size=100)
    np.testing.assert_allclose(sigmoid(z), 1 / (1 + np.exp(-z)), rtol=1e-14)


def test_sigmoid_extremes_and_symmetry(rng, no_warnings):
    assert sigmoid(0.0) == 0.5
    assert sigmoid(1e4) == 1.0
    assert sigmoid(-1e4) == 0.0
    z = rng.normal(scale=10, size=50)
    np.testing.assert_allclose(sigmoid(-z), 1 - sigmoid(z), atol=1e-15)


def test_sigmoid_keeps_the_shape_and_accepts_integers(rng):
    z = rng.integers(-5, 5, size=(3, 4))
    s = sigmoid(z)
    assert s.shape == (3, 4)
    assert s.dtype == float
    np.testing.assert_allclose(s, expit(z.astype(float)), rtol=1e-15)


def test_sigmoid_does_not_change_its_input(rng):
    z = rng.normal(size=10)
    before = z.copy()
    sigmoid(z)
    sigmoid_derivative(z)
    assert np.array_equal(z, before)


def test_sigmoid_derivative_matches_expit_formula(rng, no_warnings):
    z = _wide_values(rng)
    e = expit(z)
    # e (1 - e) loses relative accuracy where e is near 1, so compare it absolutely, and
    # compare relatively with the equal, cancellation-free product expit(z) expit(-z)
    np.testing.assert_allclose(sigmoid_derivative(z), e * (1 - e), rtol=0, atol=1e-15)
    np.testing.assert_allclose(sigmoid_derivative(z), e * expit(-z), rtol=1e-14, atol=1e-300)
    assert np.all(np.isfinite(sigmoid_derivative(z)))
    assert sigmoid_derivative(0.0) == 0.25
    assert sigmoid_derivative(1e4) == 0.0
    assert sigmoid_derivative(-1e4) == 0.0


def test_sigmoid_derivative_matches_numerical_derivatives(rng):
    z = rng.uniform(-8, 8, size=50)
    np.testing.assert_allclose(sigmoid_derivative(z), central_difference(sigmoid, z),
                               rtol=1e-7, atol=1e-11)
    # complex step of an independent, complex-capable formula for sigma
    np.testing.assert_allclose(sigmoid_derivative(z),
                               complex_step(lambda t: 1 / (1 + np.exp(-t)), z), rtol=1e-12)
    np.testing.assert_allclose(sigmoid_derivative(z), np.exp(-z) / (1 + np.exp(-z)) ** 2,
                               rtol=1e-13)


def test_sigmoid_derivative_keeps_relative_accuracy_in_the_tails(no_warnings):
    # sigma'(z) = e^-|z| / (1 + e^-|z|)^2 exactly (it is even); no cancellation for |z| <= 700
    z = np.concatenate([np.linspace(-700, -20, 35), np.linspace(20, 700, 35)])
    t = np.exp(-np.abs(z))
    np.testing.assert_allclose(sigmoid_derivative(z), t / (1 + t) ** 2, rtol=1e-14)


# -------------------------------------------------------------------------------- relu


def test_relu_and_its_derivative(rng, no_warnings):
    z = _wide_values(rng)
    np.testing.assert_array_equal(relu(z), np.where(z > 0, z, 0.0))
    np.testing.assert_array_equal(relu_derivative(z), np.where(z > 0, 1.0, 0.0))
    assert relu_derivative(0.0) == 0.0
    assert relu(-3) == 0.0 and relu(3) == 3.0


def test_relu_derivative_matches_central_difference_away_from_zero(rng):
    z = rng.uniform(-5, 5, size=100)
    z = z[np.abs(z) > 1e-3]
    np.testing.assert_allclose(relu_derivative(z), central_difference(relu, z), atol=1e-9)


# --------------------------------------------------------------------------- heaviside


def test_heaviside_is_an_integer_step_with_h0_equal_1(rng):
    z = _wide_values(rng)
    h = heaviside(z)
    assert h.dtype.kind == "i"
    np.testing.assert_array_equal(h, np.heaviside(z, 1.0).astype(int))
    assert heaviside(0.0) == 1
    assert heaviside(-1e-300) == 0


# --------------------------------------------------------------------------- logsumexp


def test_logsumexp_matches_scipy(rng, no_warnings):
    for scale in (1.0, 100.0, 1e4):
        z = rng.normal(scale=scale, size=(5, 7))
        np.testing.assert_allclose(logsumexp(z), scipy_logsumexp(z, axis=-1), rtol=1e-13)
        np.testing.assert_allclose(logsumexp(z, axis=0), scipy_logsumexp(z, axis=0),
                                   rtol=1e-13)
        np.testing.assert_allclose(logsumexp(z[0]), scipy_logsumexp(z[0]), rtol=1e-13)


def test_logsumexp_at_extremes(no_warnings):
    assert logsumexp(np.array([1e4, 1e4])) == pytest.approx(1e4 + np.log(2), rel=1e-15)
    assert logsumexp(np.array([-1e4, -1e4])) == pytest.approx(-1e4 + np.log(2), rel=1e-15)
    assert logsumexp(np.array([0.0, -np.inf])) == 0.0
    assert logsumexp(np.array([-np.inf, -np.inf])) == -np.inf
    assert logsumexp(np.array([1.0, np.inf])) == np.inf


def test_logsumexp_gradient_is_softmax(rng):
    z = rng.normal(size=5)
    grad = np.array([central_difference(lambda t, i=i: logsumexp(np.where(np.arange(5) == i,
                                                                           t, z)), z[i])
                     for i in range(5)])
    np.testing.assert_allclose(grad, scipy_softmax(z), rtol=1e-8)


# ----------------------------------------------------------------------------- softmax


def test_softmax_matches_scipy(rng, no_warnings):
    for scale in (1.0, 50.0, 1e4):
        Z = rng.normal(scale=scale, size=(6, 4))
        P = softmax(Z)
        np.testing.assert_allclose(P, scipy_softmax(Z, axis=-1), rtol=1e-12, atol=1e-300)
        np.testing.assert_allclose(P.sum(axis=1), 1.0, rtol=1e-14)
        np.testing.assert_allclose(softmax(Z[2]), scipy_softmax(Z[2]), rtol=1e-12, atol=1e-300)


def test_softmax_is_shift_invariant_and_exp_normalised(rng):
    z = rng.normal(size=5)
    np.testing.assert_allclose(softmax(z), np.exp(z) / np.sum(np.exp(z)), rtol=1e-14)
    np.testing.assert_allclose(softmax(z + 1e4), softmax(z), rtol=1e-9)


def test_softmax_rejects_other_ranks():
    with pytest.raises(ValueError, match=r"z must be 1-D or 2-D, got shape \(2, 2, 2\)"):
        softmax(np.ones((2, 2, 2)))
    with pytest.raises(ValueError, match=r"z must be 1-D or 2-D, got shape \(\)"):
        softmax(1.0)


# ---------------------------------------------------------------- binary cross-entropy


def test_binary_cross_entropy_matches_the_formula_and_sklearn(rng):
    y = rng.integers(0, 2, size=40).astype(float)
    p = rng.uniform(0.01, 0.99, size=40)
    expected = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    assert binary_cross_entropy(y, p) == pytest.approx(expected, rel=1e-13)
    assert binary_cross_entropy(y, p) == pytest.approx(log_loss(y, p, labels=[0, 1]), rel=1e-12)
    assert isinstance(binary_cross_entropy(y, p), float)


def test_binary_cross_entropy_is_finite_at_certain_wrong_predictions(no_warnings):
    y = np.array([1.0, 0.0])
    p = np.array([0.0, 1.0])
    loss = binary_cross_entropy(y, p)
    assert np.isfinite(loss)
    # p is clipped to [1e-12, 1 - 1e-12]; in floating point 1 - (1 - 1e-12) != 1e-12
    expected = -(np.log(1e-12) + np.log(1 - (1 - 1e-12))) / 2
    assert loss == pytest.approx(expected, rel=1e-12)
    assert binary_cross_entropy(y, 1 - p) == pytest.approx(0.0, abs=1e-11)


def test_binary_cross_entropy_gradient_in_the_logits(rng):
    # d/dz mean BCE(y, sigmoid(z)) = (sigmoid(z) - y) / m
    y = rng.integers(0, 2, size=6).astype(float)
    z = rng.normal(size=6)
    for i in range(6):
        def loss(t, i=i):
            zz = z.copy()
            zz[i] = t
            return binary_cross_entropy(y, sigmoid(zz))

        assert central_difference(loss, z[i]) == pytest.approx((expit(z[i]) - y[i]) / 6,
                                                              rel=1e-6, abs=1e-10)


def test_binary_cross_entropy_rejects_mismatched_shapes():
    with pytest.raises(ValueError, match=r"y and p must have the same shape.*\(3,\).*\(2,\)"):
        binary_cross_entropy(np.ones(3), np.full(2, 0.5))
    with pytest.raises(ValueError, match=r"y must be 1-D"):
        binary_cross_entropy(np.ones((3, 1)), np.full(3, 0.5))


# -------------------------------------------------------------- categorical cross-entropy


def test_cross_entropy_matches_the_formula_and_sklearn(rng):
    m, k = 30, 4
    labels = rng.integers(0, k, size=m)
    labels[:k] = np.arange(k)  # every class present
    Y = np.eye(k)[labels]
    P = scipy_softmax(rng.normal(size=(m, k)), axis=1)
    expected = -np.mean(np.log(P[np.arange(m), labels]))
    assert cross_entropy(Y, P) == pytest.approx(expected, rel=1e-13)
    assert cross_entropy(Y, P) == pytest.approx(log_loss(labels, P), rel=1e-12)


def test_cross_entropy_is_finite_at_zero_probability(no_warnings):
    Y = np.array([[1.0, 0.0], [0.0, 1.0]])
    P = np.array([[0.0, 1.0], [0.5, 0.5]])
    assert np.isfinite(cross_entropy(Y, P))


def test_cross_entropy_gradient_in_the_logits_is_softmax_minus_onehot(rng):
    m, k = 3, 4
    Y = np.eye(k)[rng.integers(0, k, size=m)]
    Z = rng.normal(size=(m, k))
    grad = np.empty_like(Z)
    for idx in np.ndindex(Z.shape):
        def loss(t, idx=idx):
            ZZ = Z.copy()
            ZZ[idx] = t
            return cross_entropy(Y, softmax(ZZ))

        grad[idx] = central_difference(loss, Z[idx])
    np.testing.assert_allclose(grad, (scipy_softmax(Z, axis=1) - Y) / m, rtol=1e-6, atol=1e-10)


def test_cross_entropy_rejects_mismatched_shapes():
    with pytest.raises(ValueError, match=r"Y and P must have the same shape.*\(2, 3\).*\(2, 2\)"):
        cross_entropy(np.ones((2, 3)), np.ones((2, 2)))
    with pytest.raises(ValueError, match=r"Y must be 2-D"):
        cross_entropy(np.ones(3), np.ones((1, 3)))


# ------------------------------------------------------------------------- bad input


@pytest.mark.parametrize("func", [sigmoid, sigmoid_derivative, relu, relu_derivative, heaviside,
                                  logsumexp, softmax])
def test_non_numeric_input_names_z(func):
    with pytest.raises(TypeError, match=r"^z must be a number"):
        func("abc")
    with pytest.raises(TypeError, match=r"^z must be a number"):
        func(np.exp)
