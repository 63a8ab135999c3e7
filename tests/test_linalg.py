"""Tests of calcml.linalg against independent computations."""

from __future__ import annotations

import numpy as np
import pytest

from calcml.linalg import (
    classify_critical_point,
    fit_line,
    normal_equation,
    quadratic_form_gradient,
    second_derivative_test,
    taylor2,
)

RNG_SEED = 20260121


def random_orthogonal(rng: np.random.Generator, n: int) -> np.ndarray:
    q, r = np.linalg.qr(rng.normal(size=(n, n)))
    return q * np.sign(np.diag(r))


def with_eigenvalues(rng: np.random.Generator, eig: np.ndarray) -> np.ndarray:
    q = random_orthogonal(rng, len(eig))
    return q @ np.diag(eig) @ q.T


# ---------------------------------------------------------------- fit_line


def test_fit_line_notes_points() -> None:
    m, b = fit_line(np.array([1, 2, 3]), np.array([2, 5, 3]))
    assert m == pytest.approx(0.5, rel=1e-12)
    assert b == pytest.approx(7 / 3, rel=1e-12)
    assert isinstance(m, float) and isinstance(b, float)


@pytest.mark.parametrize("n", [2, 3, 10, 200])
def test_fit_line_matches_polyfit_and_zero_gradient(n: int) -> None:
    rng = np.random.default_rng(RNG_SEED + n)
    x = rng.normal(size=n) * 3 + 1
    y = 2.5 * x - 4 + rng.normal(size=n)
    m, b = fit_line(x, y)
    m_ref, b_ref = np.polyfit(x, y, 1)
    np.testing.assert_allclose([m, b], [m_ref, b_ref], rtol=1e-9, atol=1e-9)
    residual = m * x + b - y
    # dE/dm = 2 sum r x, dE/db = 2 sum r vanish at the minimiser
    assert abs(2 * residual @ x) < 1e-8 * (1 + np.abs(x) @ np.abs(y))
    assert abs(2 * residual.sum()) < 1e-8 * (1 + np.abs(y).sum())


def test_fit_line_beats_perturbations() -> None:
    rng = np.random.default_rng(RNG_SEED)
    x, y = rng.normal(size=30), rng.normal(size=30)
    m, b = fit_line(x, y)

    def cost(mm: float, bb: float) -> float:
        return float(np.sum((mm * x + bb - y) ** 2))

    best = cost(m, b)
    for dm, db in rng.normal(scale=1e-3, size=(50, 2)):
        assert cost(m + dm, b + db) > best


def test_fit_line_errors() -> None:
    with pytest.raises(ValueError, match="same length"):
        fit_line([1, 2, 3], [1, 2])
    with pytest.raises(ValueError, match="all x values are equal"):
        fit_line([2, 2, 2], [1, 2, 3])
    with pytest.raises(ValueError, match="at least two"):
        fit_line([1.0], [2.0])
    with pytest.raises(ValueError, match="finite"):
        fit_line([1, np.nan, 3], [1, 2, 3])
    with pytest.raises(ValueError, match="1-D"):
        fit_line(np.ones((3, 2)), np.ones(3))


# ---------------------------------------------------------------- normal_equation


@pytest.mark.parametrize("shape", [(3, 2), (10, 3), (100, 5), (6, 6)])
def test_normal_equation_against_solve(shape: tuple[int, int]) -> None:
    rng = np.random.default_rng(RNG_SEED + shape[0])
    X = rng.normal(size=shape)
    y = rng.normal(size=shape[0])
    theta = normal_equation(X, y)
    assert theta.shape == (shape[1],)
    reference = np.linalg.solve(X.T @ X, X.T @ y)
    np.testing.assert_allclose(theta, reference, rtol=1e-8, atol=1e-10)
    # the MSE gradient (2/m) X^T (X theta - y) vanishes there
    grad = 2 / shape[0] * X.T @ (X @ theta - y)
    np.testing.assert_allclose(grad, 0.0, atol=1e-10)


def test_normal_equation_notes_example_and_integer_input() -> None:
    X = np.array([[1, 1], [1, 2], [1, 3]])
    y = np.array([2, 5, 3])
    np.testing.assert_allclose(normal_equation(X, y), [7 / 3, 0.5], rtol=1e-12)


def test_normal_equation_recovers_exact_parameters() -> None:
    rng = np.random.default_rng(RNG_SEED)
    X = rng.normal(size=(40, 4))
    theta_true = np.array([1.5, -2.0, 0.25, 3.0])
    np.testing.assert_allclose(normal_equation(X, X @ theta_true), theta_true, rtol=1e-10)


