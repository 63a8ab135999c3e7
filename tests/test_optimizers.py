"""Tests of calcml.optimizers against independent computations.

Momentum on a quadratic is a linear recurrence, so its iterates are powers of a block
matrix; optimal_momentum is checked against a numerical minimisation of the spectral
radius (scipy); backtracking against a brute-force search over the step grid; Adam
against a closed form on a linear function (constant gradient); schedules against their
formulas; the descent lemma and the noise ball against their predictions.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.optimize import minimize

from calcml.optimizers import (
    adam,
    backtracking_step,
    condition_number,
    constant_schedule,
    cosine_decay,
    gd_backtracking,
    gd_rate,
    inverse_time_decay,
    momentum_descent,
    momentum_matrix,
    momentum_rate,
    nesterov_descent,
    noisy_sgd,
    optimal_momentum,
    quadratic,
    rmsprop,
    rosenbrock,
    rosenbrock_gradient,
    step_decay,
)


def spd(rng: np.random.Generator, eigenvalues) -> np.ndarray:
    Q, _ = np.linalg.qr(rng.normal(size=(len(eigenvalues), len(eigenvalues))))
    A = Q @ np.diag(eigenvalues) @ Q.T
    return (A + A.T) / 2


# --------------------------------------------------------------------------- quadratics


def test_condition_number_and_gd_rate():
    rng = np.random.default_rng(0)
    A = spd(rng, [0.5, 2.0, 10.0])
    assert condition_number(A) == pytest.approx(20.0)
    lr, rate = gd_rate(0.5, 10.0)
    assert lr == pytest.approx(2 / 10.5)
    # the rate is the largest |1 - lr lam| over the spectrum
    assert rate == pytest.approx(max(abs(1 - lr * v) for v in (0.5, 2.0, 10.0)))
    assert rate == pytest.approx(19 / 21)


def test_quadratic_gradient_matches_finite_differences():
    rng = np.random.default_rng(1)
    A, b = spd(rng, [1.0, 3.0]), rng.normal(size=2)
    f, grad = quadratic(A, b)
    x, h = rng.normal(size=2), 1e-6
    fd = np.array([(f(x + h * e) - f(x - h * e)) / (2 * h) for e in np.eye(2)])
    np.testing.assert_allclose(grad(x), fd, rtol=1e-7)


def test_rosenbrock_gradient_matches_finite_differences():
    x, h = np.array([-0.7, 1.3]), 1e-6
    fd = np.array([(rosenbrock(x + h * e) - rosenbrock(x - h * e)) / (2 * h) for e in np.eye(2)])
    np.testing.assert_allclose(rosenbrock_gradient(x), fd, rtol=1e-6)
    assert rosenbrock([1.0, 1.0]) == 0.0


@pytest.mark.parametrize("bad, message", [
    (np.array([[1.0, 2.0], [0.0, 1.0]]), "symmetric"),
    (np.array([[1.0, 0.0], [0.0, -1.0]]), "positive definite"),
    (np.ones((2, 3)), "square"),
])
def test_condition_number_rejects_bad_matrices(bad, message):
    with pytest.raises(ValueError, match=message):
        condition_number(bad)


# --------------------------------------------------------------------------- momentum


def test_momentum_matches_block_matrix_power():
    """(x_{k+1}, x_k) = M (x_k, x_{k-1}) + c on a quadratic: the k-th iterate is a
    power of the augmented block matrix, no loop over the update rule."""
    rng = np.random.default_rng(2)
    A, b = spd(rng, [0.3, 1.0, 4.0]), rng.normal(size=3)
    _, grad = quadratic(A, b)
    lr, beta, n = 0.2, 0.6, 12
    x0 = rng.normal(size=3)
    path = momentum_descent(grad, x0, lr, beta, n)
    eye = np.eye(3)
    M = np.zeros((7, 7))
    M[:3, :3] = (1 + beta) * eye - lr * A
    M[:3, 3:6] = -beta * eye
    M[:3, 6] = lr * b
    M[3:6, :3] = eye
    M[6, 6] = 1.0
    # x_1 = x_0 - lr grad(x_0) (v_0 = 0), i.e. x_{-1} = x_0
    state = np.concatenate([x0, x0, [1.0]])
    for k in range(n + 1):
        np.testing.assert_allclose(path[k], (np.linalg.matrix_power(M, k) @ state)[:3],
                                   rtol=1e-10, atol=1e-12)
    assert path.shape == (n + 1, 3)


def test_momentum_other_form_and_scalar_shape():
    grad = lambda x: 4 * x ** 3 - 3 * x  # noqa: E731
    path = momentum_descent(grad, 0.7, 0.05, 0.8, 20)
    assert path.shape == (21,) and path[0] == 0.7
    x, u = 0.7, 0.0
    for k in range(20):
        u = 0.8 * u - 0.05 * grad(x)
        x = x + u
        assert path[k + 1] == pytest.approx(x, rel=1e-12)


def test_momentum_with_beta_zero_is_gradient_descent():
    from calcml.optim import gradient_descent
    grad = lambda x: np.array([2 * x[0], 20 * x[1]])  # noqa: E731
    np.testing.assert_allclose(momentum_descent(grad, [1.0, 1.0], 0.04, 0.0, 15),
                               gradient_descent(grad, [1.0, 1.0], 0.04, 15))


def test_momentum_leaves_x0_unchanged_and_validates():
    x0 = np.array([1, 2])
    momentum_descent(lambda x: x, x0, 0.1, 0.5, 3)
    assert x0.tolist() == [1, 2]
    with pytest.raises(ValueError, match="beta"):
        momentum_descent(lambda x: x, 1.0, 0.1, 1.0, 3)
    with pytest.raises(ValueError, match="grad"):
        momentum_descent(lambda x: np.ones(3), np.ones(2), 0.1, 0.5, 3)


def test_optimal_momentum_minimises_the_spectral_radius():
    for l_min, l_max in ((1.0, 100.0), (0.5, 3.0), (2.0, 2.0)):
        lr, beta = optimal_momentum(l_min, l_max)
        grid = np.linspace(l_min, l_max, 201)

        def worst(p, grid=grid):
            return momentum_rate(p[0], min(max(p[1], 0.0), 0.999), grid)

        best = minimize(worst, x0=[1 / l_max, 0.5], method="Nelder-Mead",
                        options={"xatol": 1e-10, "fatol": 1e-12, "maxiter": 4000})
        assert momentum_rate(lr, beta, grid) <= best.fun + 1e-6
        kappa = l_max / l_min
        assert momentum_rate(lr, beta, grid) == pytest.approx(
            (math.sqrt(kappa) - 1) / (math.sqrt(kappa) + 1), abs=1e-6)


def test_momentum_matrix_is_the_recurrence():
    T = momentum_matrix(3.0, 0.1, 0.5)
    e_prev, e = 0.4, 1.0
    e_next = e - 0.1 * 3.0 * e + 0.5 * (e - e_prev)
    np.testing.assert_allclose(T @ [e, e_prev], [e_next, e])


def test_optimal_momentum_validates():
    with pytest.raises(ValueError, match="l_min"):
        optimal_momentum(2.0, 1.0)
    with pytest.raises(ValueError, match="l_min"):
        optimal_momentum(0.0, 1.0)


def test_nesterov_converges_faster_than_gd_on_an_ill_conditioned_quadratic():
    f, grad = quadratic(np.diag([1.0, 100.0]))
    lr = 1 / 100
    beta = (math.sqrt(100) - 1) / (math.sqrt(100) + 1)
    nag = nesterov_descent(grad, [1.0, 1.0], lr, beta, 100)
    # with beta = 0 it is gradient descent
    gd = nesterov_descent(grad, [1.0, 1.0], lr, 0.0, 100)
    np.testing.assert_allclose(gd[-1], [(1 - lr) ** 100, 0.0], atol=1e-12)
    assert f(nag[-1]) < 1e-3 * f(gd[-1])


# --------------------------------------------------------------------------- line search


def test_backtracking_step_is_the_first_grid_point_passing_armijo():
    rng = np.random.default_rng(3)
    for _ in range(20):
        x, d = rng.normal(size=2), -rosenbrock_gradient(rng.normal(size=2))
        g = rosenbrock_gradient(x)
        if g @ d >= 0:
            d = -g
        t = backtracking_step(rosenbrock, g, x, d, t0=2.0, alpha=0.3, shrink=0.7)
        grid = 2.0 * 0.7 ** np.arange(400)
        ok = [rosenbrock(x + s * d) <= rosenbrock(x) + 0.3 * s * (g @ d) for s in grid]
        assert t == pytest.approx(grid[ok.index(True)], rel=1e-12)


def test_backtracking_step_raises_for_an_ascent_direction_and_keeps_x():
    x = np.array([1.0, 2.0])
    with pytest.raises(ValueError, match="descent direction"):
        backtracking_step(rosenbrock, rosenbrock_gradient(x), x, rosenbrock_gradient(x))
    with pytest.raises(ValueError, match="descent direction"):
        backtracking_step(lambda v: v @ v, np.zeros(2), x, np.array([1.0, 0.0]))
    backtracking_step(rosenbrock, rosenbrock_gradient(x), x, -rosenbrock_gradient(x))
    assert x.tolist() == [1.0, 2.0]


def test_descent_lemma_step_below_one_over_L_decreases():
    """For an L-smooth f, t <= 1/L gives f(x - t g) <= f(x) - t/2 |g|^2, so the Armijo
    test with alpha = 1/2 accepts t0 = 1/L at once."""
    rng = np.random.default_rng(4)
    A = spd(rng, [0.2, 1.0, 5.0])
    f, grad = quadratic(A)
    for _ in range(10):
        x = rng.normal(size=3)
        g = grad(x)
        assert f(x - g / 5.0) <= f(x) - 0.5 / 5.0 * g @ g + 1e-12
        assert backtracking_step(f, g, x, -g, t0=1 / 5.0, alpha=0.5) == pytest.approx(0.2)


def test_gd_backtracking_stops_at_an_exact_zero_gradient():
    path, ts = gd_backtracking(lambda x: x * x, lambda x: 2 * x, 4.0, 10, steps=True)
    # t = 1 overshoots to -4 (not below), t = 1/2 lands on 0 exactly; then the gradient is 0
    np.testing.assert_array_equal(path, [4.0, 0.0])
    np.testing.assert_array_equal(ts, [0.5])


def test_gd_backtracking_restarts_at_t0_and_converges_on_rosenbrock():
    path, ts = gd_backtracking(rosenbrock, rosenbrock_gradient, np.array([-1.2, 1.0]), 3000,
                               steps=True)
    assert path.shape == (3001, 2)
    assert np.all(np.diff([rosenbrock(p) for p in path]) <= 0)
    assert rosenbrock(path[-1]) < 1e-3
    for k in range(5):  # each t_k is the first passing value from t0 = 1
        x, g = path[k], rosenbrock_gradient(path[k])
        assert ts[k] == backtracking_step(rosenbrock, g, x, -g)


# --------------------------------------------------------------------------- adaptive


def test_adam_with_a_constant_gradient_moves_lr_per_step():
    """g constant: m_hat = g and v_hat = g^2 exactly for every t (bias correction
    undoes the zero start), so each step is lr g / (|g| + eps)."""
    g = np.array([3.0, -0.5, 2e-3])
    path = adam(lambda x: g, np.zeros(3), lr=0.01, n_steps=5)
    step = 0.01 * g / (np.abs(g) + 1e-8)
    for k in range(6):
        np.testing.assert_allclose(path[k], -k * step, rtol=1e-9)


def test_adam_without_bias_correction_starts_with_a_larger_step():
    # uncorrected: first step lr (1 - b1) g / (sqrt(1 - b2) |g| + eps) ~ 3.16 lr
    path = adam(lambda x: 1.0, 0.0, lr=0.01, n_steps=1, bias_correction=False)
    assert path[1] == pytest.approx(-0.01 * 0.1 / math.sqrt(0.001), rel=1e-6)


def test_adam_matches_a_loop_written_from_kingma_ba():
    rng = np.random.default_rng(5)
    A = spd(rng, [0.5, 8.0])
    _, grad = quadratic(A, rng.normal(size=2))
    x = rng.normal(size=2)
    path = adam(grad, x, lr=0.05, beta1=0.8, beta2=0.99, eps=1e-6, n_steps=30)
    m = v = np.zeros(2)
    for t in range(1, 31):
        g = grad(x)
        m = 0.8 * m + 0.2 * g
        v = 0.99 * v + 0.01 * g ** 2
        x = x - 0.05 * (m / (1 - 0.8 ** t)) / (np.sqrt(v / (1 - 0.99 ** t)) + 1e-6)
        np.testing.assert_allclose(path[t], x, rtol=1e-12)


def test_rmsprop_is_scale_invariant_per_coordinate():
    """Scaling one coordinate's gradient by c leaves the step unchanged (eps aside)."""
    a = rmsprop(lambda x: np.array([x[0], x[1]]), [1.0, 1.0], lr=0.01, eps=0.0, n_steps=5)
    b = rmsprop(lambda x: np.array([x[0], 1000 * x[1]]), [1.0, 1.0], lr=0.01, eps=0.0,
                n_steps=5)
    np.testing.assert_allclose(a, b, rtol=1e-12)
    assert a.shape == (6, 2)


