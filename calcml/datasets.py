"""Small data sets made in code or shipped with an installed package.

Nothing here downloads anything: the synthetic sets are generated with numpy from a
seed, and ``digits`` and ``iris`` are read from the files bundled with scikit-learn.
Every function returns ``(X, y)`` with ``X`` a float array of shape ``(m, n)`` (one row
per example) and ``y`` an integer array of shape ``(m,)``.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from calcml._validate import as_count, as_float_array, as_float_scalar, require_positive

__all__ = [
    "SENTENCES",
    "MOODS",
    "SENTIMENT_WORDS",
    "sentiment_counts",
    "LOGIC_GATES",
    "logic_gate",
    "blobs",
    "moons",
    "digits",
    "iris",
]

SENTENCES: tuple[str, ...] = ("Ya Ya Ya", "Na na", "Ya na Ya", "Na na na")
"""The four sentences of the toy sentiment problem, in the order of :func:`sentiment_counts`."""

MOODS: tuple[str, ...] = ("happy", "sad", "happy", "sad")
"""The mood of each sentence of :data:`SENTENCES` (label 1 = happy, 0 = sad)."""

SENTIMENT_WORDS: tuple[str, ...] = ("ya", "na")
"""The words counted by :func:`sentiment_counts`, one feature column each."""

LOGIC_GATES: dict[str, tuple[int, int, int, int]] = {
    "and": (0, 0, 0, 1),
    "or": (0, 1, 1, 1),
    "xor": (0, 1, 1, 0),
}
"""Each gate's outputs for the inputs (0, 0), (0, 1), (1, 0), (1, 1), in that order."""


def sentiment_counts() -> tuple[np.ndarray, np.ndarray]:
    """A toy sentiment data set: word counts of four sentences and their moods.

    Each sentence of :data:`SENTENCES` becomes the row ``[#"ya", #"na"]`` (words counted
    case-insensitively), and its label is 1 if the mood is happy, 0 if sad:

    =============  ======  ======  =====
    sentence       X[:,0]  X[:,1]  y
    =============  ======  ======  =====
    "Ya Ya Ya"     3       0       1
    "Na na"        0       2       0
    "Ya na Ya"     2       1       1
    "Na na na"     0       3       0
    =============  ======  ======  =====

    Returns
    -------
    X : numpy.ndarray
        Float array of shape ``(4, 2)``: column 0 counts "ya", column 1 counts "na".
    y : numpy.ndarray
        Integer array of shape ``(4,)``: 1 = happy, 0 = sad.
    """
    words = [sentence.lower().split() for sentence in SENTENCES]
    X = np.array([[w.count(word) for word in SENTIMENT_WORDS] for w in words], dtype=float)
    y = np.array([1 if mood == "happy" else 0 for mood in MOODS], dtype=int)
    return X, y


