"""Optimisers of chapter 11: beyond plain gradient descent.

Momentum (heavy ball) and Nesterov, backtracking (Armijo) line search, RMSProp and
Adam, step-size schedules with a noisy-gradient SGD, and the linear algebra of their
rates on a quadratic (condition number, the heavy ball's 2x2 companion matrix and its
spectral radius).

Conventions (those of :mod:`calcml.optim`, chapter 05)
-------------------------------------------------------
* A starting point ``x0`` is a float (the iterates form a 1-D array of shape
  ``(n_steps + 1,)`` and the callables receive Python floats) or a 1-D array (the
  iterates are the rows of an ``(n_steps + 1, n)`` array). The first row is ``x0``.
* A gradient must have the shape of the point; anything else raises ``ValueError``
  naming the callable and both shapes.
* Inputs are never modified.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from calcml._validate import (
    as_count,
    as_float_array,
    as_float_scalar,
    require_callable,
    require_positive,
)
from calcml.optim import _scalar_value, _start_point, _vector_value

__all__ = [
    "condition_number",
    "gd_rate",
    "quadratic",
    "rosenbrock",
    "rosenbrock_gradient",
    "momentum_descent",
    "nesterov_descent",
    "momentum_matrix",
    "momentum_rate",
    "optimal_momentum",
    "backtracking_step",
    "gd_backtracking",
    "rmsprop",
    "adam",
    "constant_schedule",
    "step_decay",
    "inverse_time_decay",
    "cosine_decay",
    "noisy_sgd",
]

Grad = Callable[[Any], ArrayLike]


# --------------------------------------------------------------------------- quadratics


def _symmetric(A: ArrayLike, name: str = "A") -> np.ndarray:
    A = as_float_array(A, name, ndim=2)
    if A.shape[0] != A.shape[1]:
        raise ValueError(f"{name} must be a square matrix, got shape {A.shape}")
    if not np.allclose(A, A.T, rtol=1e-12, atol=1e-12):
        raise ValueError(f"{name} must be symmetric (a Hessian); A - A^T has entries up to "
                         f"{np.max(np.abs(A - A.T)):.3g}")
    return (A + A.T) / 2


def _spectrum(l_min: float, l_max: float) -> tuple[float, float]:
    """Validated eigenvalue bounds 0 < l_min <= l_max."""
    l_min = require_positive(l_min, "l_min")
    l_max = require_positive(l_max, "l_max")
    if l_min > l_max:
        raise ValueError(f"l_min must not exceed l_max, got l_min = {l_min} > l_max = {l_max}")
    return l_min, l_max


def condition_number(A: ArrayLike) -> float:
    """kappa = lambda_max / lambda_min of a symmetric positive-definite matrix ``A``."""
    lam = np.linalg.eigvalsh(_symmetric(A))
    if lam[0] <= 0:
        raise ValueError(f"A must be positive definite, but its smallest eigenvalue is "
                         f"{lam[0]:.3g}")
    return float(lam[-1] / lam[0])


def gd_rate(l_min: float, l_max: float) -> tuple[float, float]:
    """The best fixed learning rate of gradient descent on a quadratic with Hessian
    eigenvalues in [l_min, l_max], and the rate it achieves.

    Returns ``(lr, rate)`` with lr = 2 / (l_min + l_max) and
    rate = (kappa - 1) / (kappa + 1), kappa = l_max / l_min: the error shrinks by
    at least ``rate`` per step.
    """
    l_min, l_max = _spectrum(l_min, l_max)
    return 2.0 / (l_min + l_max), (l_max - l_min) / (l_max + l_min)


def quadratic(A: ArrayLike, b: ArrayLike | None = None
              ) -> tuple[Callable[[Any], float], Callable[[Any], np.ndarray]]:
    """f(x) = 1/2 x^T A x - b^T x and its gradient A x - b, for a symmetric ``A``."""
    A = _symmetric(A)
    b = np.zeros(len(A)) if b is None else as_float_array(b, "b", ndim=1)
    if b.shape != (len(A),):
        raise ValueError(f"b must have length {len(A)} to match A, got shape {b.shape}")

    def f(x: Any) -> float:
        x = np.asarray(x, dtype=float)
        return float(0.5 * x @ A @ x - b @ x)

    def grad(x: Any) -> np.ndarray:
        return A @ np.asarray(x, dtype=float) - b

    return f, grad


def rosenbrock(v: ArrayLike, a: float = 1.0, c: float = 100.0) -> float:
    """Rosenbrock's banana (a - x)^2 + c (y - x^2)^2; its minimum 0 is at (a, a^2)."""
    x, y = np.asarray(v, dtype=float)
    return float((a - x) ** 2 + c * (y - x * x) ** 2)


