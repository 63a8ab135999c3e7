"""The built book in a real browser: every page of _toc.yml, loaded by headless Chromium.

Run ``make book`` first: this test serves ``_build/html`` on 127.0.0.1 and checks, for
every page listed in ``_toc.yml`` (so new chapters are covered automatically), that

- no request fails, no response is an HTTP error, and no request goes to any host
  other than 127.0.0.1 (the book must work offline: no CDN);
- the console shows no error and no script throws;
- MathJax typeset at least as many expressions as the page's source contains;
- every image loaded;
- every saved widget view rendered (a slider where the state has one), with no
  "Error displaying widget";
- where the page calls ``explore``, the precomputed JavaScript animation is there and
  steps to another frame when its "Next frame" button is pressed.

A full-page screenshot of each page is written to ``_build/screenshots/`` (not
committed) so a person can look at what the browser saw.

Chromium is Debian's ``/usr/bin/chromium`` (installed by ``make system-deps``), driven
by the Playwright Python package; ``playwright install`` is never needed.
"""

from __future__ import annotations

import functools
import http.server
import json
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from autograder.grade import cell_source

ROOT = Path(__file__).resolve().parent.parent
HTML = ROOT / "_build" / "html"
SCREENSHOTS = ROOT / "_build" / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOCAL_HOST = "127.0.0.1"

pytestmark = pytest.mark.browser


# ------------------------------------------------------------------ the pages of the book


def toc_pages(toc_path: Path = ROOT / "_toc.yml") -> list[str]:
    """Every document of the table of contents (root first), without file extension."""
    toc = yaml.safe_load(toc_path.read_text("utf-8"))
    pages = [str(toc["root"])]

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if "file" in node:
                pages.append(str(node["file"]))
            for key in ("parts", "chapters", "sections"):
                for child in node.get(key, []) or []:
                    walk(child)
        elif isinstance(node, list):
            for child in node:
                walk(child)

    walk(toc)
    return [re.sub(r"\.(md|ipynb)$", "", page) for page in pages]


def source_file(page: str) -> Path:
    """The source of a page: ``<page>.md`` or ``<page>.ipynb``."""
    for ext in (".md", ".ipynb"):
        path = ROOT / f"{page}{ext}"
        if path.is_file():
            return path
    raise FileNotFoundError(f"_toc.yml lists {page!r} but neither {page}.md nor .ipynb exists")


def markdown_text(path: Path) -> str:
    """The markdown of a page: for a notebook its markdown cells, for MyST-md the file."""
    if path.suffix == ".ipynb":
        nb = json.loads(path.read_text("utf-8"))
        return "\n\n".join(
            cell_source(cell)
            for cell in nb["cells"]
            if cell["cell_type"] == "markdown"
        )
    return path.read_text("utf-8")


_FENCE = re.compile(r"^\s*(`{3,}|~{3,})\s*(\{([\w:-]+)\})?(.*)$")
_SKIPPED_DIRECTIVES = {"code-cell", "code", "code-block", "sourcecode", "raw", "eval-rst"}
_AMSMATH = re.compile(
    r"^\s*\\begin\{(equation|multline|gather|align|alignat|flalign|eqnarray)\*?\}", re.M
)
_DISPLAY_DOLLARS = re.compile(r"\$\$(.+?)\$\$", re.S)
_INLINE_DOLLARS = re.compile(r"(?<![\\$])\$(?=[^\s$])([^$\n]*?[^\s\\$])\$(?!\d)")
_MATH_ROLE = re.compile(r"\{math\}`[^`]+`")
_INLINE_CODE = re.compile(r"(`+)(?!`).*?(?<!`)\1(?!`)")


