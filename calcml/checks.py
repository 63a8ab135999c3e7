"""The book's one way of checking a derivation numerically and saying how well it held.

Every chapter follows a formula with a cell that computes the same quantity another
way (finite differences, complex step, a closed form) and calls :func:`check`: the
page cannot build if the two disagree, and the reader sees by how much they agree.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from calcml.diff import relative_error

__all__ = ["check", "show"]

#: arrays with at most this many entries are printed next to the error
SHOWN_ENTRIES = 12


def show(a: ArrayLike) -> str:
    """An array on one line with 6 significant digits and no ``-0.`` from rounding noise."""
    a = np.round(np.asarray(a, dtype=float), 12) + 0.0  # + 0.0 turns -0.0 into 0.0
    return np.array2string(a, precision=6, separator=", ", suppress_small=True).replace("\n", "")


def check(computed: ArrayLike, expected: ArrayLike, rtol: float = 1e-7, atol: float = 1e-9,
          what: str = "value") -> None:
    """Assert that ``computed`` matches ``expected`` and print how well they agree (the
    relative error, or the absolute one when ``expected`` is all zeros).

    It returns nothing, so a cell that ends with it shows only the printed line.

    Small arrays are printed with the error; larger ones only by their error.

    Raises
    ------
    AssertionError
        Naming ``what`` and both values, when they differ by more than the tolerances
        (as ``numpy.allclose``) or their shapes differ.
    """
    computed = np.asarray(computed, dtype=float) + 0.0
    expected = np.asarray(expected, dtype=float) + 0.0
    assert computed.shape == expected.shape, (
        f"{what}: computed shape {computed.shape}, expected shape {expected.shape}")
    assert np.allclose(computed, expected, rtol=rtol, atol=atol), (
        f"{what}: computed {show(computed)}, expected {show(expected)}")
    if np.any(expected != 0):
        error = relative_error(computed, expected)
        said = f"relative error {error:.1e}"
    else:
        error = float(np.max(np.abs(computed - expected), initial=0.0))
        said = f"largest absolute error {error:.1e}"
    if computed.size <= SHOWN_ENTRIES:
        print(f"{what}: {show(computed)} (expected {show(expected)}), {said}")
    else:
        print(f"{what}: {said}")
