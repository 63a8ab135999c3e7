"""Unit tests of the grading building blocks: comparisons and the shared references."""

import numpy as np
import pytest

from calcml.grading.core import array_problem, close, exactly
from calcml.grading.references import (
    complex_step_gradient,
    complex_step_jacobian,
    mean_bce_from_logits,
)

# --- close: a pair may come back as a tuple, a list or an array ------------------------


@pytest.mark.parametrize("received", [(2.0, -1.0), [2.0, -1.0], np.array([2.0, -1.0]),
                                      (np.float64(2.0), 1 - 2)])
def test_close_accepts_a_pair_in_any_container(received):
    assert close()((2.0, -1.0), received) is None


def test_close_accepts_a_pair_of_arrays_stacked_into_one_array():
    expected = (np.array([1.0, 2.0, 3.0]), np.array([4.0, 5.0, 6.0]))
    assert close()(expected, np.stack(expected)) is None


@pytest.mark.parametrize("received", [np.array([2.0, -1.0, 0.0]), np.array([2.0]),
                                      np.float64(2.0), "2, -1", None])
def test_close_rejects_a_pair_of_the_wrong_length_or_kind(received):
    assert "tuple of 2 values" in close()((2.0, -1.0), received)


def test_close_names_the_wrong_entry_of_a_pair_given_as_an_array():
    problem = close()((2.0, -1.0), np.array([2.0, 1.0]))
    assert "[1]" in problem and "expected -1.0" in problem


def test_close_rejects_a_complex_array_for_a_pair():
    assert close()((2.0, -1.0), np.array([2.0, -1.0], dtype=complex)) is not None


# --- array_problem -----------------------------------------------------------------------


def test_array_problem_accepts_a_real_array_of_the_right_shape():
    assert array_problem(np.zeros((2, 3)), np.ones((2, 3), dtype=int)) is None


@pytest.mark.parametrize("received, words", [
    ([0.0, 0.0], "numpy array of shape (2,)"),
    (np.zeros(3), "shape (3,), expected shape (2,)"),
    (np.zeros(2, dtype=complex), "expected real numbers"),
    (np.array(["a", "b"]), "expected real numbers"),
])
def test_array_problem_names_what_is_wrong(received, words):
    assert words in array_problem(np.zeros(2), received)


def test_array_problem_demands_the_dtype_kind_asked_for():
    assert "float array" in array_problem(np.zeros(2), np.zeros(2, dtype=int), dtype="float")
    assert "integer array" in array_problem(np.zeros(2), np.zeros(2), dtype="int")
    assert array_problem(np.zeros(2), np.zeros(2, dtype=np.int32), dtype="int") is None


def test_close_uses_the_same_array_checks():
    assert close()(np.zeros(2), np.zeros(3)) == array_problem(np.zeros(2), np.zeros(3))


# --- exactly -------------------------------------------------------------------------------


def test_exactly_accepts_a_python_or_numpy_string():
    assert exactly("saddle", "saddle") is None
    assert exactly("saddle", np.str_("saddle")) is None
    assert exactly("saddle", np.array(["minimum", "saddle"])[1]) is None


@pytest.mark.parametrize("received", ["minimum", "Saddle", b"saddle", None, 2])
def test_exactly_rejects_other_strings_and_non_strings(received):
    assert exactly("saddle", received) is not None


def test_exactly_keeps_the_type_for_non_strings():
    assert exactly(3, 3) is None
    assert exactly(3, 3.0) is not None
    assert exactly(True, 1) is not None


# --- complex-step references ---------------------------------------------------------------


def _f(x):
    return np.sum(np.sin(x) * x ** 2)


def _df(x):
    return np.cos(x) * x ** 2 + 2 * x * np.sin(x)


@pytest.mark.parametrize("shape", [(), (4,), (2, 3)])
def test_complex_step_gradient_has_the_shape_of_x_and_is_exact(shape):
    x = np.random.default_rng(0).normal(size=shape)
    g = complex_step_gradient(_f, x)
    assert g.shape == np.shape(x)
    np.testing.assert_allclose(g, _df(x), rtol=1e-14, atol=1e-15)


def test_complex_step_gradient_takes_integer_inputs_and_lists():
    np.testing.assert_allclose(complex_step_gradient(lambda t: t[0] * t[1] ** 2, [3, 2]),
                               [4.0, 12.0], rtol=1e-15)


def test_complex_step_jacobian_rows_are_outputs_columns_inputs():
    A = np.array([[1.0, 2.0, 3.0], [0.0, -1.0, 4.0]])
    x = np.array([0.3, -0.2, 0.5])
    np.testing.assert_allclose(complex_step_jacobian(lambda z: A @ z, x), A, rtol=1e-15)
    J = complex_step_jacobian(lambda z: np.array([z[0] * z[1], np.exp(z[2])]), x)
    np.testing.assert_allclose(J, [[x[1], x[0], 0.0], [0.0, 0.0, np.exp(x[2])]], rtol=1e-14)


def test_complex_step_jacobian_of_any_shapes():
    X = np.random.default_rng(1).normal(size=(2, 3))
    J = complex_step_jacobian(lambda Z: Z.T ** 2, X)
    assert J.shape == (3, 2, 2, 3)
    expected = np.zeros((3, 2, 2, 3))
    for i in range(2):
        for j in range(3):
            expected[j, i, i, j] = 2 * X[i, j]
    np.testing.assert_allclose(J, expected, rtol=1e-14, atol=0)


def test_mean_bce_from_logits_matches_the_definition_and_its_gradient():
    rng = np.random.default_rng(2)
    z, y = rng.normal(size=7), rng.integers(0, 2, size=7)
    p = 1 / (1 + np.exp(-z))
    direct = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    assert mean_bce_from_logits(z, y) == pytest.approx(direct, rel=1e-12)
    grad = complex_step_gradient(lambda t: mean_bce_from_logits(t, y), z)
    np.testing.assert_allclose(grad, (p - y) / len(z), rtol=1e-12)