def test_adaptive_methods_validate():
    with pytest.raises(ValueError, match="beta1"):
        adam(lambda x: x, 1.0, beta1=1.0)
    with pytest.raises(ValueError, match="eps"):
        rmsprop(lambda x: x, 1.0, eps=-1.0)


# --------------------------------------------------------------------------- schedules, SGD


def test_schedules():
    np.testing.assert_allclose(constant_schedule(0.1, 3), [0.1, 0.1, 0.1])
    np.testing.assert_allclose(step_decay(1.0, 0.5, 2, 5), [1, 1, 0.5, 0.5, 0.25])
    np.testing.assert_allclose(inverse_time_decay(1.0, 0.5, 3), [1, 1 / 1.5, 0.5])
    c = cosine_decay(1.0, 4, lr_min=0.2)
    np.testing.assert_allclose(c, 0.2 + 0.8 * (1 + np.cos(np.pi * np.arange(4) / 4)) / 2)
    with pytest.raises(ValueError, match="lr_min"):
        cosine_decay(1.0, 4, lr_min=2.0)


def test_noisy_sgd_noise_ball_scales_with_the_step():
    """On f = x^2/2 with noise s, x_{k+1} = (1 - lr) x_k - lr s z: the stationary
    variance is lr s^2 / (2 - lr), so the mean square shrinks with the step."""
    grad = lambda x: x  # noqa: E731
    for lr in (0.1, 0.02):
        path = noisy_sgd(grad, 0.0, constant_schedule(lr, 60_000), noise=1.0, seed=1)
        assert np.mean(path[1000:] ** 2) == pytest.approx(lr / (2 - lr), rel=0.08)
    no_noise = noisy_sgd(grad, 1.0, constant_schedule(0.5, 3), noise=0.0)
    np.testing.assert_allclose(no_noise, [1, 0.5, 0.25, 0.125])
    with pytest.raises(ValueError, match="lrs"):
        noisy_sgd(grad, 1.0, [0.1, -0.1], noise=1.0)


