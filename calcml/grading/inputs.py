"""Building blocks for test inputs, shared by the assignments' case generators."""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["literal", "rounded", "with_eigenvalues"]


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
