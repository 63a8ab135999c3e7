"""Numerical differentiation: central differences and the complex step.

Every function here evaluates the caller's function at points *near* ``x`` and
never at ``x`` modified in place: each evaluation receives a fresh array, so
neither this module nor a careless ``f`` can change the caller's ``x``.

Accuracy at a glance (``h`` the step, ``eps`` ~ 1.1e-16 the machine precision):

==========================  =======================  ==========================
method                      truncation error          rounding error
==========================  =======================  ==========================
central difference          O(h^2)                   O(eps / h)
complex step                O(h^2)                   O(eps) (no cancellation)
second difference (Hessian) O(h^2)                   O(eps / h^2)
==========================  =======================  ==========================

Hence the defaults: ``h = 1e-5`` for first derivatives (total error about 1e-10),
``h = 1e-4`` for second derivatives (about 1e-8) and ``h = 1e-20`` for the complex
step, whose error is at the level of rounding.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from calcml._validate import as_float_array, require_callable, require_positive

__all__ = [
    "central_difference",
    "complex_step",
    "gradient",
    "complex_step_gradient",
    "jacobian",
    "hessian",
    "relative_error",
]


# ----------------------------------------------------------------------------- helpers


def _format_point(point: np.ndarray) -> str:
    """A short printable form of an evaluation point."""
    return np.array2string(np.asarray(point), precision=6, threshold=8)


def _evaluate(
    f: Callable[..., Any],
    point: np.ndarray,
    fname: str,
    where: str,
    *,
    complex_ok: bool = False,
) -> np.ndarray:
    """Call ``f(point)`` and return the result as an array, checking it is finite.

    ``where`` describes the evaluation (e.g. ``"x + h*e_2"``) for error messages.
    With ``complex_ok`` the result keeps a complex dtype; otherwise it must be real.
    """
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        # a non-finite result is reported below, with the point, instead of a warning
        value = f(point.copy())
    try:
        arr = np.asarray(value, dtype=complex if complex_ok else float)
    except (TypeError, ValueError):
        raise TypeError(
            f"{fname} must return numbers, but {fname}({where}) at the point "
            f"{_format_point(point)} returned {type(value).__name__}: {value!r}"
        ) from None
    if not complex_ok and np.iscomplexobj(np.asarray(value)):
        raise TypeError(f"{fname} must return real numbers, but {fname}({where}) is complex")
    if not np.all(np.isfinite(arr)):
        raise ValueError(
            f"{fname}({where}) is not finite at the point {_format_point(point)}: "
            f"{fname} returned {_format_point(arr)}; is the point outside {fname}'s domain "
            f"or the step h too large?"
        )
    return arr


def _scalar_output(value: np.ndarray, fname: str, where: str) -> np.ndarray:
    """Check that ``value`` holds a single number and return it as a 0-d array."""
    if value.size != 1:
        raise ValueError(
            f"{fname} must return a single number (a function R^n -> R), but "
            f"{fname}({where}) returned shape {value.shape}; for a vector-valued "
            f"function use jacobian"
        )
    return value.reshape(())


def _elementwise_output(
    value: np.ndarray, shape: tuple[int, ...], where: str, instead: str
) -> np.ndarray:
    """Check that ``f``'s ``value`` at a point of ``shape`` has one number per element.

    For a number (``shape == ()``) the value must hold a single number and is returned as
    a 0-d array; for an array it must have the point's shape, since ``f`` is meant to act
    elementwise. ``where`` describes the evaluation and ``instead`` names the function to
    use for a function of several variables, both for the error message.
    """
    if shape == ():
        if value.size != 1:
            raise ValueError(
                f"f must return a single number for a number x, but f({where}) "
                f"returned shape {value.shape}"
            )
        return value.reshape(())
    if value.shape != shape:
        raise ValueError(
            f"f must act elementwise: x has shape {shape} but f({where}) returned "
            f"shape {value.shape}; for a function of several variables use {instead}"
        )
    return value


def _check_complex_result(raw: Any, fname: str) -> None:
    """Reject an ``f`` that silently dropped the imaginary part of its argument."""
    if not np.iscomplexobj(np.asarray(raw)):
        raise TypeError(
            f"{fname} returned a real value for a complex argument, so the complex step "
            f"cannot see its derivative; write {fname} with numpy functions that accept "
            f"complex numbers (np.exp, np.sin, ...; no abs, np.real, math.* or float())"
        )


def _call_complex(f: Callable[..., Any], point: np.ndarray, fname: str, where: str) -> np.ndarray:
    """Evaluate ``f`` at a complex point, with a helpful error if ``f`` rejects it."""
    try:
        with warnings.catch_warnings(), np.errstate(divide="ignore", invalid="ignore",
                                                    over="ignore"):
            # numpy warns when f casts the complex point to real (math.exp, float());
            # treat that as the failure it is
            warnings.simplefilter("error", np.exceptions.ComplexWarning)
            raw = f(point.copy())
    except (TypeError, np.exceptions.ComplexWarning) as exc:
        raise TypeError(
            f"{fname} failed on the complex argument {fname}({where}) needed by the complex "
            f"step ({exc}); write {fname} with numpy functions (np.exp, np.sin, ...) rather "
            f"than math.* so that it accepts complex numbers"
        ) from exc
    _check_complex_result(raw, fname)
    return _evaluate(lambda _p: raw, point, fname, where, complex_ok=True)


# -------------------------------------------------------------- derivatives of R -> R


def central_difference(f: Callable[..., Any], x: ArrayLike, h: float = 1e-5) -> float | np.ndarray:
    r"""Derivative of a function of one variable by the central difference.

    .. math::

        f'(x) \approx \frac{f(x + h) - f(x - h)}{2h},

    whose error is :math:`\frac{h^2}{6} f'''(x) + O(h^4)` plus a rounding error of
    order :math:`\varepsilon |f(x)| / h`: halving ``h`` divides the truncation error by 4.

    Parameters
    ----------
    f:
        A function of one real variable. When ``x`` is an array, ``f`` is called once
        with the whole array ``x + h`` and must act elementwise (like ``np.sin``); a
        function written only for numbers (``math.sin``) is applied element by element.
    x:
        The point (a number) or points (an array of any shape).
    h:
        The step, positive.

    Returns
    -------
    float or numpy.ndarray
        A float for a number ``x``, otherwise an array of the shape of ``x``.

    Raises
    ------
    TypeError
        If ``f`` is not callable or ``x`` is not numeric.
    ValueError
        If ``x`` or ``h`` is not finite, ``h <= 0``, ``f`` does not return one value per
        element of ``x``, or ``f`` returns a non-finite value (the message gives the point).
    """
    require_callable(f, "f")
    x = as_float_array(x, "x")
    h = require_positive(h, "h")

    def evaluate(point: np.ndarray, where: str) -> np.ndarray:
        try:
            value = _evaluate(f, point, "f", where)
        except TypeError:
            if point.ndim == 0:
                raise
            # f written for numbers only (math.sin, float(...)): apply it element by element.
            value = np.empty(point.shape)
            for idx in np.ndindex(point.shape):
                value[idx] = _scalar_output(
                    _evaluate(f, point[idx], "f", f"{where} at x{list(idx)}"),
                    "f",
                    f"{where} at x{list(idx)}",
                )
            return value
        return _elementwise_output(value, point.shape, where, "gradient or jacobian")

    derivative = (evaluate(x + h, "x + h") - evaluate(x - h, "x - h")) / (2.0 * h)
    return float(derivative) if x.ndim == 0 else derivative


def complex_step(f: Callable[..., Any], x: ArrayLike, h: float = 1e-20) -> float | np.ndarray:
    r"""Derivative of a real-analytic function of one variable by the complex step.

    .. math::

        f'(x) \approx \frac{\operatorname{Im} f(x + i h)}{h},

    from the Taylor series :math:`f(x + ih) = f(x) + ih f'(x) - \frac{h^2}{2} f''(x)
    - i\frac{h^3}{6} f'''(x) + \dots`: the truncation error is
    :math:`\frac{h^2}{6} f'''(x)`, and since nothing is subtracted there is no
    cancellation, so ``h`` can be tiny (default 1e-20) and the result is exact to
    rounding.

    Parameters
    ----------
    f:
        A function that accepts complex arguments and is real on the real axis, written
        with numpy functions (``np.exp``, ``np.sin``, ``np.log``, powers, ...). Functions
        using ``abs``, comparisons, ``np.real`` or ``math.*`` are not suitable.
        For an array ``x``, ``f`` must act elementwise.
    x:
        The point (a number) or points (an array of any shape).
    h:
        The imaginary step, positive.

    Returns
    -------
    float or numpy.ndarray
        A float for a number ``x``, otherwise an array of the shape of ``x``.

    Raises
    ------
    TypeError
        If ``f`` is not callable, rejects complex input or returns a real value for it.
    ValueError
        If ``x`` or ``h`` is not finite, ``h <= 0``, ``f`` returns the wrong shape or a
        non-finite value (the message gives the point).
    """
    require_callable(f, "f")
    x = as_float_array(x, "x")
    h = require_positive(h, "h")
    value = _elementwise_output(
        _call_complex(f, x + 1j * h, "f", "x + i*h"), x.shape, "x + i*h", "complex_step_gradient"
    )
    derivative = value.imag / h
    return float(derivative) if x.ndim == 0 else derivative


# ----------------------------------------------------------- derivatives of R^n -> R


def _as_point(x: ArrayLike, *, any_shape: bool = False) -> np.ndarray:
    """``x`` as a fresh float array: 1-D, or (``any_shape``) of any shape with >= 1 dims."""
    if any_shape:
        arr = as_float_array(x, "x")
        if arr.ndim == 0:
            raise ValueError(
                "x must be a 1-D array (a point of R^n), got shape (); for a function of "
                "one variable use central_difference"
            )
        return arr
    return as_float_array(x, "x", ndim=1)


def _unit_step(x: np.ndarray, index: tuple[int, ...], step: complex | float) -> np.ndarray:
    """A copy of ``x`` (complex if ``step`` is) with ``step`` added to ``x[index]``."""
    point = x.astype(complex) if isinstance(step, complex) else x.copy()
    point[index] += step
    return point


def gradient(f: Callable[..., Any], x: ArrayLike, h: float = 1e-5) -> np.ndarray:
    r"""Gradient of a scalar function of several variables by central differences.

    .. math::

        \frac{\partial f}{\partial x_i}(x) \approx
        \frac{f(x + h e_i) - f(x - h e_i)}{2h}, \qquad i = 1, \dots, n,

    each with error :math:`\frac{h^2}{6}\,\partial_i^3 f(x) + O(h^4)` (second order in
    ``h``) plus rounding of order :math:`\varepsilon |f| / h`. Costs 2n evaluations.

    Parameters
    ----------
    f:
        A function R^n -> R: takes an array shaped like ``x`` and returns one number.
    x:
        The point, shape ``(n,)``. (An array of any other shape, e.g. a weight matrix,
        is accepted too: the gradient then has that shape.)
    h:
        The step, positive.

    Returns
    -------
    numpy.ndarray
        The gradient, same shape as ``x`` (``(n,)`` for a point of R^n).

    Raises
    ------
    TypeError
        If ``f`` is not callable or ``x`` is not numeric.
    ValueError
        If ``x`` is a number (0-D) or not finite, ``h <= 0``, or ``f`` returns more than
        one number or a non-finite value (the message gives the point).
    """
    require_callable(f, "f")
    x = _as_point(x, any_shape=True)
    h = require_positive(h, "h")
    grad = np.empty(x.shape)
    for index in np.ndindex(x.shape):
        i = ",".join(str(k) for k in index)
        where_p, where_m = f"x + h*e_{i}", f"x - h*e_{i}"
        f_plus = _scalar_output(_evaluate(f, _unit_step(x, index, h), "f", where_p), "f", where_p)
        f_minus = _scalar_output(_evaluate(f, _unit_step(x, index, -h), "f", where_m), "f", where_m)
        grad[index] = (f_plus - f_minus) / (2.0 * h)
    return grad


def complex_step_gradient(f: Callable[..., Any], x: ArrayLike, h: float = 1e-20) -> np.ndarray:
    r"""Gradient of a real-analytic scalar function by the complex step.

    .. math::

        \frac{\partial f}{\partial x_i}(x) \approx \frac{\operatorname{Im} f(x + i h e_i)}{h},

    error :math:`\frac{h^2}{6}\,\partial_i^3 f(x)` with no cancellation, so with the
    default ``h = 1e-20`` the result is exact to rounding. Costs n evaluations.

    Parameters
    ----------
    f:
        A function R^n -> R that accepts complex arrays (numpy functions only: no
        ``abs``, comparisons, ``np.real`` or ``math.*``). Note that ``x @ x`` is fine but
        ``np.vdot`` or ``np.linalg.norm`` conjugate and are not.
    x:
        The point, shape ``(n,)`` (any shape with at least one dimension is accepted;
        the gradient then has that shape).
    h:
        The imaginary step, positive.

    Returns
    -------
    numpy.ndarray
        The gradient, same shape as ``x``.

    Raises
    ------
    TypeError
        If ``f`` is not callable, rejects complex input or returns a real value for it.
    ValueError
        If ``x`` is 0-D or not finite, ``h <= 0``, or ``f`` returns more than one number
        or a non-finite value (the message gives the point).
    """
    require_callable(f, "f")
    x = _as_point(x, any_shape=True)
    h = require_positive(h, "h")
    grad = np.empty(x.shape)
    for index in np.ndindex(x.shape):
        where = "x + i*h*e_" + ",".join(str(k) for k in index)
        value = _call_complex(f, _unit_step(x, index, 1j * h), "f", where)
        grad[index] = _scalar_output(value, "f", where).imag / h
    return grad


# --------------------------------------------------------- derivatives of R^n -> R^k


def jacobian(F: Callable[..., Any], x: ArrayLike, h: float = 1e-5) -> np.ndarray:
    r"""Jacobian matrix of F: R^n -> R^k by central differences (numerator layout).

    .. math::

        J_{ij} = \frac{\partial F_i}{\partial x_j}(x) \approx
        \frac{F_i(x + h e_j) - F_i(x - h e_j)}{2h},

    so row ``i`` is the gradient of the component ``F_i`` and column ``j`` the
    derivative of F along ``e_j``; error :math:`O(h^2)` plus rounding
    :math:`O(\varepsilon |F| / h)`. Costs 2n + 1 evaluations.

    Parameters
    ----------
    F:
        A function taking an array of shape ``(n,)`` and returning an array of shape
        ``(k,)`` (or a single number, then ``k = 1``), the same shape at every point.
    x:
        The point, shape ``(n,)``.
    h:
        The step, positive.

    Returns
    -------
    numpy.ndarray
        The Jacobian, shape ``(k, n)``.

    Raises
    ------
    TypeError
        If ``F`` is not callable or ``x`` is not numeric.
    ValueError
        If ``x`` is not 1-D or not finite, ``h <= 0``, ``F`` returns a 2-D or larger
        array, changes its output shape between points, or returns a non-finite value
        (the message gives the point).
    """
    require_callable(F, "F")
    x = _as_point(x)
    h = require_positive(h, "h")
    F0 = _evaluate(F, x, "F", "x")
    if F0.ndim > 1:
        raise ValueError(
            f"F must return a number or a 1-D array (a point of R^k), but F(x) returned "
            f"shape {F0.shape}"
        )
    k = F0.size
    J = np.empty((k, x.size))
    for j in range(x.size):
        columns = []
        for sign, where in ((1.0, f"x + h*e_{j}"), (-1.0, f"x - h*e_{j}")):
            value = _evaluate(F, _unit_step(x, (j,), sign * h), "F", where)
            if value.shape != F0.shape:
                raise ValueError(
                    f"F must return the same shape at every point, but F(x) has shape "
                    f"{F0.shape} and F({where}) has shape {value.shape}"
                )
            columns.append(value.reshape(k))
        J[:, j] = (columns[0] - columns[1]) / (2.0 * h)
    return J


def hessian(f: Callable[..., Any], x: ArrayLike, h: float = 1e-4) -> np.ndarray:
    r"""Hessian matrix of f: R^n -> R by second-order central differences.

    Diagonal entries by the three-point second difference, off-diagonal entries by the
    four-point cross difference:

    .. math::

        H_{ii} &\approx \frac{f(x + h e_i) - 2 f(x) + f(x - h e_i)}{h^2}, \\
        H_{ij} &\approx \frac{f(x + h e_i + h e_j) - f(x + h e_i - h e_j)
                 - f(x - h e_i + h e_j) + f(x - h e_i - h e_j)}{4 h^2}.

    Both have truncation error :math:`O(h^2)` (e.g. :math:`\frac{h^2}{12}\partial_i^4 f`
    on the diagonal) and rounding error :math:`O(\varepsilon |f| / h^2)`, which is why the
    default step ``1e-4`` is larger than for first derivatives. The cross difference for
    (i, j) is computed once and used for (j, i), so the result equals its symmetrised
    form (H + H^T)/2 exactly. Costs 1 + 2n^2 evaluations.

    Parameters
    ----------
    f:
        A function R^n -> R taking an array of shape ``(n,)``, returning one number.
    x:
        The point, shape ``(n,)``.
    h:
        The step, positive.

    Returns
    -------
    numpy.ndarray
        The symmetric Hessian, shape ``(n, n)``.

    Raises
    ------
    TypeError
        If ``f`` is not callable or ``x`` is not numeric.
    ValueError
        If ``x`` is not 1-D or not finite, ``h <= 0``, or ``f`` returns more than one
        number or a non-finite value (the message gives the point).
    """
    require_callable(f, "f")
    x = _as_point(x)
    h = require_positive(h, "h")
    n = x.size

    def f_at(steps: dict[int, float], where: str) -> float:
        point = x.copy()
        for i, s in steps.items():
            point[i] += s
        return float(_scalar_output(_evaluate(f, point, "f", where), "f", where))

    f0 = f_at({}, "x")
    H = np.empty((n, n))
    for i in range(n):
        f_plus = f_at({i: h}, f"x + h*e_{i}")
        f_minus = f_at({i: -h}, f"x - h*e_{i}")
        H[i, i] = (f_plus - 2.0 * f0 + f_minus) / h**2
        for j in range(i + 1, n):
            pp = f_at({i: h, j: h}, f"x + h*e_{i} + h*e_{j}")
            pm = f_at({i: h, j: -h}, f"x + h*e_{i} - h*e_{j}")
            mp = f_at({i: -h, j: h}, f"x - h*e_{i} + h*e_{j}")
            mm = f_at({i: -h, j: -h}, f"x - h*e_{i} - h*e_{j}")
            H[i, j] = H[j, i] = (pp - pm - mp + mm) / (4.0 * h**2)
    return H


# ---------------------------------------------------------------------------- checking


def relative_error(a: ArrayLike, b: ArrayLike) -> float:
    r"""Symmetric relative error between two numbers or arrays of the same shape.

    .. math::

        \operatorname{rel}(a, b) = \frac{\lVert a - b \rVert}
                                        {\max(\lVert a \rVert + \lVert b \rVert, 10^{-12})},

    with the Euclidean (Frobenius) norm of the flattened arrays. It lies in [0, 1]:
    about 1e-10 or less means a gradient check passed, above 1e-4 that something is
    wrong. The floor 1e-12 avoids dividing by zero when both are zero.

    Raises
    ------
    TypeError
        If ``a`` or ``b`` is not numeric.
    ValueError
        If the shapes differ or a value is not finite.
    """
    a = as_float_array(a, "a")
    b = as_float_array(b, "b")
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same shape, got a.shape = {a.shape} and "
                         f"b.shape = {b.shape}")
    scale = max(float(np.linalg.norm(a) + np.linalg.norm(b)), 1e-12)
    return float(np.linalg.norm(a - b) / scale)
