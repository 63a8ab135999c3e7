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
- where the page calls ``explore``, each interactive figure appears once, as its
  kernel-free version: the precomputed JavaScript animation (no dead slider), which
  steps to another frame when its "Next frame" button is pressed;
- nothing is cut off: at a 1280 px and a 390 px (phone) wide window no element's
  content is wider than its box and beyond the article column while the element (or
  one of its ancestors) does not scroll, and the page itself does not scroll sideways;
- axe-core (npm package ``axe-core``, injected by this test from node_modules) finds no
  violation of the WCAG 2.0/2.1 A and AA rules;
- figures are numbered ("Fig. N" in their caption) and every image inside one has a
  text alternative that is not a file name;
- every chapter page (a MyST notebook) links its notebook for download, and the file
  behind the link is a valid Jupyter notebook with the chapter's cells.

A full-page screenshot of each page, and an element screenshot of each chapter's first
figure with its caption, are written to ``_build/screenshots/`` (not committed) so a
person can look at what the browser saw.

Chromium is Debian's ``/usr/bin/chromium`` (installed by ``make system-deps``), driven
by the Playwright Python package; ``playwright install`` is never needed.
"""

from __future__ import annotations

import functools
import http.server
import json
import re
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import jupytext
import nbformat
import pytest
import yaml

from autograder.grade import cell_source

ROOT = Path(__file__).resolve().parent.parent
HTML = ROOT / "_build" / "html"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
WIDTHS = [1280, 390]
DOWNLOAD_TEXT = "Download this chapter as a Jupyter notebook (.ipynb)"
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
      src: img.currentSrc.slice(0, 80), complete: img.complete, width: img.naturalWidth,
      shownWidth: img.getBoundingClientRect().width,
      cssWidth: parseFloat(img.style.width) || parseFloat(img.getAttribute('width')) || null,
      alt: img.getAttribute('alt'), inFigure: !!img.closest('figure'),
      output: !!img.closest('.cell_output, .output, figure')})),
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
    animationsInFigures: document.querySelectorAll(
        'figure .animation img[id^="_anim_img"]').length,
    figures: Array.from(document.querySelectorAll('article figure')).map(f => ({
      id: f.id,
      caption: (f.querySelector('figcaption') || {innerText: ''}).innerText.trim()})),
    downloads: Array.from(document.querySelectorAll('article a[href$=".ipynb"]')).map(a => ({
      href: a.href, text: a.innerText.trim(),
      visible: !!(a.offsetWidth || a.offsetHeight || a.getClientRects().length)})),
  };
}
"""

# An element is cut off when its content is wider than its box, it does not scroll
# (overflow-x visible, hidden or clip) nor does any ancestor inside the article, and the
# content reaches beyond the article column. The page must not scroll sideways either.
_CUT_OFF_JS = """
() => {
  const article = document.querySelector('article.bd-article')
      || document.querySelector('main') || document.body;
  const column = article.getBoundingClientRect();
  const scrolls = el => ['auto', 'scroll'].includes(getComputedStyle(el).overflowX);
  const inScroller = el => {
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      if (scrolls(a)) return true;
      if (a === article) return false;
    }
    return false;
  };
  const describe = el => {
    const cls = (typeof el.className === 'string' && el.className)
        ? '.' + el.className.trim().split(/\\s+/).slice(0, 3).join('.') : '';
    const text = (el.innerText || el.textContent || '').trim().replace(/\\s+/g, ' ');
    return el.tagName.toLowerCase() + cls + ' "' + text.slice(0, 60) + '"';
  };
  const cut = [];
  for (const el of article.querySelectorAll('*')) {
    if (el.clientWidth === 0 || el.scrollWidth <= el.clientWidth + 1) continue;
    if (scrolls(el) || inScroller(el)) continue;
    const box = el.getBoundingClientRect();
    const reach = box.left + el.scrollWidth;
    if (reach > column.right + 1) {
      cut.push(describe(el) + ': content ' + el.scrollWidth + ' px in a box of '
               + el.clientWidth + ' px, reaching ' + Math.round(reach - column.right)
               + ' px beyond the column');
    }
  }
  const page = document.documentElement;
  if (page.scrollWidth > page.clientWidth + 1) {
    cut.push('the page scrolls sideways: ' + page.scrollWidth + ' px wide in a '
             + page.clientWidth + ' px window');
  }
  return cut;
}
"""

