"""Tests of calcml.diff against analytic derivatives and the complex step.

Every derivative-producing function is compared on random points (seeded) with the
derivative worked out by hand, and with an independent numerical method; the error
order of the difference formulas is measured; bad input must raise an error that
names the argument.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from calcml.diff import (
    central_difference,
    complex_step,
    complex_step_gradient,
    gradient,
    hessian,
    jacobian,
    relative_error,
)

RNG_SEED = 20240607


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(RNG_SEED)


def _sigmoid(z):
    """Logistic function written with np.exp only, so it accepts complex arguments."""
    return 1.0 / (1.0 + np.exp(-z))


# (name, f, f', f'', domain) -- every f is written so that it accepts complex input.
SCALAR_FUNCTIONS = [
    ("cubic", lambda x: x**3 - 2 * x**2 + 5 * x - 1, lambda x: 3 * x**2 - 4 * x + 5,
     lambda x: 6 * x - 4, (-3.0, 3.0)),
    ("quintic", lambda x: 0.1 * x**5 - x, lambda x: 0.5 * x**4 - 1, lambda x: 2 * x**3,
     (-2.0, 2.0)),
    ("exp", np.exp, np.exp, np.exp, (-3.0, 3.0)),
    ("sin", np.sin, np.cos, lambda x: -np.sin(x), (-4.0, 4.0)),
    ("log", np.log, lambda x: 1 / x, lambda x: -1 / x**2, (0.2, 5.0)),
    ("sigmoid", _sigmoid, lambda x: _sigmoid(x) * (1 - _sigmoid(x)),
     lambda x: _sigmoid(x) * (1 - _sigmoid(x)) * (1 - 2 * _sigmoid(x)), (-6.0, 6.0)),
    ("exp_sin", lambda x: np.exp(np.sin(x)), lambda x: np.cos(x) * np.exp(np.sin(x)),
     lambda x: (np.cos(x) ** 2 - np.sin(x)) * np.exp(np.sin(x)), (-3.0, 3.0)),
]
SCALAR_IDS = [case[0] for case in SCALAR_FUNCTIONS]


def _points(rng: np.random.Generator, domain: tuple[float, float], size=20) -> np.ndarray:
    return rng.uniform(*domain, size=size)


# ------------------------------------------------------------------ central_difference


@pytest.mark.parametrize(("name", "f", "df", "d2f", "domain"), SCALAR_FUNCTIONS, ids=SCALAR_IDS)
def test_central_difference_matches_analytic_derivative(rng, name, f, df, d2f, domain):
    x = _points(rng, domain)
    approx = central_difference(f, x)
    assert approx.shape == x.shape
    np.testing.assert_allclose(approx, df(x), rtol=1e-8, atol=1e-9)


@pytest.mark.parametrize(("name", "f", "df", "d2f", "domain"), SCALAR_FUNCTIONS, ids=SCALAR_IDS)
def test_central_difference_matches_complex_step(rng, name, f, df, d2f, domain):
    x = _points(rng, domain)
    np.testing.assert_allclose(central_difference(f, x), complex_step(f, x), rtol=1e-8, atol=1e-9)


def test_central_difference_of_a_number_is_a_float():
    value = central_difference(np.sin, 0.3)
    assert isinstance(value, float)
    assert value == pytest.approx(math.cos(0.3), rel=1e-9)
    assert isinstance(central_difference(np.sin, np.float64(0.3)), float)
    assert isinstance(central_difference(np.sin, 1), float)  # an int point


def test_central_difference_keeps_the_shape_of_x(rng):
    x = rng.uniform(-2, 2, size=(3, 4))
    d = central_difference(np.sin, x)
    assert d.shape == (3, 4)
    np.testing.assert_allclose(d, np.cos(x), rtol=1e-8, atol=1e-10)


def test_central_difference_is_the_formula(rng):
    x = rng.uniform(-1, 1, size=5)
    h = 1e-3
    f = lambda t: t**4 + np.cos(t)  # noqa: E731
    np.testing.assert_allclose(central_difference(f, x, h=h), (f(x + h) - f(x - h)) / (2 * h),
                               rtol=1e-14)


def test_central_difference_accepts_a_function_written_for_numbers(rng):
    x = rng.uniform(0.5, 2, size=6)
    np.testing.assert_allclose(central_difference(math.log, x), 1 / x, rtol=1e-8)


def test_central_difference_calls_f_with_the_whole_array():
    calls = []

    def f(t):
        calls.append(np.shape(t))
        return np.sin(t)

    central_difference(f, np.zeros(7))
    assert calls == [(7,), (7,)]


@pytest.mark.parametrize(("name", "f", "df", "d2f", "domain"), SCALAR_FUNCTIONS, ids=SCALAR_IDS)
def test_central_difference_error_is_second_order(name, f, df, d2f, domain):
    # error ~ h^2 f'''/6: halving h divides it by about 4 (h large enough that
    # rounding is negligible; points where f''' is tiny are avoided by using two x).
    for x0 in (0.37 * domain[0] + 0.63 * domain[1], 0.81 * domain[0] + 0.19 * domain[1]):
        h = 1e-2
        e1 = abs(central_difference(f, x0, h=h) - df(x0))
        e2 = abs(central_difference(f, x0, h=h / 2) - df(x0))
        if e1 < 1e-11:  # f''' == 0 at this point (polynomial of degree <= 2 locally)
            continue
        assert 3.6 < e1 / e2 < 4.4, (name, x0, e1, e2)


def test_central_difference_error_matches_the_leading_term():
    # f = exp: error = h^2/6 * e^x + O(h^4)
    x0, h = 0.4, 1e-2
    err = central_difference(np.exp, x0, h=h) - math.exp(x0)
    assert err == pytest.approx(h**2 / 6 * math.exp(x0), rel=1e-3)


# -------------------------------------------------------------------------- complex_step


@pytest.mark.parametrize(("name", "f", "df", "d2f", "domain"), SCALAR_FUNCTIONS, ids=SCALAR_IDS)
def test_complex_step_matches_analytic_derivative_to_rounding(rng, name, f, df, d2f, domain):
    x = _points(rng, domain)
    np.testing.assert_allclose(complex_step(f, x), df(x), rtol=1e-13, atol=1e-14)


def test_complex_step_of_a_number_is_a_float():
    value = complex_step(np.exp, 1.0)
    assert isinstance(value, float)
    assert value == pytest.approx(math.e, rel=1e-15)


def test_complex_step_error_is_second_order():
    # with a large step the truncation error h^2 f'''/6 is visible: exp''' = exp
    x0 = 0.3
    e1 = complex_step(np.exp, x0, h=0.1) - math.exp(x0)
    e2 = complex_step(np.exp, x0, h=0.05) - math.exp(x0)
    assert 3.8 < e1 / e2 < 4.2
    assert e1 == pytest.approx(-(0.1**2) / 6 * math.exp(x0), rel=1e-2)


def test_complex_step_has_no_cancellation():
    # tiny step, still exact: a finite difference with h = 1e-20 would give 0
    assert complex_step(np.sin, 1.0, h=1e-200) == pytest.approx(math.cos(1.0), rel=1e-15)


# ------------------------------------------------------------------------------ gradient


def _f_mixed(x):
    return x[0] ** 2 * x[1] + np.sin(x[2]) + np.exp(0.5 * x[0] * x[2]) + np.log(x[1] ** 2 + 1)


def _grad_mixed(x):
    e = np.exp(0.5 * x[0] * x[2])
    return np.array([
        2 * x[0] * x[1] + 0.5 * x[2] * e,
        x[0] ** 2 + 2 * x[1] / (x[1] ** 2 + 1),
        np.cos(x[2]) + 0.5 * x[0] * e,
    ])


def _hess_mixed(x):
    e = np.exp(0.5 * x[0] * x[2])
    d = 2 * (1 - x[1] ** 2) / (x[1] ** 2 + 1) ** 2
    return np.array([
        [2 * x[1] + 0.25 * x[2] ** 2 * e, 2 * x[0], 0.5 * e + 0.25 * x[0] * x[2] * e],
        [2 * x[0], d, 0.0],
        [0.5 * e + 0.25 * x[0] * x[2] * e, 0.0, -np.sin(x[2]) + 0.25 * x[0] ** 2 * e],
    ])


def _f_log_sigmoid(x):
    # log-sum of positive terms and a sigmoid: log on a positive domain
    return np.log(1 + x[0] ** 2 + x[1] ** 4) + _sigmoid(x[0] - 2 * x[1])


def _grad_log_sigmoid(x):
    q = 1 + x[0] ** 2 + x[1] ** 4
    s = _sigmoid(x[0] - 2 * x[1])
    ds = s * (1 - s)
    return np.array([2 * x[0] / q + ds, 4 * x[1] ** 3 / q - 2 * ds])


def _hess_log_sigmoid(x):
    q = 1 + x[0] ** 2 + x[1] ** 4
    s = _sigmoid(x[0] - 2 * x[1])
    d2s = s * (1 - s) * (1 - 2 * s)
    return np.array([
        [(2 * q - 4 * x[0] ** 2) / q**2 + d2s, -8 * x[0] * x[1] ** 3 / q**2 - 2 * d2s],
        [-8 * x[0] * x[1] ** 3 / q**2 - 2 * d2s,
         (12 * x[1] ** 2 * q - 16 * x[1] ** 6) / q**2 + 4 * d2s],
    ])


B_NONSYM = np.array([[1.0, 2.0, -3.0], [0.5, -1.0, 4.0], [2.5, 0.0, 3.0]])
b_VEC = np.array([1.0, -2.0, 0.5])

# (name, f, grad, hess, n)
MULTI_FUNCTIONS = [
    ("mixed", _f_mixed, _grad_mixed, _hess_mixed, 3),
    ("log_sigmoid", _f_log_sigmoid, _grad_log_sigmoid, _hess_log_sigmoid, 2),
    ("quadratic_form", lambda x: x @ B_NONSYM @ x + b_VEC @ x,
     lambda x: (B_NONSYM + B_NONSYM.T) @ x + b_VEC, lambda x: B_NONSYM + B_NONSYM.T, 3),
    ("polynomial", lambda x: x[0] ** 3 * x[1] - 2 * x[0] * x[1] ** 2 + x[1] ** 4,
     lambda x: np.array([3 * x[0] ** 2 * x[1] - 2 * x[1] ** 2,
                         x[0] ** 3 - 4 * x[0] * x[1] + 4 * x[1] ** 3]),
     lambda x: np.array([[6 * x[0] * x[1], 3 * x[0] ** 2 - 4 * x[1]],
                         [3 * x[0] ** 2 - 4 * x[1], -4 * x[0] + 12 * x[1] ** 2]]), 2),
]
MULTI_IDS = [case[0] for case in MULTI_FUNCTIONS]


@pytest.mark.parametrize(("name", "f", "grad", "hess", "n"), MULTI_FUNCTIONS, ids=MULTI_IDS)
def test_gradient_matches_analytic_gradient(rng, name, f, grad, hess, n):
    for _ in range(5):
        x = rng.uniform(-1.5, 1.5, size=n)
        g = gradient(f, x)
        assert g.shape == (n,)
        np.testing.assert_allclose(g, grad(x), rtol=1e-7, atol=1e-8)


@pytest.mark.parametrize(("name", "f", "grad", "hess", "n"), MULTI_FUNCTIONS, ids=MULTI_IDS)
def test_complex_step_gradient_matches_analytic_gradient(rng, name, f, grad, hess, n):
    for _ in range(5):
        x = rng.uniform(-1.5, 1.5, size=n)
        g = complex_step_gradient(f, x)
        assert g.shape == (n,)
        np.testing.assert_allclose(g, grad(x), rtol=1e-13, atol=1e-13)


@pytest.mark.parametrize(("name", "f", "grad", "hess", "n"), MULTI_FUNCTIONS, ids=MULTI_IDS)
def test_gradient_matches_complex_step_gradient(rng, name, f, grad, hess, n):
    x = rng.uniform(-1.5, 1.5, size=n)
    assert relative_error(gradient(f, x), complex_step_gradient(f, x)) < 1e-9


def test_gradient_of_each_coordinate_is_central_difference_along_it(rng):
    x = rng.normal(size=4)
    h = 1e-3
    g = gradient(lambda v: np.sum(np.exp(v) * v**2), x, h=h)
    for i in range(4):
        e = np.zeros(4)
        e[i] = h
        f_plus = np.sum(np.exp(x + e) * (x + e) ** 2)
        f_minus = np.sum(np.exp(x - e) * (x - e) ** 2)
        assert g[i] == pytest.approx((f_plus - f_minus) / (2 * h), rel=1e-12)


def test_gradient_with_respect_to_a_matrix(rng):
    # f(W) = a^T W x has gradient a x^T; f(W) = sum(W^3) has gradient 3 W^2
    a, x = rng.normal(size=3), rng.normal(size=4)
    W = rng.normal(size=(3, 4))
    g = gradient(lambda M: a @ M @ x, W)
    assert g.shape == (3, 4)
    np.testing.assert_allclose(g, np.outer(a, x), rtol=1e-8, atol=1e-9)
    np.testing.assert_allclose(complex_step_gradient(lambda M: np.sum(M**3), W), 3 * W**2,
                               rtol=1e-13)


def test_gradient_accepts_integer_points_and_lists():
    g = gradient(lambda v: v[0] ** 2 + 3 * v[1], [1, 2])
    assert g.dtype == float
    np.testing.assert_allclose(g, [2.0, 3.0], rtol=1e-9)


def test_gradient_accepts_f_returning_a_length_one_array():
    g = gradient(lambda v: np.array([v @ v]), np.array([1.0, -2.0]))
    np.testing.assert_allclose(g, [2.0, -4.0], rtol=1e-9)


def test_gradient_error_is_second_order():
    f = lambda v: np.exp(v[0]) * np.sin(v[1])  # noqa: E731
    x = np.array([0.3, 0.9])
    exact = np.array([np.exp(0.3) * np.sin(0.9), np.exp(0.3) * np.cos(0.9)])
    e1 = np.abs(gradient(f, x, h=1e-2) - exact)
    e2 = np.abs(gradient(f, x, h=5e-3) - exact)
    np.testing.assert_allclose(e1 / e2, 4.0, rtol=0.05)


# ------------------------------------------------------------------------------ jacobian

A_RECT = np.array([[1.0, -2.0, 0.5], [3.0, 0.0, 1.0]])


def _F_vec(x):
    return np.array([x[0] * x[1], np.sin(x[2]), np.exp(x[0]) + x[1] ** 2, np.log(1 + x[2] ** 2)])


def _J_vec(x):
    return np.array([
        [x[1], x[0], 0.0],
        [0.0, 0.0, np.cos(x[2])],
        [np.exp(x[0]), 2 * x[1], 0.0],
        [0.0, 0.0, 2 * x[2] / (1 + x[2] ** 2)],
    ])


def _complex_step_jacobian(F, x, k):
    return np.array([complex_step_gradient(lambda v, i=i: F(v)[i], x) for i in range(k)])


def test_jacobian_matches_analytic_jacobian(rng):
    for _ in range(5):
        x = rng.uniform(-2, 2, size=3)
        J = jacobian(_F_vec, x)
        assert J.shape == (4, 3)
        np.testing.assert_allclose(J, _J_vec(x), rtol=1e-8, atol=1e-9)


def test_jacobian_matches_complex_step(rng):
    x = rng.uniform(-2, 2, size=3)
    J_cs = _complex_step_jacobian(_F_vec, x, 4)
    np.testing.assert_allclose(J_cs, _J_vec(x), rtol=1e-13, atol=1e-14)
    assert relative_error(jacobian(_F_vec, x), J_cs) < 1e-9


def test_jacobian_of_a_linear_map_is_its_matrix(rng):
    x = rng.normal(size=3)
    J = jacobian(lambda v: A_RECT @ v, x)
    assert J.shape == (2, 3)  # numerator layout: (k, n)
    np.testing.assert_allclose(J, A_RECT, rtol=1e-9, atol=1e-10)


def test_jacobian_of_a_scalar_function_is_the_gradient_as_a_row(rng):
    for name, f, grad, _hess, n in MULTI_FUNCTIONS:
        x = rng.uniform(-1, 1, size=n)
        J = jacobian(f, x)
        assert J.shape == (1, n), name
        np.testing.assert_allclose(J[0], grad(x), rtol=1e-7, atol=1e-8, err_msg=name)


def test_jacobian_of_the_softmax(rng):
    z = rng.normal(size=4)

    def softmax(v):
        e = np.exp(v - np.max(v.real))
        return e / np.sum(e)

    s = softmax(z)
    np.testing.assert_allclose(jacobian(softmax, z), np.diag(s) - np.outer(s, s),
                               rtol=1e-7, atol=1e-10)


def test_jacobian_of_a_function_of_one_variable():
    J = jacobian(lambda v: np.array([3 * v[0] ** 2, 3 * v[0] + 4 * v[0] ** 4]), np.array([1.5]))
    assert J.shape == (2, 1)
    np.testing.assert_allclose(J[:, 0], [9.0, 3 + 16 * 1.5**3], rtol=1e-9)


# ------------------------------------------------------------------------------- hessian


def _complex_step_hessian(grad, x):
    """Columns by the complex step applied to an analytic gradient."""
    n = x.size
    return np.array([complex_step_gradient(lambda v, i=i: grad(v)[i], x) for i in range(n)])


@pytest.mark.parametrize(("name", "f", "grad", "hess", "n"), MULTI_FUNCTIONS, ids=MULTI_IDS)
def test_hessian_matches_analytic_hessian(rng, name, f, grad, hess, n):
    for _ in range(4):
        x = rng.uniform(-1.2, 1.2, size=n)
        H = hessian(f, x)
        assert H.shape == (n, n)
        np.testing.assert_allclose(H, hess(x), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize(("name", "f", "grad", "hess", "n"), MULTI_FUNCTIONS, ids=MULTI_IDS)
def test_hessian_matches_complex_step_of_the_gradient(rng, name, f, grad, hess, n):
    x = rng.uniform(-1.2, 1.2, size=n)
    H_cs = _complex_step_hessian(grad, x)
    np.testing.assert_allclose(H_cs, hess(x), rtol=1e-12, atol=1e-12)
    assert relative_error(hessian(f, x), H_cs) < 1e-6


@pytest.mark.parametrize(("name", "f", "grad", "hess", "n"), MULTI_FUNCTIONS, ids=MULTI_IDS)
def test_hessian_is_exactly_symmetric(rng, name, f, grad, hess, n):
    H = hessian(f, rng.uniform(-1, 1, size=n))
    assert np.array_equal(H, H.T)


def test_hessian_of_a_nonsymmetric_quadratic_form_is_B_plus_B_transpose(rng):
    B = rng.normal(size=(4, 4))
    assert not np.allclose(B, B.T)
    H = hessian(lambda v: v @ B @ v, rng.normal(size=4))
    np.testing.assert_allclose(H, B + B.T, rtol=1e-6, atol=1e-7)


def test_hessian_error_is_second_order():
    # f = exp(x0) sin(x1) + x0^4 x1: both diagonal and cross differences are O(h^2)
    f = lambda v: np.exp(v[0]) * np.sin(v[1]) + v[0] ** 4 * v[1]  # noqa: E731
    x = np.array([0.7, 0.4])
    e0, s, c = np.exp(0.7), np.sin(0.4), np.cos(0.4)
    exact = np.array([[e0 * s + 12 * 0.7**2 * 0.4, e0 * c + 4 * 0.7**3],
                      [e0 * c + 4 * 0.7**3, -e0 * s]])
    e1 = np.abs(hessian(f, x, h=4e-2) - exact)
    e2 = np.abs(hessian(f, x, h=2e-2) - exact)
    np.testing.assert_allclose(e1 / e2, 4.0, rtol=0.05)


def test_hessian_uses_the_step_h():
    # for a quartic, H_00 has truncation error h^2/12 * f'''' = 2 h^2 exactly
    H = hessian(lambda v: v[0] ** 4, np.array([1.0]), h=0.1)
    assert H[0, 0] == pytest.approx(12.0 + 2 * 0.1**2, rel=1e-10)


# ------------------------------------------------------------------------ relative_error


def test_relative_error_is_the_formula(rng):
    for shape in [(), (5,), (3, 4)]:
        a, b = rng.normal(size=shape), rng.normal(size=shape)
        expected = np.linalg.norm(np.ravel(a - b)) / (np.linalg.norm(np.ravel(a))
                                                        + np.linalg.norm(np.ravel(b)))
        assert relative_error(a, b) == pytest.approx(expected, rel=1e-14)


def test_relative_error_special_values(rng):
    a = rng.normal(size=6)
    assert relative_error(a, a) == 0.0
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert relative_error(a, -a) == pytest.approx(1.0)
    assert relative_error(1.0, 0.0) == pytest.approx(1.0)
    assert relative_error(a, 2 * a) == pytest.approx(1 / 3)
    assert relative_error(np.zeros(2), [1e-13, 0.0]) == pytest.approx(1e-13 / 1e-12)
    assert relative_error(a, a + 1e-3) == pytest.approx(relative_error(a + 1e-3, a))
    assert isinstance(relative_error(a, a), float)


# ---------------------------------------------------------------- the caller's x is kept


def _mutating(f):
    """A careless f that overwrites its argument after computing."""

    def g(v):
        out = f(v)
        v[...] = 1e6
        return out

    return g


@pytest.mark.parametrize(
    "call",
    [
        lambda x: central_difference(_mutating(np.sin), x),
        lambda x: complex_step(_mutating(np.sin), x),
        lambda x: gradient(_mutating(lambda v: np.sum(v**2)), x),
        lambda x: complex_step_gradient(_mutating(lambda v: np.sum(v**2)), x),
        lambda x: jacobian(_mutating(lambda v: v**2), x),
        lambda x: hessian(_mutating(lambda v: np.sum(v**3)), x),
        lambda x: relative_error(x, x + 1),
    ],
    ids=["central_difference", "complex_step", "gradient", "complex_step_gradient",
         "jacobian", "hessian", "relative_error"],
)
def test_x_is_left_unchanged(rng, call):
    x = rng.normal(size=3)
    x_before = x.copy()
    call(x)
    assert np.array_equal(x, x_before)


def test_results_are_right_even_if_f_mutates_its_argument():
    x = np.array([0.5, -1.0, 2.0])
    np.testing.assert_allclose(gradient(_mutating(lambda v: np.sum(v**2)), x), 2 * x, rtol=1e-9)
    np.testing.assert_allclose(hessian(_mutating(lambda v: np.sum(v**3)), x), np.diag(6 * x),
                               rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(jacobian(_mutating(lambda v: v**2), x), np.diag(2 * x), rtol=1e-9,
                               atol=1e-9)
    np.testing.assert_allclose(central_difference(_mutating(np.sin), x), np.cos(x), rtol=1e-9)


# ----------------------------------------------------------------------------- bad input

ALL = {
    "central_difference": central_difference,
    "complex_step": complex_step,
    "gradient": gradient,
    "complex_step_gradient": complex_step_gradient,
    "jacobian": jacobian,
    "hessian": hessian,
}
POINT = {name: (0.5 if name in ("central_difference", "complex_step") else np.array([0.5, 1.0]))
         for name in ALL}
FUNC = {name: (np.sin if name in ("central_difference", "complex_step")
               else (lambda v: np.sum(np.sin(v)))) for name in ALL}
FNAME = {name: ("F" if name == "jacobian" else "f") for name in ALL}


@pytest.mark.parametrize("name", list(ALL))
def test_non_callable_f_raises_type_error(name):
    with pytest.raises(TypeError, match=rf"^{FNAME[name]} must be a function"):
        ALL[name]([1.0, 2.0], POINT[name])


@pytest.mark.parametrize("name", list(ALL))
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_x_raises_value_error(name, bad):
    x = np.array(POINT[name], dtype=float)
    x.flat[0] = bad
    with pytest.raises(ValueError, match=r"x must be finite"):
        ALL[name](FUNC[name], x)


@pytest.mark.parametrize("name", list(ALL))
def test_non_numeric_x_raises_type_error(name):
    with pytest.raises(TypeError, match=r"^x must be a number"):
        ALL[name](FUNC[name], "one")


@pytest.mark.parametrize("name", list(ALL))
@pytest.mark.parametrize("h", [0.0, -1e-5, np.nan, np.inf, [1e-5, 1e-5]])
def test_bad_step_raises_value_error(name, h):
    with pytest.raises(ValueError, match=r"^h must be"):
        ALL[name](FUNC[name], POINT[name], h=h)


@pytest.mark.parametrize("name", ["gradient", "complex_step_gradient"])
def test_gradient_of_a_number_point_raises(name):
    with pytest.raises(ValueError, match=r"x must be a 1-D array .*shape \(\)"):
        ALL[name](lambda v: v**2, 1.0)


@pytest.mark.parametrize("name", ["jacobian", "hessian"])
@pytest.mark.parametrize("x", [1.0, np.ones((2, 2))], ids=["0-D", "2-D"])
def test_jacobian_and_hessian_need_a_1d_point(name, x):
    with pytest.raises(ValueError, match=rf"x must be 1-D, got shape {re_shape(np.shape(x))}"):
        ALL[name](lambda v: np.sum(v), x)


def re_shape(shape: tuple[int, ...]) -> str:
    return str(shape).replace("(", r"\(").replace(")", r"\)")


@pytest.mark.parametrize("name", ["gradient", "complex_step_gradient", "hessian"])
def test_vector_valued_f_raises_naming_the_shape(name):
    with pytest.raises(ValueError, match=r"f must return a single number.*shape \(2,\)"):
        ALL[name](lambda v: v * 2, np.array([0.5, 1.0]))


def test_central_difference_needs_an_elementwise_f():
    with pytest.raises(ValueError, match=r"f must act elementwise: x has shape \(3,\).*\(\)"
                       r".*use gradient or jacobian$"):
        central_difference(np.sum, np.ones(3))
    with pytest.raises(ValueError, match=r"f must return a single number for a number x"):
        central_difference(lambda t: np.array([t, t]), 1.0)


def test_complex_step_needs_an_elementwise_f():
    with pytest.raises(ValueError, match=r"f must act elementwise: x has shape \(3,\)"
                       r".*use complex_step_gradient$"):
        complex_step(np.sum, np.ones(3))
    with pytest.raises(ValueError, match=r"f must return a single number for a number x, "
                       r"but f\(x \+ i\*h\) returned shape \(2,\)"):
        complex_step(lambda t: np.array([t, t]), 1.0)


@pytest.mark.parametrize("name", list(ALL))
def test_non_finite_value_of_f_names_the_evaluation(name):
    if name in ("complex_step", "complex_step_gradient"):
        f_bad = (lambda t: 1 / (t - t)) if name == "complex_step" else (lambda v: 1 / (v[0] - v[0]))
        with pytest.raises(ValueError, match=r"f\(x \+ i\*h.*\) is not finite at the point"):
            ALL[name](f_bad, POINT[name])
        return
    # log(t - 0.7) is finite at x = 0.7 + 5e-6 and at x + h, but not at x - h (h >= 1e-5):
    # the message names the shifted evaluation, not x itself
    if name == "central_difference":
        f, x = (lambda t: np.log(t - 0.7)), 0.7 + 5e-6
    else:
        f, x = (lambda v: np.log(v[0] - 0.5) + v[1]), np.array([0.5 + 5e-6, 1.0])
    assert np.isfinite(f(x))
    shifted = rf"^{FNAME[name]}\(x - h(\*e_0)?\) is not finite at the point"
    with pytest.raises(ValueError, match=shifted):
        ALL[name](f, x)


def test_nan_from_f_names_the_point():
    with pytest.raises(ValueError, match=r"f\(x - h\*e_1\) is not finite at the point"):
        gradient(lambda v: np.sqrt(v[1]) + v[0], np.array([3.0, 0.0]))


def test_jacobian_rejects_matrix_valued_F():
    with pytest.raises(ValueError, match=r"F must return a number or a 1-D array.*\(2, 2\)"):
        jacobian(lambda v: np.outer(v, v), np.array([1.0, 2.0]))


def test_jacobian_rejects_F_changing_shape():
    def F(v):
        return np.ones(2) if v[0] == 1.0 else np.ones(3)

    with pytest.raises(ValueError, match=r"F must return the same shape.*\(2,\).*\(3,\)"):
        jacobian(F, np.array([1.0, 2.0]))


def test_f_returning_text_raises_type_error():
    with pytest.raises(TypeError, match=r"f must return numbers"):
        gradient(lambda v: "big", np.ones(2))


@pytest.mark.parametrize("name", ["complex_step", "complex_step_gradient"])
def test_complex_step_rejects_functions_that_drop_the_imaginary_part(name):
    x = POINT[name]
    with pytest.raises(TypeError, match=r"complex"):
        ALL[name](lambda v: np.sum(np.abs(v)), x)
    with pytest.raises(TypeError, match=r"complex"):
        ALL[name](lambda v: np.real(np.sum(v**2)), x)
    with pytest.raises(TypeError, match=r"complex"):
        ALL[name](lambda v: math.exp(np.sum(v)), x)


def test_relative_error_rejects_mismatched_shapes():
    with pytest.raises(ValueError, match=r"a and b must have the same shape.*\(3,\).*\(2,\)"):
        relative_error(np.ones(3), np.ones(2))


@pytest.mark.parametrize(("a", "b", "name"), [([np.nan], [1.0], "a"), ([1.0], [np.inf], "b")])
def test_relative_error_rejects_non_finite_values(a, b, name):
    with pytest.raises(ValueError, match=rf"{name} must be finite"):
        relative_error(a, b)
