"""The classification models of chapters 8 to 10, written as forward/backward pairs.

Every model follows the same pattern, in the style of Stanford's CS231n notes:

* ``*_forward(params..., X)`` computes the model's output and returns it together with a
  ``cache``: a dict holding exactly the intermediate values the backward pass needs;
* ``*_backward(..., cache, y)`` turns the cache into the gradient of the *mean* loss,
  without recomputing anything the forward pass already knew;
* ``*_loss`` and ``*_gradient`` are the two composed for the common case, and
  ``train_*`` runs batch gradient descent from a fixed starting point.

Three models live here:

logistic regression  p = sigma(X w + b), mean binary cross-entropy (chapter 8);
softmax regression   P = softmax(X W + b), mean categorical cross-entropy (chapter 9);
two-layer MLP        p = sigma(relu(X W1 + b1) W2 + b2), mean binary cross-entropy
                     (chapter 10, shapes as in the course specification).

Gradients are checked against finite differences in the tests and in the chapters with
:func:`calcml.diff.gradient` and :func:`calcml.diff.relative_error`.

Every loss these functions report (``*_loss``, ``mlp_step``, the loss lists of
``train_*``) is computed from the logits, never from rounded probabilities, so it is
exact however confident the model is. The ``train_*`` loops check their inputs once and
then run the same arithmetic a bare numpy loop would.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from calcml._validate import (
    as_count,
    as_float_array,
    as_float_scalar,
    require_positive,
    require_same_length,
)
from calcml.functions import (
    _bce_of_logits,
    _ce_of_logits,
    _sigmoid,
    relu,
    relu_derivative,
    sigmoid,
    softmax,
)

__all__ = [
    # logistic regression
    "logistic_forward",
    "logistic_backward",
    "logistic_loss",
    "logistic_gradient",
    "train_logistic_regression",
    "logistic_predict",
    # softmax regression
    "one_hot",
    "softmax_jacobian",
    "softmax_forward",
    "softmax_backward",
    "softmax_loss",
    "softmax_gradient",
    "train_softmax_regression",
    "softmax_predict",
    # two-layer network
    "init_mlp",
    "mlp_forward",
    "mlp_backward",
    "mlp_loss",
    "mlp_step",
    "train_mlp",
    "mlp_predict",
    "count_parameters",
]


# ---------------------------------------------------------------------------
# input checks shared by the three models
# ---------------------------------------------------------------------------


def _data_matrix(X: ArrayLike, name: str = "X") -> np.ndarray:
    X = as_float_array(X, name, ndim=2)
    if X.shape[0] == 0:
        raise ValueError(f"{name} must hold at least one row, got shape {X.shape}")
    return X


def _binary_labels(y: ArrayLike, X: np.ndarray) -> np.ndarray:
    y = as_float_array(y, "y", ndim=1)
    require_same_length(X, y, "X", "y")
    if np.any((y < 0) | (y > 1)):
        raise ValueError(f"y must hold labels (or probabilities) in [0, 1], got y = {y}")
    return y


def _class_labels(y: ArrayLike, m: int, k: int | None = None) -> np.ndarray:
    y_float = as_float_array(y, "y", ndim=1)
    if len(y_float) != m:
        raise ValueError(
            f"X and y must have the same length, got {m} rows in X and y.shape = {y_float.shape}"
        )
    if np.any(y_float != np.round(y_float)) or np.any(y_float < 0):
        raise ValueError(f"y must hold class labels 0, 1, ..., k-1, got y = {y_float}")
    labels = y_float.astype(int)
    if k is not None and labels.size and labels.max() >= k:
        raise ValueError(f"y holds the label {labels.max()}, but there are only k = {k} classes")
    return labels


def _weight_vector(w: ArrayLike, n: int) -> np.ndarray:
    w = as_float_array(w, "w", ndim=1)
    if w.shape != (n,):
        raise ValueError(f"w must have shape ({n},) to match X with {n} columns, got {w.shape}")
    return w


# ---------------------------------------------------------------------------
# logistic regression (chapter 8)
# ---------------------------------------------------------------------------


def logistic_forward(w: ArrayLike, b: float, X: ArrayLike) -> tuple[np.ndarray, dict[str, Any]]:
    """Probabilities p = sigma(X w + b) of the class 1, with the cache for the backward pass.

    Parameters
    ----------
    w : array of shape (n,)
        The weights.
    b : float
        The bias.
    X : array of shape (m, n)
        One example per row.

    Returns
    -------
    p : array of shape (m,)
        P(y = 1 | x_i) for every row x_i.
    cache : dict
        ``{"X": X, "z": z, "p": p}`` with the logits z = X w + b.
    """
    X = _data_matrix(X)
    w = _weight_vector(w, X.shape[1])
    b = as_float_scalar(b, "b")
    z = X @ w + b
    p = sigmoid(z)
    return p, {"X": X, "z": z, "p": p}


def logistic_backward(cache: dict[str, Any], y: ArrayLike) -> tuple[np.ndarray, float]:
    """Gradient (dw, db) of the mean binary cross-entropy from a forward cache.

    With p = sigma(z) the loss of one example has dL/dz = p - y, so
    dw = X^T (p - y) / m and db = mean(p - y).
    """
    X, p = cache["X"], cache["p"]
    y = _binary_labels(y, X)
    dz = (p - y) / len(y)
    return X.T @ dz, float(np.sum(dz))


def logistic_loss(w: ArrayLike, b: float, X: ArrayLike, y: ArrayLike) -> float:
    """Mean binary cross-entropy of sigma(X w + b) against the labels y, from the logits."""
    _, cache = logistic_forward(w, b, X)
    return _bce_of_logits(_binary_labels(y, cache["X"]), cache["z"])


def logistic_gradient(
    w: ArrayLike, b: float, X: ArrayLike, y: ArrayLike
) -> tuple[np.ndarray, float]:
    """Gradient ``(dw, db)`` of the mean binary cross-entropy of sigma(X w + b).

    Returns
    -------
    dw : array of shape (n,)
        X^T (p - y) / m.
    db : float
        mean(p - y).
    """
    _, cache = logistic_forward(w, b, X)
    return logistic_backward(cache, y)


def train_logistic_regression(
    X: ArrayLike,
    y: ArrayLike,
    lr: float,
    n_epochs: int,
    *,
    return_losses: bool = False,
) -> tuple[np.ndarray, float] | tuple[np.ndarray, float, np.ndarray]:
    """Batch gradient descent on the mean binary cross-entropy, from w = 0, b = 0.

    Parameters
    ----------
    X : array of shape (m, n)
    y : array of shape (m,) with labels 0 and 1
    lr : float
        The learning rate, > 0.
    n_epochs : int
        The number of gradient steps (each uses the whole data set).
    return_losses : bool
        When true, also return the loss before each step and after the last one
        (an array of ``n_epochs + 1`` values).

    Returns
    -------
    (w, b) or (w, b, losses)
    """
    X = _data_matrix(X)
    y = _binary_labels(y, X)
    lr = require_positive(lr, "lr")
    n_epochs = as_count(n_epochs, "n_epochs")
    m = len(y)
    w, b = np.zeros(X.shape[1]), 0.0
    losses = []
    for _ in range(n_epochs):
        z = X @ w + b
        if return_losses:
            losses.append(_bce_of_logits(y, z))
        dz = (_sigmoid(z) - y) / m
        w = w - lr * (X.T @ dz)
        b = b - lr * float(np.sum(dz))
    if not return_losses:
        return w, b
    losses.append(_bce_of_logits(y, X @ w + b))
    return w, b, np.array(losses)


def logistic_predict(w: ArrayLike, b: float, X: ArrayLike, threshold: float = 0.5) -> np.ndarray:
    """Hard decisions: integer label 1 where sigma(X w + b) >= threshold, else 0."""
    threshold = as_float_scalar(threshold, "threshold")
    p, _ = logistic_forward(w, b, X)
    return (p >= threshold).astype(int)


# ---------------------------------------------------------------------------
# softmax regression (chapter 9)
# ---------------------------------------------------------------------------


def one_hot(y: ArrayLike, k: int) -> np.ndarray:
    """The (m, k) float array with a 1 in column y_i of row i and zeros elsewhere."""
    k = as_count(k, "k", minimum=1)
    labels = _class_labels(y, len(np.atleast_1d(y)), k)
    Y = np.zeros((len(labels), k))
    Y[np.arange(len(labels)), labels] = 1.0
    return Y


def softmax_jacobian(z: ArrayLike) -> np.ndarray:
    """The Jacobian of the softmax at a 1-D z: J[j, i] = ds_j/dz_i = s_j (delta_ij - s_i).

    In matrix form J = diag(s) - s s^T, a symmetric (k, k) array.
    """
    z = as_float_array(z, "z", ndim=1)
    s = softmax(z)
    return np.diag(s) - np.outer(s, s)


def _softmax_params(W: ArrayLike, b: ArrayLike, n: int) -> tuple[np.ndarray, np.ndarray]:
    W = as_float_array(W, "W", ndim=2)
    b = as_float_array(b, "b", ndim=1)
    if W.shape[0] != n:
        raise ValueError(
            f"W must have {n} rows to match X with {n} columns, got W.shape = {W.shape}"
        )
    if b.shape != (W.shape[1],):
        raise ValueError(f"b must have shape ({W.shape[1]},) to match W.shape = {W.shape}, "
                         f"got b.shape = {b.shape}")
    return W, b


def softmax_forward(
    W: ArrayLike, b: ArrayLike, X: ArrayLike
) -> tuple[np.ndarray, dict[str, Any]]:
    """Class probabilities P = softmax(X W + b), row by row, with the backward cache.

    Parameters
    ----------
    W : array of shape (n, k)
        Column j is the weight vector (the "template") of class j.
    b : array of shape (k,)
    X : array of shape (m, n)

    Returns
    -------
    P : array of shape (m, k)
        Each row sums to one.
    cache : dict
        ``{"X": X, "Z": Z, "P": P}`` with the logits Z = X W + b.
    """
    X = _data_matrix(X)
    W, b = _softmax_params(W, b, X.shape[1])
    Z = X @ W + b
    P = softmax(Z)
    return P, {"X": X, "Z": Z, "P": P}


def softmax_backward(cache: dict[str, Any], y: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Gradient (dW, db) of the mean cross-entropy: dZ = (P - Y) / m, dW = X^T dZ."""
    X, P = cache["X"], cache["P"]
    Y = one_hot(_class_labels(y, len(X), P.shape[1]), P.shape[1])
    dZ = (P - Y) / len(X)
    return X.T @ dZ, dZ.sum(axis=0)


