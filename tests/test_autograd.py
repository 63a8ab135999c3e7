"""Tests of calcml.autograd: every operation against its analytic derivative, composite
functions against central differences and the complex step, and the graph bookkeeping."""

from __future__ import annotations

import math

import numpy as np
import pytest

from calcml.autograd import Value, maximum, topological_order
from calcml.diff import central_difference, complex_step_gradient, gradient, relative_error

POINTS = np.random.default_rng(0).uniform(0.3, 2.5, size=6)

# operation, derivative written by hand (independent of the module)
UNARY = {
    "exp": (lambda v: v.exp(), math.exp),
    "log": (lambda v: v.log(), lambda a: 1 / a),
    "tanh": (lambda v: v.tanh(), lambda a: 1 - math.tanh(a) ** 2),
    "sigmoid": (lambda v: v.sigmoid(), lambda a: math.exp(-a) / (1 + math.exp(-a)) ** 2),
    "relu": (lambda v: v.relu(), lambda a: 1.0),
    "square": (lambda v: v**2, lambda a: 2 * a),
    "cube root": (lambda v: v ** (1 / 3), lambda a: a ** (-2 / 3) / 3),
    "negate": (lambda v: -v, lambda a: -1.0),
    "reciprocal": (lambda v: 1 / v, lambda a: -1 / a**2),
    "affine": (lambda v: 3 - 2 * v + 1, lambda a: -2.0),
}


@pytest.mark.parametrize("name", UNARY)
@pytest.mark.parametrize("a", POINTS)
def test_unary_operations_have_their_analytic_derivative(name, a):
    op, derivative = UNARY[name]
    x = Value(a)
    out = op(x)
    out.backward()
    assert x.grad == pytest.approx(derivative(a), rel=1e-12, abs=1e-15)


@pytest.mark.parametrize("a", POINTS)
def test_unary_operations_agree_with_central_differences(a):
    for name, (op, _) in UNARY.items():
        x = Value(a)
        op(x).backward()
        numeric = central_difference(lambda t, op=op: op(Value(float(t))).data, a)
        assert x.grad == pytest.approx(numeric, rel=1e-7, abs=1e-9), name


def test_relu_is_zero_for_negative_input_and_sigmoid_is_stable():
    x = Value(-1.5)
    x.relu().backward()
    assert x.grad == 0.0
    for a in (1e4, -1e4):
        v = Value(a)
        s = v.sigmoid()
        s.backward()
        assert s.data == (1.0 if a > 0 else 0.0) and v.grad == 0.0


@pytest.mark.parametrize("seed", range(5))
def test_binary_operations_give_the_textbook_local_gradients(seed):
    a, b = np.random.default_rng(seed).uniform(0.5, 3.0, size=2)
    cases = {
        "+": (lambda x, y: x + y, (1.0, 1.0)),
        "-": (lambda x, y: x - y, (1.0, -1.0)),
        "*": (lambda x, y: x * y, (b, a)),  # the multiply gate swaps its inputs
        "/": (lambda x, y: x / y, (1 / b, -a / b**2)),
    }
    for name, (op, (da, db)) in cases.items():
        x, y = Value(a), Value(b)
        op(x, y).backward()
        assert (x.grad, y.grad) == pytest.approx((da, db), rel=1e-12), name


def test_max_gate_routes_the_gradient_to_the_winner():
    x, y = Value(2.0), Value(-1.0)
    out = maximum(x, y) * 3
    out.backward()
    assert (out.data, x.grad, y.grad) == (6.0, 3.0, 0.0)
    x, y = Value(0.5), Value(4.0)
    maximum(x, y).backward()
    assert (x.grad, y.grad) == (0.0, 1.0)


def expression(v):
    """f(x, y, z) = tanh(x y + z) + x^2 / (1 + e^-z) - log(y) * z: works for Values."""
    x, y, z = v
    return (x * y + z).tanh() + x**2 * z.sigmoid() - y.log() * z


