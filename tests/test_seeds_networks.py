"""Recompute, with calcml, every worked example of the notes on classification and neural
networks (chapters 8 to 10) and compare it with the verified table
calcml/data/seed_examples.json. Where the notes were wrong, check that the wrong claim
really differs from the correct value."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from calcml import datasets, models
from calcml.autograd import Value
from calcml.diff import central_difference, gradient, jacobian, relative_error
from calcml.functions import relu_derivative, sigmoid, sigmoid_derivative, softmax
from calcml.seeds import agree, expected, seed_example

# ----------------------------------------------------------------- chapter 8: logistic


def test_s002_sentiment_counts_are_corrected_and_separable():
    # the counts themselves are checked against the table in tests/test_datasets.py
    entry = seed_example("s002_sentiment_counts")
    X, y = datasets.sentiment_counts()
    assert not np.array_equal(X, entry["seed_claim"]["table_ya_na"])
    # the counts are separable: logistic regression classifies all four sentences
    w, b = models.train_logistic_regression(X, y, 0.5, 200)
    np.testing.assert_array_equal(models.logistic_predict(w, b, X), y)


def test_s004_logistic_posterior():
    a = seed_example("s004_logistic_posterior")["inputs"]["a_theta_T_x"]
    # the odds e^a turned into a probability, and the sigmoid: the same number
    agree("s004_logistic_posterior", "P_y1", math.exp(a) / (1 + math.exp(a)))
    agree("s004_logistic_posterior", "P_y1", float(sigmoid(a)))
    agree("s004_logistic_posterior", "seed_expression_1_over_1_plus_exp_a", 1 / (1 + math.exp(a)))
    # log-odds of the answer give back a
    p = float(sigmoid(a))
    assert math.log(p / (1 - p)) == pytest.approx(a, rel=1e-12)


def test_s004_dlog_sigmoid():
    a = seed_example("s004_dlog_sigmoid")["inputs"]["a"]
    agree("s004_dlog_sigmoid", "derivative", 1 - float(sigmoid(a)))
    v = Value(a)
    v.sigmoid().log().backward()
    agree("s004_dlog_sigmoid", "derivative", v.grad)
    numeric = central_difference(lambda t: np.log(sigmoid(t)), a)
    agree("s004_dlog_sigmoid", "derivative", numeric, rtol=1e-8)


def test_s004_bce_gradient():
    inputs = seed_example("s004_bce_gradient")["inputs"]
    X, y, theta = (np.array(inputs[k], dtype=float) for k in ("X", "y", "theta"))
    m = len(y)
    # the notes use the summed loss and put the bias in X's column of ones: b = 0
    agree("s004_bce_gradient", "loss", m * models.logistic_loss(theta, 0.0, X, y))
    dw, db = models.logistic_gradient(theta, 0.0, X, y)
    agree("s004_bce_gradient", "gradient", m * dw)
    assert db == pytest.approx(dw[0])  # the column of ones plays the bias
    numeric = gradient(lambda t: m * models.logistic_loss(t, 0.0, X, y), theta)
    agree("s004_bce_gradient", "gradient", numeric, rtol=1e-7)


def test_s000_bernoulli_entropy():
    p = np.array(seed_example("s000_bernoulli_entropy")["inputs"]["p"])
    H = -(p * np.log2(p) + (1 - p) * np.log2(1 - p))
    agree("s000_bernoulli_entropy", "H_bits", H)
    agree("s000_bernoulli_entropy", "H_bits_p0.5", H[0])
    # the entropy of a coin is the cross-entropy of the coin with itself (in nats)
    nats = models.logistic_loss(np.zeros(1), 0.0, np.zeros((2, 1)), np.array([1.0, 0.0]))
    agree("s000_bernoulli_entropy", "H_nats_p0.5", nats)
    seed_formula = -((1 - 0.5) * np.log2(1 - 0.5)) + 0.5 * np.log2(0.5)
    agree("s000_bernoulli_entropy", "seed_formula_as_written_at_p0.5", seed_formula)


# ------------------------------------------------------------------ chapter 9: softmax


def test_s004_one_vs_one():
    ks = seed_example("s004_one_vs_one")["inputs"]["k"]
    brute = [len(list(itertools.combinations(range(k), 2))) for k in ks]
    agree("s004_one_vs_one", "classifiers", brute)
    agree("s004_one_vs_one", "classifiers", [k * (k - 1) // 2 for k in ks])
    assert [k * (k + 1) // 2 for k in ks] != brute


def test_s004_softmax_derivative():
    z = np.array(seed_example("s004_softmax_derivative")["inputs"]["z"])
    s = softmax(z)
    agree("s004_softmax_derivative", "softmax", s)
    agree("s004_softmax_derivative", "jacobian", models.softmax_jacobian(z))
    agree("s004_softmax_derivative", "jacobian", jacobian(softmax, z), rtol=1e-8, atol=1e-10)
    # rows j, columns i: d log s_j / d z_i = delta_ij - s_i
    log_jac = np.eye(3) - s[None, :]
    agree("s004_softmax_derivative", "log_softmax_jacobian", log_jac)
    numeric = jacobian(lambda v: np.log(softmax(v)), z)
    agree("s004_softmax_derivative", "log_softmax_jacobian", numeric, rtol=1e-8, atol=1e-10)
    # the notes' line subtracts s_j instead of s_i: the transpose, wrong off the diagonal
    seed = np.eye(3) - s[:, None]
    agree("s004_softmax_derivative", "log_softmax_jacobian", seed.T)
    assert not np.allclose(seed, log_jac)


def test_s004_cce_gradient():
    inputs = seed_example("s004_cce_gradient")["inputs"]
    X = np.array(inputs["X"])
    y = np.array(inputs["y"])
    W = np.array(inputs["Theta_rows_theta_j"]).T  # column j = theta_j
    b = np.zeros(3)
    m = len(y)
    agree("s004_cce_gradient", "loss", m * models.softmax_loss(W, b, X, y))
    dW, _ = models.softmax_gradient(W, b, X, y)
    agree("s004_cce_gradient", "gradient_rows_theta_j", (m * dW).T)
    numeric = gradient(lambda M: m * models.softmax_loss(M, b, X, y), W)
    agree("s004_cce_gradient", "gradient_rows_theta_j", numeric.T, rtol=1e-7)


# ------------------------------------------------------------- chapter 10: backprop


def test_s003_parameter_count():
    layers = seed_example("s003_parameter_count")["inputs"]["layers"]
    agree("s003_parameter_count", "params_total", models.count_parameters(layers))
    shapes = [[b, a + 1] for a, b in itertools.pairwise(layers)]  # bias trick: one extra column
    agree("s003_parameter_count", "num_weight_matrices", len(shapes))
    agree("s003_parameter_count", "W1_shape", shapes[0])
    agree("s003_parameter_count", "W2_shape", shapes[1])
    agree("s003_parameter_count", "params_first_linear_layer", shapes[0][0] * shapes[0][1])
    agree("s003_parameter_count", "params_activation_layer", 0)


def test_s000_forward_pass():
    inputs = seed_example("s000_forward_pass")["inputs"]
    X, W1, W2 = (np.array(inputs[k]) for k in ("X", "W1", "W2"))
    agree("s000_forward_pass", "hidden", (X @ W1)[0])
    agree("s000_forward_pass", "y_hat", (X @ W1 @ W2).item())
    agree("s000_forward_pass", "y_hat", (X @ (W1 @ W2)).item())  # two linear layers are one


def s003_network():
    """The notes' network with Values: returns the named nodes and the loss."""
    inputs = seed_example("s003_neural_network")["inputs"]
    W1 = [[Value(w) for w in row] for row in inputs["W1"]]
    W2 = [Value(w) for w in inputs["W2"]]
    x = [1.0, *inputs["x"]]
    a = [sum((w * xi for w, xi in zip(row, x, strict=True)), Value(0.0)) for row in W1]
    z = [ai.relu() for ai in a]
    b = W2[0] + W2[1] * z[0] + W2[2] * z[1]
    y_hat = b.sigmoid()
    loss = (inputs["y"] - y_hat) ** 2
    return W1, W2, a, z, b, y_hat, loss


