"""The feedback page a student receives: ``nbgrader generate_feedback`` with this
exporter in place of nbgrader's HTML template.

What it guarantees, and how:

- **Nothing from the internet, one file.** MathJax 3 (``node_modules/mathjax``, the
  same copy the book uses; ``es5/tex-svg.js`` carries its fonts) is inlined into the
  page (about 2 MB), because ``nbgrader release_feedback`` hands students the HTML file
  alone; the page's Content Security Policy allows exactly two scripts, by hash (the
  MathJax configuration and MathJax), and images only from data URIs (a markdown
  image from elsewhere is shown as its alt text). MathJax's on-demand loaders
  (``require``, ``autoload``) and its ``\\href``/``\\class`` macros are switched off.
- **No student-controlled HTML or script.** Markdown is rendered by markdown-it with
  raw HTML disabled (``<script>`` shows as text; ``javascript:`` links are not links);
  code, raw cells, outputs and error texts are escaped text; of rich outputs only PNG
  and JPEG images are kept (as data URIs, after checking they are base64), HTML, SVG
  and JavaScript outputs are dropped with a note.
- **A summary that names the functions**: one line per graded cell, ``sigmoid: 1 / 1``,
  linked to the cell, and the late penalty.
- **Long lines wrap**; no horizontal scrolling.
- **No server path**: absolute paths in any text (tracebacks, messages) are cut to
  their last component (:func:`scrub_paths`).
"""

from __future__ import annotations

import base64
import binascii
import html
import re
from pathlib import Path
from typing import Any

from nbconvert.exporters import Exporter

__all__ = ["CourseFeedbackExporter", "scrub_paths", "render_markdown", "MATHJAX"]

REPO = Path(__file__).resolve().parent.parent
MATHJAX = REPO / "node_modules" / "mathjax" / "es5" / "tex-svg.js"

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
#: an absolute path of two or more components, not part of a word, number or URL
_PATH = re.compile(r"(?<![\w.:/)\]])(?:/[\w.+@~-]+){2,}/?")
_MATH = re.compile(r"(\$\$.+?\$\$|\\\[.+?\\\]|\\\(.+?\\\)|(?<![\\$])\$(?!\s)[^$\n]+?(?<![\s\\])\$)",
                   re.DOTALL)


def scrub_paths(text: str) -> str:
    """``text`` with every absolute path cut to ``.../<last component>``."""
    return _PATH.sub(lambda m: ".../" + m.group(0).rstrip("/").rsplit("/", 1)[-1], text)


def _markdown():  # noqa: ANN202  (a MarkdownIt parser)
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")

    def image(renderer, tokens, idx, options, env):  # noqa: ANN001, ANN202, ARG001
        token = tokens[idx]
        src = str(token.attrGet("src") or "")
        alt = html.escape(token.content or "image")
        if re.match(r"data:image/(png|jpeg|gif);base64,[A-Za-z0-9+/=]+$", src):
            return f"<img src=\"{html.escape(src)}\" alt=\"{alt}\">"
        return f"<span class='note'>[image not shown in feedback: {alt}]</span>"

    md.add_render_rule("image", image)
    return md


_MD = None


def render_markdown(source: str) -> str:
    """Markdown to HTML with raw HTML disabled; TeX kept intact (escaped) for MathJax."""
    global _MD
    _MD = _MD or _markdown()
    maths: list[str] = []

    def hold(m: re.Match[str]) -> str:
        maths.append(m.group(0))
        return f"CALCMLMATH{len(maths) - 1}X"

    text = _MD.render(_MATH.sub(hold, source))
    return re.sub(r"CALCMLMATH(\d+)X", lambda m: html.escape(maths[int(m.group(1))]), text)


def _text(value: Any) -> str:
    text = "".join(value) if isinstance(value, list) else str(value or "")
    return scrub_paths(_ANSI.sub("", text))


def _pre(text: str, cls: str = "") -> str:
    return f"<pre class='{cls}'>{html.escape(text)}</pre>" if text else ""


def _image(mime: str, data: Any) -> str:
    raw = "".join(data) if isinstance(data, list) else str(data)
    raw = re.sub(r"\s+", "", raw)
    try:
        base64.b64decode(raw, validate=True)
    except (binascii.Error, ValueError):
        return _pre("(an image output that is not valid base64 was left out)", "note")
    return f"<img alt='an image your code drew' src='data:{mime};base64,{raw}'>"


def _output(out: Any) -> str:
    kind = out.get("output_type")
    if kind == "stream":
        return _pre(_text(out.get("text")), "stream " + str(out.get("name", "")))
    if kind == "error":
        trace = "\n".join(_text(t) for t in out.get("traceback", []))
        head = f"{_text(out.get('ename'))}: {_text(out.get('evalue'))}"
        return _pre(trace if trace.strip() else head, "error")
    if kind in ("display_data", "execute_result"):
        data = out.get("data", {})
        for mime in ("image/png", "image/jpeg"):
            if mime in data:
                return _image(mime, data[mime])
        if "text/plain" in data:
            return _pre(_text(data["text/plain"]), "result")
        if data:
            return _pre("(an output of type " + ", ".join(sorted(map(str, data)))
                        + " is not shown in feedback)", "note")
    return ""


def _function(grade_id: str) -> str:
    return grade_id[len("test_"):] if grade_id.startswith("test_") else grade_id


def _label(cell: Any) -> str | None:
    """How the summary names a graded cell (None for an ungraded one)."""
    meta = cell.get("metadata", {}).get("nbgrader", {})
    grade_id = str(meta.get("grade_id", ""))
    if meta.get("grade") and not meta.get("solution"):
        return _function(grade_id)
    if meta.get("grade"):
        return f"written answer {grade_id}" if cell.cell_type == "markdown" else \
            f"code answer {grade_id}"
    if meta.get("task"):
        return f"task {grade_id}"
    return None