def rosenbrock_gradient(v: ArrayLike, a: float = 1.0, c: float = 100.0) -> np.ndarray:
    """The gradient of :func:`rosenbrock`."""
    x, y = np.asarray(v, dtype=float)
    return np.array([-2 * (a - x) - 4 * c * x * (y - x * x), 2 * c * (y - x * x)])


# --------------------------------------------------------------------------- momentum


def _iterates(x: np.ndarray, n_steps: int) -> np.ndarray:
    out = np.empty((n_steps + 1, *x.shape))
    out[0] = x
    return out


def _rate_and_beta(lr: Any, beta: Any, beta_name: str = "beta") -> tuple[float, float]:
    lr = require_positive(lr, "lr")
    beta = as_float_scalar(beta, beta_name)
    if not 0 <= beta < 1:
        raise ValueError(f"{beta_name} must lie in [0, 1), got {beta}")
    return lr, beta


def momentum_descent(grad: Grad, x0: ArrayLike, lr: float, beta: float,
                     n_steps: int) -> np.ndarray:
    """Iterates of the heavy ball: v_0 = 0, v_{k+1} = beta v_k + grad(x_k),
    x_{k+1} = x_k - lr v_{k+1}.

    ``beta`` = 0 is plain gradient descent. Returns shape ``(n_steps + 1,)`` for a
    float ``x0`` and ``(n_steps + 1, n)`` for an array; the first row is ``x0``.
    """
    require_callable(grad, "grad")
    x = _start_point(x0)
    lr, beta = _rate_and_beta(lr, beta)
    n_steps = as_count(n_steps, "n_steps")
    out = _iterates(x, n_steps)
    v = np.zeros_like(x)
    for k in range(n_steps):
        v = beta * v + _vector_value(grad, x, "grad")
        x = x - lr * v
        out[k + 1] = x
    return out


def nesterov_descent(grad: Grad, x0: ArrayLike, lr: float, beta: float,
                     n_steps: int) -> np.ndarray:
    """Iterates of Nesterov's accelerated gradient (momentum with a look-ahead):
    y_k = x_k + beta (x_k - x_{k-1}), x_{k+1} = y_k - lr grad(y_k), x_{-1} = x_0."""
    require_callable(grad, "grad")
    x = _start_point(x0)
    lr, beta = _rate_and_beta(lr, beta)
    n_steps = as_count(n_steps, "n_steps")
    out = _iterates(x, n_steps)
    previous = x
    for k in range(n_steps):
        y = x + beta * (x - previous)
        previous, x = x, y - lr * _vector_value(grad, y, "grad")
        out[k + 1] = x
    return out


def momentum_matrix(lam: float, lr: float, beta: float) -> np.ndarray:
    """The 2x2 matrix T with (e_{k+1}, e_k) = T (e_k, e_{k-1}) for the heavy ball on
    one eigen-direction (eigenvalue ``lam``) of a quadratic:
    e_{k+1} = (1 + beta - lr lam) e_k - beta e_{k-1}."""
    lam = as_float_scalar(lam, "lam")
    lr, beta = _rate_and_beta(lr, beta)
    return np.array([[1 + beta - lr * lam, -beta], [1.0, 0.0]])


def momentum_rate(lr: float, beta: float, eigenvalues: ArrayLike) -> float:
    """The heavy ball's asymptotic rate on a quadratic: the largest spectral radius
    of :func:`momentum_matrix` over the Hessian's ``eigenvalues``."""
    lam = as_float_array(eigenvalues, "eigenvalues", ndim=(0, 1)).reshape(-1)
    if lam.size == 0:
        raise ValueError("eigenvalues must hold at least one eigenvalue")
    return max(float(np.max(np.abs(np.linalg.eigvals(momentum_matrix(v, lr, beta)))))
               for v in lam)


def optimal_momentum(l_min: float, l_max: float) -> tuple[float, float]:
    """``(lr, beta)`` minimising the heavy ball's rate on a quadratic whose Hessian
    eigenvalues lie in [l_min, l_max]:

    lr = 4 / (sqrt(l_max) + sqrt(l_min))^2, beta = ((sqrt(k) - 1) / (sqrt(k) + 1))^2,
    k = l_max / l_min. The rate achieved is sqrt(beta) = (sqrt(k) - 1) / (sqrt(k) + 1).
    """
    l_min, l_max = _spectrum(l_min, l_max)
    root = math.sqrt(l_max / l_min)
    return 4.0 / (math.sqrt(l_max) + math.sqrt(l_min)) ** 2, ((root - 1) / (root + 1)) ** 2


# --------------------------------------------------------------------------- line search


