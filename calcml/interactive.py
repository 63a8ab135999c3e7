"""Interactive figures that work both in a live notebook and in the static HTML book.

A chapter describes one state of a figure with a function ``draw(ax, value)`` that
draws onto an empty matplotlib Axes, and a short list of parameter values. Then

>>> explore(draw, np.linspace(0.1, 1.0, 10), label="step size h")  # doctest: +SKIP

displays ONE output, a mime bundle with two representations of the same figure:

1. ``application/vnd.jupyter.widget-view+json``: an ipywidgets slider that redraws the
   figure for the chosen value. Front ends with a widget manager and a running kernel
   (JupyterLab, Jupyter Notebook, VS Code) prefer it and show the live figure;
2. ``text/html``: a matplotlib JavaScript animation (``FuncAnimation.to_jshtml``) of the
   same frames, precomputed when the cell runs, which plays in any browser without a
   kernel. The book's ``_config.yml`` tells myst-nb to prefer ``text/html`` for the HTML
   builder, so the static page shows the working animation and not a dead slider.

Because it is one output, a cell's ``mystnb: figure: {caption, name}`` metadata wraps
it into one numbered, captioned figure. ``alt`` is the text alternative of the
animation's image; the slider and buttons carry accessible names.

Frames are drawn at twice their CSS size (``PIXEL_RATIO``) so that they are sharp on
high-density screens. The figures are made with :class:`matplotlib.figure.Figure`
directly, never through ``pyplot``, so the notebook's inline backend does not display
them a second time at the end of the cell.
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

__all__ = ["explore", "animation_html", "frame_labels", "MAX_FRAMES", "PIXEL_RATIO"]

#: Most frames one call may draw: each frame is a PNG embedded in the page.
MAX_FRAMES = 60

#: CSS pixels per inch of ``figsize``, and image pixels per CSS pixel (2: sharp on
#: high-density screens, shown at the CSS size).
CSS_DPI = 100
PIXEL_RATIO = 2

#: Mime type of an ipywidgets view (what a front end with a widget manager renders).
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"

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
_SLIDER = re.compile(r'(<input id="_anim_slider[0-9a-f]*" type="range")')
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
    label: str = "",
) -> str:
    """Precompute a JavaScript animation of ``draw(ax, v)`` over ``values``.

    ``alt`` is the text alternative of the animation's image (what every frame shows);
    ``label`` names the parameter in the accessible name of the animation's slider.

    Returns the HTML of ``matplotlib.animation.FuncAnimation(...).to_jshtml()`` with
    every frame embedded as a PNG, its Font Awesome stylesheet link (a CDN) removed and
    its icons replaced by plain characters, so that it works offline. Frames are drawn
    at ``PIXEL_RATIO`` times their CSS size (``figsize`` at 100 CSS pixels per inch).
    """
    fig = Figure(figsize=figsize, dpi=CSS_DPI * PIXEL_RATIO)

    def update(index: int) -> list[Any]:
        _draw_frame(fig, draw, values[index], projection)
        return []

    anim = FuncAnimation(
        fig, update, frames=range(len(values)), interval=interval_ms, repeat=False, blit=False
    )
    page = anim.to_jshtml(default_mode="once")
    width = round(figsize[0] * CSS_DPI)
    alt_text = html.escape(alt, quote=True)
    slider_name = html.escape(f"Frame of the animation{': ' + label if label else ''}",
                              quote=True)
    page = _REMOTE_LINK.sub("", page)
    # Frames have PIXEL_RATIO times the pixels of their CSS size: shown at the CSS size
    # (never wider than the column), they are sharp on high-density screens.
    page = _FRAME_IMG.sub(
        lambda m: (f'{m.group(0)[:-1]} alt="{alt_text}" width="{width}" '
                   f'style="width:{width}px;max-width:100%;height:auto">'),
        page, count=1)
    page = _SLIDER.sub(lambda m: f'{m.group(1)} aria-label="{slider_name}"', page, count=1)
    # The buttons are named by their aria-label (e.g. "Next frame"); the glyph is decoration.
    page = _ICON.sub(
        lambda m: '<span aria-hidden="true">'
                  f'{html.escape(_ICON_TEXT.get(m.group(1), m.group(1)))}</span>',
        page)
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
    """Show an interactive figure: ONE output that is a live slider in a running
    notebook and a precomputed animation in the static book (see the module's doc).

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
        One display output is made: a mime bundle with the widget view (slider and
        figure) and, as ``text/html``, the animation; ``text/plain`` names the figure.

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
    from IPython.display import display

    if alt is None:
        alt = f"The figure for each value of {label}, from {labels[0]} to {labels[-1]}."
    if not isinstance(alt, str) or not alt.strip():
        raise ValueError("alt must be a non-empty string saying what the figure shows")
    first_png = _frame_png(draw, frames[0], size, projection)
    movie = animation_html(draw, frames, figsize=size, interval_ms=interval,
                           projection=projection, alt=alt, label=label)

    slider = widgets.SelectionSlider(
        options=list(zip(labels, range(len(frames)), strict=True)),
        value=0,
        description=label,
        continuous_update=False,
        style={"description_width": "initial"},
        layout=widgets.Layout(width=f"{max(size[0] * CSS_DPI, 300):.0f}px"),
    )
    output = widgets.Output()
    # Setting `outputs` from the kernel (rather than `with output:`) puts the image in
    # the widget's own state, which nbclient saves into the notebook's metadata.
    output.outputs = (_png_output(first_png, size, alt),)

    def redraw(change: dict[str, Any]) -> None:
        png = _frame_png(draw, frames[change["new"]], size, projection)
        output.outputs = (_png_output(png, size, alt),)

    slider.observe(redraw, names="value")
    box = widgets.VBox([slider, output])

    bundle = dict(box._repr_mimebundle_() or {})
    if WIDGET_VIEW not in bundle:  # never expected with ipywidgets 8: say so loudly
        raise RuntimeError(f"ipywidgets gave no {WIDGET_VIEW} view for the slider; "
                           f"got {sorted(bundle)}: check the installed ipywidgets")
    bundle["text/html"] = movie
    bundle["text/plain"] = f"Interactive figure over {label}: {alt}"
    display(bundle, raw=True)


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
    """One frame as a PNG with ``PIXEL_RATIO`` pixels per CSS pixel."""
    fig = Figure(figsize=figsize, dpi=CSS_DPI * PIXEL_RATIO)
    _draw_frame(fig, draw, value, projection)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


def _png_output(png: bytes, figsize: tuple[float, float], alt: str) -> dict[str, Any]:
    """A display_data output (nbformat) holding one PNG, shown at its CSS size."""
    return {
        "output_type": "display_data",
        "data": {
            "image/png": base64.b64encode(png).decode("ascii"),
            "text/plain": alt,
        },
        "metadata": {"image/png": {"width": round(figsize[0] * CSS_DPI),
                                   "height": round(figsize[1] * CSS_DPI)}},
    }
