"""Tests of calcml.plotting with the Agg backend: what is drawn, not how it looks.

Each helper must return (Figure, Axes), draw onto a given Axes, label its axes and
draw the expected artists, whose data are read back and compared with the function.
"""

from __future__ import annotations

import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import matplotlib.text  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.collections import PathCollection  # noqa: E402
from matplotlib.contour import ContourSet  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from calcml.plotting import (  # noqa: E402
    FIGSIZE,
    plot_computation_graph,
    plot_contour,
    plot_decision_boundary,
    plot_loss_curves,
    plot_surface,
    plot_tangent,
)


@pytest.fixture(autouse=True)
def close_figures(monkeypatch):
    """No helper may call plt.show(); every figure is closed after each test."""

    def forbidden_show(*args, **kwargs):
        raise AssertionError("a plotting helper called plt.show()")

    monkeypatch.setattr(plt, "show", forbidden_show)
    yield
    plt.close("all")


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(7)


def _line(ax: Axes, label: str):
    lines = [line for line in ax.get_lines() if line.get_label() == label]
    assert len(lines) == 1, f"expected one line labelled {label!r}, got {ax.get_lines()}"
    return lines[0]


def bowl(v):
    return (v[0] - 1) ** 2 + 3 * (v[1] + 0.5) ** 2


PATH = np.array([[2.5, 1.5], [1.9, 0.6], [1.4, -0.2], [1.1, -0.45]])


# ---------------------------------------------------------------------------- tangent


def test_plot_tangent_returns_a_new_figure_of_the_default_size():
    fig, ax = plot_tangent(np.sin, 1.0)
    assert isinstance(fig, Figure) and isinstance(ax, Axes)
    assert ax.figure is fig
    assert tuple(fig.get_size_inches()) == pytest.approx(FIGSIZE)
    assert FIGSIZE == pytest.approx((6, 4))
    assert ax.get_xlabel() and ax.get_ylabel()


@pytest.mark.parametrize(
    ("f", "df", "x0", "xlim"),
    [(np.sin, np.cos, 1.0, (-3, 3)), (np.exp, np.exp, 0.5, (-2, 2)),
     (lambda x: x**3 - x, lambda x: 3 * x**2 - 1, -0.7, (-1.5, 1.5)),
     (np.log, lambda x: 1 / x, 2.0, (0.2, 4.0))],
)
@pytest.mark.parametrize("with_df", [True, False])
def test_plot_tangent_line_touches_the_curve_with_the_right_slope(f, df, x0, xlim, with_df):
    fig, ax = plot_tangent(f, x0, df=df if with_df else None, xlim=xlim)
    tangent = _line(ax, "tangent")
    xs, ys = (np.asarray(a, dtype=float) for a in tangent.get_data())
    slope = (ys[-1] - ys[0]) / (xs[-1] - xs[0])
    assert slope == pytest.approx(df(x0), rel=1e-8)
    # it is a straight line through (x0, f(x0))
    np.testing.assert_allclose(ys, f(x0) + df(x0) * (xs - x0), rtol=1e-8, atol=1e-8)
    assert xs.min() == pytest.approx(xlim[0]) and xs.max() == pytest.approx(xlim[1])
    # the curve is f itself, and the point of tangency is marked
    curve = _line(ax, "f")
    cx, cy = (np.asarray(a, dtype=float) for a in curve.get_data())
    np.testing.assert_allclose(cy, f(cx), rtol=1e-12)
    px, py = _line(ax, "point of tangency").get_data()
    assert (px[0], py[0]) == pytest.approx((x0, f(x0)))
    assert ax.get_xlim() == pytest.approx(xlim)


def test_plot_tangent_works_with_functions_for_numbers_only():
    fig, ax = plot_tangent(math.exp, 0.0, xlim=(-1, 1))
    xs, ys = _line(ax, "tangent").get_data()
    np.testing.assert_allclose(ys, 1 + np.asarray(xs), rtol=1e-8, atol=1e-9)


def test_plot_tangent_draws_on_a_given_axes():
    fig, axes = plt.subplots(1, 2)
    out_fig, out_ax = plot_tangent(np.sin, 0.0, ax=axes[1])
    assert out_ax is axes[1] and out_fig is fig
    assert len(axes[0].get_lines()) == 0
    assert len(axes[1].get_lines()) == 3


