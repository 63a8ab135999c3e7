"""Tests of calcml.models: logistic regression, softmax regression and the two-layer MLP.

Every gradient is compared with an independent computation: central differences of the
loss (calcml.diff.gradient), the complex step on a loss written here with plain numpy,
or the Jacobian formula of the softmax applied sample by sample.
"""

from __future__ import annotations

import re
import warnings

import numpy as np
import pytest

from calcml import models
from calcml.diff import complex_step_gradient, gradient, jacobian, relative_error
from calcml.functions import softmax

# ---------------------------------------------------------------------------------- data


def binary_problem(seed: int, m: int = 9, n: int = 3):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(m, n))
    y = (rng.random(m) < 0.5).astype(float)
    w = rng.normal(size=n)
    b = float(rng.normal())
    return X, y, w, b


def multiclass_problem(seed: int, m: int = 8, n: int = 3, k: int = 4):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(m, n))
    y = rng.integers(0, k, size=m)
    W = rng.normal(size=(n, k))
    b = rng.normal(size=k)
    return X, y, W, b


def separable_blobs(seed: int, k: int = 2, m_per_class: int = 40):
    """k well separated Gaussian clusters in the plane (centres on a circle of radius 4)."""
    rng = np.random.default_rng(seed)
    angles = 2 * np.pi * np.arange(k) / k
    centres = 4 * np.column_stack([np.cos(angles), np.sin(angles)])
    X = np.vstack([c + 0.6 * rng.normal(size=(m_per_class, 2)) for c in centres])
    y = np.repeat(np.arange(k), m_per_class)
    return X, y


def complex_sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


# ------------------------------------------------------------------- logistic regression


@pytest.mark.parametrize("seed", range(5))
def test_logistic_loss_is_the_mean_negative_log_likelihood(seed):
    X, y, w, b = binary_problem(seed)
    z = X @ w + b
    # log(1 + e^z) - y z is the negative log-likelihood written with the logit
    reference = np.mean(np.logaddexp(0.0, z) - y * z)
    assert models.logistic_loss(w, b, X, y) == pytest.approx(reference, rel=1e-12)


@pytest.mark.parametrize("seed", range(5))
def test_logistic_gradient_matches_central_differences(seed):
    X, y, w, b = binary_problem(seed)
    dw, db = models.logistic_gradient(w, b, X, y)
    theta = np.append(w, b)
    numeric = gradient(lambda t: models.logistic_loss(t[:-1], t[-1], X, y), theta)
    assert relative_error(np.append(dw, db), numeric) < 1e-8


@pytest.mark.parametrize("seed", range(5))
def test_logistic_gradient_matches_complex_step(seed):
    X, y, w, b = binary_problem(seed)

    def loss(t):  # written with numpy only, so that it accepts complex parameters
        p = complex_sigmoid(X @ t[:-1] + t[-1])
        return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))

    dw, db = models.logistic_gradient(w, b, X, y)
    exact = complex_step_gradient(loss, np.append(w, b))
    assert relative_error(np.append(dw, db), exact) < 1e-12


def test_logistic_forward_cache_and_backward_give_the_closed_form():
    X, y, w, b = binary_problem(7)
    p, cache = models.logistic_forward(w, b, X)
    assert set(cache) == {"X", "z", "p"}
    np.testing.assert_allclose(cache["z"], X @ w + b, rtol=1e-14)
    np.testing.assert_allclose(p, complex_sigmoid(X @ w + b), rtol=1e-14)
    dw, db = models.logistic_backward(cache, y)
    residual = complex_sigmoid(X @ w + b) - y
    np.testing.assert_allclose(dw, X.T @ residual / len(y), rtol=1e-13)
    assert db == pytest.approx(residual.mean(), rel=1e-13)


