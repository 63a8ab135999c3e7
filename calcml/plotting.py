"""The figures a reader meets on every page: tangents, surfaces, contours, boundaries, losses
and computation graphs.

Every helper returns ``(fig, ax)``, draws onto ``ax`` when one is given (so it can fill
one panel of a larger figure or one frame of :func:`calcml.interactive.explore`),
labels its axes and never calls ``plt.show()``: the caller shows, saves or closes the
figure. New figures have the small size :data:`FIGSIZE`.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import LinearSegmentedColormap, ListedColormap
from matplotlib.figure import Figure
from numpy.typing import ArrayLike

from calcml._validate import (
    as_count,
    as_float_array,
    as_float_scalar,
    require_callable,
    require_same_length,
)
from calcml.diff import central_difference

__all__ = [
    "FIGSIZE",
    "plot_tangent",
    "plot_surface",
    "plot_contour",
    "plot_decision_boundary",
    "plot_loss_curves",
    "plot_computation_graph",
]

FIGSIZE: tuple[float, float] = (6.0, 4.0)
"""The size in inches of every figure these helpers create."""

_CLASS_COLORS = [f"C{i}" for i in range(10)]


# ----------------------------------------------------------------------------- helpers


def _interval(value: Any, name: str) -> tuple[float, float]:
    """Check that ``value`` is two finite increasing numbers ``(low, high)``."""
    arr = as_float_array(value, name, ndim=1)
    if arr.shape != (2,):
        raise ValueError(f"{name} must be two numbers (low, high), got shape {arr.shape}")
    if not arr[0] < arr[1]:
        raise ValueError(f"{name} must be increasing (low < high), got {tuple(arr.tolist())}")
    return float(arr[0]), float(arr[1])


def _path(path: Any) -> np.ndarray | None:
    """Check that ``path`` is None or a finite ``(k, 2)`` array of points."""
    if path is None:
        return None
    arr = as_float_array(path, "path", ndim=2)
    if arr.shape[1] != 2 or arr.shape[0] == 0:
        raise ValueError(f"path must have shape (k, 2) with k >= 1, got shape {arr.shape}")
    return arr


def _new_axes(ax: Axes | None, *, three_d: bool = False) -> tuple[Figure, Axes]:
    """The figure and axes to draw on: ``ax`` itself or a new figure of size FIGSIZE."""
    if ax is None:
        fig = plt.figure(figsize=FIGSIZE)
        ax = fig.add_subplot(projection="3d" if three_d else None)
        return fig, ax
    if not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes or None, got {type(ax).__name__}")
    if three_d and ax.name != "3d":
        raise ValueError(
            "ax must be a 3-D Axes for plot_surface, e.g. fig.add_subplot(projection='3d'); "
            f"got a {ax.name!r} Axes"
        )
    return ax.figure, ax


def _values_elementwise(f: Callable[..., Any], xs: np.ndarray) -> np.ndarray:
    """``f`` applied to each element of ``xs``: one vectorised call if ``f`` allows it."""
    with np.errstate(all="ignore"):
        try:
            ys = np.asarray(f(xs.copy()), dtype=float)
            if ys.shape == xs.shape:
                return ys
        except (TypeError, ValueError):
            pass
        return np.array([float(np.asarray(f(float(t)), dtype=float).reshape(())) for t in xs])


def _values_on_grid(f: Callable[..., Any], X1: np.ndarray, X2: np.ndarray) -> np.ndarray:
    """``f(np.array([x1, x2]))`` at every grid point, as an array shaped like ``X1``.

    ``f`` is first tried once on the stacked grid (a function written as
    ``v[0]**2 + 3*v[1]`` works unchanged on it); the result is kept only if it has the
    grid's shape and agrees with point-by-point evaluation at a few sample points.
    Otherwise ``f`` is called at every point.
    """

    def at(i: int, j: int) -> float:
        value = np.asarray(f(np.array([X1[i, j], X2[i, j]])), dtype=float)
        if value.size != 1:
            raise ValueError(
                f"f must return a single number for a point of R^2, got shape {value.shape} "
                f"at the point {[X1[i, j], X2[i, j]]}"
            )
        return float(value.reshape(()))

    r, c = X1.shape
    with np.errstate(all="ignore"):
        try:
            Z = np.asarray(f(np.stack([X1, X2])), dtype=float)
        except Exception:  # any failure means: evaluate point by point
            Z = None
        samples = [(0, 0), (0, c - 1), (r - 1, 0), (r - 1, c - 1), (r // 2, c // 3)]
        if Z is None or Z.shape != X1.shape or not all(
            np.allclose(Z[i, j], at(i, j), equal_nan=True) for i, j in samples
        ):
            Z = np.array([[at(i, j) for j in range(c)] for i in range(r)])
    Z = Z.copy()
    Z[~np.isfinite(Z)] = np.nan
    if np.all(np.isnan(Z)):
        raise ValueError("f has no finite value anywhere on the grid spanned by xlim and ylim")
    return Z


def _mark_path(ax: Axes, xs: np.ndarray, ys: np.ndarray, zs: np.ndarray | None = None) -> None:
    """Draw a path as a line with markers, its start as a circle and its end as a star."""
    coords = (xs, ys) if zs is None else (xs, ys, zs)
    ax.plot(*coords, "-o", color="C3", markersize=3, linewidth=1.5, label="path", zorder=5)
    start = [c[:1] for c in coords]
    end = [c[-1:] for c in coords]
    ax.plot(*start, "o", color="C2", markersize=8, label="start", zorder=6)
    ax.plot(*end, "*", color="k", markersize=12, label="end", zorder=6)


# ------------------------------------------------------------------------------ figures


def plot_tangent(
    f: Callable[..., Any],
    x0: float,
    df: Callable[..., Any] | None = None,
    xlim: Sequence[float] = (-3, 3),
    ax: Axes | None = None,
) -> tuple[Figure, Axes]:
    """Plot a function of one variable and its tangent line at ``x0``.

    The tangent is :math:`y = f(x_0) + f'(x_0)(x - x_0)`, drawn across ``xlim``; the
    point :math:`(x_0, f(x_0))` is marked. The y-range follows the curve, not the
    tangent, so a steep tangent does not flatten the picture.

    Parameters
    ----------
    f:
        The function, called elementwise (a numpy array of x values is tried first).
    x0:
        The point of tangency.
    df:
        The derivative of ``f``; ``None`` uses the central difference of ``f`` at ``x0``.
    xlim:
        ``(low, high)``, the x-range shown.
    ax:
        The Axes to draw on; ``None`` creates a new figure.

    Returns
    -------
    (Figure, Axes)
        The tangent line is the Line2D labelled ``"tangent"``; the curve is ``"f"``.
    """
    require_callable(f, "f")
    if df is not None:
        require_callable(df, "df")
    x0 = as_float_scalar(x0, "x0")
    low, high = _interval(xlim, "xlim")
    fig, ax = _new_axes(ax)

    y0 = float(np.asarray(f(x0), dtype=float).reshape(()))
    if not np.isfinite(y0):
        raise ValueError(f"f(x0) must be finite, got f({x0}) = {y0}")
    slope = central_difference(f, x0) if df is None else as_float_scalar(df(x0), "df(x0)")

    xs = np.linspace(low, high, 400)
    ys = _values_elementwise(f, xs)
    ys[~np.isfinite(ys)] = np.nan
    ax.plot(xs, ys, color="C0", linewidth=2, label="f")
    ax.plot(xs, y0 + slope * (xs - x0), "--", color="C1", linewidth=1.5,
            label="tangent")
    ax.plot([x0], [y0], "o", color="k", markersize=6, zorder=5, label="point of tangency")

    finite = ys[np.isfinite(ys)]
    if finite.size:
        bottom, top = min(finite.min(), y0), max(finite.max(), y0)
        margin = 0.1 * (top - bottom) if top > bottom else 1.0
        ax.set_ylim(bottom - margin, top + margin)
    ax.set_xlim(low, high)
    ax.set_xlabel("$x$")
    ax.set_ylabel("$f(x)$")
    ax.set_title(f"tangent at $x_0 = {x0:g}$, slope ${slope:.4g}$", fontsize=10)
    ax.legend(loc="best", fontsize=8)
    return fig, ax


def plot_surface(
    f: Callable[..., Any],
    xlim: Sequence[float],
    ylim: Sequence[float],
    path: ArrayLike | None = None,
    ax: Axes | None = None,
    n: int = 60,
) -> tuple[Figure, Axes]:
    """Plot the graph of a function of two variables as a 3-D surface.

    Parameters
    ----------
    f:
        A function R^2 -> R taking a length-2 array ``v`` (``v[0]``, ``v[1]``).
    xlim, ylim:
        ``(low, high)`` ranges of the first and second coordinate.
    path:
        Optional ``(k, 2)`` array of iterates, drawn on the surface at height ``f``
        as a line with markers; the start is a circle, the end a star.
    ax:
        A 3-D Axes (``fig.add_subplot(projection="3d")``) or ``None`` for a new figure.
    n:
        Grid points per axis.

    Returns
    -------
    (Figure, Axes)
    """
    path = _path(path)
    X1, X2, Z = _function_grid(f, xlim, ylim, n)
    fig, ax = _new_axes(ax, three_d=True)
    ax.plot_surface(X1, X2, Z, cmap="viridis", alpha=0.75, linewidth=0, antialiased=True)
    if path is not None:
        zs = np.array([float(np.asarray(f(p.copy()), dtype=float).reshape(())) for p in path])
        _mark_path(ax, path[:, 0], path[:, 1], zs)
        ax.legend(loc="upper left", fontsize=8)
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.set_zlabel("$f(x_1, x_2)$")
    ax.set_box_aspect(None, zoom=0.85)  # keeps the z label inside a small figure
    return fig, ax


def plot_contour(
    f: Callable[..., Any],
    xlim: Sequence[float],
    ylim: Sequence[float],
    path: ArrayLike | None = None,
    ax: Axes | None = None,
    levels: int | Sequence[float] = 30,
    n: int = 100,
) -> tuple[Figure, Axes]:
    """Plot the level curves of a function of two variables, optionally with a path.

    Parameters
    ----------
    f:
        A function R^2 -> R taking a length-2 array ``v``.
    xlim, ylim:
        ``(low, high)`` ranges of the first and second coordinate.
    path:
        Optional ``(k, 2)`` array of iterates (e.g. of gradient descent), drawn as a
        line with markers; the start is a circle, the end a star.
    ax:
        The Axes to draw on; ``None`` creates a new figure.
    levels:
        Number of level curves, or the increasing sequence of levels to draw.
    n:
        Grid points per axis.

    Returns
    -------
    (Figure, Axes)
    """
    path = _path(path)
    if isinstance(levels, (int, np.integer)):
        if levels < 1:
            raise ValueError(f"levels must be a positive number of levels, got {levels}")
    else:
        levels_arr = as_float_array(levels, "levels", ndim=1)
        if levels_arr.size < 1 or np.any(np.diff(levels_arr) <= 0):
            raise ValueError(f"levels must be increasing, got {levels_arr.tolist()}")
        levels = levels_arr
    X1, X2, Z = _function_grid(f, xlim, ylim, n)
    fig, ax = _new_axes(ax)
    ax.contour(X1, X2, Z, levels=levels, cmap="viridis", linewidths=1)
    if path is not None:
        _mark_path(ax, path[:, 0], path[:, 1])
        ax.legend(loc="best", fontsize=8)
    ax.set_xlim(X1[0, 0], X1[0, -1])
    ax.set_ylim(X2[0, 0], X2[-1, 0])
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    return fig, ax


def _function_grid(
    f: Callable[..., Any], xlim: Sequence[float], ylim: Sequence[float], n: Any
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Check ``f``, the ranges and ``n``; return the n x n grid and f's values on it."""
    require_callable(f, "f")
    x_lo, x_hi = _interval(xlim, "xlim")
    y_lo, y_hi = _interval(ylim, "ylim")
    n = as_count(n, "n", minimum=2)
    X1, X2 = np.meshgrid(np.linspace(x_lo, x_hi, n), np.linspace(y_lo, y_hi, n))
    return X1, X2, _values_on_grid(f, X1, X2)


