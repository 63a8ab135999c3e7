"""The feedback page a student receives, opened in headless Chromium from disk.

A hostile student's notebook (script tags, an <img onerror>, a javascript: link, a raw
cell with a script, an HTML output, a long line, paths of the grading machine printed
and raised) is graded and turned into feedback with real nbgrader commands; the page
must load nothing from outside its folder, run none of the student's script, show no
server path, name every graded function in its summary, typeset its mathematics with
the local MathJax, and fit the window without horizontal scrolling."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from course import REPO, Course, points, with_answers

from autograder.feedback import render_markdown, scrub_paths

A = "01_derivatives"
CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
HOSTILE_MD = ("# My notes $\\sigma(z) = \\frac{1}{1 + e^{-z}}$\n\n"
              "<script>window.__pwned = 'script'</script>\n\n"
              "<img src=x onerror=\"window.__pwned = 'onerror'\">\n\n"
              "[click me](javascript:window.__pwned='link') and "
              "<a href=\"javascript:window.__pwned='a'\">this</a>\n\n"
              "$$\\href{javascript:window.__pwned='href'}{x}$$\n\n"
              "<iframe src='https://example.org/'></iframe> "
              "![remote](https://example.org/pixel.png)\n")
PROBE = ("from IPython.display import HTML, Javascript, display\n"
         "display(HTML(\"<img src=x onerror=\\\"window.__pwned='output'\\\">\"))\n"
         "display(Javascript(\"window.__pwned='js'\"))\n"
         f"print('see {REPO}/solutions/01_derivatives and /root/.config/secret and /tmp/x/y')\n"
         "print('a' * 3000)\n")
RAISER = "raise ValueError('cannot open /work/grading/secret/answers.ipynb ' + 'b' * 2000)"


def hostile(course: Course):
    nb = with_answers(course.source(A), {
        "coin_mle": "def coin_mle(heads, tails):\n    return tails / (heads + tails)"})
    nb.cells.insert(1, nbformat.v4.new_markdown_cell(HOSTILE_MD))
    nb.cells.insert(2, nbformat.v4.new_raw_cell("<script>window.__pwned = 'raw'</script>"))
    index = next(i for i, c in enumerate(nb.cells) if c.cell_type == "code")
    nb.cells.insert(index + 1, nbformat.v4.new_code_cell(PROBE))
    nb.cells.insert(index + 2, nbformat.v4.new_code_cell(RAISER))
    return nb


@pytest.fixture(scope="module")
def feedback(tmp_path_factory) -> tuple[Course, Path]:
    root = tmp_path_factory.mktemp("feedback_course")
    course = Course(root)
    course.generate(A)
    course.submit("eve", A, hostile(course))
    course.autograde(A)
    course.nbgrader("generate_feedback", A)
    page = root / "feedback" / "eve" / A / f"{A}.html"
    assert page.is_file()
    return course, page


@pytest.fixture(scope="module")
def browser():
    from playwright import sync_api

    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium", pytrace=False)
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.mark.slow
@pytest.mark.browser
def test_feedback_page_in_chromium(feedback, browser):
    course, page_path = feedback
    folder = page_path.parent
    context = browser.new_context(viewport={"width": 900, "height": 900})
    page = context.new_page()
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("dialog", lambda d: (errors.append(f"dialog: {d.message}"), d.dismiss()))
    page.goto(page_path.as_uri(), wait_until="load")
    page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise",
                           timeout=30_000)
    page.evaluate("() => MathJax.startup.promise")
    # every link a reader might click goes to a place in the page or a web address
    for link in page.locator("a").all():
        href = link.get_attribute("href") or ""
        assert href.startswith(("#", "https://", "http://")), f"a link to {href}"
    state = page.evaluate("""() => ({
        pwned: window.__pwned === undefined ? null : String(window.__pwned),
        math: document.querySelectorAll('mjx-container').length,
        text: document.body.innerText,
        summary: Array.from(document.querySelectorAll('nav li')).map(li => li.innerText),
        overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
        scripts: Array.from(document.scripts).map(s => s.src || 'inline'),
        iframes: document.querySelectorAll('iframe, object, embed').length,
        remoteImages: Array.from(document.images).filter(
            i => !i.src.startsWith('data:')).map(i => i.src),
    })""")
    SHOTS = REPO / "_build" / "screenshots"
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "feedback.png"), full_page=True)
    context.close()

    # one file: what release_feedback hands a student is the page alone
    assert [u for u in requests if not u.startswith("data:")] == [page_path.as_uri()]
    assert sorted(p.name for p in folder.iterdir()) == [page_path.name]
    assert state["pwned"] is None, f"student script ran: {state['pwned']}"
    assert not errors, errors
    assert state["iframes"] == 0 and not state["remoteImages"], state
    assert state["scripts"] == ["inline", "inline"]  # the MathJax configuration, MathJax
    assert state["math"] >= 2, "MathJax did not typeset the formulas"
    assert state["overflow"] <= 0, f"the page scrolls sideways by {state['overflow']} px"
    names = list(points(course.source(A)))
    assert [s.split(":")[0] for s in state["summary"]] == names
    assert not any(s.startswith("Test cell") for s in state["summary"])
    assert any(s.startswith("coin_mle: 0") for s in state["summary"]), state["summary"]
    html = page_path.read_text()
    for secret in (str(REPO), "/root/", "/tmp/", "/work/", str(course.root)):
        assert secret not in html and secret not in state["text"], secret
    assert "&lt;script&gt;window.__pwned = 'script'&lt;/script&gt;" in html  # shown as text
    assert "<script>window.__pwned" not in html


def test_scrub_paths():
    assert scrub_paths("File /work/wt/x/autograder/grade.py, line 3") == \
        "File .../grade.py, line 3"
    assert scrub_paths("open('/tmp/a/b/')") == "open('.../b')"
    assert scrub_paths("1/2/3 and a/b/c and https://x.org/a/b") == \
        "1/2/3 and a/b/c and https://x.org/a/b"


def test_markdown_without_raw_html():
    out = render_markdown("<b>x</b> [a](javascript:alert(1)) $a_1 * b_2 * c$ **y**")
    assert "<b>" not in out and "&lt;b&gt;" in out
    assert 'href="javascript' not in out
    assert "$a_1 * b_2 * c$" in out and "<strong>y</strong>" in out