def test_train_logistic_regression_starts_from_zeros():
    X, y, _, _ = binary_problem(3)
    w0, b0 = models.train_logistic_regression(X, y, lr=0.7, n_epochs=0)
    np.testing.assert_array_equal(w0, np.zeros(3))
    assert b0 == 0.0
    # one step from zero: every probability is 1/2, so the step is -lr X^T (1/2 - y) / m
    w1, b1 = models.train_logistic_regression(X, y, lr=0.7, n_epochs=1)
    np.testing.assert_allclose(w1, -0.7 * X.T @ (0.5 - y) / len(y), rtol=1e-13)
    assert b1 == pytest.approx(-0.7 * np.mean(0.5 - y), rel=1e-13)


def test_train_logistic_regression_equals_explicit_gradient_descent():
    X, y, _, _ = binary_problem(4)
    w, b = np.zeros(3), 0.0
    for _ in range(25):
        p = complex_sigmoid(X @ w + b)
        w, b = w - 0.3 * X.T @ (p - y) / len(y), b - 0.3 * np.mean(p - y)
    w_fit, b_fit = models.train_logistic_regression(X, y, 0.3, 25)
    np.testing.assert_allclose(w_fit, w, rtol=1e-12)
    assert b_fit == pytest.approx(b, rel=1e-12)


def test_train_logistic_regression_separates_blobs_and_loss_decreases():
    X, y = separable_blobs(0)
    w, b, losses = models.train_logistic_regression(X, y, 0.5, 200, return_losses=True)
    assert losses.shape == (201,)
    assert losses[0] == pytest.approx(np.log(2), rel=1e-12)
    assert np.all(np.diff(losses) <= 1e-12), "batch GD with a small step must not increase the loss"
    assert losses[-1] < 0.05
    assert np.mean(models.logistic_predict(w, b, X) == y) == 1.0


def test_logistic_predict_threshold_and_dtype():
    X = np.array([[-1.0], [0.0], [3.0]])  # p = 0.27, 0.5, 0.95
    labels = models.logistic_predict(np.array([1.0]), 0.0, X)
    np.testing.assert_array_equal(labels, [0, 1, 1])  # p = 1/2 counts as class 1
    assert labels.dtype.kind == "i"
    high = models.logistic_predict(np.array([1.0]), 0.0, X, threshold=0.9)
    np.testing.assert_array_equal(high, [0, 0, 1])