def plot_decision_boundary(
    predict: Callable[..., Any],
    X: ArrayLike,
    y: ArrayLike,
    ax: Axes | None = None,
    resolution: int = 200,
) -> tuple[Figure, Axes]:
    """Shade the regions a classifier assigns to each class and scatter the data.

    The plane around the data (its range plus a 10% margin) is covered by a
    ``resolution x resolution`` grid and ``predict`` is called once on all grid points.
    If it returns labels, each predicted region is shaded in its class's colour. If it
    returns probabilities (floats in [0, 1], not all 0 or 1) they are shaded from one
    class's colour to the other and the boundary ``p = 0.5`` is drawn as a black
    contour line. An ``(m, K)`` array of class scores is turned into labels by argmax.

    Parameters
    ----------
    predict:
        Maps an ``(m, 2)`` array of points to ``(m,)`` labels or probabilities of
        class 1 (or ``(m, K)`` class probabilities).
    X:
        The data, shape ``(m, 2)``.
    y:
        The labels, shape ``(m,)``; class ``c``'s points get the colour of region ``c``.
    ax:
        The Axes to draw on; ``None`` creates a new figure.
    resolution:
        Grid points per axis.

    Returns
    -------
    (Figure, Axes)
    """
    require_callable(predict, "predict")
    X = as_float_array(X, "X", ndim=2)
    if X.shape[1] != 2 or X.shape[0] == 0:
        raise ValueError(f"X must have shape (m, 2) with m >= 1, got shape {X.shape}")
    y = as_float_array(y, "y", ndim=1)
    require_same_length(X, y, "X", "y")
    resolution = as_count(resolution, "resolution", minimum=2)
    fig, ax = _new_axes(ax)

    lows, highs = X.min(axis=0), X.max(axis=0)
    margin = 0.1 * np.maximum(highs - lows, 1.0)
    lows, highs = lows - margin, highs + margin
    G1, G2 = np.meshgrid(np.linspace(lows[0], highs[0], resolution),
                         np.linspace(lows[1], highs[1], resolution))
    grid = np.column_stack([G1.ravel(), G2.ravel()])
    out = np.asarray(predict(grid), dtype=float)
    if out.ndim == 2 and out.shape[1] == 1:
        out = out[:, 0]
    if out.ndim == 2 and out.shape[0] == grid.shape[0]:
        out = np.argmax(out, axis=1).astype(float)
    if out.shape != (grid.shape[0],):
        raise ValueError(
            f"predict must map an (m, 2) array to m labels or probabilities, but for "
            f"{grid.shape} points it returned shape {out.shape}"
        )
    if not np.all(np.isfinite(out)):
        raise ValueError("predict returned non-finite values on the plotting grid")

    classes = np.unique(y)
    is_probability = bool(
        np.all((out >= 0) & (out <= 1)) and not np.all(np.isin(out, (0.0, 1.0)))
    )
    # the classes of the data and, for hard labels, those predict assigns to a region
    region_classes = classes if is_probability else np.union1d(classes, np.unique(out))
    palette = _class_colors(region_classes)
    if is_probability:
        cmap = LinearSegmentedColormap.from_list("calcml_p", [_CLASS_COLORS[0], "white",
                                                              _CLASS_COLORS[1]])
        P = out.reshape(G1.shape)
        ax.contourf(G1, G2, P, levels=np.linspace(0, 1, 11), cmap=cmap, alpha=0.5)
        ax.contour(G1, G2, P, levels=[0.5], colors="k", linewidths=1.5)
        if len(classes) <= 2:  # the points take the two ends of the probability colour map
            palette = {float(c): _CLASS_COLORS[k] for k, c in enumerate(classes)}
    else:
        index = np.searchsorted(region_classes, out).reshape(G1.shape)
        colors = [palette[float(c)] for c in region_classes]
        ax.contourf(G1, G2, index, levels=np.arange(len(region_classes) + 1) - 0.5,
                    cmap=ListedColormap(colors), alpha=0.3)
    for c in classes:
        mask = y == c
        ax.scatter(X[mask, 0], X[mask, 1], s=20, color=palette[float(c)],
                   edgecolors="k", linewidths=0.5, label=f"class {c:g}", zorder=3)
    ax.set_xlim(lows[0], highs[0])
    ax.set_ylim(lows[1], highs[1])
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.legend(loc="best", fontsize=8)
    return fig, ax