def count_math(text: str) -> int:
    """How many math expressions MyST makes of ``text``: a lower bound for MathJax.

    Counts ``$$...$$`` blocks, inline ``$...$``, ``{math}`` roles, ``{math}`` directives
    and bare amsmath environments, ignoring code cells, code blocks and inline code.
    """
    text = re.sub(r"\A---\n.*?\n---\n", "", text, flags=re.S)  # front matter
    kept: list[str] = []
    directives = 0
    stack: list[tuple[str, bool]] = []  # open fences: (fence, content is skipped)
    for line in text.splitlines():
        match = _FENCE.match(line)
        if stack and stack[-1][1]:  # inside code: only look for the closing fence
            fence = stack[-1][0]
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence) \
                    and not match.group(2) and not match.group(4).strip():
                stack.pop()
            continue
        if match:
            fence, name = match.group(1), match.group(3)
            closes = (stack and fence[0] == stack[-1][0][0] and len(fence) >= len(stack[-1][0])
                      and not match.group(2) and not match.group(4).strip())
            if closes:
                stack.pop()
                continue
            if name == "math":
                directives += 1
                stack.append((fence, True))
            elif name is None or name in _SKIPPED_DIRECTIVES:
                stack.append((fence, True))
            else:  # admonition, note, dropdown ...: its body is markdown
                stack.append((fence, False))
            continue
        if re.match(r"^\s*:[\w-]+:", line):  # a directive option such as :class: dropdown
            continue
        kept.append(line)
    body = "\n".join(kept)
    roles = len(_MATH_ROLE.findall(body))
    body = _MATH_ROLE.sub(" ", body)
    body = _INLINE_CODE.sub(" ", body)
    display = len(_DISPLAY_DOLLARS.findall(body))
    body = _DISPLAY_DOLLARS.sub(" ", body)
    amsmath = len(_AMSMATH.findall(body))
    inline = len(_INLINE_DOLLARS.findall(body))
    return display + inline + roles + directives + amsmath


def test_count_math_examples() -> None:
    text = (
        "---\nkernelspec: {}\n---\n# T\n$a$ and $b^2$, not `$c$` nor \\$5 or $ x $.\n"
        "$$\nx = 1\n$$ (lab)\n\n```{code-cell} ipython3\nplt.xlabel('$x$')\n```\n"
        "````{admonition} Note\nhas $y$\n```python\n'$z$'\n```\n````\n"
        "```{math}\n:label: m\nE\n```\n{math}`\\pi` and \\begin{align}\n"
        "\\begin{align}\na &= b\n\\end{align}\n"
    )
    # $a$, $b^2$, $$x = 1$$, $y$, the {math} directive, the {math} role, one align
    assert count_math(text) == 7