@pytest.mark.parametrize("call, exc, message", [
    (lambda: momentum_descent(lambda x: x, 1.0, -0.1, 0.5, 3), ValueError, r"^lr must be positive"),
    (lambda: momentum_descent(lambda x: x, 1.0, 0.1, 0.5, 2.5), ValueError, r"^n_steps must be"),
    (lambda: momentum_descent("grad", 1.0, 0.1, 0.5, 3), TypeError, r"^grad must be a function"),
    (lambda: momentum_descent(lambda x: x, [[1.0]], 0.1, 0.5, 3), ValueError, r"^x0 must be"),
    (lambda: optimal_momentum(np.nan, 1.0), ValueError, r"^l_min must be finite"),
    (lambda: backtracking_step(lambda x: x @ x, np.ones(2), np.ones(3), -np.ones(2)),
     ValueError, r"^g must have the shape of x"),
    (lambda: backtracking_step(lambda x: x @ x, np.ones(2), np.ones(2), -np.ones(2), alpha=1.5),
     ValueError, r"^alpha must lie in"),
    (lambda: backtracking_step(lambda x: x @ x, np.ones(2), np.ones(2), -np.ones(2), shrink=1.0),
     ValueError, r"^shrink must lie in"),
    (lambda: gd_backtracking(lambda x: x @ x, lambda x: 2 * x, [np.inf, 0.0], 3), ValueError,
     r"^x0 must be finite"),
    (lambda: adam(lambda x: x, 1.0, beta2=-0.1), ValueError, r"^beta2 must lie in"),
    (lambda: rmsprop(lambda x: x, 1.0, n_steps=-1), ValueError, r"^n_steps must be at least"),
    (lambda: step_decay(0.1, 0.5, 0, 10), ValueError, r"^every must be at least 1"),
    (lambda: inverse_time_decay(0.1, -1.0, 10), ValueError, r"^decay must be >= 0"),
    (lambda: noisy_sgd(lambda x: x, 1.0, [0.1, 0.0], 1.0), ValueError, r"^lrs must hold"),
    (lambda: noisy_sgd(lambda x: x, 1.0, [0.1], -1.0), ValueError, r"^noise must be >= 0"),
    (lambda: quadratic(np.eye(2), np.ones(3)), ValueError, r"^b must have length 2"),
])
def test_bad_input_names_the_argument(call, exc, message):
    with pytest.raises(exc, match=message):
        call()


def test_backtracking_step_reports_a_wrong_gradient():
    """A g that is not the gradient can make every step fail the test: a RuntimeError
    that says so, not an endless loop."""
    with pytest.raises(RuntimeError, match="is g the gradient"):
        backtracking_step(lambda x: float(x @ x) + 1.0 * (x @ x > 0), np.array([-1e-3]),
                          np.array([0.0]), np.array([1.0]))