def test_logistic_is_stable_for_huge_logits():
    X = np.array([[1e4], [-1e4], [1e4], [-1e4]])
    y = np.array([1.0, 0.0, 0.0, 1.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        p, _ = models.logistic_forward(np.array([1.0]), 0.0, X)
        loss = models.logistic_loss(np.array([1.0]), 0.0, X, y)
        dw, db = models.logistic_gradient(np.array([1.0]), 0.0, X, y)
    np.testing.assert_array_equal(p, [1.0, 0.0, 1.0, 0.0])
    assert np.isfinite(loss) and loss > 10
    # p - y = [0, 0, 1, -1]: dw = (1e4 * 1 + (-1e4) * (-1)) / 4
    assert dw[0] == pytest.approx(5e3) and db == pytest.approx(0.0, abs=1e-12)


def test_logistic_functions_leave_inputs_unchanged():
    X, y, w, b = binary_problem(11)
    copies = [a.copy() for a in (X, y, w)]
    models.logistic_gradient(w, b, X, y)
    models.train_logistic_regression(X, y, 0.1, 3)
    models.logistic_predict(w, b, X)
    for original, copy in zip((X, y, w), copies, strict=True):
        np.testing.assert_array_equal(original, copy)


@pytest.mark.parametrize(
    ("args", "exc", "word"),
    [
        ((np.ones(2), 0.0, np.ones((4, 3)), np.ones(4)), ValueError, "w"),
        ((np.ones(3), 0.0, np.ones((4, 3)), np.ones(5)), ValueError, "X and y"),
        ((np.ones(3), 0.0, np.ones(3), np.ones(3)), ValueError, "X"),
        ((np.ones(3), 0.0, np.full((4, 3), np.nan), np.ones(4)), ValueError, "X"),
        ((np.ones(3), 0.0, np.ones((4, 3)), np.array([0, 1, 2, 1])), ValueError, "y"),
        ((np.ones(3), np.ones(2), np.ones((4, 3)), np.ones(4)), ValueError, "b"),
        ((np.ones(3), 0.0, "X", np.ones(4)), TypeError, "X"),
    ],
)
def test_logistic_gradient_rejects_bad_input(args, exc, word):
    # the message starts with the argument's name, as a whole word: "w" must not match "got"
    with pytest.raises(exc, match=rf"^{re.escape(word)}(?!\w)"):
        models.logistic_gradient(*args)


def test_train_logistic_regression_rejects_bad_settings():
    X, y, _, _ = binary_problem(0)
    with pytest.raises(ValueError, match="lr"):
        models.train_logistic_regression(X, y, -0.1, 5)
    with pytest.raises(ValueError, match=r"^n_epochs must be a whole number"):
        models.train_logistic_regression(X, y, 0.1, 2.5)
    with pytest.raises(TypeError, match=r"^n_epochs must be an integer"):
        models.train_logistic_regression(X, y, 0.1, None)


# -------------------------------------------------------------------- softmax regression


def test_one_hot_matches_rows_of_the_identity():
    y = np.array([2, 0, 1, 2, 3])
    Y = models.one_hot(y, 5)
    np.testing.assert_array_equal(Y, np.eye(5)[y])
    assert Y.dtype == float and Y.shape == (5, 5)
    with pytest.raises(ValueError, match=r"^y holds the label 3, but there are only k = 3"):
        models.one_hot(y, 3)
    with pytest.raises(ValueError, match=r"^y must hold class labels"):
        models.one_hot(np.array([0.5, 1.0]), 3)


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: models.one_hot([0], None), TypeError, r"^k must be an integer"),
        (lambda: models.one_hot([0], 2.5), ValueError, r"^k must be a whole number"),
        (lambda: models.one_hot([0], 0), ValueError, r"^k must be at least 1"),
        (lambda: models.train_softmax_regression(np.ones((2, 1)), [0, 1], "2", 0.1, 3),
         TypeError, r"^k must be an integer"),
        (lambda: models.train_mlp(np.ones((2, 1)), [0, 1], 2, 0.1, -1),
         ValueError, r"^n_epochs must be at least 0"),
        (lambda: models.init_mlp(2.5, 3), ValueError, r"^n must be a whole number"),
        (lambda: models.init_mlp(2, None), TypeError, r"^n_hidden must be an integer"),
        (lambda: models.count_parameters([2, None]), TypeError, r"^layers\[1\] must be an integer"),
        (lambda: models.count_parameters([2, 0]), ValueError, r"^layers\[1\] must be at least 1"),
    ],
)
def test_counts_are_checked_like_everywhere_else(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_counts_may_be_whole_floats():
    np.testing.assert_array_equal(models.one_hot([1, 0], 2.0), models.one_hot([1, 0], 2))
    assert models.count_parameters([2.0, 1]) == models.count_parameters([2, 1])


@pytest.mark.parametrize("seed", range(5))
def test_softmax_jacobian_matches_central_differences_and_complex_step(seed):
    z = np.random.default_rng(seed).normal(size=5) * 2
    J = models.softmax_jacobian(z)
    assert relative_error(J, jacobian(softmax, z)) < 1e-9

    def softmax_component(j):  # complex-friendly softmax, one output at a time
        return lambda v: np.exp(v[j]) / np.sum(np.exp(v))

    rows = np.array([complex_step_gradient(softmax_component(j), z) for j in range(5)])
    assert relative_error(J, rows) < 1e-13
    np.testing.assert_allclose(J.sum(axis=0), 0.0, atol=1e-15)  # softmax sums to 1
    np.testing.assert_array_equal(J, J.T)


@pytest.mark.parametrize("seed", range(5))
def test_softmax_loss_is_the_mean_negative_log_probability(seed):
    X, y, W, b = multiclass_problem(seed)
    Z = X @ W + b
    P = np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True)
    reference = -np.mean(np.log(P[np.arange(len(y)), y]))
    assert models.softmax_loss(W, b, X, y) == pytest.approx(reference, rel=1e-12)