def _line_search_params(t0: Any, alpha: Any, shrink: Any) -> tuple[float, float, float]:
    t0 = require_positive(t0, "t0")
    alpha = as_float_scalar(alpha, "alpha")
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must lie in (0, 1), got {alpha}")
    shrink = as_float_scalar(shrink, "shrink")
    if not 0 < shrink < 1:
        raise ValueError(f"shrink must lie in (0, 1), got {shrink}")
    return t0, alpha, shrink


def backtracking_step(f: Callable[[Any], float], g: ArrayLike, x: ArrayLike, d: ArrayLike,
                      t0: float = 1.0, alpha: float = 1e-4, shrink: float = 0.5,
                      max_halvings: int = 200) -> float:
    """The first t of t0, t0 shrink, t0 shrink^2, ... with the Armijo condition
    f(x + t d) <= f(x) + alpha t g.d, where ``g`` is the gradient of f at ``x``.

    Raises ``ValueError`` when g.d >= 0 (``d`` is not a descent direction) and
    ``RuntimeError`` when no step passes after ``max_halvings`` shrinks (f is then
    not differentiable at x or ``g`` is not its gradient).
    """
    require_callable(f, "f")
    x = _start_point(x)
    g = as_float_array(g, "g")
    d = as_float_array(d, "d")
    for name, arr in (("g", g), ("d", d)):
        if arr.shape != x.shape:
            raise ValueError(f"{name} must have the shape of x, {x.shape}, got {arr.shape}")
    t, alpha, shrink = _line_search_params(t0, alpha, shrink)
    slope = float(np.sum(g * d))
    if slope >= 0:
        raise ValueError(f"d is not a descent direction: g.d = {slope:.6g} >= 0 "
                         "(use d = -g, or any d with g.d < 0)")
    fx = _scalar_value(f, x, "f")
    for _ in range(as_count(max_halvings, "max_halvings") + 1):
        if _scalar_value(f, x + t * d, "f") <= fx + alpha * t * slope:
            return t
        t *= shrink
    raise RuntimeError(f"no step passed the Armijo test after {max_halvings} shrinks; "
                       "is g the gradient of f at x?")


def gd_backtracking(f: Callable[[Any], float], grad: Grad, x0: ArrayLike, n_steps: int,
                    t0: float = 1.0, alpha: float = 1e-4, shrink: float = 0.5,
                    *, steps: bool = False) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    """Iterates of x_{k+1} = x_k - t_k grad(x_k), each t_k found by backtracking from
    ``t0`` along -grad(x_k); stops early (fewer rows) when grad(x_k) is exactly zero.

    With ``steps=True`` also returns the step sizes t_k taken, shape (rows - 1,).
    """
    require_callable(f, "f")
    require_callable(grad, "grad")
    x = _start_point(x0)
    n_steps = as_count(n_steps, "n_steps")
    t0, alpha, shrink = _line_search_params(t0, alpha, shrink)
    path, ts = [x], []
    for _ in range(n_steps):
        g = _vector_value(grad, x, "grad")
        if not np.any(g):
            break
        t = backtracking_step(f, g, x, -g, t0, alpha, shrink)
        x = x - t * g
        path.append(x)
        ts.append(t)
    iterates = np.array(path)
    return (iterates, np.array(ts)) if steps else iterates


# --------------------------------------------------------------------------- adaptive methods


def _unit_interval(value: Any, name: str) -> float:
    value = as_float_scalar(value, name)
    if not 0 <= value < 1:
        raise ValueError(f"{name} must lie in [0, 1), got {value}")
    return value


def _nonnegative(value: Any, name: str) -> float:
    value = as_float_scalar(value, name)
    if value < 0:
        raise ValueError(f"{name} must be >= 0, got {value}")
    return value


def rmsprop(grad: Grad, x0: ArrayLike, lr: float = 1e-3, beta: float = 0.9,
            eps: float = 1e-8, n_steps: int = 100) -> np.ndarray:
    """Iterates of RMSProp: v_t = beta v + (1 - beta) g^2,
    x_t = x_{t-1} - lr g / (sqrt(v_t) + eps), from v_0 = 0."""
    require_callable(grad, "grad")
    x = _start_point(x0)
    lr = require_positive(lr, "lr")
    beta = _unit_interval(beta, "beta")
    eps = _nonnegative(eps, "eps")
    n_steps = as_count(n_steps, "n_steps")
    out = _iterates(x, n_steps)
    v = np.zeros_like(x)
    for k in range(n_steps):
        g = _vector_value(grad, x, "grad")
        v = beta * v + (1 - beta) * g * g
        x = x - lr * g / (np.sqrt(v) + eps)
        out[k + 1] = x
    return out