def logic_gate(name: str) -> tuple[np.ndarray, np.ndarray]:
    """The truth table of a two-input logic gate as a tiny classification data set.

    Parameters
    ----------
    name:
        ``"and"``, ``"or"`` or ``"xor"`` (any capitalisation).

    Returns
    -------
    X : numpy.ndarray
        Float array of shape ``(4, 2)``: the inputs (0, 0), (0, 1), (1, 0), (1, 1).
    y : numpy.ndarray
        Integer array of shape ``(4,)``: the gate's output for each row.

    Raises
    ------
    TypeError
        If ``name`` is not a string.
    ValueError
        If ``name`` is not one of the gates (the message lists them).
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be a string, one of {sorted(LOGIC_GATES)}, got {name!r}")
    key = name.strip().lower()
    if key not in LOGIC_GATES:
        raise ValueError(f"name must be one of {sorted(LOGIC_GATES)}, got {name!r}")
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    return X, np.array(LOGIC_GATES[key], dtype=int)


def blobs(
    n_per_class: int = 50,
    centers: ArrayLike | None = None,
    std: float = 1.0,
    seed: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """Gaussian clusters, one per centre: a linearly separable-ish classification set.

    Class ``k`` has ``n_per_class`` points drawn from the normal distribution with mean
    ``centers[k]`` and covariance ``std**2 * I``. Rows are grouped by class (class 0
    first), so shuffle before taking a prefix.

    Parameters
    ----------
    n_per_class:
        Points per class, at least 1.
    centers:
        Array of shape ``(K, d)``: one centre per class. Default ``[[-2, -2], [2, 2]]``
        (two classes in the plane).
    std:
        The standard deviation of every coordinate, positive.
    seed:
        Seed of ``np.random.default_rng``: the same seed gives the same data.

    Returns
    -------
    X : numpy.ndarray
        Float array of shape ``(K * n_per_class, d)``.
    y : numpy.ndarray
        Integer array of shape ``(K * n_per_class,)`` with values ``0 .. K-1``.
    """
    n_per_class = as_count(n_per_class, "n_per_class", minimum=1)
    if centers is None:
        centers = [[-2.0, -2.0], [2.0, 2.0]]
    centers = as_float_array(centers, "centers", ndim=2)
    if centers.shape[0] == 0 or centers.shape[1] == 0:
        raise ValueError(f"centers must have shape (K, d) with K, d >= 1, got {centers.shape}")
    std = require_positive(std, "std")
    rng = np.random.default_rng(seed)
    k, d = centers.shape
    X = np.concatenate([c + std * rng.standard_normal((n_per_class, d)) for c in centers])
    y = np.repeat(np.arange(k), n_per_class)
    return X, y


def moons(n: int = 200, noise: float = 0.1, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles: a data set no straight line can separate.

    Class 0 lies on the upper half circle (cos t, sin t), class 1 on the lower one
    (1 - cos t, 0.5 - sin t), t in [0, pi], each point moved by Gaussian noise of
    standard deviation ``noise`` in both coordinates. Class 0 has ``n // 2`` points and
    class 1 the rest; rows are grouped by class.

    Parameters
    ----------
    n:
        Number of points, at least 2.
    noise:
        Standard deviation of the noise, >= 0.
    seed:
        Seed of ``np.random.default_rng``: the same seed gives the same data.

    Returns
    -------
    X : numpy.ndarray
        Float array of shape ``(n, 2)``.
    y : numpy.ndarray
        Integer array of shape ``(n,)`` with values 0 and 1.
    """
    n = as_count(n, "n", minimum=2)
    noise = as_float_scalar(noise, "noise")
    if noise < 0:
        raise ValueError(f"noise must be >= 0, got {noise}")
    rng = np.random.default_rng(seed)
    n0 = n // 2
    n1 = n - n0
    t0 = np.linspace(0.0, np.pi, n0)
    t1 = np.linspace(0.0, np.pi, n1)
    upper = np.column_stack([np.cos(t0), np.sin(t0)])
    lower = np.column_stack([1.0 - np.cos(t1), 0.5 - np.sin(t1)])
    X = np.concatenate([upper, lower]) + noise * rng.standard_normal((n, 2))
    y = np.concatenate([np.zeros(n0, dtype=int), np.ones(n1, dtype=int)])
    return X, y


def digits() -> tuple[np.ndarray, np.ndarray]:
    """The 8x8 handwritten digits bundled with scikit-learn (no download).

    Returns
    -------
    X : numpy.ndarray
        Float array of shape ``(1797, 64)``: pixel intensities 0..16, row-major 8x8.
    y : numpy.ndarray
        Integer array of shape ``(1797,)``: the digit, 0..9.
    """
    from sklearn.datasets import load_digits

    X, y = load_digits(return_X_y=True)
    return np.asarray(X, dtype=float), np.asarray(y, dtype=int)


def iris() -> tuple[np.ndarray, np.ndarray]:
    """Fisher's iris flowers, bundled with scikit-learn (no download).

    Returns
    -------
    X : numpy.ndarray
        Float array of shape ``(150, 4)``: sepal length, sepal width, petal length,
        petal width, in cm.
    y : numpy.ndarray
        Integer array of shape ``(150,)``: 0 = setosa, 1 = versicolor, 2 = virginica.
    """
    from sklearn.datasets import load_iris

    X, y = load_iris(return_X_y=True)
    return np.asarray(X, dtype=float), np.asarray(y, dtype=int)