def test_s003_neural_network_by_autograd():
    ex = "s003_neural_network"
    W1, W2, a, z, b, y_hat, loss = s003_network()
    loss.backward()
    agree(ex, "a", [ai.data for ai in a])
    agree(ex, "z", [zi.data for zi in z])
    agree(ex, "b", b.data)
    agree(ex, "y_hat", y_hat.data)
    agree(ex, "class_threshold_0.5", int(y_hat.data >= 0.5))
    agree(ex, "loss", loss.data)
    agree(ex, "dl_dyhat", y_hat.grad)
    agree(ex, "dJ_dW1_full", [[w.grad for w in row] for row in W1])
    agree(ex, "dJ_dW2_full", [w.grad for w in W2])
    agree(ex, "dJ_dW2_1_1", W2[1].grad)
    agree(ex, "dJ_dW1_1_2", W1[0][2].grad)
    eta = seed_example(ex)["inputs"]["eta"]
    agree(ex, "W2_1_1_updated", W2[1].data - eta * W2[1].grad)
    agree(ex, "W1_1_2_updated", W1[0][2].data - eta * W1[0][2].grad)


def test_s003_neural_network_by_hand_and_with_mlp_forward():
    ex = "s003_neural_network"
    inputs = seed_example(ex)["inputs"]
    W1, W2, y = np.array(inputs["W1"]), np.array(inputs["W2"]), inputs["y"]
    x = np.array(inputs["x"])
    params = {"W1": W1[:, 1:].T, "b1": W1[:, 0], "W2": W2[1:, None], "b2": W2[:1]}
    p, cache = models.mlp_forward(params, x[None, :])
    agree(ex, "a", cache["Z1"][0])
    agree(ex, "z", cache["A1"][0])
    agree(ex, "b", cache["Z2"].item())
    agree(ex, "y_hat", p[0])
    y_hat = p[0]
    # the chain of local derivatives, link by link
    agree(ex, "dl_dyhat", -2 * (y - y_hat))
    agree(ex, "dyhat_db", float(sigmoid_derivative(cache["Z2"].item())))
    agree(ex, "db_dW2_1_1", cache["A1"][0, 0])
    agree(ex, "db_dz1", W2[1])
    agree(ex, "dz1_da1", float(relu_derivative(cache["Z1"][0, 0])))
    agree(ex, "da1_dW1_1_2", x[1])
    # squared error and cross-entropy differ only in dL/db: 2 y_hat (1 - y_hat) times apart
    grads = models.mlp_backward(params, cache, np.array([y]))
    factor = 2 * y_hat * (1 - y_hat)
    agree(ex, "dJ_dW2_1_1", factor * grads["W2"][0, 0])
    agree(ex, "dJ_dW1_1_2", factor * grads["W1"][1, 0])