def test_normal_equation_errors() -> None:
    with pytest.raises(ValueError, match="full column rank"):
        normal_equation(np.array([[1.0, 2.0], [2.0, 4.0], [3.0, 6.0]]), np.ones(3))
    with pytest.raises(ValueError, match="same length"):
        normal_equation(np.ones((4, 2)), np.ones(3))
    with pytest.raises(ValueError, match="2-D"):
        normal_equation(np.ones(4), np.ones(4))
    with pytest.raises(ValueError, match="finite"):
        normal_equation(np.array([[1.0, np.inf], [0.0, 1.0]]), np.ones(2))


# ---------------------------------------------------------------- quadratic_form_gradient


def complex_step_grad(f, x: np.ndarray, h: float = 1e-30) -> np.ndarray:
    out = np.empty_like(x)
    for i in range(len(x)):
        xc = x.astype(complex)
        xc[i] += 1j * h
        out[i] = f(xc).imag / h
    return out


@pytest.mark.parametrize("n", [1, 2, 5])
def test_quadratic_form_gradient_non_symmetric(n: int) -> None:
    rng = np.random.default_rng(RNG_SEED + n)
    B = rng.normal(size=(n, n))
    x = rng.normal(size=n)
    reference = complex_step_grad(lambda z: z @ B @ z, x)
    np.testing.assert_allclose(quadratic_form_gradient(B, x), reference, rtol=1e-12, atol=1e-12)


def test_quadratic_form_gradient_notes_example() -> None:
    B = np.array([[1.0, 2.0], [0.0, 3.0]])
    x = np.array([1.0, 1.0])
    np.testing.assert_allclose(quadratic_form_gradient(B, x), [4.0, 8.0])
    assert not np.allclose(2 * B @ x, [4.0, 8.0])  # the symmetric-only shortcut fails


def test_quadratic_form_gradient_errors() -> None:
    with pytest.raises(ValueError, match="square"):
        quadratic_form_gradient(np.ones((2, 3)), np.ones(3))
    with pytest.raises(ValueError, match="do not match"):
        quadratic_form_gradient(np.eye(3), np.ones(2))


# ---------------------------------------------------------------- classify_critical_point


@pytest.mark.parametrize(
    ("eig", "label"),
    [
        ([1.0, 2.0, 0.5], "minimum"),
        ([-1.0, -2.0, -0.5], "maximum"),
        ([3.0, -1e-3, 2.0], "saddle"),
        ([1.0, 0.0, 2.0], "inconclusive"),
        ([-1.0, 0.0, -2.0], "inconclusive"),
        ([0.0, 0.0, 0.0], "inconclusive"),
        ([1.0, 0.0, -1.0], "saddle"),
    ],
)
def test_classify_random_rotations(eig: list[float], label: str) -> None:
    rng = np.random.default_rng(RNG_SEED)
    for _ in range(5):
        H = with_eigenvalues(rng, np.array(eig))
        assert classify_critical_point(H) == label


def test_classify_notes_examples() -> None:
    assert classify_critical_point([[4, -1], [-1, 6]]) == "minimum"
    assert classify_critical_point([[-4, -1], [-1, -6]]) == "maximum"
    assert classify_critical_point([[4, 0], [0, -4]]) == "saddle"


def test_classify_tolerance_and_asymmetry() -> None:
    H = np.diag([1.0, 1e-9])
    assert classify_critical_point(H) == "inconclusive"  # 1e-9 is below the default 1e-8
    assert classify_critical_point(np.diag([1.0, -1e-9])) == "inconclusive"
    assert classify_critical_point(np.diag([1.0, -1e-7])) == "saddle"
    assert classify_critical_point(np.diag([1.0, 1e-9]), tol=1e-12) == "minimum"
    # H is symmetrised before its eigenvalues are taken: (H + H^T)/2 = [[1, 2], [2, 1]] has
    # eigenvalues 3 and -1, while either triangle alone (as eigvalsh reads it) or the
    # eigenvalues of H itself (1, 1) would say "minimum"
    assert classify_critical_point([[1.0, 4.0], [0.0, 1.0]]) == "saddle"
    assert classify_critical_point([[1.0, 0.0], [4.0, 1.0]]) == "saddle"


def test_classify_errors() -> None:
    with pytest.raises(ValueError, match="square"):
        classify_critical_point(np.ones((2, 3)))
    with pytest.raises(ValueError, match="2-D"):
        classify_critical_point(np.ones(3))
    with pytest.raises(ValueError, match="finite"):
        classify_critical_point([[1.0, np.nan], [np.nan, 1.0]])
    with pytest.raises(ValueError, match="non-negative"):
        classify_critical_point(np.eye(2), tol=-1.0)


