"""Optimisers of chapters 05 and 06: gradient descent, its stochastic form, Newton's method.

Every optimiser here is written twice over: once as the function an assignment asks
for (same name, same arguments, same result as COURSE_SPEC.md), and once as a
``*_path`` companion that returns the whole history, which is what a chapter plots.
The graded function is always the last row of its path, so the two can never disagree.

Conventions
-----------
* A starting point ``x0`` may be a float (then the iterates form a 1-D array and the
  callables receive Python floats) or a 1-D array (then the iterates are the rows of
  a 2-D array and the callables receive a fresh copy of the current point).
* A gradient must have the shape of the point it is evaluated at; anything else
  raises ``ValueError`` naming the callable and both shapes.
* Inputs are never modified.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from calcml._validate import (
    as_count,
    as_float_array,
    require_callable,
    require_finite,
    require_positive,
    require_same_length,
)

__all__ = [
    "DescentPath",
    "gradient_descent",
    "descent_path",
    "gd_until_converged",
    "least_squares_loss",
    "least_squares_gradient",
    "linear_regression_gd",
    "linear_regression_gd_path",
    "minibatch_sgd",
    "minibatch_sgd_path",
    "newton_root",
    "newton_root_path",
    "newton_step",
    "newton_minimize",
]


# --------------------------------------------------------------------------- helpers


def _start_point(x0: ArrayLike) -> np.ndarray:
    """``x0`` as a float array of rank 0 (a number) or 1 (a point of R^n)."""
    return as_float_array(x0, "x0", ndim=(0, 1))


def _call_at(fn: Callable[..., Any], x: np.ndarray) -> Any:
    """Call ``fn`` at the point ``x``: a Python float for rank 0, a copy otherwise."""
    return fn(float(x)) if x.ndim == 0 else fn(x.copy())


def _vector_value(fn: Callable[..., Any], x: np.ndarray, name: str) -> np.ndarray:
    """``fn(x)`` as a float array of the shape of ``x`` (a gradient, a step...)."""
    value = np.asarray(_call_at(fn, x), dtype=float)
    if value.shape != x.shape:
        if value.size == x.size == 1:
            return value.reshape(x.shape)
        raise ValueError(
            f"{name}(x) must have the shape of x, {x.shape}, but returned shape {value.shape}"
        )
    return value


def _scalar_value(fn: Callable[..., Any], x: np.ndarray, name: str) -> float:
    """``fn(x)`` as a Python float (a loss value)."""
    value = np.asarray(_call_at(fn, x), dtype=float)
    if value.size != 1:
        raise ValueError(f"{name}(x) must return a single number, but returned shape {value.shape}")
    return float(value.reshape(()))


def _result(x: np.ndarray) -> float | np.ndarray:
    """A rank-0 point as a Python float, anything else unchanged."""
    return float(x) if x.ndim == 0 else x


# --------------------------------------------------------------------------- gradient descent


@dataclass(frozen=True)
class DescentPath:
    """The history of an iterative minimisation.

    Attributes
    ----------
    iterates:
        The points visited, first row ``x0``: shape ``(n_steps + 1,)`` for a scalar
        start, ``(n_steps + 1, n)`` for a start in R^n.
    losses:
        ``f`` at every iterate, shape ``(n_steps + 1,)``, or ``None`` when no ``f``
        was given.
    n_steps:
        The number of updates made.
    converged:
        Whether the stopping test was met (rather than the step budget running out).
    """

    iterates: np.ndarray
    losses: np.ndarray | None
    n_steps: int
    converged: bool

    @property
    def x(self) -> float | np.ndarray:
        """The last iterate (a float for a scalar start)."""
        return _result(self.iterates[-1])


def gradient_descent(
    grad: Callable[[Any], ArrayLike], x0: ArrayLike, lr: float, n_steps: int
) -> np.ndarray:
    """Run ``n_steps`` updates x <- x - lr grad(x) and return every iterate.

    Parameters
    ----------
    grad:
        The gradient of the function to minimise (the derivative for a scalar ``x0``).
    x0:
        The starting point, a float or a 1-D array.
    lr:
        The learning rate, a positive number.
    n_steps:
        The number of updates, an integer >= 0.

    Returns
    -------
    numpy.ndarray
        Shape ``(n_steps + 1,)`` for a float ``x0`` and ``(n_steps + 1, n)`` for a
        point of R^n; the first row is ``x0``.
    """
    require_callable(grad, "grad")
    x = _start_point(x0)
    lr = require_positive(lr, "lr")
    n_steps = as_count(n_steps, "n_steps")
    iterates = np.empty((n_steps + 1, *x.shape))
    iterates[0] = x
    for k in range(n_steps):
        x = x - lr * _vector_value(grad, x, "grad")
        iterates[k + 1] = x
    return iterates


def descent_path(
    grad: Callable[[Any], ArrayLike],
    x0: ArrayLike,
    lr: float,
    *,
    f: Callable[[Any], float] | None = None,
    stop: str = "grad",
    tol: float = 1e-8,
    max_steps: int = 10_000,
) -> DescentPath:
    """Gradient descent until a stopping test holds, keeping the whole history.

    Parameters
    ----------
    grad, x0, lr:
        As in :func:`gradient_descent`.
    f:
        The function itself; needed for ``stop="loss"`` and to record ``losses``.
    stop:
        ``"grad"``: before each update, stop if ``||grad(x)|| < tol`` (the test of
        the book's worked examples). ``"loss"``: after each update, stop as soon as
        ``|f(x_new) - f(x)| < tol`` (the test of :func:`gd_until_converged`).
    tol:
        The threshold of the stopping test, > 0.
    max_steps:
        The most updates to make.
    """
    require_callable(grad, "grad")
    if f is not None:
        require_callable(f, "f")
    if stop not in ("grad", "loss"):
        raise ValueError(f"stop must be 'grad' or 'loss', got {stop!r}")
    if stop == "loss" and f is None:
        raise ValueError("stop='loss' needs the function f")
    x = _start_point(x0)
    lr = require_positive(lr, "lr")
    tol = require_positive(tol, "tol")
    max_steps = as_count(max_steps, "max_steps")

    iterates = [x]
    losses = [_scalar_value(f, x, "f")] if f is not None else None
    converged = False
    for _ in range(max_steps):
        g = _vector_value(grad, x, "grad")
        if stop == "grad" and np.linalg.norm(g) < tol:
            converged = True
            break
        x = x - lr * g
        iterates.append(x)
        if not np.all(np.isfinite(x)):
            break  # diverged: nothing sensible can follow
        if losses is not None:
            losses.append(_scalar_value(f, x, "f"))
            if stop == "loss" and abs(losses[-1] - losses[-2]) < tol:
                converged = True
                break
    else:
        # the budget ran out; the gradient test may still hold at the last point
        if stop == "grad" and np.linalg.norm(_vector_value(grad, x, "grad")) < tol:
            converged = True
    return DescentPath(
        iterates=np.array(iterates),
        losses=None if losses is None else np.array(losses),
        n_steps=len(iterates) - 1,
        converged=converged,
    )


def gd_until_converged(
    f: Callable[[Any], float],
    grad: Callable[[Any], ArrayLike],
    x0: ArrayLike,
    lr: float,
    tol: float = 1e-10,
    max_steps: int = 10_000,
) -> tuple[float | np.ndarray, int]:
    """Gradient descent until the loss stops changing.

    Repeats x_new = x - lr grad(x), counting each update, and stops as soon as
    ``|f(x_new) - f(x)| < tol`` or ``max_steps`` updates were made.

    Returns
    -------
    (x, steps)
        The last iterate (a float for a float ``x0``) and the number of updates.
    """
    require_callable(f, "f")
    path = descent_path(grad, x0, lr, f=f, stop="loss", tol=tol, max_steps=max_steps)
    return path.x, path.n_steps


# --------------------------------------------------------------------------- least squares


def _design(X: ArrayLike, y: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    X = as_float_array(X, "X", ndim=2)
    y = as_float_array(y, "y", ndim=1)
    require_same_length(X, y, "X", "y")
    if len(X) == 0:
        raise ValueError("X must hold at least one example, got shape (0, n)")
    return X, y


def _theta_for(theta: ArrayLike, X: np.ndarray) -> np.ndarray:
    theta = as_float_array(theta, "theta", ndim=1)
    if theta.shape != (X.shape[1],):
        raise ValueError(
            f"theta must have one entry per column of X, got theta.shape = {theta.shape} "
            f"and X.shape = {X.shape}"
        )
    return theta


def least_squares_loss(theta: ArrayLike, X: ArrayLike, y: ArrayLike) -> float:
    """The mean squared error (1/m) ||X theta - y||^2."""
    X, y = _design(X, y)
    theta = _theta_for(theta, X)
    r = X @ theta - y
    return float(r @ r / len(y))


def least_squares_gradient(theta: ArrayLike, X: ArrayLike, y: ArrayLike) -> np.ndarray:
    """The gradient (2/m) X^T (X theta - y) of the mean squared error.

    The argument order ``(theta, X, y)`` is that of ``grad_fn`` in
    :func:`minibatch_sgd`, so this can be passed to it directly.
    """
    X, y = _design(X, y)
    theta = _theta_for(theta, X)
    return (2.0 / len(y)) * (X.T @ (X @ theta - y))


def linear_regression_gd_path(X: ArrayLike, y: ArrayLike, lr: float, n_epochs: int) -> np.ndarray:
    """Every theta of batch gradient descent on the MSE, from theta = 0.

    Returns an array of shape ``(n_epochs + 1, n)``: row k is theta after k updates
    theta <- theta - lr (2/m) X^T (X theta - y).
    """
    return _linear_regression_gd(X, y, lr, n_epochs, keep_path=True)


def linear_regression_gd(X: ArrayLike, y: ArrayLike, lr: float, n_epochs: int) -> np.ndarray:
    """theta after ``n_epochs`` batch GD updates on the MSE from theta = 0.

    ``X`` (shape ``(m, n)``) already holds a column of ones where a bias is wanted.
    """
    return _linear_regression_gd(X, y, lr, n_epochs, keep_path=False)


def _linear_regression_gd(X: ArrayLike, y: ArrayLike, lr: float, n_epochs: int, *,
                          keep_path: bool) -> np.ndarray:
    X, y = _design(X, y)
    lr = require_positive(lr, "lr")
    n_epochs = as_count(n_epochs, "n_epochs")
    m, n = X.shape
    theta = np.zeros(n)
    thetas = np.zeros((n_epochs + 1, n)) if keep_path else None
    for k in range(n_epochs):
        theta = theta - lr * (2.0 / m) * (X.T @ (X @ theta - y))
        if thetas is not None:
            thetas[k + 1] = theta
    return thetas if thetas is not None else theta


# --------------------------------------------------------------------------- stochastic GD


def minibatch_sgd_path(
    grad_fn: Callable[[np.ndarray, np.ndarray, np.ndarray], ArrayLike],
    theta0: ArrayLike,
    X: ArrayLike,
    y: ArrayLike,
    lr: float,
    n_epochs: int,
    batch_size: int,
    seed: int | None = 0,
) -> np.ndarray:
    """Every theta of mini-batch SGD; the first row is ``theta0``.

    ``rng = np.random.default_rng(seed)`` is made once; each epoch draws
    ``perm = rng.permutation(m)`` and visits the batches ``perm[i:i + batch_size]``
    for i = 0, batch_size, ... (the last may be smaller), each with
    theta <- theta - lr grad_fn(theta, X[idx], y[idx]).

    Returns
    -------
    numpy.ndarray
        Shape ``(n_epochs * ceil(m / batch_size) + 1, *theta0.shape)``; the rows
        ``0, b, 2b, ...`` with ``b = ceil(m / batch_size)`` are the epoch ends.
    """
    return _minibatch_sgd(grad_fn, theta0, X, y, lr, n_epochs, batch_size, seed, keep_path=True)


def _data_as_given(value: ArrayLike, name: str) -> np.ndarray:
    """``value`` as an array of its own dtype (what ``grad_fn`` receives), once checked to
    be 1-D or 2-D real and finite; a float array is checked without being copied."""
    arr = np.asarray(value)
    if arr.dtype == np.float64 and arr.ndim in (1, 2):
        require_finite(arr, name)
    else:
        as_float_array(value, name, ndim=(1, 2))
    return arr


def _minibatch_sgd(
    grad_fn: Callable[[np.ndarray, np.ndarray, np.ndarray], ArrayLike],
    theta0: ArrayLike,
    X: ArrayLike,
    y: ArrayLike,
    lr: float,
    n_epochs: int,
    batch_size: int,
    seed: int | None,
    *,
    keep_path: bool,
) -> np.ndarray:
    require_callable(grad_fn, "grad_fn")
    theta = as_float_array(theta0, "theta0")  # a copy: theta0 itself is never touched
    X_arr, y_arr = _data_as_given(X, "X"), _data_as_given(y, "y")
    require_same_length(X_arr, y_arr, "X", "y")
    lr = require_positive(lr, "lr")
    n_epochs = as_count(n_epochs, "n_epochs")
    batch_size = as_count(batch_size, "batch_size", minimum=1)
    m = len(X_arr)
    if m == 0:
        raise ValueError("X must hold at least one example, got an empty array")

    rng = np.random.default_rng(seed)
    per_epoch = math.ceil(m / batch_size)
    path = np.empty((n_epochs * per_epoch + 1, *theta.shape)) if keep_path else None
    if path is not None:
        path[0] = theta
    k = 0
    for _ in range(n_epochs):
        perm = rng.permutation(m)
        for i in range(0, m, batch_size):
            idx = perm[i : i + batch_size]
            g = grad_fn(theta, X_arr[idx], y_arr[idx])
            if not isinstance(g, np.ndarray) or g.dtype != np.float64:
                g = np.asarray(g, dtype=float)
            if g.shape != theta.shape:
                raise ValueError(
                    f"grad_fn(theta, X_batch, y_batch) must have the shape of theta0, "
                    f"{theta.shape}, but returned shape {g.shape}"
                )
            theta = theta - lr * g  # a new array: grad_fn never sees a later iterate
            k += 1
            if path is not None:
                path[k] = theta
    return path if path is not None else theta


def minibatch_sgd(
    grad_fn: Callable[[np.ndarray, np.ndarray, np.ndarray], ArrayLike],
    theta0: ArrayLike,
    X: ArrayLike,
    y: ArrayLike,
    lr: float,
    n_epochs: int,
    batch_size: int,
    seed: int | None = 0,
) -> np.ndarray:
    """theta after mini-batch SGD (see :func:`minibatch_sgd_path` for the sampling).

    ``grad_fn(theta, X_batch, y_batch)`` returns the gradient of the mean loss over
    the batch; ``theta0`` is left unchanged.
    """
    return _minibatch_sgd(grad_fn, theta0, X, y, lr, n_epochs, batch_size, seed, keep_path=False)


# --------------------------------------------------------------------------- Newton


def newton_root_path(
    f: Callable[[float], float],
    df: Callable[[float], float],
    x0: float,
    tol: float = 1e-12,
    max_iter: int = 50,
) -> np.ndarray:
    """Every iterate of Newton's method for a root of ``f``; the first entry is ``x0``.

    x_new = x - f(x)/df(x), stopping as soon as |x_new - x| < tol or ``max_iter``
    updates were made. Raises ``ZeroDivisionError`` if df vanishes at an iterate.
    """
    require_callable(f, "f")
    require_callable(df, "df")
    x = float(as_float_array(x0, "x0", ndim=0))
    tol = require_positive(tol, "tol")
    max_iter = as_count(max_iter, "max_iter")
    xs = [x]
    for _ in range(max_iter):
        fx = _scalar_value(f, np.asarray(x), "f")
        dfx = _scalar_value(df, np.asarray(x), "df")
        if dfx == 0.0:
            raise ZeroDivisionError(f"df(x) = 0 at x = {x!r}: the tangent is flat, no Newton step")
        x_new = x - fx / dfx
        xs.append(x_new)
        if abs(x_new - x) < tol:
            break
        x = x_new
    return np.array(xs)


def newton_root(
    f: Callable[[float], float],
    df: Callable[[float], float],
    x0: float,
    tol: float = 1e-12,
    max_iter: int = 50,
) -> tuple[float, int]:
    """Newton's method for a root of ``f``: returns ``(root, n_iter)``.

    x_new = x - f(x)/df(x), counting each update; stops as soon as
    |x_new - x| < tol or ``max_iter`` updates were made.
    """
    xs = newton_root_path(f, df, x0, tol, max_iter)
    return float(xs[-1]), len(xs) - 1


def newton_step(g: ArrayLike, H: ArrayLike) -> float | np.ndarray:
    """The Newton step -H^{-1} g, computed by solving H step = -g.

    ``g`` is a gradient of shape ``(n,)`` and ``H`` the ``(n, n)`` Hessian; for one
    variable both may be numbers (then the step is the float -g/H).
    """
    g = as_float_array(g, "g", ndim=(0, 1))
    H = as_float_array(H, "H", ndim=(0, 2))
    if g.ndim == 0:
        if H.size != 1:
            raise ValueError(f"H must be a number when g is, got H.shape = {H.shape}")
        h = float(H.reshape(()))
        if h == 0.0:
            raise ZeroDivisionError("H = 0: the second derivative vanishes, no Newton step")
        return -float(g) / h
    n = g.shape[0]
    if H.shape != (n, n):
        raise ValueError(
            f"H must have shape ({n}, {n}) to match g.shape = {g.shape}, got {H.shape}"
        )
    return -np.linalg.solve(H, g)


def newton_minimize(
    grad: Callable[[Any], ArrayLike],
    hess: Callable[[Any], ArrayLike],
    x0: ArrayLike,
    tol: float = 1e-10,
    max_iter: int = 50,
) -> np.ndarray:
    """Newton's method for a minimum: every iterate, first row ``x0``.

    Before each step stop if ||grad(x)|| < tol or ``max_iter`` steps were taken;
    otherwise x <- x + newton_step(grad(x), hess(x)). For a float ``x0``, ``grad``
    and ``hess`` return numbers and the result is 1-D.
    """
    require_callable(grad, "grad")
    require_callable(hess, "hess")
    x = _start_point(x0)
    tol = require_positive(tol, "tol")
    max_iter = as_count(max_iter, "max_iter")
    iterates = [x]
    for _ in range(max_iter):
        g = _vector_value(grad, x, "grad")
        if np.linalg.norm(g) < tol:
            break
        H = np.asarray(_call_at(hess, x), dtype=float)
        if x.ndim == 0 and H.size == 1:
            H = H.reshape(())
        elif H.shape != (x.size, x.size):
            raise ValueError(
                f"hess(x) must have shape {(x.size, x.size)} for x of shape {x.shape}, "
                f"but returned shape {H.shape}"
            )
        x = x + np.asarray(newton_step(g, H))
        iterates.append(x)
    return np.array(iterates)
