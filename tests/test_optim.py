"""Tests of calcml.optim against independent computations.

Gradient descent on a quadratic has closed-form iterates; batch GD on least squares
converges to np.linalg.lstsq; Newton's method solves a quadratic in one step and
converges quadratically; mini-batch SGD is checked against a plain loop written here
from the specification's sampling convention.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from calcml.optim import (
    DescentPath,
    descent_path,
    gd_until_converged,
    gradient_descent,
    least_squares_gradient,
    least_squares_loss,
    linear_regression_gd,
    linear_regression_gd_path,
    minibatch_sgd,
    minibatch_sgd_path,
    newton_minimize,
    newton_root,
    newton_root_path,
    newton_step,
)


def random_spd(rng: np.random.Generator, n: int) -> np.ndarray:
    """A random symmetric positive definite matrix with eigenvalues in [0.5, 3]."""
    Q, _ = np.linalg.qr(rng.normal(size=(n, n)))
    return Q @ np.diag(rng.uniform(0.5, 3.0, size=n)) @ Q.T


def quadratic(A: np.ndarray, c: np.ndarray):
    """f(x) = 1/2 (x - c)^T A (x - c), its gradient A (x - c) and Hessian A."""
    return (
        lambda x: 0.5 * (x - c) @ A @ (x - c),
        lambda x: A @ (x - c),
        lambda x: A,
    )


# ----------------------------------------------------------------------- gradient_descent


@pytest.mark.parametrize("seed", range(5))
def test_gradient_descent_matches_closed_form_on_a_quadratic(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 5))
    A, c, x0 = random_spd(rng, n), rng.normal(size=n), rng.normal(size=n)
    lr = float(rng.uniform(0.05, 0.6))
    _, grad, _ = quadratic(A, c)
    xs = gradient_descent(grad, x0, lr, 12)
    assert xs.shape == (13, n)
    M = np.eye(n) - lr * A  # x_k - c = M^k (x0 - c)
    want = np.array([c + np.linalg.matrix_power(M, k) @ (x0 - c) for k in range(13)])
    np.testing.assert_allclose(xs, want, rtol=1e-10, atol=1e-12)


def test_gradient_descent_scalar_start_gives_a_1d_history():
    a, c, x0, lr = 2.5, -1.0, 3.0, 0.1
    xs = gradient_descent(lambda x: a * (x - c), x0, lr, 7)
    assert xs.shape == (8,)
    np.testing.assert_allclose(xs, c + (1 - lr * a) ** np.arange(8) * (x0 - c), rtol=1e-12)


def test_gradient_descent_zero_steps_and_input_unchanged():
    x0 = np.array([1.0, -2.0])
    keep = x0.copy()

    def grad(x):
        x *= 2  # a careless gradient that scribbles on its argument
        return x

    xs = gradient_descent(grad, x0, 0.1, 3)
    np.testing.assert_array_equal(x0, keep)
    np.testing.assert_allclose(xs[1], keep - 0.1 * 2 * keep)
    assert gradient_descent(grad, x0, 0.1, 0).shape == (1, 2)


def test_gradient_descent_accepts_integer_inputs():
    xs = gradient_descent(lambda x: 2 * x, np.array([1, 2]), 0.25, 2)
    np.testing.assert_allclose(xs, [[1, 2], [0.5, 1], [0.25, 0.5]])


# ----------------------------------------------------------------------- stopping rules


@pytest.mark.parametrize("seed", range(4))
def test_gd_until_converged_stops_at_the_first_small_loss_change(seed):
    rng = np.random.default_rng(10 + seed)
    n = 3
    A, c, x0 = random_spd(rng, n), rng.normal(size=n), rng.normal(size=n) * 3
    lr, tol = 0.1, 1e-9
    f, grad, _ = quadratic(A, c)
    x, steps = gd_until_converged(f, grad, x0, lr, tol=tol)
    # closed-form iterates; the first k with |f(x_k) - f(x_{k-1})| < tol
    M = np.eye(n) - lr * A
    k, prev = 0, x0
    while True:
        k += 1
        cur = c + np.linalg.matrix_power(M, k) @ (x0 - c)
        if abs(f(cur) - f(prev)) < tol:
            break
        prev = cur
    assert steps == k
    np.testing.assert_allclose(x, cur, rtol=1e-8, atol=1e-10)


def test_gd_until_converged_respects_max_steps_and_returns_a_float():
    f = lambda x: x**2  # noqa: E731
    x, steps = gd_until_converged(f, lambda x: 2 * x, 1.0, 1.0, tol=1e-12, max_steps=7)
    # lr = 1 makes x oscillate between 1 and -1: f never changes... by exactly 0
    assert steps == 1 and isinstance(x, float) and x == -1.0
    x, steps = gd_until_converged(f, lambda x: 2 * x, 1.0, 1.1, max_steps=25)
    assert steps == 25
    assert x == pytest.approx((1 - 2.2) ** 25)


def test_descent_path_gradient_stop_and_history():
    A = np.diag([1.0, 4.0])
    c = np.array([1.0, -1.0])
    f, grad, _ = quadratic(A, c)
    path = descent_path(grad, np.zeros(2), 0.2, f=f, stop="grad", tol=1e-6)
    assert isinstance(path, DescentPath) and path.converged
    norms = [np.linalg.norm(grad(x)) for x in path.iterates]
    assert norms[-1] < 1e-6 and all(g >= 1e-6 for g in norms[:-1])
    np.testing.assert_allclose(path.losses, [f(x) for x in path.iterates])
    assert path.n_steps == len(path.iterates) - 1
    np.testing.assert_array_equal(path.x, path.iterates[-1])


def test_descent_path_stops_when_the_iterates_overflow():
    with np.errstate(over="ignore", invalid="ignore"):
        path = descent_path(lambda x: 4 * x**3, np.array([3.0]), 1.0, stop="grad", max_steps=1000)
    assert not path.converged
    assert path.n_steps < 10 and not np.isfinite(path.iterates[-1])
    assert np.all(np.isfinite(path.iterates[:-1]))


def test_descent_path_reports_divergence_as_not_converged():
    path = descent_path(lambda x: 2 * x, 1.0, 1.5, stop="grad", max_steps=10)
    assert not path.converged and path.n_steps == 10
    np.testing.assert_allclose(path.iterates, (-2.0) ** np.arange(11))
    assert path.losses is None


# ----------------------------------------------------------------------- linear regression


def regression_data(rng: np.random.Generator, m: int = 40, n: int = 3):
    X = np.column_stack([np.ones(m), rng.normal(size=(m, n - 1))])
    y = X @ rng.normal(size=n) + 0.3 * rng.normal(size=m)
    return X, y


@pytest.mark.parametrize("seed", range(3))
def test_linear_regression_gd_converges_to_lstsq(seed):
    rng = np.random.default_rng(seed)
    X, y = regression_data(rng)
    theta = linear_regression_gd(X, y, 0.1, 2000)
    want = np.linalg.lstsq(X, y, rcond=None)[0]
    np.testing.assert_allclose(theta, want, rtol=1e-8, atol=1e-10)


def test_linear_regression_gd_path_matches_the_closed_form_iterates():
    rng = np.random.default_rng(3)
    X, y = regression_data(rng, m=15)
    lr, k = 0.05, 9
    thetas = linear_regression_gd_path(X, y, lr, k)
    H = 2 * X.T @ X / len(y)
    star = np.linalg.solve(X.T @ X, X.T @ y)
    M = np.eye(3) - lr * H
    want = np.array([star - np.linalg.matrix_power(M, j) @ star for j in range(k + 1)])
    np.testing.assert_allclose(thetas, want, rtol=1e-9, atol=1e-12)


def test_least_squares_loss_and_gradient_against_finite_differences():
    rng = np.random.default_rng(4)
    X, y = regression_data(rng, m=12)
    theta = rng.normal(size=3)
    r = X @ theta - y
    assert least_squares_loss(theta, X, y) == pytest.approx(np.mean(r**2))
    h = 1e-6
    fd = [
        (least_squares_loss(theta + h * e, X, y) - least_squares_loss(theta - h * e, X, y))
        / (2 * h)
        for e in np.eye(3)
    ]
    np.testing.assert_allclose(least_squares_gradient(theta, X, y), fd, rtol=1e-6)


def test_linear_regression_gd_leaves_inputs_unchanged():
    rng = np.random.default_rng(5)
    X, y = regression_data(rng, m=10)
    Xc, yc = X.copy(), y.copy()
    linear_regression_gd(X, y, 0.1, 5)
    np.testing.assert_array_equal(X, Xc)
    np.testing.assert_array_equal(y, yc)


# ----------------------------------------------------------------------- mini-batch SGD


def plain_minibatch_sgd(grad_fn, theta0, X, y, lr, n_epochs, batch_size, seed):
    """The specification's sampling convention, written as plainly as possible."""
    rng = np.random.default_rng(seed)
    theta = np.array(theta0, dtype=float)
    m = len(X)
    for _ in range(n_epochs):
        perm = rng.permutation(m)
        i = 0
        while i < m:
            idx = perm[i : i + batch_size]
            theta = theta - lr * grad_fn(theta, X[idx], y[idx])
            i += batch_size
    return theta