def softmax_loss(W: ArrayLike, b: ArrayLike, X: ArrayLike, y: ArrayLike) -> float:
    """Mean categorical cross-entropy of softmax(X W + b) against integer labels y.

    Computed from the logits with the log-sum-exp shift, so it stays exact (and finite)
    even where a probability underflows to zero.
    """
    _, cache = softmax_forward(W, b, X)
    Z = cache["Z"]
    return _ce_of_logits(Z, _class_labels(y, len(Z), Z.shape[1]))


def softmax_gradient(
    W: ArrayLike, b: ArrayLike, X: ArrayLike, y: ArrayLike
) -> tuple[np.ndarray, np.ndarray]:
    """Gradient ``(dW, db)`` of the mean cross-entropy of softmax(X W + b).

    Returns
    -------
    dW : array of shape (n, k)
        X^T (P - Y) / m with Y = one_hot(y, k).
    db : array of shape (k,)
        The column means of P - Y.
    """
    _, cache = softmax_forward(W, b, X)
    return softmax_backward(cache, y)


def train_softmax_regression(
    X: ArrayLike,
    y: ArrayLike,
    k: int,
    lr: float,
    n_epochs: int,
    *,
    return_losses: bool = False,
) -> tuple[np.ndarray, np.ndarray] | tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Batch gradient descent on the mean cross-entropy from W = 0 (n, k), b = 0 (k,).

    With ``return_losses=True`` also returns the ``n_epochs + 1`` losses (before each
    step and after the last).
    """
    X = _data_matrix(X)
    k = as_count(k, "k", minimum=1)
    labels = _class_labels(y, len(X), k)
    lr = require_positive(lr, "lr")
    n_epochs = as_count(n_epochs, "n_epochs")
    m = len(X)
    Y = np.zeros((m, k))
    Y[np.arange(m), labels] = 1.0
    W, b = np.zeros((X.shape[1], k)), np.zeros(k)
    losses = []
    for _ in range(n_epochs):
        Z = X @ W + b
        if return_losses:
            losses.append(_ce_of_logits(Z, labels))
        E = np.exp(Z - Z.max(axis=1, keepdims=True))
        dZ = (E / E.sum(axis=1, keepdims=True) - Y) / m
        W = W - lr * (X.T @ dZ)
        b = b - lr * dZ.sum(axis=0)
    if not return_losses:
        return W, b
    losses.append(_ce_of_logits(X @ W + b, labels))
    return W, b, np.array(losses)


def softmax_predict(W: ArrayLike, b: ArrayLike, X: ArrayLike) -> np.ndarray:
    """The most probable class of every row: argmax_j of (X W + b)_j, as integers."""
    _, cache = softmax_forward(W, b, X)
    return np.argmax(cache["Z"], axis=1)


# ---------------------------------------------------------------------------
# the two-layer network of chapter 10
# ---------------------------------------------------------------------------

_MLP_KEYS = ("W1", "b1", "W2", "b2")


def _mlp_params(params: dict[str, ArrayLike], n: int | None = None) -> dict[str, np.ndarray]:
    if not isinstance(params, dict):
        raise TypeError(f"params must be a dict with keys {_MLP_KEYS}, got {type(params).__name__}")
    missing = [key for key in _MLP_KEYS if key not in params]
    if missing:
        raise ValueError(f"params is missing the keys {missing}; it needs {_MLP_KEYS}")
    W1 = as_float_array(params["W1"], "params['W1']", ndim=2)
    n_in, h = W1.shape
    shapes = {"W1": (n_in, h), "b1": (h,), "W2": (h, 1), "b2": (1,)}
    out = {"W1": W1}
    for key in ("b1", "W2", "b2"):
        arr = as_float_array(params[key], f"params[{key!r}]")
        if arr.shape != shapes[key]:
            raise ValueError(
                f"params[{key!r}] must have shape {shapes[key]} to match params['W1'].shape = "
                f"{W1.shape}, got {arr.shape}"
            )
        out[key] = arr
    if n is not None and n_in != n:
        raise ValueError(
            f"params['W1'] must have {n} rows to match X with {n} columns, got {W1.shape}"
        )
    return out


def init_mlp(n: int, n_hidden: int, seed: int = 0) -> dict[str, np.ndarray]:
    """He initialisation of the two-layer network, in the order fixed by the course.

    ``rng = np.random.default_rng(seed)``; W1 ~ N(0, sqrt(2/n)) of shape (n, n_hidden),
    then W2 ~ N(0, sqrt(2/n_hidden)) of shape (n_hidden, 1); b1 and b2 are zero.
    """
    n = as_count(n, "n", minimum=1)
    n_hidden = as_count(n_hidden, "n_hidden", minimum=1)
    rng = np.random.default_rng(seed)
    W1 = rng.normal(0.0, np.sqrt(2.0 / n), (n, n_hidden))
    W2 = rng.normal(0.0, np.sqrt(2.0 / n_hidden), (n_hidden, 1))
    return {"W1": W1, "b1": np.zeros(n_hidden), "W2": W2, "b2": np.zeros(1)}


def mlp_forward(
    params: dict[str, ArrayLike], X: ArrayLike
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Forward pass of the network p = sigma(relu(X W1 + b1) W2 + b2).

    Parameters
    ----------
    params : dict
        ``{"W1": (n, h), "b1": (h,), "W2": (h, 1), "b2": (1,)}``.
    X : array of shape (m, n)

    Returns
    -------
    p : array of shape (m,)
        P(y = 1 | x_i).
    cache : dict
        ``{"X": X, "Z1": (m, h), "A1": (m, h), "Z2": (m, 1), "p": (m,)}``.
    """
    X = _data_matrix(X)
    P = _mlp_params(params, X.shape[1])
    Z1 = X @ P["W1"] + P["b1"]
    A1 = relu(Z1)
    Z2 = A1 @ P["W2"] + P["b2"]
    p = sigmoid(Z2[:, 0])
    return p, {"X": X, "Z1": Z1, "A1": A1, "Z2": Z2, "p": p}