def test_plot_tangent_y_range_follows_the_curve():
    fig, ax = plot_tangent(lambda x: x**2, 2.9, xlim=(-3, 3))
    low, high = ax.get_ylim()
    assert low > -2 and high < 11  # the tangent reaches -25 at x = -3; the view does not


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"xlim": (3, -3)}, ValueError, r"^xlim must be increasing"),
        ({"xlim": (1, 1)}, ValueError, r"^xlim must be increasing"),
        ({"xlim": (0, 1, 2)}, ValueError, r"^xlim must be two numbers.*\(3,\)"),
        ({"xlim": 5}, ValueError, r"^xlim must be 1-D, got shape \(\)"),
        ({"xlim": (0, np.inf)}, ValueError, r"^xlim must be finite"),
        ({"x0": np.nan}, ValueError, r"^x0 must be finite"),
        ({"x0": [1.0, 2.0]}, ValueError, r"^x0 must be a single number"),
        ({"f": "sin"}, TypeError, r"^f must be a function"),
        ({"df": 3.0}, TypeError, r"^df must be a function"),
        ({"ax": "left"}, TypeError, r"^ax must be a matplotlib Axes"),
    ],
)
def test_plot_tangent_rejects_bad_input(kwargs, error, message):
    args = {"f": np.sin, "x0": 1.0}
    args.update(kwargs)
    with pytest.raises(error, match=message):
        plot_tangent(**args)


# ---------------------------------------------------------------------------- surface


def test_plot_surface_draws_a_3d_surface_of_f():
    fig, ax = plot_surface(bowl, (-2, 3), (-2, 1), n=25)
    assert isinstance(fig, Figure) and ax.name == "3d"
    assert tuple(fig.get_size_inches()) == pytest.approx(FIGSIZE)
    assert len(ax.collections) == 1  # the Poly3DCollection
    z_low, z_high = ax.get_zlim()
    assert z_low <= 0.0 + 1e-9 and z_high >= bowl(np.array([-2.0, -2.0])) - 1e-9
    assert ax.get_xlabel() and ax.get_ylabel() and ax.get_zlabel()


def test_plot_surface_draws_the_path_on_the_surface():
    fig, ax = plot_surface(bowl, (-2, 3), (-2, 2), path=PATH, n=20)
    xs, ys, zs = _line(ax, "path").get_data_3d()
    np.testing.assert_allclose(xs, PATH[:, 0])
    np.testing.assert_allclose(ys, PATH[:, 1])
    np.testing.assert_allclose(zs, [bowl(p) for p in PATH])
    assert _line(ax, "path").get_marker() not in (None, "None", "")
    sx, sy, sz = _line(ax, "start").get_data_3d()
    ex, ey, ez = _line(ax, "end").get_data_3d()
    assert (sx[0], sy[0], sz[0]) == pytest.approx((*PATH[0], bowl(PATH[0])))
    assert (ex[0], ey[0], ez[0]) == pytest.approx((*PATH[-1], bowl(PATH[-1])))


def test_plot_surface_handles_functions_that_do_not_vectorise(monkeypatch):
    # v @ B @ v does not work on a stacked grid; plot_surface must evaluate point by point
    from mpl_toolkits.mplot3d import Axes3D

    B = np.array([[2.0, 1.0], [0.0, 1.0]])
    drawn = {}
    original = Axes3D.plot_surface

    def recording_plot_surface(self, X, Y, Z, *args, **kwargs):
        drawn["grid"] = (np.array(X), np.array(Y), np.array(Z))
        return original(self, X, Y, Z, *args, **kwargs)

    monkeypatch.setattr(Axes3D, "plot_surface", recording_plot_surface)
    fig, ax = plot_surface(lambda v: v @ B @ v, (-1, 2), (-1, 1), n=7)
    X1, X2, Z = drawn["grid"]
    assert X1.shape == X2.shape == Z.shape == (7, 7)
    np.testing.assert_allclose(X1[0], np.linspace(-1, 2, 7))
    np.testing.assert_allclose(X2[:, 0], np.linspace(-1, 1, 7))
    np.testing.assert_allclose(Z, 2 * X1**2 + X1 * X2 + X2**2, rtol=1e-12)


