"""Interactive figures that work both in a live notebook and in the static HTML book.

A chapter describes one state of a figure with a function ``draw(ax, value)`` that
draws onto an empty matplotlib Axes, and a short list of parameter values. Then

>>> explore(draw, np.linspace(0.1, 1.0, 10), label="step size h")  # doctest: +SKIP

shows the same figure twice:

1. an ipywidgets slider that redraws the figure for the chosen value. With a running
   kernel (Jupyter, VS Code, ...) it is live. When the book is built, the executor
   (nbclient) saves every widget's state in the notebook's metadata
   (``metadata.widgets["application/vnd.jupyter.widget-state+json"]``) and myst-nb
   writes it into the page, where the widget manager draws the slider and the first
   frame (moving the slider there changes nothing: no kernel recomputes the figure);
2. a matplotlib JavaScript animation (``FuncAnimation.to_jshtml``) of the same
   frames, precomputed at build time, which plays in any browser without a kernel.

Each comes with a one-line caption saying which is which. The figures are made with
:class:`matplotlib.figure.Figure` directly, never through ``pyplot``, so the notebook's
inline backend does not display them a second time at the end of the cell.
"""

from __future__ import annotations

import base64
import html
import io
import math
import numbers
import re
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from matplotlib.animation import FuncAnimation
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from calcml._validate import require_callable

__all__ = ["explore", "animation_html", "frame_labels", "MAX_FRAMES"]

#: Most frames one call may draw: each frame is a PNG embedded in the page.
MAX_FRAMES = 60

# matplotlib's animation template draws its buttons with Font Awesome icons and loads
# that font's stylesheet from a CDN. The book must load nothing from the internet and a
# live notebook may not have the font either, so the icons become plain characters.
_ICON_TEXT = {
    "fa-minus": "\u2212",  # slower
    "fa-fast-backward": "\u21e4",  # first frame
    "fa-step-backward": "\u2039",  # previous frame
    "fa-play fa-flip-horizontal": "\u25c0",  # play backwards
    "fa-pause": "\u275a\u275a",  # pause
    "fa-play": "\u25b6",  # play
    "fa-step-forward": "\u203a",  # next frame
    "fa-fast-forward": "\u21e5",  # last frame
    "fa-plus": "+",  # faster
}
_ICON = re.compile(r'<i class="fa ([^"]*)"></i>')
_FRAME_IMG = re.compile(r'<img id="_anim_img[0-9a-f]*">')
_REMOTE_LINK = re.compile(r"<link[^>]*href=[\"']https?://[^>]*>", re.IGNORECASE)

Draw = Callable[[Axes, Any], Any]


def frame_labels(values: Sequence[Any]) -> list[str]:
    """Short, distinct slider labels for ``values``.

    Numbers are written with the fewest significant digits (3 to 12) that keep all
    labels distinct; anything else is written with ``str``. Raises ``ValueError`` if
    two values still share a label (e.g. the same value twice).
    """
    numeric = all(_is_real_number(v) for v in values)
    digit_choices = range(3, 13) if numeric else [None]
    for digits in digit_choices:
        labels = [f"{float(v):.{digits}g}" if digits else str(v) for v in values]
        if len(set(labels)) == len(labels):
            return labels
    raise ValueError(
        f"values must be distinct, got {len(values)} values with only "
        f"{len(set(labels))} different ones: {list(labels)}"
    )


def animation_html(
    draw: Draw,
    values: Sequence[Any],
    *,
    figsize: tuple[float, float] = (6, 4),
    interval_ms: int = 400,
    projection: str | None = None,
    alt: str = "",
) -> str:
    """Precompute a JavaScript animation of ``draw(ax, v)`` over ``values``.

    ``alt`` is the text alternative of the animation's image (what every frame shows).

    Returns the HTML of ``matplotlib.animation.FuncAnimation(...).to_jshtml()`` with
    every frame embedded as a PNG, its Font Awesome stylesheet link (a CDN) removed and
    its icons replaced by plain characters, so that it works offline.
    """
    fig = Figure(figsize=figsize, dpi=100)

    def update(index: int) -> list[Any]:
        _draw_frame(fig, draw, values[index], projection)
        return []

    anim = FuncAnimation(
        fig, update, frames=range(len(values)), interval=interval_ms, repeat=False, blit=False
    )
    page = anim.to_jshtml(default_mode="once")
    page = _REMOTE_LINK.sub("", page)
    page = _FRAME_IMG.sub(lambda m: f'{m.group(0)[:-1]} alt="{html.escape(alt, quote=True)}">',
                          page, count=1)
    page = _ICON.sub(lambda m: html.escape(_ICON_TEXT.get(m.group(1), m.group(1))), page)
    return page