def mlp_backward(
    params: dict[str, ArrayLike], cache: dict[str, np.ndarray], y: ArrayLike
) -> dict[str, np.ndarray]:
    """Gradients of the mean binary cross-entropy, read from the forward cache.

    The chain rule, layer by layer from the output back (m examples)::

        dZ2 = (p - y)[:, None] / m        (m, 1)
        dW2 = A1^T dZ2                    (h, 1)     db2 = sum of dZ2 over rows
        dA1 = dZ2 W2^T                    (m, h)
        dZ1 = dA1 * relu'(Z1)             (m, h)
        dW1 = X^T dZ1                     (n, h)     db1 = sum of dZ1 over rows

    Returns a dict with the keys and shapes of ``params``.
    """
    P = _mlp_params(params)
    for key in ("X", "Z1", "A1", "Z2", "p"):
        if key not in cache:
            raise ValueError(f"cache is missing the key {key!r}; pass the cache of mlp_forward")
    X, Z1, A1, p = cache["X"], cache["Z1"], cache["A1"], cache["p"]
    y = _binary_labels(y, X)
    m = len(y)
    dZ2 = ((p - y) / m)[:, None]
    dW2 = A1.T @ dZ2
    db2 = dZ2.sum(axis=0)
    dA1 = dZ2 @ P["W2"].T
    dZ1 = dA1 * relu_derivative(Z1)
    dW1 = X.T @ dZ1
    db1 = dZ1.sum(axis=0)
    return {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}