def _class_colors(labels: np.ndarray) -> dict[float, str]:
    """Colours for the sorted labels: labels 0..9 get C0..C9, other sets go by rank."""
    labels = np.unique(labels)
    if all(float(c).is_integer() and 0 <= c < len(_CLASS_COLORS) for c in labels):
        return {float(c): _CLASS_COLORS[int(c)] for c in labels}
    return {float(c): _CLASS_COLORS[k % len(_CLASS_COLORS)] for k, c in enumerate(labels)}


def plot_loss_curves(
    curves: Mapping[str, Sequence[float]],
    ax: Axes | None = None,
    logy: bool = False,
    xlabel: str = "step",
    ylabel: str = "loss",
) -> tuple[Figure, Axes]:
    """Plot one or more loss curves against the step number, with a legend.

    Parameters
    ----------
    curves:
        A mapping from a label (e.g. ``"lr = 0.1"``) to the sequence of losses, one per
        step, starting at step 0. Infinite or NaN values (a diverging run) leave gaps.
    ax:
        The Axes to draw on; ``None`` creates a new figure.
    logy:
        Use a logarithmic y-axis (then every finite loss must be positive).
    xlabel, ylabel:
        The axis labels.

    Returns
    -------
    (Figure, Axes)
    """
    if not isinstance(curves, Mapping):
        raise TypeError(
            "curves must be a mapping label -> sequence of losses, e.g. {'loss': losses}; "
            f"got {type(curves).__name__}"
        )
    if len(curves) == 0:
        raise ValueError("curves must hold at least one curve, got an empty mapping")
    arrays = {}
    for label, losses in curves.items():
        arr = as_float_array(losses, f"curves[{label!r}]", ndim=1, finite=False)
        if arr.size == 0:
            raise ValueError(f"curves[{label!r}] must hold at least one loss, got shape (0,)")
        finite = arr[np.isfinite(arr)]
        if logy and np.any(finite <= 0):
            raise ValueError(
                f"curves[{label!r}] has a loss <= 0 ({finite.min()}), which a logarithmic "
                f"y-axis (logy=True) cannot show"
            )
        arrays[str(label)] = arr
    fig, ax = _new_axes(ax)
    for label, arr in arrays.items():
        ax.plot(np.arange(arr.size), np.where(np.isfinite(arr), arr, np.nan), label=label)
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend(loc="best", fontsize=8)
    return fig, ax


