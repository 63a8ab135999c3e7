"""Building blocks for test inputs, shared by the assignments' case generators."""

from __future__ import annotations

from typing import Any

import numpy as np

from calcml.grading.core import Fn

__all__ = ["literal", "rounded", "with_eigenvalues", "scalar_field", "SEED_X", "SEED_Y",
           "SEED_DESIGN"]

# The notes' running example, the points (1, 2), (2, 5), (3, 3): their x and y, and the
# design matrix [1, x] (a column of ones, then x). Best line y = x/2 + 7/3.
SEED_X = np.array([1.0, 2.0, 3.0])
SEED_Y = np.array([2.0, 5.0, 3.0])
SEED_DESIGN = np.column_stack([np.ones(len(SEED_X)), SEED_X])


def literal(value: Any, digits: int | None = None) -> str:
    """Source text ``np.array([...])`` of an array, for a test function written as text
    (Python's float repr round-trips exactly; ``digits`` rounds first for readability)."""
    arr = np.asarray(value, dtype=float)
    if digits is not None:
        arr = np.round(arr, digits)
    return f"np.array({arr.tolist()!r})"


def rounded(value: Any, digits: int = 3) -> Any:
    """``value`` rounded to ``digits`` decimals: a float for a scalar, else an array."""
    out = np.round(np.asarray(value, dtype=float), digits)
    return float(out) if out.ndim == 0 else out


def with_eigenvalues(rng: np.random.Generator, eigenvalues: Any) -> np.ndarray:
    """A random symmetric matrix Q diag(eigenvalues) Q^T (Q a random rotation)."""
    lam = np.asarray(eigenvalues, dtype=float)
    q, _ = np.linalg.qr(rng.normal(size=(len(lam), len(lam))))
    h = q @ np.diag(lam) @ q.T
    return (h + h.T) / 2


# Smooth f: R^n -> R whose coordinates interact, analytic so that complex steps apply;
# {w} is filled with a literal of n random signed weights.
_SCALAR_FIELDS = [
    "lambda x: np.sum({w} * np.sin(x)) + 0.5 * x @ x",
    "lambda x: np.exp({w} @ x / 4) + np.sum(x ** 3) / 3",
    "lambda x: np.log(1 + np.sum({w} ** 2 * x ** 2)) + np.prod(np.cos(x / 2))",
    "lambda x: ({w} @ x) ** 2 - np.sum(x ** 4) / 8 + x[0] * x[-1]",
]


def scalar_field(rng: np.random.Generator, n: int) -> Fn:
    """A random smooth test function f: R^n -> R, as source text."""
    w = literal(rng.uniform(0.5, 2.0, size=n) * rng.choice([-1, 1], n), digits=3)
    return Fn(_SCALAR_FIELDS[rng.integers(len(_SCALAR_FIELDS))].format(w=w))