def test_plot_surface_evaluates_f_on_the_grid(monkeypatch):
    from mpl_toolkits.mplot3d import Axes3D

    drawn = {}
    original = Axes3D.plot_surface

    def recording_plot_surface(self, X, Y, Z, *args, **kwargs):
        drawn["grid"] = (np.array(X), np.array(Y), np.array(Z))
        return original(self, X, Y, Z, *args, **kwargs)

    monkeypatch.setattr(Axes3D, "plot_surface", recording_plot_surface)
    plot_surface(bowl, (-2, 3), (-2, 1), n=9)
    X1, X2, Z = drawn["grid"]
    np.testing.assert_allclose(Z, (X1 - 1) ** 2 + 3 * (X2 + 0.5) ** 2, rtol=1e-12)


def test_plot_surface_draws_on_a_given_3d_axes_and_rejects_a_2d_one():
    fig = plt.figure()
    ax3 = fig.add_subplot(1, 2, 1, projection="3d")
    out_fig, out_ax = plot_surface(bowl, (-1, 1), (-1, 1), ax=ax3, n=5)
    assert out_ax is ax3 and out_fig is fig
    ax2 = fig.add_subplot(1, 2, 2)
    with pytest.raises(ValueError, match=r"^ax must be a 3-D Axes"):
        plot_surface(bowl, (-1, 1), (-1, 1), ax=ax2)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"xlim": (1, -1)}, ValueError, r"^xlim must be increasing"),
        ({"ylim": (0, 0)}, ValueError, r"^ylim must be increasing"),
        ({"path": np.ones((3, 3))}, ValueError, r"^path must have shape \(k, 2\).*\(3, 3\)"),
        ({"path": np.ones(2)}, ValueError, r"^path must be 2-D, got shape \(2,\)"),
        ({"path": [[0.0, np.nan]]}, ValueError, r"^path must be finite"),
        ({"n": 1}, ValueError, r"^n must be at least 2"),
        ({"n": 2.5}, ValueError, r"^n must be a whole number"),
        ({"n": None}, TypeError, r"^n must be an integer"),
        ({"f": None}, TypeError, r"^f must be a function"),
    ],
)
def test_plot_surface_rejects_bad_input(kwargs, error, message):
    args = {"f": bowl, "xlim": (-1, 1), "ylim": (-1, 1)}
    args.update(kwargs)
    with pytest.raises(error, match=message):
        plot_surface(**args)


# ---------------------------------------------------------------------------- contour


def test_plot_contour_draws_level_curves_of_f():
    fig, ax = plot_contour(bowl, (-2, 3), (-2, 1), levels=12, n=50)
    assert isinstance(fig, Figure) and isinstance(ax, Axes)
    assert tuple(fig.get_size_inches()) == pytest.approx(FIGSIZE)
    contours = [c for c in ax.collections if isinstance(c, ContourSet)]
    assert len(contours) == 1
    levels = contours[0].levels
    assert 5 <= len(levels) <= 15
    assert levels.min() >= 0.0 - 1e-12
    assert ax.get_xlim() == pytest.approx((-2, 3)) and ax.get_ylim() == pytest.approx((-2, 1))
    assert ax.get_xlabel() and ax.get_ylabel()


def test_plot_contour_level_curves_lie_on_their_level():
    fig, ax = plot_contour(bowl, (-2, 3), (-2, 1), levels=[1.0, 4.0], n=200)
    cs = next(c for c in ax.collections if isinstance(c, ContourSet))
    np.testing.assert_allclose(cs.levels, [1.0, 4.0])
    for level, path in zip(cs.levels, cs.get_paths(), strict=True):
        vertices = path.vertices
        assert len(vertices) > 10
        values = np.array([bowl(v) for v in vertices])
        np.testing.assert_allclose(values, level, rtol=2e-3)


def test_plot_contour_draws_the_path_with_start_and_end():
    fig, ax = plot_contour(bowl, (-2, 3), (-2, 2), path=PATH, n=30)
    xs, ys = _line(ax, "path").get_data()
    np.testing.assert_allclose(xs, PATH[:, 0])
    np.testing.assert_allclose(ys, PATH[:, 1])
    assert _line(ax, "path").get_marker() not in (None, "None", "")
    sx, sy = _line(ax, "start").get_data()
    ex, ey = _line(ax, "end").get_data()
    assert (sx[0], sy[0]) == pytest.approx(tuple(PATH[0]))
    assert (ex[0], ey[0]) == pytest.approx(tuple(PATH[-1]))
    assert ax.get_legend() is not None