# ------------------------------------------------------------------ computation graphs


def _graph_depths(nodes: Sequence[Hashable], edges: Sequence[tuple[Hashable, Hashable]]
                 ) -> dict[Hashable, int]:
    """The column of every node of a directed acyclic graph: 0 for a node without incoming
    edges (an input), else one more than the deepest of its parents.

    Raises ``ValueError`` naming the nodes left over when the edges contain a cycle.
    """
    parents: dict[Hashable, list[Hashable]] = {n: [] for n in nodes}
    children: dict[Hashable, list[Hashable]] = {n: [] for n in nodes}
    for parent, child in edges:
        parents[child].append(parent)
        children[parent].append(child)
    waiting = {n: len(parents[n]) for n in nodes}
    ready = [n for n in nodes if waiting[n] == 0]
    depth: dict[Hashable, int] = {}
    while ready:  # Kahn's algorithm: each node after all of its parents
        node = ready.pop(0)
        depth[node] = 1 + max((depth[p] for p in parents[node]), default=-1)
        for child in children[node]:
            waiting[child] -= 1
            if waiting[child] == 0:
                ready.append(child)
    if len(depth) < len(nodes):
        stuck = [n for n in nodes if n not in depth]
        raise ValueError(f"the edges contain a cycle through the nodes {stuck!r}; "
                         "a computation graph must be acyclic")
    return depth


