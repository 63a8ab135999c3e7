"""Forward-mode automatic differentiation with dual numbers.

A dual number ``a + b e`` with ``e**2 = 0`` carries a value ``a`` and a tangent ``b``.
Arithmetic on duals is ordinary arithmetic with ``e**2`` dropped, so
``f(a + b e) = f(a) + f'(a) b e`` for any composition ``f`` of the operations below:
one evaluation gives the value and the derivative, exact to rounding.

>>> x = Dual(2.0, 1.0)
>>> y = x ** 3 + np.sin(x)          # numpy calls Dual.sin
>>> round(y.value, 6), round(y.tangent, 6)    # 8 + sin 2, 12 + cos 2
(8.909297, 11.583853)
>>> forward_derivative(lambda x: x * np.exp(x), 0.0)
1.0

:func:`jvp` pushes a direction ``v`` through a vector function ``F: R^n -> R^k`` in one
evaluation and returns ``J(x) v``; :func:`forward_jacobian` needs ``n`` of them.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from calcml._validate import as_float_array, as_float_scalar, require_callable

__all__ = ["Dual", "forward_derivative", "jvp", "forward_jacobian"]


def _is_real(x: Any) -> bool:
    return isinstance(x, numbers.Real) and not isinstance(x, bool)


class Dual:
    """The dual number ``value + tangent * e`` with ``e**2 = 0``.

    Supports ``+ - * /`` with duals and real numbers on either side, ``**`` with an
    integer exponent (any real exponent when ``value > 0``), unary ``-``, and the
    methods ``exp``, ``log``, ``sin``, ``cos``, ``tanh`` and ``sqrt``, which numpy's
    ufuncs call, so ``np.sin(Dual(1.0, 1.0))`` works.
    """

    __slots__ = ("value", "tangent")
    __array_priority__ = 1000  # ndarray (op) Dual defers to Dual's reflected method

    def __init__(self, value: float, tangent: float = 0.0) -> None:
        for name, v in (("value", value), ("tangent", tangent)):
            if isinstance(v, Dual):
                raise TypeError(f"{name} must be a real number, got a Dual (nested duals "
                                "are not supported)")
            if not _is_real(v):
                raise TypeError(f"{name} must be a real number, got {type(v).__name__}: {v!r}")
        self.value = float(value)
        self.tangent = float(tangent)

    def __repr__(self) -> str:
        return f"Dual({self.value!r}, {self.tangent!r})"

    @staticmethod
    def _lift(other: Any) -> Dual | None:
        if isinstance(other, Dual):
            return other
        if _is_real(other):
            return Dual(float(other), 0.0)
        return None

    # --- arithmetic: the rules of differentiation with e**2 = 0 -------------------------

    def __add__(self, other: Any) -> Dual:
        o = self._lift(other)
        if o is None:
            return NotImplemented
        return Dual(self.value + o.value, self.tangent + o.tangent)

    __radd__ = __add__

    def __sub__(self, other: Any) -> Dual:
        o = self._lift(other)
        if o is None:
            return NotImplemented
        return Dual(self.value - o.value, self.tangent - o.tangent)

    def __rsub__(self, other: Any) -> Dual:
        o = self._lift(other)
        if o is None:
            return NotImplemented
        return o - self

    def __mul__(self, other: Any) -> Dual:
        o = self._lift(other)
        if o is None:
            return NotImplemented
        # (a + b e)(c + d e) = ac + (ad + bc) e: the product rule
        return Dual(self.value * o.value, self.value * o.tangent + self.tangent * o.value)

    __rmul__ = __mul__

    def __truediv__(self, other: Any) -> Dual:
        o = self._lift(other)
        if o is None:
            return NotImplemented
        if o.value == 0.0:
            raise ZeroDivisionError(f"division of {self!r} by a dual with value 0 ({o!r})")
        # (a + b e) / (c + d e) = a/c + (b c - a d)/c^2 e: the quotient rule
        return Dual(self.value / o.value, (self.tangent * o.value - self.value * o.tangent)
                    / (o.value * o.value))

    def __rtruediv__(self, other: Any) -> Dual:
        o = self._lift(other)
        if o is None:
            return NotImplemented
        return o / self

    def __neg__(self) -> Dual:
        return Dual(-self.value, -self.tangent)

    def __pos__(self) -> Dual:
        return self

    def __pow__(self, p: Any) -> Dual:
        if isinstance(p, Dual):
            raise TypeError("Dual ** Dual is not supported: write exp(q * log(x)) for x ** q")
        if isinstance(p, (bool, np.bool_)) or not _is_real(p):
            raise TypeError(f"the exponent must be a real number, got {type(p).__name__}: {p!r}")
        a, b = self.value, self.tangent
        if isinstance(p, (int, np.integer)) or float(p).is_integer():
            n = int(p)
            if n == 0:
                return Dual(1.0, 0.0)
            if a == 0.0 and n < 0:
                raise ZeroDivisionError(f"{self!r} ** {n}: a negative power of 0")
            # d(a^n) = n a^(n-1) da, with a^(n-1) = 1 for n = 1 even at a = 0
            return Dual(a ** n, n * (a ** (n - 1) if n != 1 else 1.0) * b)
        if a <= 0.0:
            raise ValueError(f"{self!r} ** {p}: a non-integer power needs a positive value "
                             f"(x ** p is not real or not differentiable at x = {a})")
        q = float(p)
        return Dual(a ** q, q * a ** (q - 1.0) * b)

    # --- the elementary functions numpy's ufuncs dispatch to ------------------------------

    def exp(self) -> Dual:
        e = math.exp(self.value)
        return Dual(e, e * self.tangent)

    def log(self) -> Dual:
        if self.value <= 0.0:
            raise ValueError(f"log({self!r}): the logarithm needs a positive value")
        return Dual(math.log(self.value), self.tangent / self.value)

    def sin(self) -> Dual:
        return Dual(math.sin(self.value), math.cos(self.value) * self.tangent)

    def cos(self) -> Dual:
        return Dual(math.cos(self.value), -math.sin(self.value) * self.tangent)

    def tanh(self) -> Dual:
        t = math.tanh(self.value)
        return Dual(t, (1.0 - t * t) * self.tangent)

    def sqrt(self) -> Dual:
        if self.value <= 0.0:
            raise ValueError(f"sqrt({self!r}): sqrt is differentiable only at positive values")
        s = math.sqrt(self.value)
        return Dual(s, self.tangent / (2.0 * s))


def _tangent_of(out: Any, fname: str) -> float:
    """The tangent part of one output of f: 0 for a constant (a real number)."""
    if isinstance(out, np.ndarray) and out.shape == () and out.dtype == object:
        out = out.item()
    if isinstance(out, Dual):
        return out.tangent
    if _is_real(out) or (isinstance(out, np.ndarray) and out.shape == ()
                         and out.dtype.kind in "iuf"):
        return 0.0  # f did not depend on its argument
    raise TypeError(f"{fname} must return a number built from its argument with + - * / ** and "
                    f"np.exp/log/sin/cos/tanh, got {type(out).__name__}: {out!r}")


def forward_derivative(f: Callable[[Any], Any], x: float) -> float:
    """f'(x) by one evaluation of ``f`` on the dual number ``x + 1 e``.

    Exact to rounding (no step size). ``f`` may use ``+ - * /``, ``**``, and
    ``np.exp``, ``np.log``, ``np.sin``, ``np.cos``, ``np.tanh``, ``np.sqrt``.

    Raises
    ------
    TypeError
        If ``f`` is not callable, ``x`` is not a real number, or ``f`` returns something
        other than a number (e.g. an array, or calls a function duals do not support).
    ValueError
        If ``x`` is not finite.
    """
    require_callable(f, "f")
    x = as_float_scalar(x, "x")
    return float(_tangent_of(f(Dual(x, 1.0)), "f"))


def jvp(F: Callable[[np.ndarray], Any], x: ArrayLike, v: ArrayLike) -> np.ndarray:
    """The Jacobian-vector product J_F(x) v of ``F: R^n -> R^k`` in one evaluation.

    ``F`` receives a 1-D object array of duals ``x_i + v_i e`` and must combine its
    entries with the operations :class:`Dual` supports (indexing, ``@`` with a float
    matrix, ``np.sum``, ``np.sin`` ... all work on such arrays). The result has the shape
    of ``F(x)``: a float for a scalar F (the directional derivative), else a (k,) array.
    """
    require_callable(F, "F")
    x = as_float_array(x, "x", ndim=1)
    v = as_float_array(v, "v", ndim=1)
    if v.shape != x.shape:
        raise ValueError(f"v must have the shape of x, {x.shape}, got {v.shape}")
    duals = np.empty(x.shape, dtype=object)
    for i in range(x.size):
        duals[i] = Dual(x[i], v[i])
    out = F(duals)
    if isinstance(out, (list, tuple)) or (isinstance(out, np.ndarray) and out.ndim > 0):
        items = np.asarray(out, dtype=object)
        return np.array([_tangent_of(o, "F") for o in items.ravel()]).reshape(items.shape)
    return np.float64(_tangent_of(out, "F"))


def forward_jacobian(F: Callable[[np.ndarray], Any], x: ArrayLike) -> np.ndarray:
    """The Jacobian of ``F: R^n -> R^k`` at x by n forward passes (one :func:`jvp` per
    unit vector e_j gives column j). Numerator layout: shape (k, n), ``J[i, j] = dF_i/dx_j``;
    a scalar F gives its gradient, shape (n,)."""
    x = as_float_array(x, "x", ndim=1)
    columns = [jvp(F, x, np.eye(x.size)[j]) for j in range(x.size)]
    return np.stack(columns, axis=-1) if columns else np.empty((0,))