# ------------------------------------------------------------------------------ fixtures


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.fixture(scope="module")
def book_url() -> Iterator[str]:
    """Serve _build/html on 127.0.0.1 at a free port, from a background thread."""
    if not (HTML / f"{toc_pages()[0]}.html").is_file():
        pytest.fail(
            f"{HTML} has no built book: run `make book` (or `python scripts/static_assets.py "
            "&& jupyter-book build . -W -n --keep-going`) before the browser tests",
            pytrace=False,
        )
    handler = functools.partial(_QuietHandler, directory=str(HTML))
    server = http.server.ThreadingHTTPServer((LOCAL_HOST, 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{LOCAL_HOST}:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Headless Debian Chromium driven by Playwright."""
    from playwright import sync_api  # a pinned requirement: missing means a broken set-up
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make system-deps` (apt-get install chromium)",
                    pytrace=False)
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


# --------------------------------------------------------------------------------- tests

_PAGE_STATE_JS = """
() => {
  const views = Array.from(document.querySelectorAll(
      'script[type="application/vnd.jupyter.widget-view+json"]'));
  const stateTag = document.querySelector(
      'script[type="application/vnd.jupyter.widget-state+json"]');
  const state = stateTag ? JSON.parse(stateTag.textContent).state : {};
  return {
    math: document.querySelectorAll('mjx-container').length,
    mathErrors: document.querySelectorAll('mjx-merror').length,
    images: Array.from(document.images).map(img => ({
      src: img.currentSrc.slice(0, 80), complete: img.complete, width: img.naturalWidth})),
    views: views.map(tag => {
      const model = JSON.parse(tag.textContent).model_id;
      const holder = tag.previousElementSibling;
      return {
        model: model,
        modelName: (state[model] || {}).model_name || null,
        rendered: !!(holder && holder.querySelector('.jupyter-widgets')),
      };
    }),
    sliderModels: Object.values(state).filter(m => /SliderModel$/.test(m.model_name)).length,
    sliders: document.querySelectorAll('.widget-slider, .widget-hslider').length,
    widgetErrors: document.querySelectorAll('.jupyter-widgets-error-widget').length
        + (document.body.innerText.includes('Error displaying widget') ? 1 : 0),
    animations: document.querySelectorAll('.animation img[id^="_anim_img"]').length,
  };
}
"""


def _is_local(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about"):
        return True
    return parts.scheme in ("http", "https") and parts.hostname == LOCAL_HOST


@pytest.mark.parametrize("page_name", toc_pages())
def test_page_renders_offline(browser, book_url: str, page_name: str) -> None:
    if not (HTML / f"{page_name}.html").is_file():
        pytest.fail(f"{page_name}.html is not in {HTML}: _toc.yml lists it, but the book was "
                    "built without it; rebuild with `make book`", pytrace=False)
    source = source_file(page_name)
    expected_math = count_math(markdown_text(source))
    uses_explore = "explore(" in source.read_text("utf-8")

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    requests: list[str] = []
    failed: list[str] = []
    http_errors: list[str] = []
    console_errors: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("requestfailed", lambda r: failed.append(f"{r.url} ({r.failure})"))
    page.on("response", lambda r: r.status >= 400 and http_errors.append(f"{r.status} {r.url}"))
    page.on("console", lambda m: m.type == "error" and console_errors.append(
        f"{m.text} (at {m.location.get('url', '?')})"))
    page.on("pageerror", lambda e: console_errors.append(f"uncaught: {e}"))
    try:
        response = page.goto(f"{book_url}/{page_name}.html", wait_until="load")
        assert response is not None and response.ok, f"{page_name}.html: HTTP error"
        if expected_math:
            page.wait_for_function("() => window.MathJax && MathJax.startup "
                                   "&& MathJax.startup.promise", timeout=30_000)
            page.evaluate("() => MathJax.startup.promise")
        n_views = page.locator('script[type="application/vnd.jupyter.widget-view+json"]').count()
        if n_views:
            page.wait_for_function(
                "n => document.querySelectorAll('.widget-subarea .jupyter-widgets, "
                ".jupyter-widgets-error-widget').length >= n", arg=n_views, timeout=30_000)
        # scroll through the page so that lazily loaded images load, then settle
        page.evaluate("() => window.scrollTo(0, document.body.scrollHeight)")
        page.evaluate("() => window.scrollTo(0, 0)")
        page.wait_for_load_state("networkidle")
        page.wait_for_function(
            "() => Array.from(document.images).every(img => img.complete)", timeout=30_000)
        state = page.evaluate(_PAGE_STATE_JS)

        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shot = SCREENSHOTS / (page_name.replace("/", "__") + ".png")
        page.screenshot(path=str(shot), full_page=True)

        if uses_explore:
            assert state["animations"] >= 1, "the page calls explore but has no JS animation"
            frame = page.locator('.animation img[id^="_anim_img"]').first
            before = frame.get_attribute("src")
            page.locator('.animation button[title="Next frame"]').first.click()
            assert frame.get_attribute("src") != before, "the animation did not step a frame"
            assert frame.evaluate("img => img.naturalWidth") > 0
    finally:
        context.close()

    foreign = sorted({url for url in requests if not _is_local(url)})
    assert not foreign, f"{page_name}: requests left {LOCAL_HOST}: {foreign}"
    assert not failed, f"{page_name}: failed requests: {failed}"
    assert not http_errors, f"{page_name}: HTTP errors: {http_errors}"
    assert not console_errors, f"{page_name}: console errors: {console_errors}"

    assert state["math"] >= expected_math, (
        f"{page_name}: MathJax rendered {state['math']} expressions, the source has "
        f"{expected_math}")
    assert state["mathErrors"] == 0, f"{page_name}: {state['mathErrors']} MathJax errors"

    broken = [img for img in state["images"] if not img["width"]]
    assert not broken, f"{page_name}: images that did not load: {broken}"

    unrendered = [v for v in state["views"] if not v["rendered"]]
    assert not unrendered, f"{page_name}: widget views not rendered: {unrendered}"
    assert state["widgetErrors"] == 0, f"{page_name}: a widget failed to display"
    assert state["sliders"] >= state["sliderModels"], (
        f"{page_name}: {state['sliderModels']} sliders saved, {state['sliders']} rendered")
    if uses_explore:
        assert state["views"], f"{page_name}: calls explore but has no saved widget view"
