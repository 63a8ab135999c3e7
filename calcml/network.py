"""Reverse mode for networks: the vector-Jacobian products of layers, a multi-class MLP.

Each layer maps its input to an output; given the upstream gradient ``G = dL/d(output)``
its VJP returns ``dL/d(input)`` (and the parameters' gradients) without ever forming
the layer's Jacobian. Backpropagation is these VJPs applied from the loss back:

    Z1 = X W1 + b1   A1 = relu(Z1)   Z2 = A1 W2 + b2   L = mean cross-entropy(softmax(Z2))

Row-vector convention throughout: ``X`` is (m, n), a layer's ``W`` is (inputs, outputs).
Losses are computed from the logits (log-sum-exp), so they stay exact for any logits.
The last section measures activations and gradients layer by layer in deep networks
(vanishing gradients, Xavier and He initialisation).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from calcml._validate import as_count, as_float_array, require_positive
from calcml.functions import _ce_of_logits, relu, sigmoid

__all__ = [
    "linear_vjp",
    "relu_vjp",
    "softmax_cross_entropy",
    "softmax_cross_entropy_vjp",
    "init_mlp_multiclass",
    "mlp_multiclass_forward",
    "mlp_multiclass_loss",
    "mlp_multiclass_gradient",
    "train_mlp_multiclass",
    "predict",
    "accuracy",
    "deep_network_statistics",
    "gradient_norms_by_depth",
]

KEYS = ("W1", "b1", "W2", "b2")


# ---------------------------------------------------------------------------------------
# the layers' vector-Jacobian products
# ---------------------------------------------------------------------------------------


def _matrix(value: ArrayLike, name: str) -> np.ndarray:
    return as_float_array(value, name, ndim=2)


def linear_vjp(
    X: ArrayLike, W: ArrayLike, b: ArrayLike, G: ArrayLike
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The VJP of the linear layer Z = X W + b for an upstream gradient G = dL/dZ.

    Returns ``(dX, dW, db) = (G W^T, X^T G, sum of G's rows)``, shaped like X (m, n),
    W (n, k) and b (k,).
    """
    X, W, G = _matrix(X, "X"), _matrix(W, "W"), _matrix(G, "G")
    b = as_float_array(b, "b", ndim=1)
    m, n = X.shape
    if W.shape[0] != n:
        raise ValueError(f"W must have {n} rows to match X.shape = {X.shape}, got {W.shape}")
    k = W.shape[1]
    if b.shape != (k,):
        raise ValueError(f"b must have shape ({k},) to match W.shape = {W.shape}, got {b.shape}")
    if G.shape != (m, k):
        raise ValueError(f"G must have the shape of Z = X W + b, ({m}, {k}), got {G.shape}")
    return G @ W.T, X.T @ G, G.sum(axis=0)


def relu_vjp(Z: ArrayLike, G: ArrayLike) -> np.ndarray:
    """The VJP of A = relu(Z): dL/dZ = G * relu'(Z), with relu'(0) = 0."""
    Z = as_float_array(Z, "Z")
    G = as_float_array(G, "G")
    if Z.shape != G.shape:
        raise ValueError(f"G must have the shape of Z, {Z.shape}, got {G.shape}")
    return np.where(Z > 0, G, 0.0)


def _labels(y: ArrayLike, m: int, k: int, name: str = "y") -> np.ndarray:
    """Integer class labels 0..k-1 of shape (m,), from ints or whole floats."""
    y_arr = np.asarray(y)
    if y_arr.ndim != 1 or y_arr.dtype.kind not in "iuf":
        raise ValueError(f"{name} must be a 1-D array of integer class labels, got shape "
                         f"{y_arr.shape} and dtype {y_arr.dtype}")
    if len(y_arr) != m:
        raise ValueError(f"{name} must hold one label per row ({m}), got {len(y_arr)}")
    if y_arr.dtype.kind == "f" and not np.all(np.isfinite(y_arr)):
        raise ValueError(f"{name} must hold integer class labels, got a non-finite value")
    labels = y_arr.astype(int)
    if np.any(labels != y_arr) or np.any(labels < 0) or np.any(labels >= k):
        raise ValueError(f"{name} must hold class labels 0..{k - 1} (there are {k} classes), "
                         f"got the values {np.unique(y_arr)[:10]}")
    return labels