def adam(grad: Grad, x0: ArrayLike, lr: float = 1e-3, beta1: float = 0.9,
         beta2: float = 0.999, eps: float = 1e-8, n_steps: int = 100, *,
         bias_correction: bool = True) -> np.ndarray:
    """Iterates of Adam (Kingma and Ba, Algorithm 1): for t = 1, 2, ...
    m_t = beta1 m + (1 - beta1) g, v_t = beta2 v + (1 - beta2) g^2,
    m_hat = m_t / (1 - beta1^t), v_hat = v_t / (1 - beta2^t),
    x_t = x_{t-1} - lr m_hat / (sqrt(v_hat) + eps).

    ``bias_correction=False`` uses m_t and v_t themselves (to show why the correction
    matters in the first steps).
    """
    require_callable(grad, "grad")
    x = _start_point(x0)
    lr = require_positive(lr, "lr")
    beta1 = _unit_interval(beta1, "beta1")
    beta2 = _unit_interval(beta2, "beta2")
    eps = _nonnegative(eps, "eps")
    n_steps = as_count(n_steps, "n_steps")
    out = _iterates(x, n_steps)
    m = np.zeros_like(x)
    v = np.zeros_like(x)
    for t in range(1, n_steps + 1):
        g = _vector_value(grad, x, "grad")
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        if bias_correction:
            m_hat, v_hat = m / (1 - beta1 ** t), v / (1 - beta2 ** t)
        else:
            m_hat, v_hat = m, v
        x = x - lr * m_hat / (np.sqrt(v_hat) + eps)
        out[t] = x
    return out


# --------------------------------------------------------------------------- schedules and SGD


def constant_schedule(lr0: float, n_steps: int) -> np.ndarray:
    """The learning rates lr0, lr0, ... of ``n_steps`` steps."""
    return np.full(as_count(n_steps, "n_steps"), require_positive(lr0, "lr0"))


def step_decay(lr0: float, factor: float, every: int, n_steps: int) -> np.ndarray:
    """lr_k = lr0 factor^floor(k / every): multiply by ``factor`` every ``every`` steps."""
    lr0 = require_positive(lr0, "lr0")
    factor = require_positive(factor, "factor")
    every = as_count(every, "every", minimum=1)
    k = np.arange(as_count(n_steps, "n_steps"))
    return lr0 * factor ** (k // every)


def inverse_time_decay(lr0: float, decay: float, n_steps: int) -> np.ndarray:
    """lr_k = lr0 / (1 + decay k): sum lr_k diverges, sum lr_k^2 converges for decay > 0
    (the Robbins-Monro conditions, with lr_k ~ 1/k)."""
    lr0 = require_positive(lr0, "lr0")
    decay = as_float_scalar(decay, "decay")
    if decay < 0:
        raise ValueError(f"decay must be >= 0, got {decay}")
    return lr0 / (1 + decay * np.arange(as_count(n_steps, "n_steps")))


def cosine_decay(lr0: float, n_steps: int, lr_min: float = 0.0) -> np.ndarray:
    """lr_k = lr_min + (lr0 - lr_min) (1 + cos(pi k / n_steps)) / 2, k = 0 .. n_steps - 1."""
    lr0 = require_positive(lr0, "lr0")
    lr_min = as_float_scalar(lr_min, "lr_min")
    if not 0 <= lr_min <= lr0:
        raise ValueError(f"lr_min must lie in [0, lr0] = [0, {lr0}], got {lr_min}")
    n = as_count(n_steps, "n_steps")
    return lr_min + (lr0 - lr_min) * (1 + np.cos(np.pi * np.arange(n) / max(n, 1))) / 2


def noisy_sgd(grad: Grad, x0: ArrayLike, lrs: ArrayLike, noise: float,
              seed: int = 0) -> np.ndarray:
    """SGD with a model of gradient noise: x_{k+1} = x_k - lrs[k] (grad(x_k) + noise z_k),
    z_k independent standard normal of x's shape drawn from default_rng(seed).

    Returns the ``len(lrs) + 1`` iterates, first row ``x0``.
    """
    require_callable(grad, "grad")
    x = _start_point(x0)
    lrs = as_float_array(lrs, "lrs", ndim=1)
    if np.any(lrs <= 0):
        raise ValueError(f"lrs must hold positive learning rates, got a smallest of {lrs.min()}")
    noise = as_float_scalar(noise, "noise")
    if noise < 0:
        raise ValueError(f"noise must be >= 0, got {noise}")
    rng = np.random.default_rng(as_count(seed, "seed"))
    out = _iterates(x, len(lrs))
    for k, lr in enumerate(lrs):
        g = _vector_value(grad, x, "grad") + noise * rng.standard_normal(x.shape)
        x = x - lr * g
        out[k + 1] = x
    return out