def plot_computation_graph(
    nodes: Mapping[Hashable, str],
    edges: Sequence[tuple[Hashable, Hashable]],
    ax: Axes | None = None,
    *,
    gap: float = 1.2,
    spacing: float = 2.3,
    fontsize: float = 8,
) -> tuple[Figure, Axes]:
    """Draw a computation graph: one labelled box per node, an arrow along every edge.

    Inputs (nodes without incoming edges) stand in the first column, in the order of
    ``nodes``, and are shaded orange; every other node stands one column to the right of
    its deepest parent, shaded blue, at the mean height of its parents (moved down when
    two boxes of a column would come closer than ``gap``). This is the picture of a
    forward pass (values flow left to right) and of a backward pass (gradients flow
    right to left) when the labels show both.

    Parameters
    ----------
    nodes:
        A mapping from a node's key (any hashable, e.g. ``id(value)``) to the text of its
        box, e.g. ``"q = x*y\\nvalue -12\\ngrad 2"``. At least one node.
    edges:
        Pairs ``(parent, child)`` of keys of ``nodes``: the child is computed from the
        parent. The graph must be acyclic; a pair may not repeat.
    ax:
        The Axes to draw on; ``None`` creates a new figure.
    gap:
        The smallest vertical distance between two boxes of one column (data units).
    spacing:
        The horizontal distance between two columns (data units).
    fontsize:
        The font size of the box texts.

    Returns
    -------
    (Figure, Axes)
        The axes are switched off. Each node is a ``Text`` with a rounded box (in the
        order of ``nodes``), each edge an empty ``Annotation`` drawn as an arrow from
        the parent's box to the child's; both kinds are in ``ax.texts``.

    Raises
    ------
    TypeError
        If ``nodes`` is not a mapping, a label is not a string or an edge not a pair.
    ValueError
        If ``nodes`` is empty, an edge names a node that ``nodes`` does not hold, an edge
        repeats or joins a node to itself, the edges form a cycle, or ``gap``,
        ``spacing`` or ``fontsize`` is not a positive finite number.
    """
    if not isinstance(nodes, Mapping):
        raise TypeError("nodes must be a mapping key -> label, e.g. {'x': 'x = 3'}; "
                        f"got {type(nodes).__name__}")
    if len(nodes) == 0:
        raise ValueError("nodes must hold at least one node, got an empty mapping")
    for key, label in nodes.items():
        if not isinstance(label, str):
            raise TypeError(f"the label of node {key!r} must be a string, "
                            f"got {type(label).__name__}")
    pairs: list[tuple[Hashable, Hashable]] = []
    for edge in edges:
        if not isinstance(edge, (tuple, list)) or len(edge) != 2:
            raise TypeError(f"each edge must be a pair (parent, child), got {edge!r}")
        parent, child = edge
        for end in (parent, child):
            if end not in nodes:
                raise ValueError(f"the edge {tuple(edge)!r} names the node {end!r}, "
                                 "which nodes does not hold")
        if parent == child:
            raise ValueError(f"the edge {tuple(edge)!r} joins a node to itself")
        if (parent, child) in pairs:
            raise ValueError(f"the edge {tuple(edge)!r} appears twice")
        pairs.append((parent, child))
    gap = as_float_scalar(gap, "gap")
    spacing = as_float_scalar(spacing, "spacing")
    fontsize = as_float_scalar(fontsize, "fontsize")
    for name, value in (("gap", gap), ("spacing", spacing), ("fontsize", fontsize)):
        if not value > 0:
            raise ValueError(f"{name} must be a positive number, got {value}")

    keys = list(nodes)
    depth = _graph_depths(keys, pairs)
    parents: dict[Hashable, list[Hashable]] = {k: [] for k in keys}
    for parent, child in pairs:
        parents[child].append(parent)
    height: dict[Hashable, float] = {}
    for row, key in enumerate(k for k in keys if depth[k] == 0):
        height[key] = -row * gap
    for column in range(1, max(depth.values()) + 1):
        layer = [k for k in keys if depth[k] == column]
        wanted = [float(np.mean([height[p] for p in parents[k]])) for k in layer]
        placed: list[float] = []
        for index in np.argsort(wanted, kind="stable")[::-1]:  # top to bottom
            h = wanted[index] if not placed else min(wanted[index], placed[-1] - gap)
            placed.append(h)
            height[layer[index]] = h

    fig, ax = _new_axes(ax)
    boxes = {}
    for key in keys:
        boxes[key] = ax.text(
            depth[key] * spacing, height[key], nodes[key], ha="center", va="center",
            fontsize=fontsize,
            bbox={"boxstyle": "round", "fc": "C1" if depth[key] == 0 else "C0", "alpha": 0.25})
    for parent, child in pairs:
        start, end = boxes[parent], boxes[child]
        ax.annotate("", xy=end.get_position(), xytext=start.get_position(),
                    arrowprops={"arrowstyle": "->", "color": "0.4",
                                "patchA": start.get_bbox_patch(),
                                "patchB": end.get_bbox_patch()})
    xs = [depth[k] * spacing for k in keys]
    ys = [height[k] for k in keys]
    ax.set_xlim(min(xs) - spacing / 2, max(xs) + spacing / 2)
    ax.set_ylim(min(ys) - 0.7, max(ys) + 0.7)
    ax.axis("off")
    return fig, ax