def test_plot_contour_draws_on_a_given_axes():
    fig, axes = plt.subplots(1, 2)
    out_fig, out_ax = plot_contour(bowl, (-1, 1), (-1, 1), ax=axes[0], n=10)
    assert out_ax is axes[0] and out_fig is fig
    assert not axes[1].collections


def test_plot_contour_masks_points_outside_the_domain():
    # log(x1) is undefined for x1 <= 0: drawn where it is defined, no error
    fig, ax = plot_contour(lambda v: np.log(v[0]) + v[1] ** 2, (-1, 2), (-1, 1), n=40)
    assert any(isinstance(c, ContourSet) for c in ax.collections)
    with pytest.raises(ValueError, match=r"no finite value"):
        plot_contour(lambda v: np.log(v[0]), (-2, -1), (-1, 1), n=10)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"levels": 0}, r"^levels must be a positive number"),
        ({"levels": [3.0, 1.0]}, r"^levels must be increasing"),
        ({"xlim": (0,)}, r"^xlim must be two numbers"),
        ({"path": np.ones((2, 1))}, r"^path must have shape \(k, 2\)"),
        ({"f": lambda v: np.array([v[0], v[1], 0.0])}, r"f must return a single number"),
    ],
)
def test_plot_contour_rejects_bad_input(kwargs, message):
    args = {"f": bowl, "xlim": (-1, 1), "ylim": (-1, 1), "n": 10}
    args.update(kwargs)
    with pytest.raises(ValueError, match=message):
        plot_contour(**args)


# ----------------------------------------------------------------- decision boundary


def _two_classes(rng):
    X = np.vstack([rng.normal(-1.5, 0.7, size=(25, 2)), rng.normal(1.5, 0.7, size=(25, 2))])
    y = np.repeat([0, 1], 25)
    return X, y


def _sigmoid_model(G):
    return 1 / (1 + np.exp(-(G @ np.array([1.0, 2.0]) - 0.5)))


def test_plot_decision_boundary_with_probabilities_draws_the_half_contour(rng):
    X, y = _two_classes(rng)
    fig, ax = plot_decision_boundary(_sigmoid_model, X, y, resolution=80)
    assert isinstance(fig, Figure) and isinstance(ax, Axes)
    contours = [c for c in ax.collections if isinstance(c, ContourSet)]
    lines = [c for c in contours if not c.filled]
    assert len(lines) == 1
    np.testing.assert_allclose(lines[0].levels, [0.5])
    # the drawn boundary is the line x1 + 2 x2 = 0.5
    vertices = np.concatenate([p.vertices for p in lines[0].get_paths()])
    np.testing.assert_allclose(vertices @ [1.0, 2.0], 0.5, atol=1e-3)  # linear interpolation
    assert any(c.filled for c in contours)


def test_plot_decision_boundary_scatters_each_class(rng):
    X, y = _two_classes(rng)
    fig, ax = plot_decision_boundary(_sigmoid_model, X, y, resolution=50)
    scatters = [c for c in ax.collections if isinstance(c, PathCollection)]
    assert len(scatters) == 2
    for c, sc in zip((0, 1), scatters, strict=True):
        np.testing.assert_allclose(sc.get_offsets(), X[y == c])
        assert sc.get_label() == f"class {c}"
    colors = [tuple(sc.get_facecolor()[0]) for sc in scatters]
    assert colors[0] != colors[1]
    assert ax.get_xlabel() and ax.get_ylabel()
    # the view contains every data point
    x_low, x_high = ax.get_xlim()
    y_low, y_high = ax.get_ylim()
    assert x_low < X[:, 0].min() and x_high > X[:, 0].max()
    assert y_low < X[:, 1].min() and y_high > X[:, 1].max()


def test_plot_decision_boundary_with_labels_shades_regions_without_a_half_line(rng):
    X, y = _two_classes(rng)
    fig, ax = plot_decision_boundary(lambda G: (G[:, 0] + G[:, 1] > 0).astype(int), X, y,
                                     resolution=60)
    contours = [c for c in ax.collections if isinstance(c, ContourSet)]
    assert len(contours) == 1 and contours[0].filled
    np.testing.assert_allclose(contours[0].levels, [-0.5, 0.5, 1.5])