def test_s002_two_layer_backprop():
    ex = "s002_two_layer_backprop"
    inputs = seed_example(ex)["inputs"]
    P = {k: Value(v, label=k) for k, v in inputs["params"].items()}
    x1, x2 = inputs["x"]
    y = inputs["y"]
    a1 = (x1 * P["w11"] + x2 * P["w21"] + P["b1"]).sigmoid()
    a2 = (x1 * P["w12"] + x2 * P["w22"] + P["b2"]).sigmoid()
    y_hat = (a1 * P["w1"] + a2 * P["w2"] + P["b"]).sigmoid()
    loss = -(y * y_hat.log() + (1 - y) * (1 - y_hat).log())
    loss.backward()
    agree(ex, "a1", a1.data)
    agree(ex, "a2", a2.data)
    agree(ex, "y_hat", y_hat.data)
    agree(ex, "loss", loss.data)
    for name, node in P.items():
        assert node.grad == pytest.approx(expected(ex, "grad")[name], rel=1e-9, abs=1e-12), name
    # the hand formulas: dL/dw11 = -x1 w1 a1 (1 - a1) (y - y_hat)
    w1 = inputs["params"]["w1"]
    assert P["w11"].grad == pytest.approx(-x1 * w1 * a1.data * (1 - a1.data) * (y - y_hat.data))
    # the notes' update list swaps w12 and w21
    claim = seed_example(ex)["seed_claim"]["as_gradients_here"]
    assert claim["w12"] == pytest.approx(P["w21"].grad) and claim["w21"] == pytest.approx(
        P["w12"].grad
    )


