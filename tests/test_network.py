"""Tests of calcml.network: layer VJPs, the multi-class network, deep-network statistics.

Every gradient is compared with an independent computation: the complex step on a loss
written here with plain numpy (calcml.diff.complex_step_gradient), explicit Jacobians
contracted with the upstream gradient, or scipy.special for the loss.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.special import logsumexp as sp_logsumexp
from scipy.special import softmax as sp_softmax

from calcml import network
from calcml.diff import complex_step_gradient


def problem(seed: int, m: int = 7, n: int = 4, h: int = 5, k: int = 3):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(m, n))
    y = rng.integers(0, k, size=m)
    params = {"W1": rng.normal(size=(n, h)), "b1": rng.normal(0, 0.5, size=h),
              "W2": rng.normal(size=(h, k)), "b2": rng.normal(0, 0.5, size=k)}
    return X, y, params


def ce(Z, y):
    """Mean cross-entropy written for complex Z (the shift is a real constant)."""
    c = np.max(Z.real, axis=1, keepdims=True)
    return np.mean(np.log(np.sum(np.exp(Z - c), axis=1)) + c[:, 0] - Z[np.arange(len(Z)), y])


def net_loss(P, X, y):
    Z1 = X @ P["W1"] + P["b1"]
    A1 = np.where(Z1.real > 0, Z1, 0)
    return ce(A1 @ P["W2"] + P["b2"], y)


def test_linear_vjp_equals_jacobian_transpose_times_g():
    rng = np.random.default_rng(0)
    X, W, b, G = (rng.normal(size=(3, 4)), rng.normal(size=(4, 2)), rng.normal(size=2),
                  rng.normal(size=(3, 2)))
    dX, dW, db = network.linear_vjp(X, W, b, G)
    # dL/dX for L = sum(G * Z) is the VJP; build it from the explicit Jacobian dZ/dX
    J = np.einsum("ij,kl->ikjl", np.eye(3), W.T)  # dZ[i,k]/dX[j,l] = delta_ij W[l,k]
    np.testing.assert_allclose(dX, np.einsum("ik,ikjl->jl", G, J), rtol=1e-14)
    for got, arg, f in ((dW, W, lambda v: np.sum(G * (X @ v + b))),
                        (db, b, lambda v: np.sum(G * (X @ W + v)))):
        np.testing.assert_allclose(got, complex_step_gradient(f, arg), rtol=1e-12)
        assert got.shape == arg.shape


def test_relu_vjp_masks_where_z_not_positive():
    Z = np.array([[-1.0, 0.0, 2.0], [3.0, -0.5, 1e-300]])
    G = np.arange(6.0).reshape(2, 3) + 1
    np.testing.assert_array_equal(network.relu_vjp(Z, G), [[0, 0, 3], [4, 0, 6]])


@pytest.mark.parametrize("scale", [1.0, 1e4])
def test_softmax_cross_entropy_vjp_exact_for_large_logits(scale):
    rng = np.random.default_rng(3)
    Z = rng.normal(size=(6, 4)) * scale
    y = rng.integers(0, 4, size=6)
    loss, dZ = network.softmax_cross_entropy_vjp(Z, y)
    want = np.mean(sp_logsumexp(Z, axis=1) - Z[np.arange(6), y])
    assert loss == pytest.approx(want, rel=1e-12)
    onehot = np.eye(4)[y]
    np.testing.assert_allclose(dZ, (sp_softmax(Z, axis=1) - onehot) / 6, atol=1e-15)
    if scale == 1.0:
        np.testing.assert_allclose(dZ, complex_step_gradient(lambda v: ce(v, y), Z), rtol=1e-10)
    assert network.softmax_cross_entropy(Z, y) == loss


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_mlp_multiclass_gradient_matches_complex_step(seed):
    X, y, P = problem(seed)
    before = {k: v.copy() for k, v in P.items()}
    loss, grads = network.mlp_multiclass_gradient(P, X, y)
    assert loss == pytest.approx(net_loss(P, X, y).real, rel=1e-13)
    for key in network.KEYS:
        want = complex_step_gradient(lambda v, key=key: net_loss({**P, key: v}, X, y), P[key])
        assert grads[key].shape == P[key].shape
        np.testing.assert_allclose(grads[key], want, rtol=1e-9, atol=1e-13)
        assert np.array_equal(P[key], before[key])


def test_forward_loss_predict_accuracy():
    X, y, P = problem(4)
    Z2, cache = network.mlp_multiclass_forward(P, X)
    assert Z2.shape == (7, 3) and set(cache) == {"X", "Z1", "A1", "Z2"}
    assert network.mlp_multiclass_loss(P, X, y) == pytest.approx(net_loss(P, X, y).real)
    pred = network.predict(P, X)
    assert pred.dtype.kind == "i" and np.array_equal(pred, np.argmax(Z2, axis=1))
    assert network.accuracy(np.array([0, 1, 2, 2]), np.array([0, 1, 1, 2])) == 0.75


def test_init_is_he_in_the_fixed_order():
    P = network.init_mlp_multiclass(5, 7, 3, seed=11)
    rng = np.random.default_rng(11)
    np.testing.assert_array_equal(P["W1"], rng.normal(0, np.sqrt(2 / 5), (5, 7)))
    np.testing.assert_array_equal(P["W2"], rng.normal(0, np.sqrt(2 / 7), (7, 3)))
    assert not P["b1"].any() and P["b2"].shape == (3,)


def test_batch_training_is_plain_gradient_descent_and_history_is_exact():
    X, y, _ = problem(5, m=12, k=3)
    P, hist = network.train_mlp_multiclass(X, y, 6, 0.3, 4, k=3, seed=2, X_test=X[:5],
                                           y_test=y[:5])
    Q = network.init_mlp_multiclass(4, 6, 3, seed=2)
    losses = []
    for _ in range(4):
        losses.append(net_loss(Q, X, y))
        g = {key: complex_step_gradient(lambda v, key=key, Q=Q: net_loss({**Q, key: v}, X, y),
                                        Q[key])
             for key in network.KEYS}
        Q = {key: Q[key] - 0.3 * g[key] for key in network.KEYS}
    losses.append(net_loss(Q, X, y))
    for key in network.KEYS:
        np.testing.assert_allclose(P[key], Q[key], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(hist["train"], losses, rtol=1e-10)
    assert hist["test"].shape == (5,)
    assert hist["test"][-1] == pytest.approx(net_loss(Q, X[:5], y[:5]), rel=1e-9)


def test_minibatch_training_learns_the_digits_quickly():
    from calcml.datasets import digits
    X, y = digits()
    X = X[:600] / 16
    P, hist = network.train_mlp_multiclass(X[:450], y[:450], 16, 0.2, 20, batch_size=32, k=10)
    assert hist["train"].shape == (21,) and hist["train"][-1] < 0.5 * hist["train"][0]
    assert network.accuracy(y[450:600], network.predict(P, X[450:])) > 0.75  # chance: 0.1


def test_deep_statistics_vanishing_for_sigmoid_steady_for_he_relu():
    sig = network.gradient_norms_by_depth("sigmoid", 12)
    rel = network.gradient_norms_by_depth("relu", 12)
    assert sig.shape == rel.shape == (12,)
    assert sig[0] < 1e-3 * sig[-1]  # vanishing towards the input
    assert 0.1 < rel[0] / rel[-1] < 10
    s = network.deep_network_statistics("relu", 20, 128, m=512)
    assert np.all((s["activation_var"] > 0.5) & (s["activation_var"] < 8))
    small = network.deep_network_statistics("relu", 20, 128, gain=1.0, m=512)
    assert small["activation_var"][-1] < 1e-3 * small["activation_var"][0] * 2 ** -5


def test_bad_inputs_name_the_argument():
    X, y, P = problem(6)
    with pytest.raises(ValueError, match="^G must have the shape of Z"):
        network.linear_vjp(X, P["W1"], P["b1"], np.ones((7, 4)))
    with pytest.raises(ValueError, match="^W must have 4 rows"):
        network.linear_vjp(X, P["W2"], P["b2"], np.ones((7, 3)))
    with pytest.raises(ValueError, match="^y must hold class labels 0..2"):
        network.softmax_cross_entropy_vjp(np.zeros((2, 3)), np.array([0, 3]))
    with pytest.raises(ValueError, match="^y must hold one label per row"):
        network.mlp_multiclass_gradient(P, X, y[:3])
    with pytest.raises(ValueError, match="^params is missing the keys"):
        network.mlp_multiclass_gradient({"W1": P["W1"]}, X, y)
    with pytest.raises(ValueError, match="^X must have 4 columns"):
        network.predict(P, X[:, :2])
    with pytest.raises(ValueError, match="^Z must be finite"):
        network.softmax_cross_entropy_vjp(np.array([[np.nan, 0.0]]), np.array([0]))
    with pytest.raises(ValueError, match="^activation must be one of"):
        network.deep_network_statistics("gelu", 3)
    with pytest.raises(ValueError, match="^pass both X_test and y_test"):
        network.train_mlp_multiclass(X, y, 3, 0.1, 1, X_test=X)
    with pytest.raises(ValueError, match="^y must hold integer class labels"):
        network.train_mlp_multiclass(X, np.full(7, np.nan), 3, 0.1, 1)
    with pytest.raises(ValueError, match="^y holds only the label 0"):
        network.train_mlp_multiclass(X, np.zeros(7, dtype=int), 3, 0.1, 1)
    with pytest.raises(ValueError, match="^X_test must have 4 columns"):
        network.train_mlp_multiclass(X, y, 3, 0.1, 1, X_test=X[:, :2], y_test=y)