def test_plot_decision_boundary_three_classes_and_scores(rng):
    centers = np.array([[0.0, 3.0], [-3.0, -2.0], [3.0, -2.0]])
    X = np.vstack([c + rng.normal(size=(10, 2)) for c in centers])
    y = np.repeat([0, 1, 2], 10)

    def scores(G):  # (m, 3) class scores -> argmax
        return -((G[:, None, :] - centers[None]) ** 2).sum(axis=2)

    fig, ax = plot_decision_boundary(scores, X, y, resolution=40)
    filled = [c for c in ax.collections if isinstance(c, ContourSet)]
    assert len(filled) == 1
    assert len(filled[0].levels) == 4
    assert len([c for c in ax.collections if isinstance(c, PathCollection)]) == 3


def test_plot_decision_boundary_calls_predict_once_on_an_m_by_2_grid(rng):
    X, y = _two_classes(rng)
    shapes = []

    def predict(G):
        shapes.append(G.shape)
        return (G[:, 0] > 0).astype(int)

    plot_decision_boundary(predict, X, y, resolution=30)
    assert shapes == [(900, 2)]


def test_plot_decision_boundary_draws_on_a_given_axes(rng):
    X, y = _two_classes(rng)
    fig, axes = plt.subplots(1, 2)
    out_fig, out_ax = plot_decision_boundary(_sigmoid_model, X, y, ax=axes[1], resolution=20)
    assert out_ax is axes[1] and out_fig is fig
    assert not axes[0].collections


@pytest.mark.parametrize(
    ("X", "y", "predict", "error", "message"),
    [
        (np.ones((5, 3)), np.ones(5), _sigmoid_model, ValueError, r"^X must have shape \(m, 2\)"),
        (np.ones(5), np.ones(5), _sigmoid_model, ValueError, r"^X must be 2-D"),
        (np.ones((5, 2)), np.ones(4), _sigmoid_model, ValueError,
         r"^X and y must have the same length.*\(5, 2\).*\(4,\)"),
        (np.ones((5, 2)), np.ones((5, 1)), _sigmoid_model, ValueError, r"^y must be 1-D"),
        (np.ones((5, 2)), np.ones(5), lambda G: np.ones(3), ValueError, r"^predict must map"),
        (np.ones((5, 2)), np.ones(5), lambda G: np.full(len(G), np.nan), ValueError,
         r"^predict returned non-finite"),
        (np.ones((5, 2)), np.ones(5), "model", TypeError, r"^predict must be a function"),
        ([[0.0, np.inf]], [1], _sigmoid_model, ValueError, r"^X must be finite"),
    ],
)
def test_plot_decision_boundary_rejects_bad_input(X, y, predict, error, message):
    with pytest.raises(error, match=message):
        plot_decision_boundary(predict, X, y, resolution=10)


@pytest.mark.parametrize(
    ("resolution", "error", "message"),
    [
        (1, ValueError, r"^resolution must be at least 2"),
        (10.5, ValueError, r"^resolution must be a whole number"),
        ("10", TypeError, r"^resolution must be an integer"),
    ],
)
def test_plot_decision_boundary_names_a_bad_resolution(resolution, error, message):
    with pytest.raises(error, match=message):
        plot_decision_boundary(_sigmoid_model, np.ones((5, 2)), np.ones(5), resolution=resolution)


# ----------------------------------------------------------------------- loss curves


def test_plot_loss_curves_draws_one_labelled_line_per_curve():
    curves = {"lr = 0.1": 0.9 ** np.arange(30), "lr = 0.01": list(0.99 ** np.arange(20))}
    fig, ax = plot_loss_curves(curves)
    assert isinstance(fig, Figure) and isinstance(ax, Axes)
    assert tuple(fig.get_size_inches()) == pytest.approx(FIGSIZE)
    assert len(ax.get_lines()) == 2
    for label, losses in curves.items():
        xs, ys = _line(ax, label).get_data()
        np.testing.assert_array_equal(xs, np.arange(len(losses)))
        np.testing.assert_allclose(ys, losses)
    assert ax.get_xlabel() == "step" and ax.get_ylabel() == "loss"
    assert ax.get_yscale() == "linear"
    assert {t.get_text() for t in ax.get_legend().get_texts()} == set(curves)


def test_plot_loss_curves_options():
    fig, ax = plt.subplots()
    out_fig, out_ax = plot_loss_curves({"train": [3.0, 2.0, 1.0]}, ax=ax, logy=True,
                                       xlabel="epoch", ylabel="MSE")
    assert out_ax is ax and out_fig is fig
    assert ax.get_yscale() == "log"
    assert ax.get_xlabel() == "epoch" and ax.get_ylabel() == "MSE"