def q12_forward(X, W_rows, v):
    Z = sigmoid(X @ W_rows.T)  # samples x hidden units
    Z1 = np.column_stack([np.ones(len(X)), Z])
    return Z, Z1, Z1 @ v


def test_s004_q12_network():
    ex = "s004_q12_network"
    inputs = seed_example(ex)["inputs"]
    X, W, v, y = (np.array(inputs[k]) for k in ("X", "W_rows_w1_w2_w3", "v", "y"))
    agree(ex, "hidden_preactivations_samples_x_units", X @ W.T)
    Z, Z1, y_hat = q12_forward(X, W, v)
    agree(ex, "Z_samples_x_units", Z)
    agree(ex, "y_hat", y_hat)
    agree(ex, "per_sample_loss", (y_hat - y) ** 2)
    agree(ex, "total_loss", np.sum((y_hat - y) ** 2))
    d_yhat = 2 * (y_hat - y)
    agree(ex, "dL_dyhat", d_yhat)
    agree(ex, "dL_dv", Z1.T @ d_yhat)
    agree(ex, "sigmoid_prime_units_x_samples", (Z * (1 - Z)).T)
    dA = np.outer(d_yhat, v[1:]) * Z * (1 - Z)
    agree(ex, "dL_dW_rows_w1_w2_w3", dA.T @ X)

    def loss(Wm):
        return np.sum((q12_forward(X, Wm, v)[2] - y) ** 2)

    agree(ex, "dL_dW_rows_w1_w2_w3", gradient(loss, W), rtol=1e-7)
    agree(ex, "dL_dv", gradient(lambda vv: np.sum((q12_forward(X, W, vv)[2] - y) ** 2), v),
          rtol=1e-7)
    # the notes stacked the hidden units as rows: Z transposed
    agree(ex, "seed_style_y_hat_using_Z_transposed",
          np.column_stack([np.ones(3), Z.T]) @ v)
    claim = seed_example(ex)["seed_claim"]
    assert relative_error(np.array(claim["dL_dW"]), dA.T @ X) > 0.5


def test_s000_variance_scaling():
    ex = "s000_variance_scaling"
    inputs = seed_example(ex)["inputs"]
    sw, sx, N = inputs["sigma_w"], inputs["sigma_x"], inputs["N"]
    rng = np.random.default_rng(0)
    for k in inputs["k"]:
        agree(ex, f"theory_var_k{k}", k * sw**2 * sx**2)
        w = rng.normal(0, sw, size=(N, k))
        x = rng.normal(0, sx, size=(N, k))
        agree(ex, f"simulated_var_k{k}", np.var(np.sum(w * x, axis=1)))
    w = rng.normal(0, 1 / math.sqrt(64), size=(N, 64))
    x = rng.normal(0, sx, size=(N, 64))
    agree(ex, "theory_var_k64_sigma_w2_eq_1_over_k", 64 * (1 / 64) * sx**2)
    agree(ex, "simulated_var_k64_sigma_w2_eq_1_over_k", np.var(np.sum(w * x, axis=1)))
