"""A tiny reverse-mode automatic differentiation engine for scalars.

In the spirit of Andrej Karpathy's *micrograd*: each :class:`Value` holds a number
(``data``), the derivative of the final output with respect to it (``grad``), the
values it was computed from (``parents``) and a small function that, given its own
``grad``, adds its contribution to the parents' grads (the *local* chain rule).
:meth:`Value.backward` visits the graph in reverse topological order, so every node's
``grad`` is complete before it is passed on.

>>> x, y = Value(2.0), Value(-3.0)
>>> f = x * y + x.exp()
>>> f.backward()
>>> round(x.grad, 6), y.grad      # df/dx = y + e^x, df/dy = x
(4.389056, 2.0)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable

__all__ = ["Value", "maximum", "topological_order"]


class Value:
    """A scalar node of a computation graph.

    Parameters
    ----------
    data : float
        The number this node holds.
    parents : tuple of Value
        The nodes it was computed from (empty for an input).
    op : str
        A short name of the operation that made it, for display.
    label : str
        An optional name, for display.
    """

    __slots__ = ("data", "grad", "parents", "op", "label", "_backward")

    def __init__(
        self, data: float, parents: tuple[Value, ...] = (), op: str = "", label: str = ""
    ) -> None:
        if isinstance(data, Value):
            raise TypeError("data must be a number, got a Value (pass the Value itself instead)")
        if isinstance(data, (str, bytes)):
            raise TypeError(f"data must be a real number, got the string {data!r}")
        try:
            data = float(data)
        except (TypeError, ValueError):
            raise TypeError(f"data must be a real number, got {type(data).__name__}") from None
        self.data = data
        self.grad = 0.0
        self.parents = tuple(parents)
        self.op = op
        self.label = label
        self._backward: Callable[[], None] = lambda: None

    def __repr__(self) -> str:
        name = f"{self.label}: " if self.label else ""
        return f"Value({name}data={self.data:.6g}, grad={self.grad:.6g})"

    # -- the elementary operations, each with its local derivative ------------------

    def __add__(self, other: Value | float) -> Value:
        other = _as_value(other)
        out = Value(self.data + other.data, (self, other), "+")

        def _backward() -> None:  # d(a+b)/da = d(a+b)/db = 1: the gradient is copied
            self.grad += out.grad
            other.grad += out.grad

        out._backward = _backward
        return out

    def __mul__(self, other: Value | float) -> Value:
        other = _as_value(other)
        out = Value(self.data * other.data, (self, other), "*")

        def _backward() -> None:  # d(ab)/da = b, d(ab)/db = a: the inputs are swapped
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad

        out._backward = _backward
        return out

    def __pow__(self, exponent: float) -> Value:
        if isinstance(exponent, Value):
            raise TypeError("the exponent must be a plain number; use exp and log for x**y")
        k = float(exponent)
        if self.data < 0 and k != int(k):
            raise ValueError(f"a negative base ({self.data}) needs an integer exponent, got {k}")
        if self.data == 0 and k < 0:
            raise ZeroDivisionError(f"0 cannot be raised to the negative power {k}")
        out = Value(self.data**k, (self,), f"**{k:g}")

        def _backward() -> None:  # d(a^k)/da = k a^(k-1)
            if self.data == 0 and k < 1 and k != 0:
                raise ValueError(
                    f"x**{k:g} has no derivative at x = 0: its graph has an infinite slope "
                    "there (k x**(k-1) with k - 1 < 0 divides by zero); move the point away "
                    "from 0 or use a smooth surrogate")
            if k != 0:  # the constant x**0 = 1 has slope 0 everywhere, at 0 too
                self.grad += k * self.data ** (k - 1) * out.grad

        out._backward = _backward
        return out

    def exp(self) -> Value:
        out = Value(math.exp(self.data), (self,), "exp")

        def _backward() -> None:  # d(e^a)/da = e^a
            self.grad += out.data * out.grad

        out._backward = _backward
        return out

    def log(self) -> Value:
        if self.data <= 0:
            raise ValueError(f"log needs a positive argument, got {self.data}")
        out = Value(math.log(self.data), (self,), "log")

        def _backward() -> None:  # d(log a)/da = 1/a
            self.grad += out.grad / self.data

        out._backward = _backward
        return out

    def relu(self) -> Value:
        out = Value(max(self.data, 0.0), (self,), "relu")

        def _backward() -> None:  # 1 where a > 0, else 0
            self.grad += (self.data > 0) * out.grad

        out._backward = _backward
        return out

    def tanh(self) -> Value:
        out = Value(math.tanh(self.data), (self,), "tanh")

        def _backward() -> None:  # 1 - tanh^2
            self.grad += (1.0 - out.data**2) * out.grad

        out._backward = _backward
        return out

    def sigmoid(self) -> Value:
        a = self.data
        s = 1.0 / (1.0 + math.exp(-a)) if a >= 0 else math.exp(a) / (1.0 + math.exp(a))
        out = Value(s, (self,), "sigmoid")

        def _backward() -> None:  # sigma (1 - sigma)
            self.grad += s * (1.0 - s) * out.grad

        out._backward = _backward
        return out

    # -- everything else is built from the operations above --------------------------

    def __neg__(self) -> Value:
        return self * -1.0

    def __sub__(self, other: Value | float) -> Value:
        return self + (-_as_value(other))

    def __truediv__(self, other: Value | float) -> Value:
        return self * _as_value(other) ** -1

    def __radd__(self, other: float) -> Value:
        return self + other

    def __rmul__(self, other: float) -> Value:
        return self * other

    def __rsub__(self, other: float) -> Value:
        return _as_value(other) - self

    def __rtruediv__(self, other: float) -> Value:
        return _as_value(other) / self

    # -- the backward pass ------------------------------------------------------------

    def backward(self) -> None:
        """Fill ``grad`` of every node this one depends on with d(self)/d(node).

        Gradients from an earlier call are reset first, so calling it twice is safe.
        """
        order = topological_order(self)
        for node in order:
            node.grad = 0.0
        self.grad = 1.0
        for node in reversed(order):
            node._backward()


def maximum(a: Value | float, b: Value | float) -> Value:
    """max(a, b): the gradient flows to the larger input only (to ``a`` on a tie)."""
    a, b = _as_value(a), _as_value(b)
    a_wins = a.data >= b.data
    out = Value(a.data if a_wins else b.data, (a, b), "max")

    def _backward() -> None:  # the max gate routes the gradient to the winner
        (a if a_wins else b).grad += out.grad

    out._backward = _backward
    return out


def topological_order(root: Value) -> list[Value]:
    """Every node ``root`` depends on, each after all of its parents (inputs first)."""
    order: list[Value] = []
    seen: set[int] = set()
    stack: list[tuple[Value, Iterable[Value]]] = [(root, iter(root.parents))]
    seen.add(id(root))
    while stack:  # an iterative depth-first search: deep graphs do not hit the recursion limit
        node, parents = stack[-1]
        for parent in parents:
            if id(parent) not in seen:
                seen.add(id(parent))
                stack.append((parent, iter(parent.parents)))
                break
        else:
            stack.pop()
            order.append(node)
    return order


def _as_value(x: Value | float) -> Value:
    if isinstance(x, Value):
        return x
    if isinstance(x, bool) or not isinstance(x, (int, float)) and not hasattr(x, "__float__"):
        raise TypeError(f"expected a Value or a number, got {type(x).__name__}: {x!r}")
    return Value(float(x))