def test_plot_loss_curves_shows_a_diverging_run_with_gaps():
    fig, ax = plot_loss_curves({"diverging": [1.0, 10.0, 1e300, np.inf, np.nan]})
    ys = np.asarray(_line(ax, "diverging").get_ydata(), dtype=float)
    np.testing.assert_array_equal(ys[:3], [1.0, 10.0, 1e300])
    assert np.all(np.isnan(ys[3:]))


@pytest.mark.parametrize(
    ("curves", "kwargs", "error", "message"),
    [
        ([1.0, 0.5], {}, TypeError, r"^curves must be a mapping"),
        ({}, {}, ValueError, r"^curves must hold at least one curve"),
        ({"a": []}, {}, ValueError, r"^curves\['a'\] must hold at least one loss"),
        ({"a": [[1.0, 2.0]]}, {}, ValueError, r"^curves\['a'\] must be 1-D"),
        ({"a": [1.0, 0.0]}, {"logy": True}, ValueError, r"^curves\['a'\] has a loss <= 0"),
        ({"a": ["x", "y"]}, {}, TypeError, r"^curves\['a'\] must be a number"),
    ],
)
def test_plot_loss_curves_rejects_bad_input(curves, kwargs, error, message):
    with pytest.raises(error, match=message):
        plot_loss_curves(curves, **kwargs)


# ------------------------------------------------------------------------ housekeeping


def test_helpers_create_one_figure_each_and_leave_it_open_for_the_caller(rng):
    X, y = _two_classes(rng)
    before = len(plt.get_fignums())
    plot_tangent(np.sin, 0.0)
    plot_surface(bowl, (-1, 1), (-1, 1), n=5)
    plot_contour(bowl, (-1, 1), (-1, 1), n=5)
    plot_decision_boundary(_sigmoid_model, X, y, resolution=10)
    plot_loss_curves({"a": [1.0, 0.5]})
    assert len(plt.get_fignums()) == before + 5
    plt.close("all")
    assert plt.get_fignums() == []


# ------------------------------------------------------------------ computation graphs

# f = 2 (x y + max(z, w)), the graph of chapter 10: four inputs, four gates
GRAPH_NODES = {"x": "x", "y": "y", "z": "z", "w": "w", "q": "q = x*y", "m": "m = max(z, w)",
               "s": "s = q + m", "f": "f = 2s"}
GRAPH_EDGES = [("x", "q"), ("y", "q"), ("z", "m"), ("w", "m"), ("q", "s"), ("m", "s"),
               ("s", "f")]


def _box_texts(ax: Axes) -> list[matplotlib.text.Text]:
    """The node boxes: the texts that are not arrows (an arrow is an empty Annotation)."""
    return [t for t in ax.texts if not isinstance(t, matplotlib.text.Annotation)]


def _arrows(ax: Axes) -> list[matplotlib.text.Annotation]:
    return [t for t in ax.texts if isinstance(t, matplotlib.text.Annotation)]


def _boxes(ax: Axes) -> dict[str, tuple[float, float]]:
    return {t.get_text(): t.get_position() for t in _box_texts(ax)}


def test_plot_computation_graph_draws_one_box_per_node_and_one_arrow_per_edge():
    fig, ax = plot_computation_graph(GRAPH_NODES, GRAPH_EDGES)
    assert isinstance(fig, Figure) and isinstance(ax, Axes)
    assert tuple(fig.get_size_inches()) == FIGSIZE
    assert [t.get_text() for t in _box_texts(ax)] == list(GRAPH_NODES.values())
    arrows = _arrows(ax)
    assert len(arrows) == len(GRAPH_EDGES) and all(a.get_text() == "" for a in arrows)
    boxes = _boxes(ax)
    # every arrow runs from its parent's box to its child's box
    drawn = {(a.xyann, a.xy) for a in arrows}
    for parent, child in GRAPH_EDGES:
        assert (boxes[GRAPH_NODES[parent]], boxes[GRAPH_NODES[child]]) in drawn
    assert not ax.axison


