"""Tests of calcml.interactive.explore: the live slider and the kernel-free animation."""

from __future__ import annotations

import base64
import io
import re

import ipywidgets as widgets
import matplotlib

matplotlib.use("Agg")

import IPython.display  # noqa: E402
import matplotlib.image as mpimg  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from calcml.interactive import MAX_FRAMES, animation_html, explore, frame_labels  # noqa: E402


class Recorder:
    """A draw function that records its calls and checks it gets an empty Axes."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, ax, value) -> None:
        assert not ax.lines and not ax.collections, "draw must receive an empty Axes"
        self.calls.append(value)
        x = np.linspace(-1, 1, 20)
        ax.plot(x, value * x)
        ax.set_title(f"slope {value}")


@pytest.fixture
def shown(monkeypatch):
    """Capture what explore displays instead of printing it."""
    captured: list[object] = []
    monkeypatch.setattr(IPython.display, "display", lambda *objs, **kw: captured.extend(objs))
    return captured


def _decode_png(output: dict) -> np.ndarray:
    return mpimg.imread(io.BytesIO(base64.b64decode(output["data"]["image/png"])), format="png")


def test_draw_called_for_every_value_and_animation_has_every_frame(shown):
    values = np.linspace(0.5, 2.0, 7)
    draw = Recorder()
    explore(draw, values, label="slope", figsize=(3, 2), interval_ms=250)

    assert set(values.tolist()) <= set(draw.calls)
    assert len(shown) == 4
    caption_live, box, caption_anim, movie = shown
    assert "Live figure" in caption_live.data and "slope" in caption_live.data
    assert "Precomputed animation" in caption_anim.data
    page = movie.data
    assert "_anim_img" in page and "anim-slider" in page
    # one embedded PNG per value, and nothing fetched from the internet
    assert len(re.findall(r"data:image/png;base64", page)) == len(values)
    assert "http://" not in page and "https://" not in page
    assert 'class="fa' not in page
    # frame rate follows interval_ms: 1000 / 250 = 4 frames per second -> 250 ms
    assert re.search(r"\b250(\.0)?\b", page)


def test_widget_holds_first_frame_and_redraws_on_change(shown):
    values = [0.25, 0.5, 1.0, 2.0]
    draw = Recorder()
    explore(draw, values, label="slope", figsize=(3, 2))
    box = shown[1]
    assert isinstance(box, widgets.VBox)
    slider, output = box.children
    assert isinstance(slider, widgets.SelectionSlider)
    assert isinstance(output, widgets.Output)
    assert list(slider.options) == [(lab, i) for i, lab in enumerate(frame_labels(values))]
    assert slider.value == 0 and slider.description == "slope"

    first = _decode_png(output.outputs[0])
    assert first.shape[:2] == (200, 300)  # figsize (3, 2) at 100 dpi

    draw.calls.clear()
    slider.value = 3
    assert draw.calls == [2.0]
    assert len(output.outputs) == 1
    last = _decode_png(output.outputs[0])
    assert last.shape == first.shape and not np.array_equal(last, first)


def test_no_pyplot_figures_left_open(shown):
    before = plt.get_fignums()
    explore(Recorder(), [1.0, 2.0], label="slope")
    assert plt.get_fignums() == before


def test_animation_html_standalone_matches_frame_count():
    draw = Recorder()
    page = animation_html(draw, [1, 2, 3], figsize=(2, 2))
    assert page.count("data:image/png;base64") == 3


def test_frame_labels_distinct_and_short():
    assert frame_labels([1.0, 0.5, 0.25]) == ["1", "0.5", "0.25"]
    labels = frame_labels([1.0, 1.0001, 1.0002])
    assert len(set(labels)) == 3
    assert frame_labels(["and", "or"]) == ["and", "or"]
    with pytest.raises(ValueError, match="distinct"):
        frame_labels([1.0, 1.0])


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"draw": 3}, TypeError, "draw"),
        ({"values": []}, ValueError, "at least one"),
        ({"values": np.ones((2, 2))}, ValueError, r"1-D.*\(2, 2\)"),
        ({"values": [1.0, np.nan]}, ValueError, r"values\[1\]"),
        ({"values": [1.0, 1.0]}, ValueError, "distinct"),
        ({"values": "abc"}, TypeError, "values"),
        ({"values": 3.0}, TypeError, "values"),
        ({"values": list(range(MAX_FRAMES + 1))}, ValueError, "at most"),
        ({"label": 5}, TypeError, "label"),
        ({"label": "  "}, ValueError, "label"),
        ({"figsize": (6,)}, TypeError, "figsize"),
        ({"figsize": (6, -1)}, ValueError, "figsize"),
        ({"interval_ms": 0}, ValueError, "interval_ms"),
        ({"interval_ms": "fast"}, TypeError, "interval_ms"),
    ],
)
def test_bad_input_raises(shown, kwargs, error, match):
    args = {"draw": Recorder(), "values": [1.0, 2.0], "label": "slope"} | kwargs
    draw, values = args.pop("draw"), args.pop("values")
    with pytest.raises(error, match=match):
        explore(draw, values, **args)
    assert shown == []


def test_draw_error_propagates(shown):
    def broken(ax, value):
        raise RuntimeError("bad frame")

    with pytest.raises(RuntimeError, match="bad frame"):
        explore(broken, [1.0], label="slope")


@pytest.mark.slow
def test_executed_notebook_saves_widget_state(tmp_path):
    """nbclient (which the book build uses) stores the slider and its first frame."""
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    source = (
        "import numpy as np\n"
        "from calcml.interactive import explore\n"
        "def draw(ax, c):\n"
        "    x = np.linspace(0, 1, 5)\n"
        "    ax.plot(x, c * x)\n"
        "explore(draw, [1.0, 2.0, 3.0], label='c', figsize=(2, 1.5))\n"
    )
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nbclient.NotebookClient(nb, timeout=120, resources={"metadata": {"path": str(tmp_path)}}
                            ).execute()

    state = nb.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    models = {m["model_name"]: m["state"] for m in state.values()}
    assert models["SelectionSliderModel"]["_options_labels"] == ["1", "2", "3"]
    assert models["SelectionSliderModel"]["index"] == 0
    saved = models["OutputModel"]["outputs"]
    assert len(saved) == 1 and "image/png" in saved[0]["data"]
    outputs = nb.cells[0].outputs
    views = [o for o in outputs if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
    assert len(views) == 1
    assert views[0]["data"]["application/vnd.jupyter.widget-view+json"]["model_id"] in state
    html = [o["data"]["text/html"] for o in outputs if "text/html" in o.get("data", {})]
    assert sum("_anim_img" in h for h in html) == 1
    # nothing else is displayed: no stray figure from pyplot
    assert not [o for o in outputs if "image/png" in o.get("data", {})]
