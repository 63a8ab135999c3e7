"""The activation and loss functions of the course, written to be numerically stable.

These are the course's own implementations: the chapters use them once they have
derived them, and the grading library uses them as references. (During grading a
student's code cannot import calcml, so calling these earns no points.)
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from calcml._validate import as_float_array

__all__ = [
    "sigmoid",
    "sigmoid_derivative",
    "relu",
    "relu_derivative",
    "heaviside",
    "logsumexp",
    "softmax",
    "binary_cross_entropy",
    "cross_entropy",
    "binary_cross_entropy_from_logits",
    "cross_entropy_from_logits",
]


def sigmoid(z: ArrayLike) -> np.ndarray:
    """The logistic function 1 / (1 + e^-z), elementwise, without overflow.

    With e = e^-|z| (never more than 1) it is 1 / (1 + e) for z >= 0 and the equal form
    e / (1 + e) for z < 0, so no exponential ever receives a large positive argument.
    """
    return _sigmoid(as_float_array(z, "z", finite=False))


def _sigmoid(z: np.ndarray) -> np.ndarray:
    """:func:`sigmoid` of a float array, without the input checks (for training loops)."""
    e = np.exp(-np.abs(z))
    r = 1.0 / (1.0 + e)
    return np.where(z >= 0, r, e * r)


def _softplus(z: np.ndarray) -> np.ndarray:
    """log(1 + e^z) of a float array, exact for any z: max(z, 0) + log1p(e^-|z|)."""
    return np.maximum(z, 0.0) + np.log1p(np.exp(-np.abs(z)))


def sigmoid_derivative(z: ArrayLike) -> np.ndarray:
    """sigma'(z) = sigma(z) (1 - sigma(z)), elementwise and stable for large |z|.

    Evaluated as sigma(z) sigma(-z) (the same number, since 1 - sigma(z) = sigma(-z)),
    which keeps full relative accuracy in the tails: for z = 40, 1 - sigma(z) would
    round to 0, while sigma(-40) is about 4.2e-18.
    """
    z = as_float_array(z, "z", finite=False)
    return sigmoid(z) * sigmoid(-z)


def relu(z: ArrayLike) -> np.ndarray:
    """max(z, 0), elementwise."""
    z = as_float_array(z, "z", finite=False)
    return np.maximum(z, 0.0)


def relu_derivative(z: ArrayLike) -> np.ndarray:
    """1 where z > 0, 0 elsewhere (the convention ReLU'(0) = 0)."""
    z = as_float_array(z, "z", finite=False)
    return (z > 0).astype(float)


def heaviside(z: ArrayLike) -> np.ndarray:
    """The step function of the perceptron: 1 where z >= 0, else 0, as integers."""
    z = as_float_array(z, "z", finite=False)
    return (z >= 0).astype(int)


def logsumexp(z: ArrayLike, axis: int = -1) -> np.ndarray:
    """log(sum(exp(z))) along ``axis``, shifted by the maximum so nothing overflows."""
    z = as_float_array(z, "z", ndim=(1, 2), finite=False)
    m = np.max(z, axis=axis, keepdims=True)
    # an infinite maximum (all -inf, or some +inf) must not be subtracted: inf - inf = nan
    m = np.where(np.isfinite(m), m, 0.0)
    with np.errstate(divide="ignore"):  # log(0) = -inf when every entry is -inf
        return np.squeeze(m, axis=axis) + np.log(np.sum(np.exp(z - m), axis=axis))


def softmax(z: ArrayLike) -> np.ndarray:
    """Row-wise softmax of a 1-D or 2-D array of logits, stable for logits of any size."""
    z = as_float_array(z, "z", ndim=(1, 2))
    e = np.exp(z - np.max(z, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1, keepdims=True)


def binary_cross_entropy(y: ArrayLike, p: ArrayLike, eps: float = 1e-12) -> float:
    """-mean(y log p + (1 - y) log(1 - p)), with p clipped to [eps, 1 - eps]."""
    y = as_float_array(y, "y", ndim=1)
    p = as_float_array(p, "p", ndim=1)
    if y.shape != p.shape:
        raise ValueError(f"y and p must have the same shape, got {y.shape} and {p.shape}")
    p = np.clip(p, eps, 1.0 - eps)
    return float(-np.mean(y * np.log(p) + (1.0 - y) * np.log(1.0 - p)))


def cross_entropy(Y: ArrayLike, P: ArrayLike, eps: float = 1e-12) -> float:
    """-mean over rows of sum_j Y_ij log P_ij, for one-hot Y; P clipped below at eps."""
    Y = as_float_array(Y, "Y", ndim=2)
    P = as_float_array(P, "P", ndim=2)
    if Y.shape != P.shape:
        raise ValueError(f"Y and P must have the same shape, got {Y.shape} and {P.shape}")
    return float(-np.mean(np.sum(Y * np.log(np.clip(P, eps, None)), axis=1)))


def binary_cross_entropy_from_logits(y: ArrayLike, z: ArrayLike) -> float:
    """The mean binary cross-entropy of p = sigma(z) against y, computed from the logits z.

    Since -log sigma(z) = log(1 + e^-z) and -log(1 - sigma(z)) = log(1 + e^z), the loss
    of one example is softplus(z) - y z, which is exact for every z: no probability is
    formed, so nothing rounds to 0 or 1 and nothing needs clipping (compare
    :func:`binary_cross_entropy`, which must clip p and loses accuracy beyond |z| = 27.6).
    """
    y = as_float_array(y, "y", ndim=1)
    z = as_float_array(z, "z", ndim=1)
    if y.shape != z.shape:
        raise ValueError(f"y and z must have the same shape, got {y.shape} and {z.shape}")
    return _bce_of_logits(y, z)


def _bce_of_logits(y: np.ndarray, z: np.ndarray) -> float:
    return float(np.mean(_softplus(z) - y * z))


def cross_entropy_from_logits(y: ArrayLike, Z: ArrayLike) -> float:
    """The mean categorical cross-entropy of softmax(Z) computed from the logits Z (m, k).

    ``y`` holds integer labels of shape (m,) or one-hot rows of shape (m, k). Row i
    contributes logsumexp(Z_i) - Z_i[y_i], exact for logits of any size.
    """
    Z = as_float_array(Z, "Z", ndim=2)
    Y = as_float_array(y, "y", ndim=(1, 2))
    if Y.ndim == 2:
        if Y.shape != Z.shape:
            raise ValueError(
                f"one-hot y and Z must have the same shape, got {Y.shape} and {Z.shape}")
        return float(np.mean(logsumexp(Z, axis=1) - np.sum(Y * Z, axis=1)))
    if Y.shape != (len(Z),) or np.any(Y != np.round(Y)) or np.any((Y < 0) | (Y >= Z.shape[1])):
        raise ValueError(f"y must hold {len(Z)} integer labels in 0..{Z.shape[1] - 1}, "
                         f"got {np.asarray(y)!r}")
    return _ce_of_logits(Z, Y.astype(int))


def _ce_of_logits(Z: np.ndarray, labels: np.ndarray) -> float:
    """Mean of logsumexp(Z_i) - Z_i[labels_i] over the rows (no input checks)."""
    top = Z.max(axis=1)
    lse = top + np.log(np.sum(np.exp(Z - top[:, None]), axis=1))
    return float(np.mean(lse - Z[np.arange(len(Z)), labels]))