def _points(meta: Any) -> str:
    def num(x: Any) -> str:
        try:
            return f"{float(x):g}"
        except (TypeError, ValueError):
            return "?"
    return f"{num(meta.get('score'))} / {num(meta.get('points'))}"


_STYLE = """
body { font-family: system-ui, sans-serif; max-width: 56rem; margin: 1rem auto;
       padding: 0 1rem; line-height: 1.5; color: #1b1b1b; overflow-wrap: anywhere; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; word-break: break-word;
      background: #f6f6f6; padding: 0.5rem; border-radius: 4px; margin: 0.3rem 0; }
pre.error { background: #fdecea; } pre.note { background: #fff8e1; }
img, table { max-width: 100%; } table { display: block; overflow-x: auto; }
section.cell { border-left: 3px solid #ddd; padding-left: 0.8rem; margin: 1rem 0; }
section.graded { border-left-color: #1565c0; }
h2.cell-title { font-size: 1.05rem; margin: 0.2rem 0; }
.passed { color: #1b5e20; } .failed { color: #b71c1c; } .late { color: #b71c1c; }
nav ol { padding-left: 1.4rem; }
"""

_MATHJAX_CONFIG = """window.MathJax = {
  tex: {inlineMath: [['$', '$'], ['\\\\(', '\\\\)']], processEscapes: true,
        packages: {'[-]': ['require', 'autoload', 'html']}},
  options: {enableMenu: false, ignoreHtmlClass: 'no-math'},
  loader: {load: []}, startup: {typeset: true}
};"""


def _script_hash(code: str) -> str:
    import hashlib

    digest = hashlib.sha256(code.encode("utf-8")).digest()
    return "sha256-" + base64.b64encode(digest).decode()


_MATHJAX_CODE: str | None = None


def _mathjax_code() -> str:
    """MathJax as the body of an inline script (empty when it is not installed)."""
    global _MATHJAX_CODE
    if _MATHJAX_CODE is None:
        code = MATHJAX.read_text(encoding="utf-8") if MATHJAX.is_file() else ""
        # nothing in it may end the <script> element or open an HTML comment
        _MATHJAX_CODE = re.sub(r"</(script)", r"<\\/\1", code, flags=re.IGNORECASE
                               ).replace("<!--", "<\\!--")
    return _MATHJAX_CODE


class CourseFeedbackExporter(Exporter):
    """An nbconvert exporter that renders an autograded notebook as a safe, offline
    feedback page (see the module's docstring)."""

    output_mimetype = "text/html"

    def _file_extension_default(self) -> str:
        return ".html"

    def from_notebook_node(self, nb: Any, resources: dict[str, Any] | None = None,
                           **kw: Any) -> tuple[str, dict[str, Any]]:
        nb, resources = super().from_notebook_node(nb, resources, **kw)
        if not _mathjax_code():
            self.log.warning("MathJax is missing (%s): run `npm ci`; formulas in the feedback "
                             "will show as TeX source", MATHJAX)
        return self.render(nb, resources.get("nbgrader", {})), resources

    def render(self, nb: Any, info: dict[str, Any]) -> str:
        e = html.escape
        summary, body = [], []
        for index, cell in enumerate(nb.cells):
            meta = cell.get("metadata", {}).get("nbgrader", {})
            label = _label(cell)
            anchor = f"cell-{index}"
            if label:
                score, points = meta.get("score"), meta.get("points")
                ok = score is not None and points is not None and float(score) >= float(points)
                summary.append(f"<li><a href='#{anchor}'>{e(label)}</a>: "
                               f"<span class='{'passed' if ok else 'failed'}'>"
                               f"{e(_points(meta))}</span></li>")
            parts = [f"<section class='cell{' graded' if label else ''}' id='{anchor}'>"]
            if label:
                parts.append(f"<h2 class='cell-title'>{e(label)} ({e(_points(meta))} points)"
                             "</h2>")
            source = _text(cell.get("source"))
            if cell.cell_type == "markdown":
                parts.append(f"<div class='markdown'>{render_markdown(cell.get('source', ''))}"
                             "</div>")
            elif cell.cell_type == "code":
                parts.append(_pre(source, "source no-math"))
                parts.extend(f"<div class='output no-math'>{_output(o)}</div>"
                             for o in cell.get("outputs", []))
            else:
                parts.append(_pre(source, "raw no-math"))
            comment = meta.get("comment")
            if comment:
                parts.append(f"<p class='comment'><strong>Comment:</strong> {e(_text(comment))}"
                             "</p>")
            parts.append("</section>")
            body.append("".join(parts))
        late = float(info.get("late_penalty") or 0)
        if late > 0:
            summary.append(f"<li class='late'>late submission penalty: -{late:g} points</li>")
        title = f"{info.get('assignment', '')}: {info.get('notebook', 'feedback')}"
        score = f"{float(info.get('score', 0)):g} / {float(info.get('max_score', 0)):g}"
        mathjax = _mathjax_code()
        csp = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; "
               f"script-src '{_script_hash(_MATHJAX_CONFIG)}' '{_script_hash(mathjax)}'")
        return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{e(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(title)} feedback</title>
<style>{_STYLE}</style>
<script>{_MATHJAX_CONFIG}</script>
<script>{mathjax}</script>
</head><body>
<header><h1>{e(title)}</h1>
<p>Score: <strong>{e(score)}</strong></p>
<nav aria-label="graded functions"><ol>{''.join(summary)}</ol></nav></header>
<main>{''.join(body)}</main>
</body></html>
"""