def explore(
    draw: Draw,
    values: Sequence[Any] | np.ndarray,
    *,
    label: str,
    figsize: tuple[float, float] = (6, 4),
    interval_ms: int = 400,
    projection: str | None = None,
    alt: str | None = None,
) -> None:
    """Show an interactive figure: a live slider and a precomputed animation.

    Parameters
    ----------
    draw:
        ``draw(ax, value)`` draws the figure for one parameter value onto ``ax``, a
        fresh, empty matplotlib Axes (a new one for every frame). Its return value is
        ignored. It must not call ``plt.show()`` or create figures of its own.
    values:
        The parameter values, in slider order: a non-empty list, tuple or 1-D array of
        distinct values (numbers must be finite), at most ``MAX_FRAMES`` of them.
    label:
        What the parameter is, e.g. ``"learning rate"``; shown beside the slider.
    figsize:
        ``(width, height)`` of the figure in inches (100 pixels per inch).
    interval_ms:
        Milliseconds between frames when the animation plays.
    projection:
        Passed to ``Figure.add_subplot``; ``"3d"`` gives ``draw`` a 3-D Axes.
    alt:
        What the figure shows, for readers who cannot see it (the text alternative of
        every frame). Defaults to a sentence naming ``label``.

    Returns
    -------
    None
        Everything is displayed: a caption, the slider widget with its figure, a
        caption and the animation.

    Raises
    ------
    TypeError
        If ``draw`` is not callable, ``label`` is not a string, ``values`` is not a
        sequence, or ``figsize`` / ``interval_ms`` are not numbers.
    ValueError
        If ``values`` is empty, too long, not 1-D, holds non-finite or repeated
        values, if ``label`` is blank, or ``figsize`` / ``interval_ms`` are not positive.
    """
    require_callable(draw, "draw")
    frames = _check_values(values)
    labels = frame_labels(frames)
    if not isinstance(label, str):
        raise TypeError(f"label must be a string, got {type(label).__name__}: {label!r}")
    if not label.strip():
        raise ValueError("label must be a non-empty string naming the parameter")
    size = _check_figsize(figsize)
    interval = _check_interval(interval_ms)
    if projection is not None and not isinstance(projection, str):
        raise TypeError(f"projection must be None or a string, got {projection!r}")

    # Imported here so that `import calcml` works without IPython/ipywidgets.
    import ipywidgets as widgets
    from IPython.display import HTML, display

    first_png = _frame_png(draw, frames[0], size, projection)
    if alt is None:
        alt = f"The figure for each value of {label}, from {labels[0]} to {labels[-1]}."
    if not isinstance(alt, str) or not alt.strip():
        raise ValueError("alt must be a non-empty string saying what the figure shows")
    movie = animation_html(draw, frames, figsize=size, interval_ms=interval,
                           projection=projection, alt=alt)

    slider = widgets.SelectionSlider(
        options=list(zip(labels, range(len(frames)), strict=True)),
        value=0,
        description=label,
        continuous_update=False,
        style={"description_width": "initial"},
        layout=widgets.Layout(width=f"{max(size[0] * 100, 300):.0f}px"),
    )
    output = widgets.Output()
    # Setting `outputs` from the kernel (rather than `with output:`) puts the image in
    # the widget's own state, which the build saves into the page.
    output.outputs = (_png_output(first_png),)

    def redraw(change: dict[str, Any]) -> None:
        png = _frame_png(draw, frames[change["new"]], size, projection)
        output.outputs = (_png_output(png),)

    slider.observe(redraw, names="value")

    name = html.escape(label)
    display(HTML(_caption(
        f"Live figure: the slider ({name}) redraws it when a Python kernel runs this "
        "page; without a kernel it shows the first value."
    )))
    display(widgets.VBox([slider, output]))
    display(HTML(_caption(
        f"Precomputed animation over the same values of {name}: press play or drag its "
        "slider; it works without a kernel."
    )))
    display(HTML(movie))


# --- helpers ------------------------------------------------------------------------


def _is_real_number(v: Any) -> bool:
    return isinstance(v, numbers.Real) and not isinstance(v, bool)


def _check_values(values: Any) -> list[Any]:
    if isinstance(values, (str, bytes)) or not isinstance(values, (Sequence, np.ndarray)):
        raise TypeError(
            f"values must be a list, tuple or 1-D array of parameter values, "
            f"got {type(values).__name__}: {values!r}"
        )
    if isinstance(values, np.ndarray):
        if values.ndim != 1:
            raise ValueError(f"values must be 1-D, got shape {values.shape}")
        frames = values.tolist()
    else:
        frames = list(values)
    if not frames:
        raise ValueError("values must hold at least one parameter value, got none")
    if len(frames) > MAX_FRAMES:
        raise ValueError(
            f"values has {len(frames)} entries; at most {MAX_FRAMES} frames are allowed "
            "(each is an image in the page): use fewer values"
        )
    for i, v in enumerate(frames):
        if _is_real_number(v) and not math.isfinite(float(v)):
            raise ValueError(f"values must be finite, but values[{i}] = {v}")
    return frames


def _check_figsize(figsize: Any) -> tuple[float, float]:
    try:
        width, height = (float(s) for s in figsize)
    except (TypeError, ValueError):
        raise TypeError(
            f"figsize must be a pair (width, height) of numbers, got {figsize!r}"
        ) from None
    if not (math.isfinite(width) and math.isfinite(height) and width > 0 and height > 0):
        raise ValueError(f"figsize must hold two positive finite numbers, got {figsize!r}")
    return width, height


def _check_interval(interval_ms: Any) -> int:
    if not _is_real_number(interval_ms):
        raise TypeError(f"interval_ms must be a number, got {interval_ms!r}")
    if not (math.isfinite(float(interval_ms)) and interval_ms > 0):
        raise ValueError(f"interval_ms must be positive and finite, got {interval_ms}")
    return max(1, round(float(interval_ms)))


def _draw_frame(fig: Figure, draw: Draw, value: Any, projection: str | None) -> Axes:
    fig.clear()
    ax = fig.add_subplot(projection=projection)
    draw(ax, value)
    return ax


def _frame_png(draw: Draw, value: Any, figsize: tuple[float, float],
               projection: str | None) -> bytes:
    fig = Figure(figsize=figsize, dpi=100)
    _draw_frame(fig, draw, value, projection)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


def _png_output(png: bytes) -> dict[str, Any]:
    """A display_data output (nbformat) holding one PNG image."""
    return {
        "output_type": "display_data",
        "data": {
            "image/png": base64.b64encode(png).decode("ascii"),
            "text/plain": "<Figure>",
        },
        "metadata": {},
    }


def _caption(text: str) -> str:
    return f'<p class="calcml-caption" style="margin:0.4em 0;font-style:italic">{text}</p>'