def expression_numpy(v):
    """The same f written with numpy only (accepts complex numbers)."""
    x, y, z = v
    return np.tanh(x * y + z) + x**2 / (1 + np.exp(-z)) - np.log(y) * z


@pytest.mark.parametrize("seed", range(5))
def test_composite_gradient_matches_central_differences_and_complex_step(seed):
    point = np.random.default_rng(seed).uniform(0.5, 2.0, size=3)
    nodes = [Value(t) for t in point]
    out = expression(nodes)
    out.backward()
    auto = np.array([n.grad for n in nodes])
    assert out.data == pytest.approx(expression_numpy(point), rel=1e-14)
    assert relative_error(auto, gradient(expression_numpy, point)) < 1e-9
    assert relative_error(auto, complex_step_gradient(expression_numpy, point)) < 1e-14


@pytest.mark.parametrize("seed", range(3))
def test_a_neuron_matches_its_analytic_gradient(seed):
    rng = np.random.default_rng(seed)
    x, w, b = rng.normal(size=3), rng.normal(size=3), float(rng.normal())
    ws = [Value(t) for t in w]
    bv = Value(b)
    out = sum((wi * xi for wi, xi in zip(ws, x, strict=True)), bv).tanh()
    out.backward()
    local = 1 - math.tanh(w @ x + b) ** 2
    np.testing.assert_allclose([wi.grad for wi in ws], local * x, rtol=1e-12)
    assert bv.grad == pytest.approx(local, rel=1e-12)


def test_a_node_used_twice_accumulates_both_paths():
    x = Value(3.0)
    y = x * x + x  # dy/dx = 2x + 1
    y.backward()
    assert x.grad == 7.0


def test_backward_twice_gives_the_same_gradients():
    x, y = Value(1.5), Value(-0.5)
    f = (x * y).exp() + x
    f.backward()
    first = (x.grad, y.grad)
    f.backward()
    assert (x.grad, y.grad) == first


def test_topological_order_puts_parents_first_and_handles_deep_graphs():
    x = Value(1.0)
    a = x * 2
    b = a + x
    c = b * a
    order = topological_order(c)
    assert order[-1] is c and len(order) == 5  # x, the constant 2, a, b, c
    position = {id(n): i for i, n in enumerate(order)}
    for node in order:
        for parent in node.parents:
            assert position[id(parent)] < position[id(node)]
    deep = Value(0.0)
    start = deep
    for _ in range(5000):  # far beyond Python's recursion limit
        deep = deep + 1
    deep.backward()
    assert deep.data == 5000 and start.grad == 1.0


def test_bad_input_raises_clear_errors():
    with pytest.raises(TypeError, match="data"):
        Value("2")
    with pytest.raises(TypeError, match="data"):
        Value(Value(1.0))
    with pytest.raises(TypeError, match="exponent"):
        Value(2.0) ** Value(3.0)
    with pytest.raises(ValueError, match="log"):
        Value(-1.0).log()
    with pytest.raises(ValueError, match="negative base"):
        Value(-8.0) ** 0.5
    with pytest.raises(TypeError, match="Value or a number"):
        Value(1.0) + "x"


def test_repr_shows_data_and_grad():
    v = Value(2.0, label="x")
    assert "x" in repr(v) and "data=2" in repr(v) and "grad=0" in repr(v)


def test_power_zero_at_zero_has_zero_gradient():
    x = Value(0.0)
    y = x**0
    y.backward()
    assert y.data == 1.0
    assert x.grad == 0.0


@pytest.mark.parametrize("k", [1, 2, 3, 1.5])
def test_power_at_zero_with_a_defined_derivative(k):
    x = Value(0.0)
    (x**k).backward()
    assert x.grad == (1.0 if k == 1 else 0.0)


@pytest.mark.parametrize("k", [0.5, 0.25, 1 / 3])
def test_fractional_power_at_zero_says_why_it_has_no_derivative(k):
    x = Value(0.0)
    y = x**k
    assert y.data == 0.0
    with pytest.raises(ValueError, match=r"x\*\*.* at x = 0.*infinite slope"):
        y.backward()