@pytest.mark.parametrize(
    ("m", "batch_size", "seed"), [(10, 3, 0), (10, 1, 7), (17, 5, 42), (8, 8, 1)]
)
def test_minibatch_sgd_matches_a_plain_loop(m, batch_size, seed):
    rng = np.random.default_rng(100 + m)
    X, y = regression_data(rng, m=m)
    theta0 = rng.normal(size=3)
    got = minibatch_sgd(least_squares_gradient, theta0, X, y, 0.05, 4, batch_size, seed=seed)
    want = plain_minibatch_sgd(least_squares_gradient, theta0, X, y, 0.05, 4, batch_size, seed)
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-14)


def test_minibatch_sgd_full_batch_equals_batch_gd():
    rng = np.random.default_rng(8)
    X, y = regression_data(rng, m=20)
    got = minibatch_sgd(least_squares_gradient, np.zeros(3), X, y, 0.1, 30, batch_size=20, seed=3)
    np.testing.assert_allclose(got, linear_regression_gd(X, y, 0.1, 30), rtol=1e-10, atol=1e-12)


def test_minibatch_sgd_path_shape_epochs_and_inputs_unchanged():
    rng = np.random.default_rng(9)
    X, y = regression_data(rng, m=10)
    theta0 = np.array([1.0, 2.0, 3.0])
    keep = (theta0.copy(), X.copy(), y.copy())
    path = minibatch_sgd_path(least_squares_gradient, theta0, X, y, 0.05, 3, 4, seed=0)
    assert path.shape == (3 * math.ceil(10 / 4) + 1, 3)
    np.testing.assert_array_equal(path[0], theta0)
    want = plain_minibatch_sgd(least_squares_gradient, theta0, X, y, 0.05, 3, 4, 0)
    np.testing.assert_allclose(path[-1], want, rtol=1e-12, atol=1e-14)
    for a, b in zip(keep, (theta0, X, y), strict=True):
        np.testing.assert_array_equal(a, b)


