"""Linear algebra of least squares and of the second-derivative test.

The pieces that chapters 02 to 06 share once they have derived them:

- :func:`fit_line` and :func:`normal_equation`: the least-squares line and, more
  generally, the parameters that minimise the mean squared error of a linear model;
- :func:`quadratic_form_gradient`: the gradient ``(B + B^T) x`` of ``x^T B x``;
- :func:`classify_critical_point` and :func:`second_derivative_test`: the signs of the
  Hessian's eigenvalues decide minimum, maximum or saddle;
- :func:`taylor2`: the second-order Taylor model ``f0 + g.(x - x0) + 1/2 (x - x0)^T H (x - x0)``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from calcml._validate import (
    as_float_array,
    as_float_scalar,
    require_callable,
    require_same_length,
)

__all__ = [
    "fit_line",
    "normal_equation",
    "quadratic_form_gradient",
    "classify_critical_point",
    "SecondDerivativeTest",
    "second_derivative_test",
    "taylor2",
]


def _square_matrix(value: ArrayLike, name: str) -> np.ndarray:
    """``value`` as a float ``(n, n)`` array, or a ``ValueError`` naming its shape."""
    arr = as_float_array(value, name, ndim=2)
    if arr.shape[0] != arr.shape[1]:
        raise ValueError(f"{name} must be a square matrix, got shape {arr.shape}")
    return arr


def fit_line(x: ArrayLike, y: ArrayLike) -> tuple[float, float]:
    """Slope and intercept ``(m, b)`` of the least-squares line through the points (x_i, y_i).

    Solves the two equations dE/dm = 0 and dE/db = 0 for
    E(m, b) = sum_i (m x_i + b - y_i)^2, which give

        m = (n sum x y - sum x sum y) / (n sum x^2 - (sum x)^2),   b = (sum y - m sum x) / n.

    Parameters
    ----------
    x, y:
        1-D arrays of the same length (at least two points, not all x equal).

    Returns
    -------
    (m, b):
        Python floats.

    Examples
    --------
    >>> fit_line([1, 2, 3], [2, 5, 3])
    (0.5, 2.3333333333333335)
    """
    x = as_float_array(x, "x", ndim=1)
    y = as_float_array(y, "y", ndim=1)
    require_same_length(x, y, "x", "y")
    n = len(x)
    if n < 2:
        raise ValueError(f"fit_line needs at least two points, got x.shape = {x.shape}")
    sx, sy, sxx, sxy = x.sum(), y.sum(), x @ x, x @ y
    denom = n * sxx - sx**2
    if not denom > 1e-12 * max(n * sxx, 1.0):
        raise ValueError("all x values are equal: the slope of a least-squares line is undefined")
    m = (n * sxy - sx * sy) / denom
    b = (sy - m * sx) / n
    return float(m), float(b)


def normal_equation(X: ArrayLike, y: ArrayLike) -> np.ndarray:
    """The theta minimising the mean squared error (1/m) ||X theta - y||^2.

    It solves the normal equation X^T X theta = X^T y. The computation goes through
    ``np.linalg.lstsq`` (an SVD of X) rather than forming and inverting X^T X, which
    would square the condition number.

    Parameters
    ----------
    X:
        ``(m, n)`` design matrix of full column rank (one row per example; add a
        column of ones yourself if you want an intercept).
    y:
        ``(m,)`` targets.

    Returns
    -------
    theta:
        ``(n,)`` array.

    Raises
    ------
    ValueError
        If the shapes do not match or X does not have full column rank.
    """
    X = as_float_array(X, "X", ndim=2)
    y = as_float_array(y, "y", ndim=1)
    require_same_length(X, y, "X", "y")
    theta, _, rank, _ = np.linalg.lstsq(X, y, rcond=None)
    if rank < X.shape[1]:
        raise ValueError(
            f"X must have full column rank for a unique minimiser, but X.shape = {X.shape} "
            f"has rank {rank}"
        )
    return theta


def quadratic_form_gradient(B: ArrayLike, x: ArrayLike) -> np.ndarray:
    """Gradient of the quadratic form x^T B x, namely (B + B^T) x (B need not be symmetric).

    Parameters
    ----------
    B:
        ``(n, n)`` matrix.
    x:
        ``(n,)`` point.
    """
    B = _square_matrix(B, "B")
    x = as_float_array(x, "x", ndim=1)
    if B.shape[0] != x.shape[0]:
        raise ValueError(f"B and x do not match: B.shape = {B.shape}, x.shape = {x.shape}")
    return (B + B.T) @ x


def classify_critical_point(H: ArrayLike, tol: float = 1e-8) -> str:
    """Name a critical point from the eigenvalues of its (symmetric) Hessian ``H``.

    Returns ``"minimum"`` if every eigenvalue is > tol, ``"maximum"`` if every one is
    < -tol, ``"saddle"`` if at least one is > tol and another < -tol, and
    ``"inconclusive"`` otherwise (some eigenvalue within tol of zero and no sign
    change to prove a saddle).

    ``H`` is symmetrised as (H + H^T)/2 first, so the rounding asymmetry of a
    numerical Hessian does no harm.
    """
    H = _square_matrix(H, "H")
    tol = as_float_scalar(tol, "tol")
    if tol < 0:
        raise ValueError(f"tol must be non-negative, got {tol}")
    eig = np.linalg.eigvalsh(0.5 * (H + H.T))
    positive, negative = eig > tol, eig < -tol
    if positive.all():
        return "minimum"
    if negative.all():
        return "maximum"
    if positive.any() and negative.any():
        return "saddle"
    return "inconclusive"


class SecondDerivativeTest(NamedTuple):
    """Result of :func:`second_derivative_test`."""

    hessian: np.ndarray
    eigenvalues: np.ndarray
    classification: str


def second_derivative_test(
    f: Callable[[np.ndarray], Any], x: ArrayLike, h: float = 1e-4, tol: float = 1e-6
) -> SecondDerivativeTest:
    """The second-derivative test at ``x`` with a numerical Hessian.

    Parameters
    ----------
    f:
        Function of a 1-D array returning a number.
    x:
        ``(n,)`` point, meant to be a critical point of f (the test says nothing
        elsewhere; this function does not check the gradient).
    h:
        Step of the finite-difference Hessian (:func:`calcml.diff.hessian`).
    tol:
        Eigenvalues within ``tol`` of zero count as zero; the default leaves room for
        the error of the finite differences.

    Returns
    -------
    SecondDerivativeTest
        ``(hessian, eigenvalues, classification)``; the eigenvalues in descending order.
    """
    from calcml.diff import hessian  # deferred: calcml.diff imports nothing from here

    require_callable(f, "f")
    x = as_float_array(x, "x", ndim=1)
    H = hessian(f, x, h=h)  # symmetric by construction: no need to symmetrise it again
    eig = np.linalg.eigvalsh(H)[::-1]
    return SecondDerivativeTest(H, eig, classify_critical_point(H, tol=tol))


def taylor2(
    f0: float, g: ArrayLike, H: ArrayLike, x0: ArrayLike, x: ArrayLike
) -> float | np.ndarray:
    """Second-order Taylor model f0 + g.(x - x0) + 1/2 (x - x0)^T H (x - x0).

    Parameters
    ----------
    f0:
        The value f(x0).
    g:
        ``(n,)`` gradient at x0.
    H:
        ``(n, n)`` Hessian at x0.
    x0:
        ``(n,)`` expansion point.
    x:
        ``(n,)`` point, or a ``(k, n)`` array of points (one per row) to evaluate the
        model at many points at once.

    Returns
    -------
    float for a single point, ``(k,)`` array for k points.
    """
    f0 = as_float_scalar(f0, "f0")
    g = as_float_array(g, "g", ndim=1)
    H = _square_matrix(H, "H")
    x0 = as_float_array(x0, "x0", ndim=1)
    x = as_float_array(x, "x", ndim=(1, 2))
    n = g.shape[0]
    if H.shape[0] != n or x0.shape[0] != n or x.shape[-1] != n:
        raise ValueError(
            f"shapes do not match: g.shape = {g.shape}, H.shape = {H.shape}, "
            f"x0.shape = {x0.shape}, x.shape = {x.shape}"
        )
    d = x - x0
    value = f0 + d @ g + 0.5 * np.einsum("...i,ij,...j->...", d, H, d)
    return float(value) if x.ndim == 1 else value
