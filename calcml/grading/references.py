"""Reference computations shared by the assignments' specs.

Derivatives by the complex step: for a real-analytic g, ``Im g(x + i h) / h`` is the
derivative to rounding for any tiny h (no difference of nearly equal numbers, so no
step-size trade-off), and it is not the formula students derive by hand.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

__all__ = ["STEP", "complex_step_gradient", "complex_step_jacobian", "mean_bce_from_logits"]

STEP = 1e-20  #: the imaginary step h of every complex-step derivative


def complex_step_gradient(g: Callable[[np.ndarray], Any], x: Any) -> np.ndarray:
    """The gradient of a real-analytic scalar g at x, an array of x's shape (any shape,
    0-d for a number): one complex step per entry of x."""
    x = np.asarray(x, dtype=float)
    out = np.empty(x.shape)
    for idx in np.ndindex(x.shape):
        z = x.astype(complex)
        z[idx] += 1j * STEP
        out[idx] = np.imag(g(z)) / STEP
    return out


def complex_step_jacobian(F: Callable[[np.ndarray], Any], x: Any) -> np.ndarray:
    """The Jacobian of a real-analytic F at x, of shape F(x).shape + x.shape: entry
    [i, j] is dF_i / dx_j (for F: R^n -> R^k a (k, n) matrix, row i the partials of F_i)."""
    x = np.asarray(x, dtype=float)
    out = None
    for idx in np.ndindex(x.shape):
        z = x.astype(complex)
        z[idx] += 1j * STEP
        column = np.imag(np.asarray(F(z))) / STEP
        if out is None:
            out = np.empty(column.shape + x.shape)
        out[(Ellipsis, *idx)] = column
    if out is None:  # x has no entries
        out = np.empty(np.shape(F(x.astype(complex))) + x.shape)
    return out


def mean_bce_from_logits(z: Any, y: Any) -> Any:
    """The mean binary cross-entropy of sigma(z) against labels y, from the logits.

    One example's loss is softplus(-z) + (1 - y) z with softplus(-z) = log(1 + e^-z),
    evaluated as log1p(e^-z) where Re z >= 0 and as -z + log1p(e^z) elsewhere, so no
    exponential overflows (finite for every real logit) and, having no sigmoid, no max
    and no abs, it is analytic: complex z (a complex step) gives exact derivatives.
    """
    z = np.asarray(z)
    softplus_neg = np.empty(z.shape, dtype=np.result_type(z, float))
    right = z.real >= 0
    softplus_neg[right] = np.log1p(np.exp(-z[right]))
    softplus_neg[~right] = -z[~right] + np.log1p(np.exp(z[~right]))
    return np.mean(softplus_neg + (1 - np.asarray(y)) * z)