def test_minibatch_sgd_passes_integer_labels_through():
    X = np.arange(12.0).reshape(6, 2)
    y = np.array([0, 1, 2, 0, 1, 2])
    seen = []

    def grad_fn(theta, Xb, yb):
        seen.append(yb.dtype.kind)
        return np.zeros_like(theta)

    minibatch_sgd(grad_fn, np.zeros(2), X, y, 0.1, 1, 2)
    assert seen == ["i", "i", "i"]


def test_minibatch_sgd_seed_changes_the_order():
    rng = np.random.default_rng(11)
    X, y = regression_data(rng, m=12)
    a = minibatch_sgd(least_squares_gradient, np.zeros(3), X, y, 0.05, 2, 1, seed=0)
    b = minibatch_sgd(least_squares_gradient, np.zeros(3), X, y, 0.05, 2, 1, seed=1)
    assert not np.allclose(a, b)


# ----------------------------------------------------------------------- Newton


@pytest.mark.parametrize("a", [2.0, 3.0, 10.0, 0.5])
def test_newton_root_finds_square_roots(a):
    root, n_iter = newton_root(lambda x: x * x - a, lambda x: 2 * x, 1.0)
    assert root == pytest.approx(math.sqrt(a), rel=1e-15)
    xs = newton_root_path(lambda x: x * x - a, lambda x: 2 * x, 1.0)
    assert n_iter == len(xs) - 1
    steps = np.abs(np.diff(xs))
    assert steps[-1] < 1e-12 and np.all(steps[:-1] >= 1e-12)


