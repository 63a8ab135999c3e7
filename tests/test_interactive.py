"""Tests of calcml.interactive.explore: ONE output that is a live slider in a kernel and a
kernel-free animation in the static book."""

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

from calcml.interactive import (  # noqa: E402
    MAX_FRAMES,
    PIXEL_RATIO,
    WIDGET_VIEW,
    animation_html,
    explore,
    frame_labels,
)


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
    """Capture what explore displays (objects and the raw flag) instead of printing it."""
    captured: list[object] = []

    def display(*objs, **kw):
        assert kw.get("raw"), "explore must display a raw mime bundle"
        captured.extend(objs)

    monkeypatch.setattr(IPython.display, "display", display)
    return captured


def _widget(bundle: dict) -> widgets.VBox:
    """The widget a bundle's view refers to (as a front end with a kernel would find it)."""
    model_id = bundle[WIDGET_VIEW]["model_id"]
    return widgets.widgets.widget._instances[model_id]


def _decode_png(output: dict) -> np.ndarray:
    return mpimg.imread(io.BytesIO(base64.b64decode(output["data"]["image/png"])), format="png")


def test_one_output_carries_the_widget_view_and_the_animation(shown):
    values = np.linspace(0.5, 2.0, 7)
    draw = Recorder()
    explore(draw, values, label="slope", figsize=(3, 2), interval_ms=250,
            alt="A line through the origin whose slope grows.")

    assert set(values.tolist()) <= set(draw.calls)
    assert len(shown) == 1, f"explore must display one output, displayed {len(shown)}"
    bundle = shown[0]
    assert set(bundle) == {WIDGET_VIEW, "text/html", "text/plain"}
    view = bundle[WIDGET_VIEW]
    assert view["version_major"] == 2 and isinstance(_widget(bundle), widgets.VBox)
    assert "slope" in bundle["text/plain"]
    page = bundle["text/html"]
    assert "_anim_img" in page and "anim-slider" in page
    # one embedded PNG per value, and nothing fetched from the internet
    assert len(re.findall(r"data:image/png;base64", page)) == len(values)
    assert "http://" not in page and "https://" not in page
    assert 'class="fa' not in page
    # frame rate follows interval_ms: 1000 / 250 = 4 frames per second -> 250 ms
    assert re.search(r"\b250(\.0)?\b", page)
    # the frame's text alternative, its CSS size, the slider's accessible name
    assert 'alt="A line through the origin whose slope grows."' in page
    assert 'width="300"' in page and "max-width:100%" in page
    assert re.search(r'<input id="_anim_slider\w*" type="range" aria-label="[^"]*slope"', page)
    # every button is named by its aria-label, its glyph hidden from screen readers
    buttons = re.findall(r"<button[^>]*>.*?</button>", page, re.S)
    assert len(buttons) == 9
    assert all('aria-label="' in b and 'aria-hidden="true"' in b for b in buttons)


def test_animation_frames_have_twice_the_pixels_of_their_css_size():
    page = animation_html(Recorder(), [1.0, 2.0], figsize=(3, 2), alt="a line")
    first = re.search(r"data:image/png;base64,([A-Za-z0-9+/=\\\n]+)", page).group(1)
    png = base64.b64decode(first.replace("\\n", "").replace("\n", ""))
    image = mpimg.imread(io.BytesIO(png), format="png")
    assert image.shape[:2] == (200 * PIXEL_RATIO, 300 * PIXEL_RATIO)


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
        ({"alt": "  "}, ValueError, "alt"),
        ({"alt": 3}, ValueError, "alt"),
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
    # ONE output: the widget view (live with a kernel) and the animation (without one)
    assert len(outputs) == 1, [sorted(o.get("data", {})) for o in outputs]
    data = outputs[0]["data"]
    assert set(data) == {WIDGET_VIEW, "text/html", "text/plain"}
    assert data[WIDGET_VIEW]["model_id"] in state
    assert data["text/html"].count("_anim_img") >= 1 and "data:image/png" in data["text/html"]


@pytest.mark.slow
def test_live_kernel_slider_redraws_and_inline_figures_are_retina(tmp_path):
    """In a real kernel: moving the slider redraws the widget's figure, and importing
    calcml makes pyplot's inline figures 2x PNGs shown at their CSS size."""
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    cells = [
        "import numpy as np\nimport calcml\nimport matplotlib.pyplot as plt\n"
        "import IPython.display as d\nshown = []\n_display = d.display\n"
        "d.display = lambda *o, **k: (shown.extend(o), _display(*o, **k))\n"
        "from calcml.interactive import explore\n"
        "explore(lambda ax, c: ax.plot([0, 1], [0, c]), [1.0, 2.0, 3.0], label='c',\n"
        "        figsize=(2, 1.5), alt='a line of slope c')",
        "import ipywidgets as w\n"
        "box = w.widgets.widget._instances[shown[0]['application/vnd.jupyter.widget-view+json']"
        "['model_id']]\nslider, out = box.children\nbefore = out.outputs[0]['data']['image/png']\n"
        "slider.value = 2\nafter = out.outputs[0]['data']['image/png']\n"
        "print('redrawn', before != after, slider.label)",
        "plt.plot([1, 2, 3])\nplt.show()",
    ]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nbclient.NotebookClient(nb, timeout=120, resources={"metadata": {"path": str(tmp_path)}}
                            ).execute()
    assert nb.cells[1].outputs[0]["text"] == "redrawn True 3\n"
    figure = nb.cells[2].outputs[0]
    png = _decode_png(figure)
    size = figure["metadata"]["image/png"]
    assert png.shape[1] == PIXEL_RATIO * size["width"], (png.shape, size)