_AXE_JS = """
async (tags) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags},
                                          resultTypes: ['violations']});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, count: v.nodes.length,
    nodes: v.nodes.slice(0, 4).map(n => n.target.join(' ') + ' :: '
                                        + n.failureSummary.replace(/\\s+/g, ' ').slice(0, 200)),
  }));
}
"""


def _is_local(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about"):
        return True
    return parts.scheme in ("http", "https") and parts.hostname == LOCAL_HOST


def explore_calls(source: Path) -> int:
    """How many interactive figures the page's code makes (lines that call explore)."""
    return sum(1 for line in source.read_text("utf-8").splitlines()
               if re.match(r"\s*explore\(", line))


def is_notebook_page(source: Path) -> bool:
    """A page with code cells: a chapter the reader can run as a notebook."""
    return source.suffix == ".md" and "{code-cell}" in source.read_text("utf-8")


def _settle(page: object, expected_math: int) -> None:
    """Wait for MathJax, the widget views, every image; scroll so lazy images load."""
    if expected_math:
        page.wait_for_function("() => window.MathJax && MathJax.startup "
                               "&& MathJax.startup.promise", timeout=30_000)
        page.evaluate("() => MathJax.startup.promise")
        # calcml-book.js has marked the inline formulas wider than their column
        page.wait_for_function("() => document.documentElement.dataset.calcmlMath "
                               "=== 'ready'", timeout=30_000)
    n_views = page.locator('script[type="application/vnd.jupyter.widget-view+json"]').count()
    if n_views:
        page.wait_for_function(
            "n => document.querySelectorAll('.widget-subarea .jupyter-widgets, "
            ".jupyter-widgets-error-widget').length >= n", arg=n_views, timeout=30_000)
    page.evaluate("() => window.scrollTo(0, document.body.scrollHeight)")
    page.evaluate("() => window.scrollTo(0, 0)")
    page.wait_for_load_state("networkidle")
    page.wait_for_function(
        "() => Array.from(document.images).every(img => img.complete)", timeout=30_000)


class PageVisit:
    """What the browser saw on one page at one window width."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        self.failed: list[str] = []
        self.http_errors: list[str] = []
        self.console_errors: list[str] = []
        self.state: dict = {}
        self.cut_off: list[str] = []
        self.axe: list[dict] = []
        self.animation_steps: bool | None = None


def visit(browser: object, book_url: str, page_name: str, width: int) -> PageVisit:
    """Load a page at a window width and record everything the tests below check."""
    if not (HTML / f"{page_name}.html").is_file():
        pytest.fail(f"{page_name}.html is not in {HTML}: _toc.yml lists it, but the book was "
                    "built without it; rebuild with `make book`", pytrace=False)
    source = source_file(page_name)
    seen = PageVisit()
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.on("request", lambda r: seen.requests.append(r.url))
    page.on("requestfailed", lambda r: seen.failed.append(f"{r.url} ({r.failure})"))
    page.on("response",
            lambda r: r.status >= 400 and seen.http_errors.append(f"{r.status} {r.url}"))
    page.on("console", lambda m: m.type == "error" and seen.console_errors.append(
        f"{m.text} (at {m.location.get('url', '?')})"))
    page.on("pageerror", lambda e: seen.console_errors.append(f"uncaught: {e}"))
    try:
        response = page.goto(f"{book_url}/{page_name}.html", wait_until="load")
        assert response is not None and response.ok, f"{page_name}.html: HTTP error"
        _settle(page, count_math(markdown_text(source)))
        seen.state = page.evaluate(_PAGE_STATE_JS)
        seen.cut_off = page.evaluate(_CUT_OFF_JS)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        stem = page_name.replace("/", "__")
        if width == WIDTHS[0]:
            page.screenshot(path=str(SCREENSHOTS / f"{stem}.png"), full_page=True)
            first_figure = page.locator("article figure").first
            if first_figure.count():
                first_figure.scroll_into_view_if_needed()
                first_figure.screenshot(path=str(SCREENSHOTS / f"{stem}__figure1.png"))
            if not AXE.is_file():
                pytest.fail(f"{AXE} is missing: run `npm ci` (package.json lists axe-core)",
                            pytrace=False)
            page.add_script_tag(path=str(AXE))
            seen.axe = page.evaluate(_AXE_JS, AXE_TAGS)
            if seen.state["animations"]:
                frame = page.locator('.animation img[id^="_anim_img"]').first
                before = frame.get_attribute("src")
                page.locator('.animation button[title="Next frame"]').first.click()
                seen.animation_steps = (frame.get_attribute("src") != before
                                        and frame.evaluate("img => img.naturalWidth") > 0)
        else:
            page.screenshot(path=str(SCREENSHOTS / f"{stem}__{width}px.png"), full_page=True)
    finally:
        context.close()
    return seen


@pytest.fixture(scope="module")
def visits(browser, book_url: str) -> Iterator[object]:
    """Each (page, width) is loaded once; every test below reads what was seen."""
    cache: dict[tuple[str, int], PageVisit] = {}

    def get(page_name: str, width: int = WIDTHS[0]) -> PageVisit:
        if (page_name, width) not in cache:
            cache[(page_name, width)] = visit(browser, book_url, page_name, width)
        return cache[(page_name, width)]

    yield get


@pytest.mark.parametrize("page_name", toc_pages())
def test_page_renders_offline(visits, page_name: str) -> None:
    source = source_file(page_name)
    expected_math = count_math(markdown_text(source))
    seen = visits(page_name)
    state = seen.state

    foreign = sorted({url for url in seen.requests if not _is_local(url)})
    assert not foreign, f"{page_name}: requests left {LOCAL_HOST}: {foreign}"
    assert not seen.failed, f"{page_name}: failed requests: {seen.failed}"
    assert not seen.http_errors, f"{page_name}: HTTP errors: {seen.http_errors}"
    assert not seen.console_errors, f"{page_name}: console errors: {seen.console_errors}"

    assert state["math"] >= expected_math, (
        f"{page_name}: MathJax rendered {state['math']} expressions, the source has "
        f"{expected_math}")
    assert state["mathErrors"] == 0, f"{page_name}: {state['mathErrors']} MathJax errors"

    broken = [img for img in state["images"] if not img["width"]]
    assert not broken, f"{page_name}: images that did not load: {broken}"

    unrendered = [v for v in state["views"] if not v["rendered"]]
    assert not unrendered, f"{page_name}: widget views not rendered: {unrendered}"
    assert state["widgetErrors"] == 0, f"{page_name}: a widget failed to display"
    assert state["sliders"] >= state["sliderModels"] or not state["views"], (
        f"{page_name}: {state['sliderModels']} sliders saved, {state['sliders']} rendered")


@pytest.mark.parametrize("page_name", toc_pages())
def test_interactive_figures_appear_once_as_their_working_animation(visits,
                                                                    page_name: str) -> None:
    n_explore = explore_calls(source_file(page_name))
    state = visits(page_name).state
    assert state["animations"] == n_explore, (
        f"{page_name}: the code calls explore {n_explore} times, the page shows "
        f"{state['animations']} animations")
    if n_explore:
        assert not state["views"] and not state["sliders"], (
            f"{page_name}: a slider that does nothing without a kernel is on the page "
            f"({len(state['views'])} widget views): explore's widget view must not be "
            "rendered in the static book (nb_mime_priority_overrides in _config.yml)")
        assert visits(page_name).animation_steps, (
            f"{page_name}: the animation did not step a frame when 'Next frame' was pressed")


@pytest.mark.parametrize("width", WIDTHS, ids=lambda w: f"{w}px")
@pytest.mark.parametrize("page_name", toc_pages())
def test_nothing_is_cut_off(visits, page_name: str, width: int) -> None:
    cut = visits(page_name, width).cut_off
    assert not cut, (f"{page_name} at a {width} px window: content cut off or spilling out "
                     "of the column:\n" + "\n".join(cut))


@pytest.mark.parametrize("page_name", toc_pages())
def test_no_accessibility_violations(visits, page_name: str) -> None:
    violations = visits(page_name).axe
    report = "\n".join(
        f"{v['id']} ({v['impact']}, {v['count']} elements): {v['help']}\n    "
        + "\n    ".join(v["nodes"]) for v in violations)
    assert not violations, (f"{page_name}: axe-core ({', '.join(AXE_TAGS)}) found "
                            f"{sum(v['count'] for v in violations)} violations:\n{report}")


_FILE_NAME = re.compile(r"^\S+\.(png|svg|jpe?g|gif)$", re.IGNORECASE)


@pytest.mark.parametrize("page_name", toc_pages())
def test_figures_are_numbered_and_described(visits, page_name: str) -> None:
    state = visits(page_name).state
    problems = []
    for fig in state["figures"]:
        if not re.match(r"^(Fig\.|Figure) \d+", fig["caption"]):
            problems.append(f"figure {fig['id'] or '?'} has no numbered caption: "
                            f"{fig['caption'][:60]!r}")
    for img in state["images"]:
        alt = (img["alt"] or "").strip()
        if img["inFigure"] and (not alt or _FILE_NAME.match(alt)):
            problems.append(f"image {img['src']}... has alt text {img['alt']!r}")
    unwrapped = state["animations"] - state["animationsInFigures"]
    if unwrapped:
        problems.append(f"{unwrapped} interactive figure(s) not inside a numbered figure "
                        "(mystnb: figure: caption/name on the explore cell)")
    if is_notebook_page(source_file(page_name)) and not state["figures"]:
        problems.append("the chapter has no numbered, captioned figure (mystnb: figure:)")
    assert not problems, f"{page_name}:\n" + "\n".join(problems)


@pytest.mark.parametrize("page_name", toc_pages())
def test_figures_are_sharp_and_fit_their_column(visits, page_name: str) -> None:
    """Every figure image is drawn with twice the pixels of its CSS size (sharp on
    high-density screens) and shown at that size, or smaller when the column is narrower."""
    problems = []
    for img in visits(page_name).state["images"]:
        if not img["output"]:
            continue
        if not img["cssWidth"]:
            problems.append(f"image {img['src']}... has no CSS width: it is not a 2x image")
            continue
        if img["width"] < 1.9 * img["cssWidth"]:
            problems.append(f"image {img['src']}... has {img['width']} px for a CSS width of "
                            f"{img['cssWidth']:.0f} px: blurred on high-density screens")
        if img["shownWidth"] > img["cssWidth"] + 1:
            problems.append(f"image {img['src']}... is shown {img['shownWidth']:.0f} px wide, "
                            f"wider than its size {img['cssWidth']:.0f} px")
    assert not problems, f"{page_name}:\n" + "\n".join(problems)


@pytest.mark.parametrize("page_name", toc_pages())
def test_chapter_notebook_download(visits, page_name: str, book_url: str) -> None:
    source = source_file(page_name)
    links = visits(page_name).state["downloads"]
    if not is_notebook_page(source):
        assert not links, f"{page_name} has no code but offers a notebook: {links}"
        return
    assert len(links) == 1, f"{page_name}: expected one notebook download link, got {links}"
    link = links[0]
    assert link["visible"] and link["text"] == DOWNLOAD_TEXT, link
    with urllib.request.urlopen(link["href"], timeout=30) as response:  # noqa: S310 (local)
        nb = nbformat.reads(response.read().decode("utf-8"), as_version=4)
    nbformat.validate(nb)
    want = jupytext.read(source, fmt="md:myst")
    assert [(c.cell_type, c.source) for c in nb.cells] == \
        [(c.cell_type, c.source) for c in want.cells], (
        f"{page_name}: the downloaded notebook does not hold the chapter's cells")
    outputs = [c for c in nb.cells if c.cell_type == "code" and c.outputs]
    assert not outputs, f"{page_name}: the downloaded notebook has outputs"
    assert nb.metadata.get("kernelspec", {}).get("name") == "python3"
