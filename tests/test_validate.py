"""Tests of calcml._validate: the input checks whose messages every public function relies on."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from calcml._validate import (
    as_count,
    as_float_array,
    as_float_scalar,
    require_callable,
    require_finite,
    require_positive,
    require_same_length,
)

# ------------------------------------------------------------------------------ as_count


@pytest.mark.parametrize(
    ("value", "expected"),
    [(3, 3), (np.int64(4), 4), (0, 0), (3.0, 3), (np.float32(5.0), 5), (np.array(2), 2)],
)
def test_as_count_accepts_integers_and_whole_floats(value, expected):
    count = as_count(value, "n")
    assert count == expected and type(count) is int


@pytest.mark.parametrize("value", [None, "3", True, np.bool_(False), 1 + 0j, [3], np.array([3])])
def test_as_count_rejects_non_numbers_with_a_type_error(value):
    with pytest.raises(TypeError, match=r"^n_steps must be an integer, got "):
        as_count(value, "n_steps")


@pytest.mark.parametrize("value", [2.5, np.nan, np.inf, np.float64(-0.5)])
def test_as_count_rejects_fractions_with_a_value_error(value):
    with pytest.raises(ValueError, match=r"^n_steps must be a whole number, got "):
        as_count(value, "n_steps")


def test_as_count_checks_the_minimum():
    assert as_count(2, "n", minimum=2) == 2
    with pytest.raises(ValueError, match=r"^n must be at least 2, got 1$"):
        as_count(1, "n", minimum=2)
    with pytest.raises(ValueError, match=r"^n_epochs must be at least 0, got -1$"):
        as_count(-1.0, "n_epochs")


# ------------------------------------------------------------------------ as_float_array


@pytest.mark.parametrize(
    ("value", "shape"),
    [(3, ()), (2.5, ()), (True, ()), ([1, 2, 3], (3,)), ([[1, 2], [3, 4]], (2, 2)),
     (np.arange(6, dtype=np.int32).reshape(2, 3), (2, 3)), (np.float32(1.5), ())],
)
def test_as_float_array_converts_to_float64(value, shape):
    arr = as_float_array(value, "x")
    assert arr.dtype == np.float64
    assert arr.shape == shape
    np.testing.assert_array_equal(arr, np.asarray(value, dtype=float))


def test_as_float_array_returns_a_copy():
    original = np.array([1.0, 2.0, 3.0])
    arr = as_float_array(original, "x")
    arr[0] = 99.0
    assert original[0] == 1.0


@pytest.mark.parametrize("value", ["abc", {"a": 1}, [[1, 2], [3]], object()])
def test_as_float_array_rejects_non_numbers_naming_the_argument(value):
    with pytest.raises(TypeError, match=r"^theta must be a number or an array of numbers"):
        as_float_array(value, "theta")


def test_as_float_array_rejects_none_naming_the_argument():
    # np.array(None, dtype=float) is nan, so None is rejected, at the latest by the
    # finiteness check
    with pytest.raises((TypeError, ValueError), match=r"^theta must be"):
        as_float_array(None, "theta")


def test_as_float_array_rejects_callables():
    with pytest.raises(TypeError, match=r"^f must be a number .* got a callable"):
        as_float_array(np.sin, "f")


@pytest.mark.parametrize("value", [1 + 2j, [1j, 2.0]])
def test_as_float_array_rejects_complex_numbers(value):
    with pytest.raises(TypeError, match=r"^z must be"):
        as_float_array(value, "z")


def test_as_float_array_rejects_a_complex_array():
    # numpy warns (ComplexWarning) while casting, before the TypeError is raised
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(TypeError, match=r"^z must be real"):
            as_float_array(np.array([1 + 2j, 3.0]), "z")


@pytest.mark.parametrize(
    ("ndim", "value", "message"),
    [
        (1, 3.0, r"^x must be 1-D, got shape \(\)$"),
        (2, [1.0, 2.0], r"^x must be 2-D, got shape \(2,\)$"),
        ((1, 2), np.ones((2, 2, 2)), r"^x must be 1-D or 2-D, got shape \(2, 2, 2\)$"),
        (0, [1.0], r"^x must be 0-D, got shape \(1,\)$"),
    ],
)
def test_as_float_array_checks_the_rank(ndim, value, message):
    with pytest.raises(ValueError, match=message):
        as_float_array(value, "x", ndim=ndim)


def test_as_float_array_accepts_allowed_ranks():
    assert as_float_array([1, 2], "x", ndim=1).shape == (2,)
    assert as_float_array([[1, 2]], "x", ndim=(1, 2)).shape == (1, 2)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_as_float_array_rejects_non_finite_values_with_their_position(bad):
    message = r"^X must be finite, but X\[1, 0\] = .* \(shape \(2, 2\)\)"
    with pytest.raises(ValueError, match=message):
        as_float_array([[1.0, 2.0], [bad, 3.0]], "X")


def test_as_float_array_allows_non_finite_values_when_asked():
    arr = as_float_array([np.nan, np.inf], "x", finite=False)
    assert np.isnan(arr[0]) and np.isinf(arr[1])


# ----------------------------------------------------------------------- as_float_scalar


def test_as_float_scalar_returns_a_python_float():
    for value in (3, 2.5, np.float32(0.5), np.array(1.5), [7.0], np.array([[2.0]])):
        out = as_float_scalar(value, "lr")
        assert type(out) is float
        assert out == float(np.asarray(value).reshape(()))


def test_as_float_scalar_rejects_arrays_and_non_finite_values():
    with pytest.raises(ValueError, match=r"^lr must be a single number, got shape \(2,\)$"):
        as_float_scalar([0.1, 0.2], "lr")
    with pytest.raises(ValueError, match=r"^lr must be finite"):
        as_float_scalar(np.nan, "lr")
    assert np.isinf(as_float_scalar(np.inf, "lr", finite=False))


# ------------------------------------------------------------------------ require_finite


def test_require_finite_reports_the_first_bad_entry():
    with pytest.raises(ValueError, match=r"^v must be finite, but v\[2\] = nan \(shape \(4,\)\)$"):
        require_finite(np.array([1.0, 2.0, np.nan, np.inf]), "v")
    with pytest.raises(ValueError, match=r"^s must be finite, but s = inf \(shape \(\)\)$"):
        require_finite(np.array(np.inf), "s")


def test_require_finite_accepts_finite_and_integer_arrays():
    require_finite(np.array([1.0, -1e308]), "v")
    require_finite(np.array([1, 2, 3]), "v")
    require_finite(np.array([1 + 1j]), "v")


def test_require_finite_checks_complex_arrays():
    with pytest.raises(ValueError, match=r"^c must be finite"):
        require_finite(np.array([1 + 1j, complex(np.inf, 0)]), "c")


# ---------------------------------------------------------------------- require_callable


def test_require_callable():
    assert require_callable(np.sin, "f") is np.sin
    fn = lambda t: t  # noqa: E731
    assert require_callable(fn, "grad") is fn
    with pytest.raises(TypeError, match=r"^grad must be a function, got ndarray"):
        require_callable(np.ones(2), "grad")
    with pytest.raises(TypeError, match=r"^f must be a function, got float: 2.0$"):
        require_callable(2.0, "f")


# ------------------------------------------------------------------- require_same_length


def test_require_same_length():
    require_same_length(np.ones((3, 2)), np.ones(3), "X", "y")
    with pytest.raises(
        ValueError,
        match=r"^X and y must have the same length, got X.shape = \(3, 2\) and y.shape = \(4,\)$",
    ):
        require_same_length(np.ones((3, 2)), np.ones(4), "X", "y")


# ---------------------------------------------------------------------- require_positive


def test_require_positive_returns_a_float():
    assert require_positive(3, "lr") == 3.0
    assert type(require_positive(np.float32(0.5), "lr")) is float


@pytest.mark.parametrize(("value", "message"), [
    (0.0, r"^lr must be positive, got 0.0$"),
    (-1, r"^lr must be positive, got -1.0$"),
    (np.nan, r"^lr must be finite"),
    (np.inf, r"^lr must be finite"),
    ([1.0, 2.0], r"^lr must be a single number"),
])
def test_require_positive_rejects(value, message):
    with pytest.raises(ValueError, match=message):
        require_positive(value, "lr")


def test_require_positive_rejects_text():
    with pytest.raises(TypeError, match=r"^lr must be a number"):
        require_positive("fast", "lr")