def test_newton_root_converges_quadratically():
    a = 2.0
    xs = newton_root_path(lambda x: x * x - a, lambda x: 2 * x, 3.0)
    e = np.abs(xs - math.sqrt(a))
    # e_{k+1} / e_k^2 -> f''/(2 f') = 1/(2 sqrt 2) at the root
    ratios = e[1:] / e[:-1] ** 2
    good = (e[:-1] > 1e-7) & (e[:-1] < 1e-2)
    assert good.any()
    np.testing.assert_allclose(ratios[good], 1 / (2 * math.sqrt(a)), rtol=1e-2)


def test_newton_root_max_iter_and_flat_tangent():
    root, n_iter = newton_root(lambda x: x**3 - 2 * x + 2, lambda x: 3 * x**2 - 2, 0.0, max_iter=6)
    assert n_iter == 6  # this start cycles 0 -> 1 -> 0 -> ...
    assert root in (0.0, 1.0)
    with pytest.raises(ZeroDivisionError, match="df"):
        newton_root(lambda x: x * x + 1, lambda x: 2 * x, 0.0)


@pytest.mark.parametrize("seed", range(4))
def test_newton_step_solves_the_linear_system(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 6))
    H, g = random_spd(rng, n), rng.normal(size=n)
    step = newton_step(g, H)
    np.testing.assert_allclose(step, -np.linalg.inv(H) @ g, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(H @ step, -g, rtol=1e-10, atol=1e-12)


def test_newton_step_scalar():
    assert newton_step(3.0, 4.0) == pytest.approx(-0.75)
    assert newton_step(np.array(3.0), np.array([[4.0]])) == pytest.approx(-0.75)


@pytest.mark.parametrize("seed", range(4))
def test_newton_minimize_solves_a_quadratic_in_one_step(seed):
    rng = np.random.default_rng(seed)
    n = 3
    A, c = random_spd(rng, n), rng.normal(size=n)
    _, grad, hess = quadratic(A, c)
    xs = newton_minimize(grad, hess, rng.normal(size=n) * 5)
    assert xs.shape == (2, n)
    np.testing.assert_allclose(xs[1], c, rtol=1e-10, atol=1e-12)


def test_newton_minimize_scalar_and_max_iter():
    grad = lambda x: math.exp(x) - 1 / x  # noqa: E731  (f = e^x - log x)
    hess = lambda x: math.exp(x) + 1 / x**2  # noqa: E731
    xs = newton_minimize(grad, hess, 0.05)
    assert xs.ndim == 1
    omega = 0.5671432904097838  # e^omega = 1/omega
    assert xs[-1] == pytest.approx(omega, rel=1e-14)
    assert len(newton_minimize(grad, hess, 0.05, max_iter=3)) == 4


def test_newton_minimize_multivariate_against_scipy():
    from scipy.optimize import minimize

    def f(v):
        x, y = v
        return x**4 + 0.8 * y**4 + 4 * x**2 + 2 * y**2 - x * y - 0.2 * x**2 * y + x - y

    def grad(v):
        x, y = v
        return np.array(
            [4 * x**3 + 8 * x - y - 0.4 * x * y + 1, 3.2 * y**3 + 4 * y - x - 0.2 * x**2 - 1]
        )

    def hess(v):
        x, y = v
        return np.array([[12 * x**2 + 8 - 0.4 * y, -1 - 0.4 * x], [-1 - 0.4 * x, 9.6 * y**2 + 4]])

    xs = newton_minimize(grad, hess, np.array([3.0, -2.0]))
    ref = minimize(f, [3.0, -2.0], jac=grad, hess=hess, method="trust-exact", tol=1e-14).x
    np.testing.assert_allclose(xs[-1], ref, atol=1e-8)
    assert np.linalg.norm(grad(xs[-1])) < 1e-10


# ----------------------------------------------------------------------- bad inputs


@pytest.mark.parametrize(
    ("call", "error", "name"),
    [
        (lambda: gradient_descent(3.0, 1.0, 0.1, 2), TypeError, "grad"),
        (lambda: gradient_descent(lambda x: x, np.ones((2, 2)), 0.1, 2), ValueError, "x0"),
        (lambda: gradient_descent(lambda x: x, [1.0, np.nan], 0.1, 2), ValueError, "x0"),
        (lambda: gradient_descent(lambda x: x, 1.0, -0.1, 2), ValueError, "lr"),
        (lambda: gradient_descent(lambda x: x, 1.0, 0.1, -1), ValueError, "n_steps"),
        (lambda: gradient_descent(lambda x: x, 1.0, 0.1, 2.5), ValueError, "n_steps"),
        (lambda: gradient_descent(lambda x: x, 1.0, 0.1, None), TypeError, "n_steps"),
        (lambda: gradient_descent(lambda x: np.ones(3), np.ones(2), 0.1, 2), ValueError, "grad"),
        (lambda: gd_until_converged("f", lambda x: x, 1.0, 0.1), TypeError, "f"),
        (lambda: gd_until_converged(lambda x: x, lambda x: x, 1.0, 0.1, tol=0), ValueError, "tol"),
        (lambda: descent_path(lambda x: x, 1.0, 0.1, stop="loss"), ValueError,
         "stop='loss' needs the function f"),
        (lambda: descent_path(lambda x: x, 1.0, 0.1, stop="step"), ValueError, "stop"),
        (lambda: linear_regression_gd(np.ones((3, 2)), np.ones(4), 0.1, 3), ValueError, "X and y"),
        (lambda: linear_regression_gd(np.ones(3), np.ones(3), 0.1, 3), ValueError, "X"),
        (
            lambda: linear_regression_gd(np.ones((3, 2)), np.ones(3), 0.1, -2),
            ValueError,
            "n_epochs",
        ),
        (
            lambda: least_squares_gradient(np.ones(3), np.ones((3, 2)), np.ones(3)),
            ValueError,
            "theta",
        ),
        (
            lambda: minibatch_sgd(
                least_squares_gradient, np.ones(2), np.ones((3, 2)), np.ones(3), 0.1, 1, 0
            ),
            ValueError,
            "batch_size",
        ),
        (
            lambda: minibatch_sgd(
                least_squares_gradient, [np.inf, 0], np.ones((3, 2)), np.ones(3), 0.1, 1, 1
            ),
            ValueError,
            "theta0",
        ),
        (
            lambda: minibatch_sgd(None, np.ones(2), np.ones((3, 2)), np.ones(3), 0.1, 1, 1),
            TypeError,
            "grad_fn",
        ),
        (
            lambda: minibatch_sgd(
                least_squares_gradient, np.ones(2), np.ones((3, 2)), np.ones(2), 0.1, 1, 1
            ),
            ValueError,
            "X and y",
        ),
        (
            lambda: minibatch_sgd(
                lambda t, X, y: np.ones(5), np.ones(2), np.ones((3, 2)), np.ones(3), 0.1, 1, 1
            ),
            ValueError,
            "grad_fn",
        ),
        (lambda: newton_root(lambda x: x, "df", 1.0), TypeError, "df"),
        (lambda: newton_root(lambda x: x, lambda x: 1.0, [1.0, 2.0]), ValueError, "x0"),
        (lambda: newton_root(lambda x: x, lambda x: 1.0, 1.0, max_iter=-1), ValueError, "max_iter"),
        (lambda: newton_step(np.ones(2), np.eye(3)), ValueError, "H"),
        (lambda: newton_step(np.ones((2, 2)), np.eye(2)), ValueError, "g"),
        (lambda: newton_minimize(lambda x: x, lambda x: np.eye(3), np.ones(2)), ValueError, "hess"),
    ],
)
def test_bad_inputs_raise_naming_the_argument(call, error, name):
    # the message starts with the argument's name, as a whole word: "f" must not match "of"
    with pytest.raises(error, match=rf"^{re.escape(name)}(?!\w)"):
        call()
