"""Input checks shared by every public function of calcml.

Each helper raises ``TypeError`` or ``ValueError`` with a message that names the
argument and, where it matters, its shape, so that a reader who passes the wrong
thing learns what was wrong rather than meeting a numpy broadcasting error later.
"""

from __future__ import annotations

import numbers
import operator
from collections.abc import Callable
from typing import Any

import numpy as np

__all__ = [
    "as_count",
    "as_float_array",
    "as_float_scalar",
    "require_callable",
    "require_finite",
    "require_same_length",
    "require_positive",
]


def as_float_array(
    value: Any,
    name: str,
    *,
    ndim: int | tuple[int, ...] | None = None,
    finite: bool = True,
) -> np.ndarray:
    """Return ``value`` as a new float64 array, checking its rank and finiteness.

    Parameters
    ----------
    value:
        Anything ``np.asarray`` accepts holding real numbers (bool, int or float).
    name:
        The argument's name, used in error messages.
    ndim:
        The allowed number of dimensions (one int or a tuple of ints); ``None``
        allows any.
    finite:
        Reject NaN and infinities when true.
    """
    if callable(value) and not isinstance(value, np.ndarray):
        raise TypeError(f"{name} must be a number or an array of numbers, got a callable {value!r}")
    if value is None:
        raise TypeError(f"{name} must be a number or an array of numbers, got None")
    try:
        is_complex = np.iscomplexobj(value)
    except (TypeError, ValueError):  # ragged or non-numeric: reported just below
        is_complex = False
    if is_complex:
        raise TypeError(f"{name} must be real, got a complex value")
    try:
        arr = np.array(value, dtype=float)
    except (TypeError, ValueError) as exc:
        raise TypeError(
            f"{name} must be a number or an array of numbers, got {type(value).__name__}: {exc}"
        ) from None
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if arr.ndim not in allowed:
            want = " or ".join(f"{d}-D" for d in allowed)
            raise ValueError(f"{name} must be {want}, got shape {arr.shape}")
    if finite:
        require_finite(arr, name)
    return arr


def as_float_scalar(value: Any, name: str, *, finite: bool = True) -> float:
    """Return ``value`` as a Python float; it must hold exactly one number."""
    arr = as_float_array(value, name, finite=finite)
    if arr.size != 1:
        raise ValueError(f"{name} must be a single number, got shape {arr.shape}")
    return float(arr.reshape(()))


def as_count(value: Any, name: str, *, minimum: int = 0) -> int:
    """Return ``value`` as a Python int >= ``minimum``: a number of steps, epochs, classes...

    Integers of any kind (Python or numpy) are accepted, and so is a float holding a
    whole number (``3.0``), so that ``n_steps=1e3`` works.

    Raises
    ------
    TypeError
        If ``value`` is not a real number at all: ``None``, a string, an array, a
        complex number, or a bool (``True`` is not a count).
    ValueError
        If ``value`` is a real number but not a whole one (``2.5``, NaN, infinity), or
        is smaller than ``minimum``.

    Every message starts with ``name``.
    """
    if isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be an integer, got a bool {value!r}")
    try:
        count = operator.index(value)
    except TypeError:
        if not isinstance(value, numbers.Real):
            raise TypeError(
                f"{name} must be an integer, got {type(value).__name__} {value!r}"
            ) from None
        if not (np.isfinite(value) and float(value).is_integer()):
            raise ValueError(f"{name} must be a whole number, got {value!r}") from None
        count = int(value)
    if count < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {count}")
    return count


def require_finite(arr: np.ndarray, name: str) -> None:
    """Raise ``ValueError`` naming ``name`` if ``arr`` holds NaN or an infinity."""
    arr = np.asarray(arr)
    if arr.dtype.kind in "fc" and not np.all(np.isfinite(arr)):
        bad = np.argwhere(~np.isfinite(arr))
        where = tuple(int(i) for i in bad[0]) if arr.ndim else ()
        raise ValueError(
            f"{name} must be finite, but {name}{list(where) if where else ''} = "
            f"{arr[tuple(bad[0])] if arr.ndim else arr.item()} (shape {arr.shape})"
        )


def require_callable(f: Any, name: str) -> Callable[..., Any]:
    """Raise ``TypeError`` naming ``name`` if ``f`` is not callable."""
    if not callable(f):
        raise TypeError(f"{name} must be a function, got {type(f).__name__}: {f!r}")
    return f


def require_same_length(a: np.ndarray, b: np.ndarray, name_a: str, name_b: str) -> None:
    """Raise ``ValueError`` if ``a`` and ``b`` do not have the same number of rows."""
    if len(a) != len(b):
        raise ValueError(
            f"{name_a} and {name_b} must have the same length, got {name_a}.shape = "
            f"{np.shape(a)} and {name_b}.shape = {np.shape(b)}"
        )


def require_positive(value: float, name: str) -> float:
    """Return ``value`` as a float, raising ``ValueError`` unless it is finite and > 0."""
    v = as_float_scalar(value, name)
    if not v > 0:
        raise ValueError(f"{name} must be positive, got {v}")
    return v