def test_plot_computation_graph_puts_each_node_right_of_its_deepest_parent():
    _, ax = plot_computation_graph(GRAPH_NODES, GRAPH_EDGES, spacing=3.0, gap=1.5)
    boxes = _boxes(ax)
    columns = {key: boxes[label][0] / 3.0 for key, label in GRAPH_NODES.items()}
    assert columns == {"x": 0, "y": 0, "z": 0, "w": 0, "q": 1, "m": 1, "s": 2, "f": 3}
    heights = [boxes[GRAPH_NODES[k]][1] for k in ("x", "y", "z", "w")]
    assert heights == [0.0, -1.5, -3.0, -4.5]          # inputs stacked in the given order
    # a gate sits at the mean height of its parents when nothing is in the way
    assert boxes["q = x*y"][1] == pytest.approx(-0.75)
    assert boxes["m = max(z, w)"][1] == pytest.approx(-3.75)
    assert boxes["f = 2s"][1] == pytest.approx(boxes["s = q + m"][1])


def test_plot_computation_graph_keeps_boxes_of_a_column_apart():
    # two gates fed by the same single input would sit on top of each other
    nodes = {"a": "a", "u": "u = 2a", "v": "v = a^2"}
    _, ax = plot_computation_graph(nodes, [("a", "u"), ("a", "v")], gap=1.0)
    boxes = _boxes(ax)
    assert boxes["u = 2a"][0] == boxes["v = a^2"][0]
    assert abs(boxes["u = 2a"][1] - boxes["v = a^2"][1]) >= 1.0 - 1e-12


def test_plot_computation_graph_shades_inputs_and_gates_differently():
    _, ax = plot_computation_graph(GRAPH_NODES, GRAPH_EDGES)
    colors = {t.get_text(): t.get_bbox_patch().get_facecolor()[:3] for t in _box_texts(ax)}
    assert colors["x"] == colors["w"] != colors["f = 2s"] == colors["q = x*y"]


def test_plot_computation_graph_depth_uses_the_longest_path():
    # x feeds f directly and through g: f must stand right of g, not next to x
    nodes = {"x": "x", "g": "g", "f": "f"}
    _, ax = plot_computation_graph(nodes, [("x", "f"), ("x", "g"), ("g", "f")], spacing=1.0)
    assert [t.get_position()[0] for t in _box_texts(ax)] == [0.0, 1.0, 2.0]


def test_plot_computation_graph_draws_on_a_given_axes_and_a_single_node():
    fig, ax = plt.subplots()
    out_fig, out_ax = plot_computation_graph({"only": "x = 1"}, [], ax=ax)
    assert out_ax is ax and out_fig is fig
    assert [t.get_text() for t in _box_texts(ax)] == ["x = 1"] and not _arrows(ax)


def test_plot_computation_graph_accepts_keys_of_any_hashable_kind():
    a, b = object(), object()
    _, ax = plot_computation_graph({a: "a", b: "b"}, [(a, b)])
    assert _boxes(ax)["b"][0] > _boxes(ax)["a"][0]


@pytest.mark.parametrize("nodes, edges, kwargs, error, message", [
    ([("x", "x")], [], {}, TypeError, "nodes must be a mapping"),
    ({}, [], {}, ValueError, "at least one node"),
    ({"x": 3}, [], {}, TypeError, "label of node 'x' must be a string"),
    ({"x": "x"}, [("x",)], {}, TypeError, "pair"),
    ({"x": "x"}, [("x", "y")], {}, ValueError, "names the node 'y'"),
    ({"x": "x"}, [("x", "x")], {}, ValueError, "joins a node to itself"),
    ({"x": "x", "y": "y"}, [("x", "y"), ("x", "y")], {}, ValueError, "appears twice"),
    ({"x": "x", "y": "y", "z": "z"}, [("x", "y"), ("y", "z"), ("z", "y")], {}, ValueError,
     "cycle"),
    ({"x": "x", "y": "y"}, [("x", "y"), ("y", "x")], {}, ValueError, "cycle"),
    ({"x": "x"}, [], {"gap": 0}, ValueError, "gap must be a positive"),
    ({"x": "x"}, [], {"spacing": -1}, ValueError, "spacing must be a positive"),
    ({"x": "x"}, [], {"fontsize": float("nan")}, ValueError, "fontsize"),
])
def test_plot_computation_graph_rejects_bad_input(nodes, edges, kwargs, error, message):
    with pytest.raises(error, match=message):
        plot_computation_graph(nodes, edges, **kwargs)
