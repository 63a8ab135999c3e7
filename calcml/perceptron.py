"""The artificial neuron of chapter 07: the bias trick, the perceptron, linear boundaries.

A linear discriminant is g(x) = w0 + w . x. With the *bias trick* the input gets a
leading 1, x_tilde = (1, x), and the weights carry the bias first, so that
g(x) = w_tilde . x_tilde. The perceptron predicts heaviside(g(x)) (1 where g >= 0)
and learns with Rosenblatt's rule: on a mistake, w_tilde += lr (y - y_hat) x_tilde.

Inputs are never modified.
"""

from __future__ import annotations

from dataclasses import dataclass, field
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
from calcml.functions import heaviside

__all__ = [
    "add_bias",
    "heaviside",
    "perceptron_predict",
    "PerceptronTrace",
    "perceptron_trace",
    "perceptron_train",
    "linear_neuron_step",
    "unit_normal",
    "signed_distance",
    "boundary_distance_from_origin",
    "closest_boundary_point",
]


def add_bias(X: ArrayLike) -> np.ndarray:
    """``X`` with a leading column of ones (a leading 1 for a single 1-D example).

    Parameters
    ----------
    X:
        A data matrix of shape ``(m, n)`` or one example of shape ``(n,)``.

    Returns
    -------
    numpy.ndarray
        Shape ``(m, n + 1)`` (or ``(n + 1,)``), float.
    """
    X = as_float_array(X, "X", ndim=(1, 2))
    if X.ndim == 1:
        return np.concatenate(([1.0], X))
    return np.hstack([np.ones((X.shape[0], 1)), X])


def _weights_for(w: ArrayLike, n_features: int) -> np.ndarray:
    w = as_float_array(w, "w", ndim=1)
    if w.shape != (n_features + 1,):
        raise ValueError(
            f"w must hold a bias and one weight per feature, shape ({n_features + 1},), "
            f"got w.shape = {w.shape}"
        )
    return w


def perceptron_predict(w: ArrayLike, X: ArrayLike) -> np.ndarray:
    """heaviside(add_bias(X) @ w): 1 where w[0] + w[1:] . x >= 0, else 0 (integers).

    ``w`` has shape ``(n + 1,)`` with the bias first; ``X`` is ``(m, n)`` (result
    ``(m,)``) or one example ``(n,)`` (result a 0-d integer array).
    """
    Xt = add_bias(X)
    w = _weights_for(w, Xt.shape[-1] - 1)
    return heaviside(Xt @ w)


def _binary_labels(y: ArrayLike, name: str = "y") -> np.ndarray:
    y = as_float_array(y, name, ndim=1)
    if not np.all((y == 0) | (y == 1)):
        bad = y[(y != 0) & (y != 1)][0]
        raise ValueError(f"{name} must hold only the labels 0 and 1, got {name} containing {bad}")
    return y.astype(int)


@dataclass(frozen=True)
class PerceptronTrace:
    """Everything that happened while a perceptron trained.

    Attributes
    ----------
    steps:
        One dict per presentation of an example, in plain Python types:
        ``presentation`` (1, 2, ...), ``sample`` (the example's row, counted from 1
        as in the chapter's table), ``w_dot_x`` (w . x_tilde before the update),
        ``yhat``, ``y`` and ``w_after`` (the weights after this presentation).
    weights:
        Shape ``(n_presentations + 1, n + 1)``: the weights before the first
        presentation (zeros) and after each one.
    n_updates:
        The number of mistakes, i.e. of weight updates.
    mistakes_per_epoch:
        The number of mistakes in each epoch.
    converged:
        True if the last epoch had no mistake.
    """

    steps: list[dict[str, Any]]
    weights: np.ndarray
    n_updates: int
    mistakes_per_epoch: list[int] = field(default_factory=list)
    converged: bool = False

    @property
    def w(self) -> np.ndarray:
        """The final weights, bias first."""
        return self.weights[-1].copy()

    @property
    def n_epochs(self) -> int:
        """The number of epochs run, the final clean one included."""
        return len(self.mistakes_per_epoch)

    def presentations_until_clean_run(self) -> int | None:
        """The presentation at which ``m`` consecutive correct predictions first ended.

        With m examples, that is the first moment at which every example in a row,
        in cyclic order, was classified correctly, i.e. training could have stopped
        there if it were not checked only at epoch boundaries. ``None`` if it never
        happened.
        """
        m = max(step["sample"] for step in self.steps) if self.steps else 0
        run = 0
        for step in self.steps:
            run = run + 1 if step["yhat"] == step["y"] else 0
            if m and run >= m:
                return int(step["presentation"])
        return None


