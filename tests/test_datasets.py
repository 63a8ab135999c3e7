"""Tests of calcml.datasets: shapes, dtypes, determinism, and the content of each set."""

from __future__ import annotations

import numpy as np
import pytest

from calcml import datasets
from calcml.datasets import blobs, digits, iris, logic_gate, moons, sentiment_counts
from calcml.seeds import expected, seed_example


def _check_xy(X, y, m, n):
    assert isinstance(X, np.ndarray) and isinstance(y, np.ndarray)
    assert X.shape == (m, n) and y.shape == (m,)
    assert X.dtype == np.float64
    assert y.dtype.kind == "i"
    assert np.all(np.isfinite(X))


# ---------------------------------------------------------------------- sentiment_counts


def test_sentiment_counts_matches_the_verified_seed_table():
    X, y = sentiment_counts()
    _check_xy(X, y, 4, 2)
    np.testing.assert_array_equal(X, expected("s002_sentiment_counts", "counts_ya_na_from_text"))
    np.testing.assert_array_equal(y, [1, 0, 1, 0])


def test_sentiment_counts_counts_the_words_of_the_sentences():
    sentences = list(datasets.SENTENCES)
    assert sentences == ["Ya Ya Ya", "Na na", "Ya na Ya", "Na na na"]
    # every sentence is made of the two counted words only
    assert all(w.lower() in datasets.SENTIMENT_WORDS for s in sentences for w in s.split())
    # the seed's sentences differ from ours only by a stray token that is not a counted word
    seed = seed_example("s002_sentiment_counts")["inputs"]["sentences"]
    for ours, theirs in zip(sentences, seed, strict=True):
        kept = [w for w in theirs.split() if w.lower() in datasets.SENTIMENT_WORDS]
        assert ours.split() == kept
    X, y = sentiment_counts()
    for row, sentence in zip(X, sentences, strict=True):
        words = [w.lower() for w in sentence.split()]
        assert row.tolist() == [words.count("ya"), words.count("na")]
    # happy sentences are exactly those with more "ya" than "na" in this toy table
    np.testing.assert_array_equal(y, (X[:, 0] > X[:, 1]).astype(int))
    assert [datasets.MOODS[i] for i in range(4)] == ["happy", "sad", "happy", "sad"]


def test_sentiment_counts_returns_fresh_arrays():
    X, y = sentiment_counts()
    X[0, 0] = -1
    y[0] = 7
    X2, y2 = sentiment_counts()
    assert X2[0, 0] == 3 and y2[0] == 1


# --------------------------------------------------------------------------- logic_gate

TRUTH = {
    "and": lambda a, b: a and b,
    "or": lambda a, b: a or b,
    "xor": lambda a, b: a != b,
}


@pytest.mark.parametrize("name", ["and", "or", "xor"])
def test_logic_gate_truth_tables(name):
    X, y = logic_gate(name)
    _check_xy(X, y, 4, 2)
    np.testing.assert_array_equal(X, [[0, 0], [0, 1], [1, 0], [1, 1]])
    for (a, b), out in zip(X.astype(bool), y, strict=True):
        assert out == int(TRUTH[name](a, b))


def test_logic_gate_and_matches_the_perceptron_seed_example():
    X, y = logic_gate("and")
    inputs = seed_example("s000_perceptron_and")["inputs"]
    np.testing.assert_array_equal(np.column_stack([np.ones(4), X]), inputs["X_bias_trick"])
    np.testing.assert_array_equal(y, inputs["y"])


@pytest.mark.parametrize("name", ["AND", "Or", " xor ", "XoR"])
def test_logic_gate_is_case_insensitive(name):
    X, y = logic_gate(name)
    X_ref, y_ref = logic_gate(name.strip().lower())
    np.testing.assert_array_equal(X, X_ref)
    np.testing.assert_array_equal(y, y_ref)


@pytest.mark.parametrize("name", ["nand", "", "xnor", "a n d"])
def test_logic_gate_unknown_name_lists_the_valid_ones(name):
    with pytest.raises(ValueError, match=r"name must be one of \['and', 'or', 'xor'\]"):
        logic_gate(name)


@pytest.mark.parametrize("name", [1, None, ["and"]])
def test_logic_gate_name_must_be_text(name):
    with pytest.raises(TypeError, match=r"^name must be a string"):
        logic_gate(name)


# -------------------------------------------------------------------------------- blobs


def test_blobs_default_shapes_and_classes():
    X, y = blobs()
    _check_xy(X, y, 100, 2)
    np.testing.assert_array_equal(y, np.repeat([0, 1], 50))


def test_blobs_is_deterministic_for_a_seed():
    X1, y1 = blobs(seed=3)
    X2, y2 = blobs(seed=3)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    X3, _ = blobs(seed=4)
    assert not np.allclose(X1, X3)


def test_blobs_statistics_match_centers_and_std():
    centers = np.array([[0.0, 5.0, -1.0], [10.0, 0.0, 2.0], [-4.0, -4.0, 0.0]])
    std, n = 0.5, 4000
    X, y = blobs(n_per_class=n, centers=centers, std=std, seed=1)
    _check_xy(X, y, 3 * n, 3)
    for k, c in enumerate(centers):
        Xk = X[y == k]
        assert Xk.shape == (n, 3)
        # mean within 5 standard errors, std within 5 % (n = 4000)
        np.testing.assert_allclose(Xk.mean(axis=0), c, atol=5 * std / np.sqrt(n))
        np.testing.assert_allclose(Xk.std(axis=0), std, rtol=0.05)