def _logits_and_labels(Z: ArrayLike, y: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    Z = _matrix(Z, "Z")
    return Z, _labels(y, len(Z), Z.shape[1])


def softmax_cross_entropy(Z: ArrayLike, y: ArrayLike) -> float:
    """The mean cross-entropy of softmax(Z) against integer labels, from the logits:
    mean over rows of logsumexp(Z_i) - Z_i[y_i] (exact for logits of any size)."""
    Z, labels = _logits_and_labels(Z, y)
    return _cross_entropy(Z, labels)


def _cross_entropy(Z: np.ndarray, labels: np.ndarray) -> float:
    return _ce_of_logits(Z, labels)


def softmax_cross_entropy_vjp(Z: ArrayLike, y: ArrayLike) -> tuple[float, np.ndarray]:
    """``(loss, dZ)``: the mean cross-entropy of softmax(Z) and its gradient
    (softmax(Z) - onehot(y)) / m, an (m, k) array; finite for logits of any size."""
    Z, labels = _logits_and_labels(Z, y)
    return _cross_entropy_and_grad(Z, labels)


def _cross_entropy_and_grad(Z: np.ndarray, labels: np.ndarray) -> tuple[float, np.ndarray]:
    """The loss and its gradient from one shifted softmax (no input checks)."""
    rows = np.arange(len(Z))
    top = Z.max(axis=1)
    E = np.exp(Z - top[:, None])  # shifted by each row's maximum: no overflow
    S = E.sum(axis=1)
    loss = float(np.mean(top + np.log(S) - Z[rows, labels]))
    dZ = E / S[:, None]
    dZ[rows, labels] -= 1.0  # minus the one-hot rows
    return loss, dZ / len(Z)


# ---------------------------------------------------------------------------------------
# the multi-class two-layer network
# ---------------------------------------------------------------------------------------


def init_mlp_multiclass(n: int, n_hidden: int, k: int, seed: int = 0) -> dict[str, np.ndarray]:
    """He initialisation: ``rng = np.random.default_rng(seed)``, W1 ~ N(0, 2/n) of shape
    (n, n_hidden), then W2 ~ N(0, 2/n_hidden) of shape (n_hidden, k) (variances; the
    standard deviations are their square roots), zero biases."""
    n = as_count(n, "n", minimum=1)
    n_hidden = as_count(n_hidden, "n_hidden", minimum=1)
    k = as_count(k, "k", minimum=2)
    rng = np.random.default_rng(seed)
    return {"W1": rng.normal(0.0, np.sqrt(2.0 / n), (n, n_hidden)), "b1": np.zeros(n_hidden),
            "W2": rng.normal(0.0, np.sqrt(2.0 / n_hidden), (n_hidden, k)), "b2": np.zeros(k)}


def _params(params: Any, n: int | None = None) -> dict[str, np.ndarray]:
    if not isinstance(params, dict):
        raise TypeError(f"params must be a dict with keys {KEYS}, got {type(params).__name__}")
    missing = [key for key in KEYS if key not in params]
    if missing:
        raise ValueError(f"params is missing the keys {missing}; it needs {KEYS}")
    W1 = as_float_array(params["W1"], "params['W1']", ndim=2)
    W2 = as_float_array(params["W2"], "params['W2']", ndim=2)
    n_in, h = W1.shape
    k = W2.shape[1]
    shapes = {"b1": (h,), "W2": (h, k), "b2": (k,)}
    out = {"W1": W1, "W2": W2}
    for key in ("b1", "W2", "b2"):
        arr = out.get(key)
        if arr is None:
            arr = as_float_array(params[key], f"params[{key!r}]")
        if arr.shape != shapes[key]:
            raise ValueError(f"params[{key!r}] must have shape {shapes[key]} to match "
                             f"W1 {W1.shape} and W2 {W2.shape}, got {arr.shape}")
        out[key] = arr
    if n is not None and n_in != n:
        raise ValueError(f"params['W1'] must have {n} rows to match X with {n} columns, "
                         f"got {W1.shape}")
    return out


def _data(X: ArrayLike, y: ArrayLike | None, P: dict[str, np.ndarray], name: str = "X"
          ) -> tuple[np.ndarray, np.ndarray | None]:
    X = as_float_array(X, name, ndim=2)
    if X.shape[1] != P["W1"].shape[0]:
        raise ValueError(f"{name} must have {P['W1'].shape[0]} columns to match params['W1'] "
                         f"{P['W1'].shape}, got {name}.shape = {X.shape}")
    if y is None:
        return X, None
    return X, _labels(y, len(X), P["W2"].shape[1], "y" if name == "X" else "y_test")


def _forward(P: dict[str, np.ndarray], X: np.ndarray) -> dict[str, np.ndarray]:
    Z1 = X @ P["W1"] + P["b1"]
    A1 = np.maximum(Z1, 0.0)  # relu, without re-checking an array made here
    return {"X": X, "Z1": Z1, "A1": A1, "Z2": A1 @ P["W2"] + P["b2"]}


def mlp_multiclass_forward(params: dict[str, ArrayLike], X: ArrayLike
                           ) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """The logits Z2 = relu(X W1 + b1) W2 + b2, shape (m, k), and the cache
    ``{"X", "Z1", "A1", "Z2"}`` the backward pass reads."""
    P = _params(params)
    X, _ = _data(X, None, P)
    cache = _forward(P, X)
    return cache["Z2"], cache


def mlp_multiclass_loss(params: dict[str, ArrayLike], X: ArrayLike, y: ArrayLike) -> float:
    """The mean cross-entropy of the network's softmax output, from the logits."""
    P = _params(params)
    X, labels = _data(X, y, P)
    return _cross_entropy(_forward(P, X)["Z2"], labels)


def _backward(P: dict[str, np.ndarray], X: np.ndarray, labels: np.ndarray
              ) -> tuple[float, dict[str, np.ndarray]]:
    """Loss and gradients by the chain of VJPs (inputs already validated)."""
    c = _forward(P, X)
    loss, dZ2 = _cross_entropy_and_grad(c["Z2"], labels)  # the loss and its VJP
    dA1 = dZ2 @ P["W2"].T                        # VJP of the output layer, w.r.t. A1
    dZ1 = np.where(c["Z1"] > 0, dA1, 0.0)        # VJP of the ReLU
    grads = {"W1": X.T @ dZ1, "b1": dZ1.sum(axis=0), "W2": c["A1"].T @ dZ2,
             "b2": dZ2.sum(axis=0)}
    return loss, grads


def mlp_multiclass_gradient(params: dict[str, ArrayLike], X: ArrayLike, y: ArrayLike
                            ) -> tuple[float, dict[str, np.ndarray]]:
    """``(loss, grads)``: the mean cross-entropy of softmax(relu(X W1 + b1) W2 + b2)
    against integer labels y, and its gradients (keys and shapes of ``params``),
    computed as the chain of :func:`softmax_cross_entropy_vjp`, :func:`linear_vjp` and
    :func:`relu_vjp` from the loss back."""
    P = _params(params)
    X, labels = _data(X, y, P)
    return _backward(P, X, labels)


def train_mlp_multiclass(
    X: ArrayLike,
    y: ArrayLike,
    n_hidden: int,
    lr: float,
    n_epochs: int,
    *,
    k: int | None = None,
    batch_size: int | None = None,
    seed: int = 0,
    X_test: ArrayLike | None = None,
    y_test: ArrayLike | None = None,
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Train the network by batch (``batch_size=None``) or mini-batch gradient descent.

    Starts from :func:`init_mlp_multiclass` ``(n, n_hidden, k, seed)`` (``k`` defaults to
    ``max(y) + 1``; pass it when a class may be missing from ``y``). Mini-batches are
    drawn without replacement from a fresh permutation of the rows each epoch, by
    ``np.random.default_rng(seed + 1)``.

    Returns
    -------
    params : dict
        The parameters after ``n_epochs`` epochs.
    history : dict
        ``"train"``: the mean training loss before training and after each epoch,
        shape (n_epochs + 1,); with ``X_test, y_test`` also ``"test"``, the same on the
        test set. Every loss is computed from the logits.
    """
    X = as_float_array(X, "X", ndim=2)
    m, n = X.shape
    if k is None:  # the number of classes from the largest label
        labels = _labels(y, m, np.iinfo(np.int64).max)
        k = int(labels.max(initial=0)) + 1
        if k < 2:
            raise ValueError("y holds only the label 0; pass k, the number of classes (>= 2)")
    P = init_mlp_multiclass(n, as_count(n_hidden, "n_hidden", minimum=1), k, seed)
    _, labels = _data(X, y, P)
    lr = require_positive(lr, "lr")
    n_epochs = as_count(n_epochs, "n_epochs")
    b = m if batch_size is None else min(as_count(batch_size, "batch_size", minimum=1), m)
    if (X_test is None) != (y_test is None):
        raise ValueError("pass both X_test and y_test, or neither")
    test = None if X_test is None else _data(X_test, y_test, P, "X_test")
    rng = np.random.default_rng(seed + 1)

    def loss_on(data: tuple[np.ndarray, np.ndarray]) -> float:
        return _cross_entropy(_forward(P, data[0])["Z2"], data[1])

    train_losses = np.empty(n_epochs + 1)
    test_losses = np.empty(n_epochs + 1)
    for epoch in range(n_epochs + 1):
        if b == m:  # batch GD: the step's own forward pass gives the loss
            loss, grads = _backward(P, X, labels)
            train_losses[epoch] = loss
            if test is not None:
                test_losses[epoch] = loss_on(test)
            if epoch == n_epochs:
                break
            for key in KEYS:
                P[key] = P[key] - lr * grads[key]
            continue
        train_losses[epoch] = loss_on((X, labels))
        if test is not None:
            test_losses[epoch] = loss_on(test)
        if epoch == n_epochs:
            break
        order = rng.permutation(m)
        for start in range(0, m, b):
            rows = order[start:start + b]
            _, grads = _backward(P, X[rows], labels[rows])
            for key in KEYS:
                P[key] = P[key] - lr * grads[key]
    history = {"train": train_losses}
    if test is not None:
        history["test"] = test_losses
    return P, history


def predict(params: dict[str, ArrayLike], X: ArrayLike) -> np.ndarray:
    """The predicted class of each row: the index of the largest logit, as integers."""
    Z2, _ = mlp_multiclass_forward(params, X)
    return np.argmax(Z2, axis=1)


def accuracy(y_true: ArrayLike, y_pred: ArrayLike) -> float:
    """The fraction of labels predicted correctly."""
    t = as_float_array(y_true, "y_true", ndim=1)
    p = as_float_array(y_pred, "y_pred", ndim=1)
    if t.shape != p.shape:
        raise ValueError(f"y_true and y_pred must have the same shape, got {t.shape} and {p.shape}")
    if t.size == 0:
        raise ValueError("y_true is empty: accuracy needs at least one label")
    return float(np.mean(t == p))


# ---------------------------------------------------------------------------------------
# deep networks: activations and gradients layer by layer
# ---------------------------------------------------------------------------------------

_ACTIVATIONS = {
    "relu": (relu, lambda z, a: (z > 0).astype(float)),
    "sigmoid": (sigmoid, lambda z, a: a * (1.0 - a)),
    "tanh": (np.tanh, lambda z, a: 1.0 - a * a),
}


def deep_network_statistics(
    activation: str,
    depth: int,
    width: int = 64,
    *,
    gain: float | None = None,
    m: int = 256,
    k: int = 10,
    seed: int = 0,
) -> dict[str, np.ndarray]:
    """Forward and backward statistics, layer by layer, of a deep random network.

    ``depth`` hidden layers of ``width`` units with the given activation ("relu",
    "sigmoid" or "tanh"), then a linear layer to ``k`` logits and the mean cross-entropy
    against random labels, on ``m`` standard-normal inputs of dimension ``width``. Every
    weight is drawn from N(0, gain^2 / fan_in), biases zero; ``gain`` defaults to
    sqrt(2) for ReLU (He) and 1 otherwise (Xavier for square layers).

    Returns
    -------
    dict of arrays of shape (depth,), entry l for hidden layer l + 1:
        ``"activation_var"``: the variance of the layer's pre-activations Z_l;
        ``"gradient_var"``: the variance of dL/dZ_l (scaled by m^2, the per-example
        gradient's variance, so that it does not depend on the batch size);
        ``"weight_grad_norm"``: the Frobenius norm of dL/dW_l.
    """
    if activation not in _ACTIVATIONS:
        raise ValueError(f"activation must be one of {sorted(_ACTIVATIONS)}, got {activation!r}")
    depth = as_count(depth, "depth", minimum=1)
    width = as_count(width, "width", minimum=1)
    m = as_count(m, "m", minimum=1)
    k = as_count(k, "k", minimum=2)
    g = (np.sqrt(2.0) if activation == "relu" else 1.0) if gain is None else \
        require_positive(gain, "gain")
    act, act_prime = _ACTIVATIONS[activation]
    rng = np.random.default_rng(seed)
    Ws = [rng.normal(0.0, g / np.sqrt(width), (width, width)) for _ in range(depth)]
    W_out = rng.normal(0.0, 1.0 / np.sqrt(width), (width, k))
    A = rng.normal(size=(m, width))
    labels = rng.integers(0, k, size=m)
    inputs, Zs, As = [], [], []
    for W in Ws:
        inputs.append(A)
        Z = A @ W
        A = act(Z)
        Zs.append(Z)
        As.append(A)
    G = _cross_entropy_and_grad(A @ W_out, labels)[1] @ W_out.T  # dL/dA, last hidden layer
    grad_var = np.empty(depth)
    norms = np.empty(depth)
    for layer in range(depth - 1, -1, -1):
        dZ = G * act_prime(Zs[layer], As[layer])
        grad_var[layer] = np.var(dZ * m)
        norms[layer] = np.linalg.norm(inputs[layer].T @ dZ)
        G = dZ @ Ws[layer].T
    return {"activation_var": np.array([np.var(Z) for Z in Zs]), "gradient_var": grad_var,
            "weight_grad_norm": norms}


def gradient_norms_by_depth(activation: str, depth: int, width: int = 64, *,
                            gain: float | None = None, seed: int = 0) -> np.ndarray:
    """||dL/dW_l|| for l = 1..depth in a deep random network (see
    :func:`deep_network_statistics`): shape (depth,), layer 1 (nearest the input) first."""
    return deep_network_statistics(activation, depth, width, gain=gain,
                                   seed=seed)["weight_grad_norm"]