def perceptron_trace(
    X: ArrayLike,
    y: ArrayLike,
    lr: float = 1.0,
    max_epochs: int = 100,
    *,
    step_at_zero: int = 1,
) -> PerceptronTrace:
    """Train a perceptron with the perceptron rule and record every presentation.

    Starts from zero weights; visits the examples in order; on a mistake adds
    ``lr (y - y_hat) x_tilde`` to the weights; stops after a full epoch without a
    mistake or after ``max_epochs`` epochs.

    Parameters
    ----------
    X:
        Features, shape ``(m, n)`` (no column of ones: the bias is added here).
    y:
        Labels 0 or 1, shape ``(m,)``.
    lr:
        The learning rate, > 0.
    max_epochs:
        The most passes over the data.
    step_at_zero:
        The prediction when w . x_tilde = 0 exactly: 1 (the course's Heaviside, the
        default) or 0 (a strict threshold ``w . x > 0``, as some texts use).
    """
    Xt = add_bias(as_float_array(X, "X", ndim=2))
    y = _binary_labels(y)
    require_same_length(Xt, y, "X", "y")
    lr = require_positive(lr, "lr")
    max_epochs = as_count(max_epochs, "max_epochs")
    if step_at_zero not in (0, 1):
        raise ValueError(f"step_at_zero must be 0 or 1, got {step_at_zero!r}")

    w = np.zeros(Xt.shape[1])
    weights = [w.copy()]
    steps: list[dict[str, Any]] = []
    mistakes_per_epoch: list[int] = []
    n_updates = 0
    for _ in range(max_epochs):
        mistakes = 0
        for i, (x_tilde, target) in enumerate(zip(Xt, y, strict=True)):
            a = float(w @ x_tilde)
            y_hat = 1 if a > 0 else (step_at_zero if a == 0 else 0)
            if y_hat != target:
                w = w + lr * (target - y_hat) * x_tilde
                mistakes += 1
            weights.append(w.copy())
            steps.append(
                {
                    "presentation": len(steps) + 1,
                    "sample": i + 1,
                    "w_dot_x": a,
                    "yhat": int(y_hat),
                    "y": int(target),
                    "w_after": [float(v) for v in w],
                }
            )
        n_updates += mistakes
        mistakes_per_epoch.append(mistakes)
        if mistakes == 0:
            break
    return PerceptronTrace(
        steps=steps,
        weights=np.array(weights),
        n_updates=n_updates,
        mistakes_per_epoch=mistakes_per_epoch,
        converged=bool(mistakes_per_epoch) and mistakes_per_epoch[-1] == 0,
    )


def perceptron_train(
    X: ArrayLike, y: ArrayLike, lr: float = 1.0, max_epochs: int = 100
) -> tuple[np.ndarray, int]:
    """The perceptron rule from zero weights: returns ``(w, n_updates)``.

    Visits the examples of ``X`` (shape ``(m, n)``) in order; on a mistake adds
    ``lr (y - y_hat) x_tilde`` and counts it; stops after a full epoch without a
    mistake or after ``max_epochs`` epochs. ``w`` has shape ``(n + 1,)``, bias first.
    """
    trace = perceptron_trace(X, y, lr, max_epochs)
    return trace.w, trace.n_updates


def linear_neuron_step(
    w: ArrayLike, b: float, x: ArrayLike, y: float, lr: float
) -> tuple[np.ndarray, float]:
    """One SGD step of a linear neuron y_hat = w . x + b on L = 1/2 (y - y_hat)^2.

    dL/dw = -(y - y_hat) x and dL/db = -(y - y_hat), so the step is
    w <- w + lr (y - y_hat) x and b <- b + lr (y - y_hat).

    Returns
    -------
    (w, b)
        New weights (a new array of shape ``(n,)``) and bias (a float).
    """
    w = as_float_array(w, "w", ndim=1)
    x = as_float_array(x, "x", ndim=1)
    if x.shape != w.shape:
        raise ValueError(f"x must have the shape of w, {w.shape}, got x.shape = {x.shape}")
    b = as_float_scalar(b, "b")
    y = as_float_scalar(y, "y")
    lr = require_positive(lr, "lr")
    error = y - (w @ x + b)
    return w + lr * error * x, b + lr * error


# --------------------------------------------------------------------------- geometry


def _normal(w: ArrayLike) -> np.ndarray:
    w = as_float_array(w, "w", ndim=1)
    if not np.any(w):
        raise ValueError(f"w must not be the zero vector (there is no boundary), got w = {w}")
    return w


def unit_normal(w: ArrayLike) -> np.ndarray:
    """w / ||w||: the unit normal of the boundary w0 + w . x = 0, pointing to g > 0."""
    w = _normal(w)
    return w / np.linalg.norm(w)


def signed_distance(w0: float, w: ArrayLike, x: ArrayLike) -> float | np.ndarray:
    """g(x) / ||w|| = (w0 + w . x) / ||w||: the signed distance of x from the boundary.

    Positive on the side the normal ``w`` points to (where g > 0). ``x`` is one
    point ``(n,)`` (a float is returned) or points ``(m, n)`` (an array ``(m,)``).
    """
    w0 = as_float_scalar(w0, "w0")
    w = _normal(w)
    x = as_float_array(x, "x", ndim=(1, 2))
    if x.shape[-1] != w.shape[0]:
        raise ValueError(
            f"x must have {w.shape[0]} coordinates to match w.shape = {w.shape}, "
            f"got x.shape = {x.shape}"
        )
    d = (w0 + x @ w) / np.linalg.norm(w)
    return float(d) if x.ndim == 1 else d


def boundary_distance_from_origin(w0: float, w: ArrayLike) -> float:
    """-w0 / ||w||: where the boundary sits along the unit normal, seen from the origin.

    The boundary's point closest to the origin is this number times the unit normal;
    its absolute value is the distance between the origin and the boundary.
    """
    w0 = as_float_scalar(w0, "w0")
    w = _normal(w)
    return -w0 / float(np.linalg.norm(w))


def closest_boundary_point(w0: float, w: ArrayLike) -> np.ndarray:
    """The point of the boundary w0 + w . x = 0 nearest the origin: -w0 w / ||w||^2."""
    w0 = as_float_scalar(w0, "w0")
    w = _normal(w)
    return -w0 * w / float(w @ w)