@pytest.mark.parametrize("seed", range(5))
def test_softmax_gradient_matches_central_differences(seed):
    X, y, W, b = multiclass_problem(seed)
    dW, db = models.softmax_gradient(W, b, X, y)
    assert relative_error(dW, gradient(lambda M: models.softmax_loss(M, b, X, y), W)) < 1e-8
    assert relative_error(db, gradient(lambda v: models.softmax_loss(W, v, X, y), b)) < 1e-8


@pytest.mark.parametrize("seed", range(3))
def test_softmax_gradient_matches_the_jacobian_chain_rule(seed):
    """dL/dz_i = J(z_i)^T dL/dp_i with dL/dp = -y/p; then dW = sum_i x_i (dL/dz_i)^T / m."""
    X, y, W, b = multiclass_problem(seed)
    m, k = len(y), W.shape[1]
    dW, db = np.zeros_like(W), np.zeros_like(b)
    for x_i, label in zip(X, y, strict=True):
        z = x_i @ W + b
        s = np.exp(z - z.max()) / np.exp(z - z.max()).sum()
        dL_dp = -np.eye(k)[label] / s
        J = np.diag(s) - np.outer(s, s)  # written out here, independently of the module
        dL_dz = J.T @ dL_dp
        dW += np.outer(x_i, dL_dz) / m
        db += dL_dz / m
    got_dW, got_db = models.softmax_gradient(W, b, X, y)
    assert relative_error(got_dW, dW) < 1e-12
    assert relative_error(got_db, db) < 1e-12


def test_softmax_gradient_matches_complex_step():
    X, y, W, b = multiclass_problem(9)
    n, k = W.shape

    def loss(t):
        Wt, bt = t[: n * k].reshape(n, k), t[n * k :]
        Z = X @ Wt + bt
        return np.mean(np.log(np.sum(np.exp(Z), axis=1)) - Z[np.arange(len(y)), y])

    exact = complex_step_gradient(loss, np.concatenate([W.ravel(), b]))
    dW, db = models.softmax_gradient(W, b, X, y)
    assert relative_error(np.concatenate([dW.ravel(), db]), exact) < 1e-12


