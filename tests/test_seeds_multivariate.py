"""The notes' multivariate worked examples, recomputed through calcml.linalg.

tests/test_seeds_calculus.py already recomputes every derivative, gradient, Jacobian and
Hessian of these examples with :mod:`calcml.diff` and local formulas. This module checks
the same verified values along a different path: the least-squares solvers
(:func:`~calcml.linalg.fit_line`, :func:`~calcml.linalg.normal_equation`), the gradient of
a quadratic form, the second-derivative test and the second-order Taylor model that
chapters 02 to 04 use. A mistake in either the table or in calcml.linalg shows up here.
"""

from __future__ import annotations

import numpy as np
import pytest

from calcml.diff import gradient
from calcml.linalg import (
    classify_critical_point,
    fit_line,
    normal_equation,
    quadratic_form_gradient,
    second_derivative_test,
    taylor2,
)
from calcml.seeds import agree, expected, seed_example

RNG = np.random.default_rng(404)

LINE_POINTS = np.array(seed_example("s002_least_squares_E_mb")["inputs"]["points"])


def design(x: np.ndarray) -> np.ndarray:
    return np.column_stack([np.ones(len(x)), x])


def test_least_squares_line_by_fit_line() -> None:
    x, y = LINE_POINTS[:, 0], LINE_POINTS[:, 1]
    m, b = fit_line(x, y)
    agree("s002_least_squares_E_mb", "m", m)
    agree("s002_least_squares_E_mb", "b", b)
    cost = float(np.sum((m * x + b - y) ** 2))
    agree("s002_least_squares_E_mb", "E_min", cost)
    agree("s002_least_squares_E_mb", "L_half_mean_min", cost / (2 * len(x)))
    agree("s000_linreg_closed_form", "theta1", m)
    agree("s000_linreg_closed_form", "theta0", b)


def test_least_squares_line_by_normal_equation() -> None:
    inputs = seed_example("s000_linreg_closed_form")["inputs"]
    X, y = design(np.array(inputs["x"])), np.array(inputs["y"])
    theta = normal_equation(X, y)
    agree("s000_linreg_closed_form", "theta_normal_equation", theta)
    agree("s000_linreg_closed_form", "mse_min", float(np.mean((X @ theta - y) ** 2)))

    half = seed_example("s001_normal_equation_half_factor")["inputs"]
    X2, y2 = np.array(half["X"]), np.array(half["y"])
    np.testing.assert_array_equal(X2, X)  # both examples use the same three points
    theta2 = normal_equation(X2, y2)
    agree("s001_normal_equation_half_factor", "theta_star", theta2)
    r = X2 @ theta2 - y2
    agree("s001_normal_equation_half_factor", "J_half_min", 0.5 * float(r @ r))


def test_quadratic_form_gradient_of_the_matrix_calculus_table() -> None:
    inputs = seed_example("s001_matrix_calculus_table")["inputs"]
    B, x = np.array(inputs["B"]), np.array(inputs["x"])
    agree("s001_matrix_calculus_table", "grad_xTBx", quadratic_form_gradient(B, x))
    agree("s001_matrix_calculus_table", "grad_xTx", quadratic_form_gradient(np.eye(2), x))
    # the notes' 2Bx is what the formula gives for the symmetric part only when B = B^T
    agree("s001_matrix_calculus_table", "seed_2Bx", 2 * B @ x)
    assert not np.allclose(2 * B @ x, quadratic_form_gradient(B, x))
    sym = 0.5 * (B + B.T)
    np.testing.assert_allclose(quadratic_form_gradient(sym, x), 2 * sym @ x)


def test_gradients_that_are_quadratic_forms() -> None:
    # (2x + 3y)^2 = v^T B v with B = [[4, 6], [6, 9]]; x^2 + y^2 = v^T I v
    B = np.array([[4.0, 6.0], [6.0, 9.0]])
    point = np.array(seed_example("s004_gradient_2x3y_squared")["inputs"]["point"])
    agree("s004_gradient_2x3y_squared", "gradient", quadratic_form_gradient(B, point))
    point = np.array(seed_example("s002_gradient_x2y2")["inputs"]["point"])
    agree("s002_gradient_x2y2", "gradient", quadratic_form_gradient(np.eye(2), point))
    minimiser = np.array(expected("s002_gradient_x2y2", "minimiser"))
    result = second_derivative_test(lambda v: v @ v, minimiser)
    assert result.classification == "minimum"
    agree("s002_gradient_x2y2", "min_value", float(minimiser @ minimiser))
    # (2x + 3y)^2 is flat along 3x - 2y = 0: its Hessian 2B is singular
    assert classify_critical_point(2 * B) == "inconclusive"


QUADRATICS = {
    "s002_hessian_pd": (lambda v: 2 * v[0] ** 2 + 3 * v[1] ** 2 - v[0] * v[1], "minimum"),
    "s002_hessian_nd": (lambda v: -2 * v[0] ** 2 - 3 * v[1] ** 2 - v[0] * v[1] + 15, "maximum"),
    "s002_hessian_saddle": (lambda v: 2 * v[0] ** 2 - 2 * v[1] ** 2, "saddle"),
}


@pytest.mark.parametrize("example_id", sorted(QUADRATICS))
def test_second_derivative_test_on_the_three_quadratics(example_id: str) -> None:
    f, label = QUADRATICS[example_id]
    origin = np.array(seed_example(example_id)["inputs"]["point"], dtype=float)
    result = second_derivative_test(f, origin)
    agree(example_id, "hessian", result.hessian, rtol=1e-6, atol=1e-6)
    agree(example_id, "eigenvalues", result.eigenvalues, rtol=1e-6, atol=1e-6)
    assert result.classification == label
    assert classify_critical_point(expected(example_id, "hessian")) == label
    assert expected(example_id, "classification").endswith(
        {"minimum": "minimum", "maximum": "maximum", "saddle": "saddle point"}[label]
    )
    if "f_at_0" in seed_example(example_id)["expected"]:
        agree(example_id, "f_at_0", f(origin))


@pytest.mark.parametrize("example_id", sorted(QUADRATICS))
def test_taylor2_reproduces_the_quadratics_exactly(example_id: str) -> None:
    f, _ = QUADRATICS[example_id]
    H = np.array(expected(example_id, "hessian"))
    for x0 in RNG.normal(size=(3, 2)):
        g = gradient(f, x0)
        points = RNG.normal(scale=2.0, size=(6, 2))
        model = taylor2(f(x0), g, H, x0, points)
        np.testing.assert_allclose(model, [f(p) for p in points], rtol=1e-8, atol=1e-8)


def test_temperature_critical_point() -> None:
    def temperature(v):
        x, y = v[0], v[1]
        return 85 - x**2 * (x - 6) * y**2 * (y - 6) / 90

    critical = np.array(expected("s002_f85_partials_and_min", "critical_point"))
    result = second_derivative_test(temperature, critical)
    agree("s002_f85_partials_and_min", "hessian_at_critical_point", result.hessian,
          rtol=1e-6, atol=1e-6)
    assert result.classification == "minimum"
    f0 = agree("s002_f85_partials_and_min", "f_at_critical_point", temperature(critical))
    # at the critical point the Taylor model is f0 + d^T H d / 2: third-order accurate
    H = np.array(expected("s002_f85_partials_and_min", "hessian_at_critical_point"))
    d = np.array([0.6, -0.8])
    errors = [abs(taylor2(f0, np.zeros(2), H, critical, critical + t * d)
                  - temperature(critical + t * d)) for t in (0.02, 0.01)]
    assert 6.0 < errors[0] / errors[1] < 10.0