# ---------------------------------------------------------------- second_derivative_test


def test_second_derivative_test_quadratics() -> None:
    rng = np.random.default_rng(RNG_SEED)
    for eig, label in [([2.0, 5.0], "minimum"), ([-1.0, -3.0], "maximum"), ([4.0, -2.0], "saddle")]:
        H = with_eigenvalues(rng, np.array(eig))
        c = rng.normal(size=2)

        def f(x, H=H, c=c):
            return 0.5 * (x - c) @ H @ (x - c) + 7.0

        result = second_derivative_test(f, c)
        assert result.classification == label
        np.testing.assert_allclose(result.hessian, H, atol=1e-5)
        np.testing.assert_array_equal(result.hessian, result.hessian.T)
        np.testing.assert_allclose(result.eigenvalues, sorted(eig, reverse=True), atol=1e-5)


def test_second_derivative_test_non_quadratic() -> None:
    # f85 of the notes: local minimum at (4, 4) with Hessian (64/15) I
    def f(p):
        x, y = p
        return 85 - x**2 * (x - 6) * y**2 * (y - 6) / 90

    result = second_derivative_test(f, np.array([4.0, 4.0]))
    assert result.classification == "minimum"
    np.testing.assert_allclose(result.hessian, 64 / 15 * np.eye(2), atol=1e-5)
    # x^4 + y^4 at 0: Hessian zero, the test cannot decide
    assert second_derivative_test(lambda p: p[0] ** 4 + p[1] ** 4, np.zeros(2)).classification == (
        "inconclusive"
    )


def test_second_derivative_test_errors() -> None:
    with pytest.raises(TypeError, match="f must be a function"):
        second_derivative_test(3.0, np.zeros(2))
    with pytest.raises(ValueError, match="1-D"):
        second_derivative_test(lambda p: p @ p, np.zeros((2, 2)))


# ---------------------------------------------------------------- taylor2


def test_taylor2_exact_for_quadratics() -> None:
    rng = np.random.default_rng(RNG_SEED)
    n = 4
    A = rng.normal(size=(n, n))
    A = A + A.T
    b = rng.normal(size=n)

    def f(x):
        return 0.5 * x @ A @ x + b @ x - 1.0

    x0 = rng.normal(size=n)
    g0 = A @ x0 + b
    for x in rng.normal(size=(10, n)) * 3:
        assert taylor2(f(x0), g0, A, x0, x) == pytest.approx(f(x), rel=1e-10, abs=1e-10)
    batch = rng.normal(size=(7, n))
    values = taylor2(f(x0), g0, A, x0, batch)
    assert values.shape == (7,)
    np.testing.assert_allclose(values, [f(x) for x in batch], rtol=1e-10, atol=1e-10)


def test_taylor2_error_is_third_order() -> None:
    def f(p):
        return np.exp(p[0]) * np.sin(p[1]) + p[0] * p[1] ** 2

    x0 = np.array([0.3, -0.7])
    x, y = x0
    g = np.array([np.exp(x) * np.sin(y) + y**2, np.exp(x) * np.cos(y) + 2 * x * y])
    H = np.array(
        [
            [np.exp(x) * np.sin(y), np.exp(x) * np.cos(y) + 2 * y],
            [np.exp(x) * np.cos(y) + 2 * y, -np.exp(x) * np.sin(y) + 2 * x],
        ]
    )
    direction = np.array([0.6, 0.8])
    errors = [abs(taylor2(f(x0), g, H, x0, x0 + t * direction) - f(x0 + t * direction))
              for t in (1e-1, 5e-2)]
    # halving the step divides a third-order error by about 8
    assert 6.0 < errors[0] / errors[1] < 10.0


def test_taylor2_returns_float_and_checks_shapes() -> None:
    value = taylor2(1.0, [1, 2], [[2, 0], [0, 2]], [0, 0], [1, 1])
    assert isinstance(value, float) and value == pytest.approx(1 + 3 + 2)
    with pytest.raises(ValueError, match="shapes do not match"):
        taylor2(1.0, [1, 2], np.eye(3), [0, 0], [1, 1])
    with pytest.raises(ValueError, match="shapes do not match"):
        taylor2(1.0, [1, 2], np.eye(2), [0, 0], [1, 1, 1])
    with pytest.raises(ValueError, match="single number"):
        taylor2([1.0, 2.0], [1, 2], np.eye(2), [0, 0], [1, 1])