def test_softmax_is_stable_for_huge_logits():
    X = np.array([[1.0], [1.0]])
    W = np.array([[1e4, 0.0, -1e4]])
    b = np.zeros(3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        P, _ = models.softmax_forward(W, b, X)
        loss_right = models.softmax_loss(W, b, X, np.array([0, 0]))
        loss_wrong = models.softmax_loss(W, b, X, np.array([1, 1]))
        dW, db = models.softmax_gradient(W, b, X, np.array([2, 2]))
        J = models.softmax_jacobian(np.array([1e4, 0.0, -1e4]))
    np.testing.assert_array_equal(P[0], [1.0, 0.0, 0.0])
    assert loss_right == pytest.approx(0.0, abs=1e-12)
    assert loss_wrong == pytest.approx(1e4, rel=1e-12)  # exact, not clipped
    np.testing.assert_allclose(db, [1.0, 0.0, -1.0], atol=1e-12)
    np.testing.assert_allclose(dW, [[1.0, 0.0, -1.0]], atol=1e-12)
    assert np.all(np.isfinite(J))


def test_train_softmax_regression_first_step_and_zeros():
    X, y, _, _ = multiclass_problem(5)
    W0, b0 = models.train_softmax_regression(X, y, 4, 0.5, 0)
    np.testing.assert_array_equal(W0, np.zeros((3, 4)))
    np.testing.assert_array_equal(b0, np.zeros(4))
    # from zero every class has probability 1/k
    W1, b1 = models.train_softmax_regression(X, y, 4, 0.5, 1)
    G = 0.25 - np.eye(4)[y]
    np.testing.assert_allclose(W1, -0.5 * X.T @ G / len(y), rtol=1e-13)
    np.testing.assert_allclose(b1, -0.5 * G.mean(axis=0), rtol=1e-13)


def test_train_softmax_regression_classifies_three_blobs():
    X, y = separable_blobs(1, k=3)
    W, b, losses = models.train_softmax_regression(X, y, 3, 0.5, 200, return_losses=True)
    assert losses[0] == pytest.approx(np.log(3), rel=1e-12)
    assert np.all(np.diff(losses) <= 1e-12)
    assert losses[-1] < 0.1
    assert np.mean(models.softmax_predict(W, b, X) == y) == 1.0


def test_train_softmax_regression_records_every_loss_the_same_way():
    # with lr = 500 the probabilities of the true classes underflow to zero after one
    # step, where a clipped cross-entropy and the exact log-sum-exp loss disagree
    X = np.array([[1.0], [1.0], [2.0], [-1.0]])
    y = np.array([0, 1, 1, 2])
    _, _, losses = models.train_softmax_regression(X, y, 3, 500.0, 3, return_losses=True)
    for n in range(4):
        W, b = models.train_softmax_regression(X, y, 3, 500.0, n)
        assert losses[n] == pytest.approx(models.softmax_loss(W, b, X, y), rel=1e-12)
    # by hand: after one step W = [[0, 250, -250]] and b = 500 * [-1/12, 1/6, -1/12]; only
    # the first example is wrong, with logits [-125/3, 1000/3, -875/3]: loss 375 / 4
    assert losses[1] == pytest.approx(93.75, rel=1e-12)


def test_softmax_functions_leave_inputs_unchanged():
    X, y, W, b = multiclass_problem(2)
    copies = [a.copy() for a in (X, y, W, b)]
    models.softmax_gradient(W, b, X, y)
    models.train_softmax_regression(X, y, 4, 0.1, 2)
    models.softmax_jacobian(b)
    for original, copy in zip((X, y, W, b), copies, strict=True):
        np.testing.assert_array_equal(original, copy)


@pytest.mark.parametrize(
    ("W", "b", "X", "y", "word"),
    [
        (np.ones((2, 4)), np.ones(4), np.ones((5, 3)), np.zeros(5, int), "W"),
        (np.ones((3, 4)), np.ones(3), np.ones((5, 3)), np.zeros(5, int), "b"),
        (np.ones((3, 4)), np.ones(4), np.ones((5, 3)), np.zeros(6, int), "X and y"),
        (np.ones((3, 4)), np.ones(4), np.ones((5, 3)), np.array([0, 1, 2, 3, 4]),
         "y holds the label 4, but there are only k = 4 classes"),
        (np.ones((3, 4)), np.ones(4), np.ones((5, 3)), np.array([0, 1, 2, 3, -1]), "y"),
        (np.ones((3, 4)), np.ones(4), np.full((5, 3), np.inf), np.zeros(5, int), "X"),
    ],
)
def test_softmax_gradient_rejects_bad_input(W, b, X, y, word):
    with pytest.raises(ValueError, match=rf"^{re.escape(word)}(?!\w)"):
        models.softmax_gradient(W, b, X, y)


# -------------------------------------------------------------------- the two-layer MLP


def mlp_problem(seed: int, m: int = 6, n: int = 3, h: int = 4):
    rng = np.random.default_rng(seed)
    params = {
        "W1": rng.normal(size=(n, h)),
        "b1": rng.normal(size=h),
        "W2": rng.normal(size=(h, 1)),
        "b2": rng.normal(size=1),
    }
    X = rng.normal(size=(m, n))
    y = (rng.random(m) < 0.5).astype(float)
    return params, X, y


def test_init_mlp_follows_the_specified_draw_order():
    params = models.init_mlp(3, 5, seed=42)
    rng = np.random.default_rng(42)
    np.testing.assert_array_equal(params["W1"], rng.normal(0, np.sqrt(2 / 3), (3, 5)))
    np.testing.assert_array_equal(params["W2"], rng.normal(0, np.sqrt(2 / 5), (5, 1)))
    np.testing.assert_array_equal(params["b1"], np.zeros(5))
    np.testing.assert_array_equal(params["b2"], np.zeros(1))


def test_mlp_forward_matches_a_loop_over_examples():
    params, X, _ = mlp_problem(0)
    p, cache = models.mlp_forward(params, X)
    assert set(cache) == {"X", "Z1", "A1", "Z2", "p"}
    assert p.shape == (6,) and cache["Z2"].shape == (6, 1) and cache["A1"].shape == (6, 4)
    for i, x in enumerate(X):
        hidden = [max(0.0, x @ params["W1"][:, j] + params["b1"][j]) for j in range(4)]
        logit = np.dot(hidden, params["W2"][:, 0]) + params["b2"][0]
        assert p[i] == pytest.approx(1 / (1 + np.exp(-logit)), rel=1e-13)


@pytest.mark.parametrize("seed", range(5))
def test_mlp_backward_matches_central_differences(seed):
    params, X, y = mlp_problem(seed)
    _, cache = models.mlp_forward(params, X)
    grads = models.mlp_backward(params, cache, y)
    assert set(grads) == set(params)
    for key, value in params.items():
        assert grads[key].shape == value.shape

        def loss(v, key=key):
            return models.mlp_loss({**params, key: v}, X, y)

        assert relative_error(grads[key], gradient(loss, value)) < 1e-7, key


def test_mlp_backward_matches_complex_step_on_a_smooth_surrogate():
    """With all hidden pre-activations positive, relu is the identity: the loss is analytic."""
    params, X, y = mlp_problem(3)
    params["b1"] = params["b1"] + 10.0  # every Z1 > 0 on these inputs
    params["W2"] = params["W2"] * 0.1  # and the logits stay moderate
    _, cache = models.mlp_forward(params, X)
    assert np.all(cache["Z1"] > 0)
    grads = models.mlp_backward(params, cache, y)

    def loss(W1):
        p = complex_sigmoid((X @ W1 + params["b1"]) @ params["W2"][:, 0] + params["b2"][0])
        return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))

    assert relative_error(grads["W1"], complex_step_gradient(loss, params["W1"])) < 1e-12


