"""Taylor polynomials of one variable: a function's polynomial models around a point.

The order-k Taylor polynomial of f around x0 uses the derivatives f(x0), f'(x0), ...,
f^(k)(x0):

    T_k(x) = sum_{j=0}^{k} f^(j)(x0) / j! * (x - x0)^j .

For a function with k + 1 continuous derivatives its error f(x) - T_k(x) is
O(h^(k+1)) in the step h = x - x0 (chapter 1 of the book checks this numerically).
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

from calcml._validate import as_float_array, as_float_scalar

__all__ = ["taylor_polynomial", "error_order"]


def taylor_polynomial(derivs: ArrayLike, x0: float, x: ArrayLike) -> float | np.ndarray:
    """Evaluate the Taylor polynomial with derivatives ``derivs`` at ``x0`` at the points ``x``.

    Parameters
    ----------
    derivs:
        ``(k + 1,)`` values ``[f(x0), f'(x0), f''(x0), ..., f^(k)(x0)]``; their number
        fixes the order k of the polynomial (at least one value, all finite).
    x0:
        The expansion point.
    x:
        A number or an array of points (any shape).

    Returns
    -------
    A float for a number ``x``, else an array of the shape of ``x``.

    Raises
    ------
    ValueError
        If ``derivs`` is empty or not one-dimensional, or anything is not finite.
    """
    derivs = as_float_array(derivs, "derivs", ndim=1)
    if derivs.size == 0:
        raise ValueError("derivs must hold at least f(x0) (order 0); got an empty array")
    x0 = as_float_scalar(x0, "x0")
    points = as_float_array(x, "x")
    h = points - x0
    total = np.zeros_like(h)
    # Horner's scheme: c0 + h (c1 + h (c2 + ...)) with c_j = f^(j)(x0) / j!
    for j in range(derivs.size - 1, -1, -1):
        total = total * h + derivs[j] / math.factorial(j)
    return float(total) if total.ndim == 0 else total


def error_order(steps: ArrayLike, errors: ArrayLike) -> np.ndarray:
    """The observed order p of ``error ~ C h^p`` between successive steps.

    For steps h_0, h_1, ... and errors e_0, e_1, ... it returns
    ``log(e_i / e_{i+1}) / log(h_i / h_{i+1})`` for each consecutive pair: when each
    step halves the previous one, an error of order p is divided by 2^p and the value
    is close to p.

    Raises
    ------
    ValueError
        If the arrays are not one-dimensional of the same length (at least two), a
        step or error is not positive, or two consecutive steps are equal.
    """
    steps = as_float_array(steps, "steps", ndim=1)
    errors = as_float_array(errors, "errors", ndim=1)
    if steps.size != errors.size or steps.size < 2:
        raise ValueError(
            f"steps and errors must have the same length, at least 2; got {steps.size} and "
            f"{errors.size}")
    if np.any(steps <= 0) or np.any(errors <= 0):
        raise ValueError("steps and errors must be positive (take the absolute error, and "
                         "stop before it reaches 0 or rounding noise)")
    ratio = steps[:-1] / steps[1:]
    if np.any(ratio == 1):
        raise ValueError("two consecutive steps are equal; their ratio gives no order")
    return np.log(errors[:-1] / errors[1:]) / np.log(ratio)