def mlp_loss(params: dict[str, ArrayLike], X: ArrayLike, y: ArrayLike) -> float:
    """Mean binary cross-entropy of the network's probabilities against y, from the logits."""
    _, cache = mlp_forward(params, X)
    return _bce_of_logits(_binary_labels(y, cache["X"]), cache["Z2"][:, 0])


def mlp_step(
    params: dict[str, ArrayLike], X: ArrayLike, y: ArrayLike, lr: float
) -> tuple[dict[str, np.ndarray], float]:
    """One batch gradient-descent step: returns (new params, loss before the step).

    ``params`` is left unchanged; the new parameters are fresh arrays.
    """
    lr = require_positive(lr, "lr")
    P = _mlp_params(params)
    _, cache = mlp_forward(P, X)
    y = _binary_labels(y, cache["X"])
    loss = _bce_of_logits(y, cache["Z2"][:, 0])
    grads = mlp_backward(P, cache, y)
    return {key: P[key] - lr * grads[key] for key in _MLP_KEYS}, loss


def train_mlp(
    X: ArrayLike,
    y: ArrayLike,
    n_hidden: int,
    lr: float,
    n_epochs: int,
    seed: int = 0,
    *,
    return_losses: bool = False,
) -> dict[str, np.ndarray] | tuple[dict[str, np.ndarray], np.ndarray]:
    """Batch gradient descent on the mean BCE from :func:`init_mlp` ``(n, n_hidden, seed)``.

    Returns the parameters after ``n_epochs`` steps; with ``return_losses=True`` also
    the ``n_epochs + 1`` losses (before each step and after the last).
    """
    X = _data_matrix(X)
    y = _binary_labels(y, X)
    lr = require_positive(lr, "lr")
    n_epochs = as_count(n_epochs, "n_epochs")
    params = init_mlp(X.shape[1], n_hidden, seed)
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    m = len(y)
    losses = []
    for _ in range(n_epochs):  # the arithmetic of mlp_forward and mlp_backward, inline
        Z1 = X @ W1 + b1
        A1 = np.maximum(Z1, 0.0)
        z2 = A1 @ W2[:, 0] + b2[0]
        if return_losses:
            losses.append(_bce_of_logits(y, z2))
        dz2 = (_sigmoid(z2) - y) / m
        dZ1 = np.outer(dz2, W2[:, 0]) * (Z1 > 0)
        W2 = W2 - lr * (A1.T @ dz2)[:, None]
        b2 = b2 - lr * np.sum(dz2)
        W1 = W1 - lr * (X.T @ dZ1)
        b1 = b1 - lr * dZ1.sum(axis=0)
    params = {"W1": W1, "b1": b1, "W2": W2, "b2": b2}
    if not return_losses:
        return params
    losses.append(mlp_loss(params, X, y))
    return params, np.array(losses)


def mlp_predict(params: dict[str, ArrayLike], X: ArrayLike, threshold: float = 0.5) -> np.ndarray:
    """Integer labels: 1 where the network's probability is >= threshold."""
    threshold = as_float_scalar(threshold, "threshold")
    p, _ = mlp_forward(params, X)
    return (p >= threshold).astype(int)


def count_parameters(layers: list[int] | tuple[int, ...]) -> int:
    """Weights plus biases of a fully connected network with these layer widths.

    ``layers = [n_in, h_1, ..., n_out]``; each layer of width ``b`` fed by ``a`` units
    has an ``a x b`` weight matrix and ``b`` biases.
    """
    if isinstance(layers, (str, bytes)) or not hasattr(layers, "__len__"):
        raise TypeError(f"layers must be a list of integer widths, got {type(layers).__name__}")
    if len(layers) < 2:
        raise ValueError(f"layers must list at least two positive integer widths, got {layers!r}")
    widths = [as_count(v, f"layers[{i}]", minimum=1) for i, v in enumerate(layers)]
    return sum((a + 1) * b for a, b in zip(widths[:-1], widths[1:], strict=True))