def test_mlp_backward_reads_only_the_cache():
    """A made-up cache (not from a forward pass) gives the textbook formulas applied to it."""
    rng = np.random.default_rng(5)
    params, _, y = mlp_problem(5)
    cache = {
        "X": rng.normal(size=(6, 3)),
        "Z1": rng.normal(size=(6, 4)),
        "A1": rng.random((6, 4)),
        "Z2": rng.normal(size=(6, 1)),
        "p": rng.random(6),
    }
    grads = models.mlp_backward(params, cache, y)
    dZ2 = (cache["p"] - y)[:, None] / 6
    dZ1 = (dZ2 @ params["W2"].T) * (cache["Z1"] > 0)
    np.testing.assert_allclose(grads["W2"], cache["A1"].T @ dZ2, rtol=1e-13)
    np.testing.assert_allclose(grads["b2"], dZ2.sum(axis=0), rtol=1e-13)
    np.testing.assert_allclose(grads["W1"], cache["X"].T @ dZ1, rtol=1e-13)
    np.testing.assert_allclose(grads["b1"], dZ1.sum(axis=0), rtol=1e-13)


def test_train_mlp_learns_a_non_linear_boundary():
    rng = np.random.default_rng(0)
    X = rng.uniform(-2, 2, size=(200, 2))
    y = (np.sum(X**2, axis=1) < 1.6).astype(float)  # a disc: no line separates it
    params, losses = models.train_mlp(X, y, 16, 0.5, 1500, seed=1, return_losses=True)
    assert losses.shape == (1501,)
    assert losses[-1] < 0.5 * losses[0]
    assert np.mean(models.mlp_predict(params, X) == y) > 0.95
    # a linear model cannot do this well
    w, b = models.train_logistic_regression(X, y, 0.5, 1500)
    assert np.mean(models.logistic_predict(w, b, X) == y) < 0.8