def test_blobs_default_centers_are_separated():
    X, y = blobs(n_per_class=500, std=0.5, seed=0)
    means = np.array([X[y == k].mean(axis=0) for k in (0, 1)])
    np.testing.assert_allclose(means, [[-2, -2], [2, 2]], atol=0.1)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"n_per_class": 0}, ValueError, r"^n_per_class must be at least 1"),
        ({"n_per_class": 2.5}, ValueError, r"^n_per_class must be a whole number"),
        ({"n_per_class": None}, TypeError, r"^n_per_class must be an integer"),
        ({"n_per_class": True}, TypeError, r"^n_per_class must be an integer"),
        ({"std": 0.0}, ValueError, r"^std must be positive"),
        ({"std": -1.0}, ValueError, r"^std must be positive"),
        ({"centers": [1.0, 2.0]}, ValueError, r"^centers must be 2-D, got shape \(2,\)"),
        ({"centers": [[0.0, np.nan]]}, ValueError, r"^centers must be finite"),
        ({"centers": np.zeros((0, 2))}, ValueError, r"^centers must have shape \(K, d\)"),
    ],
)
def test_blobs_rejects_bad_input(kwargs, error, message):
    with pytest.raises(error, match=message):
        blobs(**kwargs)


# -------------------------------------------------------------------------------- moons


def test_moons_default_shapes_and_classes():
    X, y = moons()
    _check_xy(X, y, 200, 2)
    assert np.sum(y == 0) == 100 and np.sum(y == 1) == 100


@pytest.mark.parametrize("n", [2, 3, 51])
def test_moons_odd_sizes(n):
    X, y = moons(n=n)
    _check_xy(X, y, n, 2)
    assert np.sum(y == 0) == n // 2


def test_moons_without_noise_lie_on_the_two_half_circles():
    X, y = moons(n=101, noise=0.0)
    upper, lower = X[y == 0], X[y == 1]
    np.testing.assert_allclose(np.hypot(upper[:, 0], upper[:, 1]), 1.0, rtol=1e-12)
    assert np.all(upper[:, 1] >= -1e-12)
    np.testing.assert_allclose(np.hypot(lower[:, 0] - 1, lower[:, 1] - 0.5), 1.0, rtol=1e-12)
    assert np.all(lower[:, 1] <= 0.5 + 1e-12)


def test_moons_noise_has_the_requested_size():
    X0, y = moons(n=4000, noise=0.0)
    X1, _ = moons(n=4000, noise=0.2, seed=5)
    residual = X1 - X0
    np.testing.assert_allclose(residual.mean(axis=0), 0.0, atol=5 * 0.2 / np.sqrt(4000))
    np.testing.assert_allclose(residual.std(axis=0), 0.2, rtol=0.05)


def test_moons_is_deterministic_for_a_seed():
    np.testing.assert_array_equal(moons(seed=11)[0], moons(seed=11)[0])
    assert not np.allclose(moons(seed=11)[0], moons(seed=12)[0])


def test_moons_are_not_linearly_separable():
    # the best least-squares linear classifier misclassifies some noise-free points
    X, y = moons(n=200, noise=0.0)
    A = np.column_stack([np.ones(len(X)), X])
    w, *_ = np.linalg.lstsq(A, 2.0 * y - 1, rcond=None)
    assert np.any((A @ w > 0).astype(int) != y)


def test_moons_accepts_a_whole_float_size():
    X, y = moons(n=10.0)
    X_int, y_int = moons(n=10)
    np.testing.assert_array_equal(X, X_int)
    np.testing.assert_array_equal(y, y_int)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"n": 1}, ValueError, r"^n must be at least 2"),
        ({"n": 10.5}, ValueError, r"^n must be a whole number"),
        ({"n": "10"}, TypeError, r"^n must be an integer"),
        ({"noise": -0.1}, ValueError, r"^noise must be >= 0"),
        ({"noise": np.nan}, ValueError, r"^noise must be finite"),
    ],
)
def test_moons_rejects_bad_input(kwargs, error, message):
    with pytest.raises(error, match=message):
        moons(**kwargs)


# --------------------------------------------------------------------- digits and iris


def test_digits_is_the_bundled_sklearn_set():
    from sklearn.datasets import load_digits

    X, y = digits()
    _check_xy(X, y, 1797, 64)
    assert X.min() == 0 and X.max() == 16
    np.testing.assert_array_equal(np.unique(y), np.arange(10))
    bunch = load_digits()
    np.testing.assert_array_equal(X, bunch.data)
    np.testing.assert_array_equal(X[0].reshape(8, 8), bunch.images[0])
    np.testing.assert_array_equal(y, bunch.target)


def test_iris_is_the_bundled_sklearn_set():
    X, y = iris()
    _check_xy(X, y, 150, 4)
    np.testing.assert_array_equal(np.bincount(y), [50, 50, 50])
    # Fisher's first flower (setosa): 5.1, 3.5, 1.4, 0.2 cm
    np.testing.assert_allclose(X[0], [5.1, 3.5, 1.4, 0.2])
    np.testing.assert_allclose(X.mean(axis=0), [5.8433, 3.0573, 3.758, 1.1993], atol=1e-3)
