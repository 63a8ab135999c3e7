"""Tests of calcml.perceptron against independent computations.

The perceptron is compared with a plain loop written here, checked against the
perceptron convergence theorem's bound on separable data, and shown to fail on XOR;
the linear neuron's step against finite differences; the boundary geometry against
the defining properties of a projection.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from calcml.perceptron import (
    PerceptronTrace,
    add_bias,
    boundary_distance_from_origin,
    closest_boundary_point,
    heaviside,
    linear_neuron_step,
    perceptron_predict,
    perceptron_trace,
    perceptron_train,
    signed_distance,
    unit_normal,
)

GATES = {
    "and": [0, 0, 0, 1],
    "or": [0, 1, 1, 1],
    "nand": [1, 1, 1, 0],
    "xor": [0, 1, 1, 0],
}
INPUTS = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])


def plain_perceptron(X, y, lr=1.0, max_epochs=100):
    """The perceptron rule written as a plain double loop over Python lists."""
    rows = [[1.0, *map(float, x)] for x in X]
    w = [0.0] * len(rows[0])
    updates = 0
    for _ in range(max_epochs):
        mistakes = 0
        for x, target in zip(rows, y, strict=True):
            a = sum(wi * xi for wi, xi in zip(w, x, strict=True))
            y_hat = 1 if a >= 0 else 0
            if y_hat != target:
                w = [wi + lr * (target - y_hat) * xi for wi, xi in zip(w, x, strict=True)]
                mistakes += 1
        updates += mistakes
        if mistakes == 0:
            break
    return np.array(w), updates


def separable_data(rng: np.random.Generator, m: int = 40, margin: float = 0.2):
    """Points at least ``margin`` away from a random line, labelled by its side."""
    w_star = rng.normal(size=2)
    w_star /= np.linalg.norm(w_star)
    b_star = rng.normal() * 0.5
    X = []
    while len(X) < m:
        x = rng.uniform(-3, 3, size=2)
        if abs(x @ w_star + b_star) >= margin:
            X.append(x)
    X = np.array(X)
    y = (X @ w_star + b_star > 0).astype(int)
    return X, y, b_star, w_star


# ----------------------------------------------------------------------- basics


def test_add_bias_matrix_and_vector_and_input_unchanged():
    X = np.array([[2, 3], [4, 5]])
    keep = X.copy()
    np.testing.assert_array_equal(add_bias(X), [[1, 2, 3], [1, 4, 5]])
    np.testing.assert_array_equal(add_bias(np.array([7.0, 8.0])), [1, 7, 8])
    assert add_bias(np.zeros((0, 3))).shape == (0, 4)
    np.testing.assert_array_equal(X, keep)


def test_heaviside_is_one_at_zero():
    np.testing.assert_array_equal(heaviside(np.array([-1e-300, 0.0, 2.0])), [0, 1, 1])
    assert heaviside(np.array([-0.5, 0.5])).dtype.kind == "i"


@pytest.mark.parametrize("seed", range(3))
def test_perceptron_predict_matches_a_loop(seed):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(25, 3))
    w = rng.normal(size=4)
    want = [1 if w[0] + w[1:] @ x >= 0 else 0 for x in X]
    got = perceptron_predict(w, X)
    np.testing.assert_array_equal(got, want)
    assert got.dtype.kind == "i"
    assert int(perceptron_predict(w, X[0])) == want[0]


# ----------------------------------------------------------------------- training


@pytest.mark.parametrize("gate", ["and", "or", "nand"])
def test_perceptron_learns_linearly_separable_gates(gate):
    y = GATES[gate]
    w, n_updates = perceptron_train(INPUTS, y)
    np.testing.assert_array_equal(perceptron_predict(w, INPUTS), y)
    w_ref, n_ref = plain_perceptron(INPUTS, y)
    np.testing.assert_array_equal(w, w_ref)
    assert n_updates == n_ref


def test_perceptron_and_gate_matches_the_hand_trace_of_the_notes():
    trace = perceptron_trace(INPUTS, GATES["and"])
    # after sample 1: [-1, 0, 0]; after sample 4: [0, 1, 1] (worked by hand)
    assert trace.steps[0]["w_after"] == [-1.0, 0.0, 0.0]
    assert trace.steps[3]["w_after"] == [0.0, 1.0, 1.0]
    assert trace.converged
    assert trace.mistakes_per_epoch[-1] == 0
    assert sum(trace.mistakes_per_epoch) == trace.n_updates
    assert len(trace.steps) == 4 * trace.n_epochs
    assert trace.weights.shape == (len(trace.steps) + 1, 3)


def test_xor_does_not_converge():
    trace = perceptron_trace(INPUTS, GATES["xor"], max_epochs=50)
    assert not trace.converged
    assert trace.n_epochs == 50
    assert all(k > 0 for k in trace.mistakes_per_epoch)
    assert trace.presentations_until_clean_run() is None
    # no weight vector it ever held separates XOR
    for w in trace.weights:
        assert not np.array_equal(perceptron_predict(w, INPUTS), GATES["xor"])


@pytest.mark.parametrize("seed", range(5))
def test_perceptron_on_random_separable_data(seed):
    rng = np.random.default_rng(seed)
    X, y, b_star, w_star = separable_data(rng)
    w, n_updates = perceptron_train(X, y, max_epochs=10_000)
    np.testing.assert_array_equal(perceptron_predict(w, X), y)
    w_ref, n_ref = plain_perceptron(X, y, max_epochs=10_000)
    np.testing.assert_allclose(w, w_ref)
    assert n_updates == n_ref
    # Novikoff: updates <= (R / gamma)^2 for the augmented data and separator
    Xt = add_bias(X)
    u = np.concatenate(([b_star], w_star))
    signs = 2 * y - 1
    gamma = np.min(signs * (Xt @ u)) / np.linalg.norm(u)
    R = np.max(np.linalg.norm(Xt, axis=1))
    assert n_updates <= (R / gamma) ** 2


def test_learning_rate_only_scales_the_weights_from_zero():
    rng = np.random.default_rng(5)
    X, y, *_ = separable_data(rng, m=30)
    w1, n1 = perceptron_train(X, y, lr=1.0, max_epochs=1000)
    w3, n3 = perceptron_train(X, y, lr=0.25, max_epochs=1000)
    assert n1 == n3
    np.testing.assert_allclose(w3, 0.25 * w1)


def test_perceptron_train_leaves_inputs_unchanged_and_accepts_float_labels():
    X = INPUTS.astype(float)
    y = np.array([0.0, 0.0, 0.0, 1.0])
    keep = (X.copy(), y.copy())
    w, _ = perceptron_train(X, y)
    np.testing.assert_array_equal(X, keep[0])
    np.testing.assert_array_equal(y, keep[1])
    assert w.shape == (3,)


def test_step_at_zero_variant_matches_a_strict_threshold_loop():
    y = GATES["and"]
    trace = perceptron_trace(INPUTS, y, step_at_zero=0)
    w = np.zeros(3)
    updates = 0
    for _ in range(100):
        mistakes = 0
        for x, t in zip(add_bias(INPUTS), y, strict=True):
            y_hat = int(w @ x > 0)
            if y_hat != t:
                w = w + (t - y_hat) * x
                mistakes += 1
        updates += mistakes
        if mistakes == 0:
            break
    np.testing.assert_array_equal(trace.w, w)
    assert trace.n_updates == updates


def test_presentations_until_clean_run_counts_a_run_of_m_correct():
    steps = [
        {"presentation": k + 1, "sample": k % 3 + 1, "yhat": int(ok), "y": 1}
        for k, ok in enumerate([0, 1, 1, 0, 1, 1, 1, 1])
    ]
    trace = PerceptronTrace(steps=steps, weights=np.zeros((9, 2)), n_updates=2)
    assert trace.presentations_until_clean_run() == 7


# ----------------------------------------------------------------------- the linear neuron


@pytest.mark.parametrize("seed", range(4))
def test_linear_neuron_step_is_a_gradient_step(seed):
    rng = np.random.default_rng(seed)
    n = 3
    w, b, x, y, lr = rng.normal(size=n), float(rng.normal()), rng.normal(size=n), 1.3, 0.07

    def loss(params):
        return 0.5 * (y - (params[:n] @ x + params[n])) ** 2

    p = np.concatenate((w, [b]))
    h = 1e-6
    g = np.array([(loss(p + h * e) - loss(p - h * e)) / (2 * h) for e in np.eye(n + 1)])
    w_keep = w.copy()
    w_new, b_new = linear_neuron_step(w, b, x, y, lr)
    np.testing.assert_allclose(w_new, w - lr * g[:n], rtol=1e-7, atol=1e-9)
    assert b_new == pytest.approx(b - lr * g[n], rel=1e-7, abs=1e-9)
    np.testing.assert_array_equal(w, w_keep)
    # a step in the gradient direction lowers the loss for a small lr
    assert loss(np.concatenate((w_new, [b_new]))) < loss(p)


def test_linear_neuron_sgd_converges_to_least_squares():
    rng = np.random.default_rng(6)
    X = rng.normal(size=(50, 2))
    y = X @ np.array([2.0, -1.0]) + 0.5  # noiseless: SGD reaches the exact fit
    w, b = np.zeros(2), 0.0
    for _ in range(200):
        for x_i, y_i in zip(X, y, strict=True):
            w, b = linear_neuron_step(w, b, x_i, y_i, 0.05)
    np.testing.assert_allclose(np.concatenate(([b], w)), [0.5, 2.0, -1.0], atol=1e-8)


# ----------------------------------------------------------------------- geometry


@pytest.mark.parametrize("seed", range(5))
def test_boundary_geometry_against_projection(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 5))
    w0, w = float(rng.normal()), rng.normal(size=n)
    u = unit_normal(w)
    assert np.linalg.norm(u) == pytest.approx(1.0)
    assert u @ w == pytest.approx(np.linalg.norm(w))  # parallel, same direction
    p = closest_boundary_point(w0, w)
    assert w0 + w @ p == pytest.approx(0.0, abs=1e-12)  # on the boundary
    # nearest: any other boundary point is farther from the origin
    t = rng.normal(size=n)
    t -= (t @ u) * u  # a direction along the boundary
    assert np.linalg.norm(p + t) > np.linalg.norm(p)
    assert boundary_distance_from_origin(w0, w) * u == pytest.approx(p)
    # signed distance: move from x along -u by d lands on the boundary
    X = rng.normal(size=(6, n))
    d = signed_distance(w0, w, X)
    feet = X - d[:, None] * u
    np.testing.assert_allclose(w0 + feet @ w, 0.0, atol=1e-12)
    np.testing.assert_array_equal(np.sign(d), np.sign(w0 + X @ w))
    assert signed_distance(w0, w, X[0]) == pytest.approx(d[0])
    # the origin's signed distance is minus the boundary's offset
    assert signed_distance(w0, w, np.zeros(n)) == pytest.approx(
        -boundary_distance_from_origin(w0, w)
    )


# ----------------------------------------------------------------------- bad inputs


@pytest.mark.parametrize(
    ("call", "error", "name"),
    [
        (lambda: add_bias(np.ones((2, 2, 2))), ValueError, "X"),
        (lambda: add_bias("abc"), TypeError, "X"),
        (lambda: perceptron_predict(np.ones(2), np.ones((3, 2))), ValueError, "w"),
        (lambda: perceptron_train(np.ones(4), [0, 1, 0, 1]), ValueError, "X"),
        (lambda: perceptron_train(INPUTS, [0, 1, 2, 1]), ValueError, "y"),
        (lambda: perceptron_train(INPUTS, [0, 1, 1]), ValueError, "X and y"),
        (lambda: perceptron_train(INPUTS, [0, 1, 1, 0], lr=0), ValueError, "lr"),
        (lambda: perceptron_train(INPUTS, [0, 1, 1, 0], max_epochs=-3), ValueError, "max_epochs"),
        (
            lambda: perceptron_trace(INPUTS, [0, 1, 1, 0], step_at_zero=2),
            ValueError,
            "step_at_zero",
        ),
        (lambda: perceptron_train(np.array([[0.0, np.nan]]), [1]), ValueError, "X"),
        (lambda: linear_neuron_step(np.ones(2), 0.0, np.ones(3), 1.0, 0.1), ValueError, "x"),
        (lambda: linear_neuron_step(np.ones(2), [0.0, 1.0], np.ones(2), 1.0, 0.1), ValueError, "b"),
        (lambda: linear_neuron_step(np.ones(2), 0.0, np.ones(2), np.inf, 0.1), ValueError, "y"),
        (lambda: unit_normal(np.zeros(2)), ValueError, "w"),
        (lambda: signed_distance(1.0, [2.0, 3.0], np.ones(3)), ValueError, "x"),
        (lambda: boundary_distance_from_origin([1.0, 2.0], [2.0, 3.0]), ValueError, "w0"),
    ],
)
def test_bad_inputs_raise_naming_the_argument(call, error, name):
    # the message starts with the argument's name, as a whole word: "w" must not match "got"
    with pytest.raises(error, match=rf"^{re.escape(name)}(?!\w)"):
        call()