def test_train_mlp_equals_repeated_steps_from_init():
    # wiring: train_mlp starts from init_mlp(n, n_hidden, seed), takes n_epochs steps of
    # size lr, and records the loss before each step and after the last
    params, X, y = mlp_problem(1)
    manual, manual_losses = models.init_mlp(3, 4, seed=7), []
    for _ in range(5):
        manual, loss = models.mlp_step(manual, X, y, 0.2)
        manual_losses.append(loss)
    manual_losses.append(models.mlp_loss(manual, X, y))
    trained, losses = models.train_mlp(X, y, 4, 0.2, 5, seed=7, return_losses=True)
    for key in trained:
        np.testing.assert_array_equal(trained[key], manual[key])
    np.testing.assert_array_equal(losses, manual_losses)


def test_mlp_step_is_one_gradient_descent_update_and_copies():
    params, X, y = mlp_problem(2)
    before = {k: v.copy() for k, v in params.items()}
    new, loss = models.mlp_step(params, X, y, 0.1)
    _, cache = models.mlp_forward(params, X)
    grads = models.mlp_backward(params, cache, y)
    for key in params:
        np.testing.assert_array_equal(params[key], before[key])
        np.testing.assert_allclose(new[key], before[key] - 0.1 * grads[key], rtol=1e-14)
    assert loss == pytest.approx(models.mlp_loss(params, X, y), rel=1e-14)


def test_mlp_is_stable_for_huge_logits():
    params, X, y = mlp_problem(4)
    params["W2"] = params["W2"] * 1e4
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        p, cache = models.mlp_forward(params, X)
        loss = models.mlp_loss(params, X, y)
        grads = models.mlp_backward(params, cache, y)
    assert np.max(np.abs(cache["Z2"])) > 1e3
    assert np.all(np.isfinite(p)) and np.isfinite(loss)
    assert all(np.all(np.isfinite(g)) for g in grads.values())


def test_mlp_functions_leave_inputs_unchanged():
    params, X, y = mlp_problem(6)
    copies = {k: v.copy() for k, v in params.items()}
    X0, y0 = X.copy(), y.copy()
    p, cache = models.mlp_forward(params, X)
    models.mlp_backward(params, cache, y)
    models.train_mlp(X, y, 3, 0.1, 2)
    for key in params:
        np.testing.assert_array_equal(params[key], copies[key])
    np.testing.assert_array_equal(X, X0)
    np.testing.assert_array_equal(y, y0)


@pytest.mark.parametrize(
    ("change", "word"),
    [
        ({"W2": np.ones((4, 2))}, "params['W2']"),
        ({"b1": np.ones(3)}, "params['b1']"),
        ({"b2": np.ones(2)}, "params['b2']"),
        ({"W1": np.ones((2, 4))}, "params['W1']"),
    ],
)
def test_mlp_forward_rejects_bad_params(change, word):
    params, X, _ = mlp_problem(0)
    with pytest.raises(ValueError, match=rf"^{re.escape(word)} must have"):
        models.mlp_forward({**params, **change}, X)


def test_mlp_rejects_missing_keys_and_bad_labels():
    params, X, y = mlp_problem(0)
    with pytest.raises(ValueError, match=r"^params is missing the keys \['b2'\]"):
        models.mlp_forward({k: v for k, v in params.items() if k != "b2"}, X)
    with pytest.raises(TypeError, match="params"):
        models.mlp_forward([1, 2], X)
    _, cache = models.mlp_forward(params, X)
    with pytest.raises(ValueError, match=r"^X and y must have the same length"):
        models.mlp_backward(params, cache, y[:-1])
    with pytest.raises(ValueError, match="cache"):
        models.mlp_backward(params, {"X": X}, y)
    with pytest.raises(ValueError, match="n_hidden"):
        models.init_mlp(2, 0)


def test_count_parameters():
    assert models.count_parameters([2, 2, 1]) == 9
    assert models.count_parameters([784, 100, 10]) == 785 * 100 + 101 * 10
    with pytest.raises(ValueError, match="layers"):
        models.count_parameters([3])
