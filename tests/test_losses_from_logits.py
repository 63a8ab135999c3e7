"""Every loss calcml reports is computed from the logits, so it is exact where the
probabilities round to 0 or 1; and the grading references agree with calcml there."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.special import log_expit, logsumexp

from calcml.functions import binary_cross_entropy_from_logits, cross_entropy_from_logits
from calcml.grading.references import complex_step_gradient, mean_bce_from_logits
from calcml.models import (
    init_mlp,
    logistic_gradient,
    logistic_loss,
    mlp_backward,
    mlp_forward,
    mlp_loss,
    mlp_step,
    train_logistic_regression,
    train_mlp,
    train_softmax_regression,
)


def exact_bce(z: np.ndarray, y: np.ndarray) -> float:
    """-mean(y log sigma(z) + (1 - y) log sigma(-z)), from scipy's log_expit."""
    return float(-np.mean(y * log_expit(z) + (1 - y) * log_expit(-z)))


@pytest.mark.parametrize("scale", [1.0, 30.0, 800.0, 1e4])
def test_bce_from_logits_is_exact_for_any_logit(scale):
    rng = np.random.default_rng(0)
    z, y = scale * rng.normal(size=50), rng.integers(0, 2, size=50).astype(float)
    assert binary_cross_entropy_from_logits(y, z) == pytest.approx(exact_bce(z, y), rel=1e-13)


def test_cross_entropy_from_logits_is_exact_for_huge_logits():
    Z = np.array([[1e4, 0.0, -1e4], [-40.0, 40.0, 0.0]])
    labels = np.array([2, 0])
    expected = np.mean(logsumexp(Z, axis=1) - Z[[0, 1], labels])
    assert cross_entropy_from_logits(labels, Z) == pytest.approx(expected, rel=1e-14)
    assert cross_entropy_from_logits(np.eye(3)[labels], Z) == pytest.approx(expected, rel=1e-14)


def test_logistic_loss_keeps_its_accuracy_beyond_the_clip():
    # z = 40 for a label 0: the loss is 40 + log(1 + e^-40) per example, not log(1e-12)
    X, y = np.array([[1.0], [2.0]]), np.array([0.0, 0.0])
    w = np.array([40.0])
    expected = exact_bce(X @ w, y)
    assert logistic_loss(w, 0.0, X, y) == pytest.approx(expected, rel=1e-13)


def test_logistic_loss_is_accurate_where_p_rounds_near_one():
    # z = 30, label 1: the loss is log(1 + e^-30) = 9.4e-14, which 1 - p cannot resolve
    X, y = np.array([[1.0]]), np.array([1.0])
    assert logistic_loss(np.array([30.0]), 0.0, X, y) == pytest.approx(
        exact_bce(np.array([30.0]), y), rel=1e-12)


def test_training_losses_are_exact_at_a_large_learning_rate():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(40, 3)) * 20
    y = (X[:, 0] > 0).astype(float)
    y[:3] = 1 - y[:3]  # not separable: the loss stays positive
    w, b, losses = train_logistic_regression(X, y, lr=50.0, n_epochs=5, return_losses=True)
    assert losses[-1] == pytest.approx(exact_bce(X @ w + b, y), rel=1e-12)


def test_mlp_loss_and_steps_report_the_loss_from_the_logits():
    rng = np.random.default_rng(2)
    X = rng.normal(size=(6, 2)) * 50
    y = np.array([0, 1, 0, 1, 1, 0], dtype=float)
    params = init_mlp(2, 4, seed=3)
    params["W2"] = params["W2"] * 100  # logits far beyond the 27.6 where 1e-12 clips
    _, cache = mlp_forward(params, X)
    expected = exact_bce(cache["Z2"][:, 0], y)
    assert mlp_loss(params, X, y) == pytest.approx(expected, rel=1e-12)
    assert mlp_step(params, X, y, lr=0.1)[1] == pytest.approx(expected, rel=1e-12)
    _, losses = train_mlp(X, y, 4, 0.01, 3, seed=3, return_losses=True)
    final = train_mlp(X, y, 4, 0.01, 3, seed=3)
    _, c = mlp_forward(final, X)
    assert losses[-1] == pytest.approx(exact_bce(c["Z2"][:, 0], y), rel=1e-12)


def test_softmax_training_losses_are_recorded_only_when_asked_and_exact():
    rng = np.random.default_rng(3)
    X, y = rng.normal(size=(30, 4)), rng.integers(0, 3, size=30)
    W, b = train_softmax_regression(X, y, 3, 0.5, 4)
    W2, b2, losses = train_softmax_regression(X, y, 3, 0.5, 4, return_losses=True)
    np.testing.assert_array_equal(W, W2)
    np.testing.assert_array_equal(b, b2)
    Z = X @ W + b
    assert losses[-1] == pytest.approx(np.mean(logsumexp(Z, axis=1) - Z[np.arange(30), y]),
                                       rel=1e-13)


@pytest.mark.parametrize("z0", [-709.0, -710.0, -800.0, -1e4, 800.0])
def test_reference_bce_is_finite_and_exact_for_any_logit(z0):
    z = np.array([z0, -3.0, 0.0, 2.5])
    y = np.array([1.0, 0.0, 1.0, 0.0])
    assert mean_bce_from_logits(z, y) == pytest.approx(exact_bce(z, y), rel=1e-13)
    grad = complex_step_gradient(lambda t: mean_bce_from_logits(t, y), z)
    e = np.exp(-np.abs(z))
    p = np.where(z >= 0, 1 / (1 + e), e / (1 + e))
    np.testing.assert_allclose(grad, (p - y) / len(z), rtol=1e-12, atol=1e-300)


def test_grading_references_agree_with_calcml_for_very_negative_logits():
    from calcml.grading.a08_logistic_regression import _logistic_gradient
    from calcml.grading.a10_backpropagation import _mlp_backward

    X = np.array([[1.0, 2.0], [-1.0, 0.5], [3.0, -2.0]])
    y = np.array([1.0, 0.0, 1.0])
    w, b = np.array([-400.0, -200.0]), -10.0  # logits down to -1010
    dw, db = _logistic_gradient(w, b, X, y)
    dw_c, db_c = logistic_gradient(w, b, X, y)
    assert np.all(np.isfinite(dw)) and np.isfinite(db)
    np.testing.assert_allclose(dw, dw_c, rtol=1e-10)
    assert db == pytest.approx(db_c, rel=1e-10)

    params = init_mlp(2, 3, seed=0)
    params["W2"] = -1000 * np.abs(params["W2"])
    params["b2"] = np.array([-50.0])
    _, cache = mlp_forward(params, X)
    assert cache["Z2"].min() < -709
    mine = _mlp_backward(params, cache, y)
    ours = mlp_backward(params, cache, y)
    for key in ours:
        assert np.all(np.isfinite(mine[key])), key
        np.testing.assert_allclose(mine[key], ours[key], rtol=1e-9, atol=1e-12, err_msg=key)
