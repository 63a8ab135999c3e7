"""calcml.checks: the book's numerical check of a derivation."""

from __future__ import annotations

import numpy as np
import pytest

from calcml.checks import check, show


def test_check_prints_small_values_and_their_relative_error(capsys):
    assert check([1.0, 2.0 + 2e-9], [1.0, 2.0], what="gradient") is None  # no stray output
    out = capsys.readouterr().out
    error = 2e-9 / (2 * np.sqrt(5.0))
    assert out == f"gradient: [1., 2.] (expected [1., 2.]), relative error {error:.1e}\n"


def test_check_uses_the_absolute_error_when_the_expected_value_is_zero(capsys):
    check(-0.0, 0.0, what="slope")
    assert capsys.readouterr().out == "slope: 0. (expected 0.), largest absolute error 0.0e+00\n"


def test_check_prints_only_the_error_of_a_large_array(capsys):
    check(np.arange(13.0), np.arange(13.0), what="weights")
    assert capsys.readouterr().out == "weights: relative error 0.0e+00\n"


def test_check_names_a_disagreement():
    want = r"hessian: computed \[1\., 2\.\], expected \[1\., 3\.\]"
    with pytest.raises(AssertionError, match=want):
        check([1.0, 2.0], [1.0, 3.0], what="hessian")


def test_check_refuses_shapes_that_only_broadcast():
    with pytest.raises(AssertionError, match=r"computed shape \(2,\), expected shape \(\)"):
        check([1.0, 1.0], 1.0)


def test_show_has_no_negative_zero_from_rounding_noise():
    assert show([-1e-15, 0.5]) == "[0. , 0.5]"
