"""Copy the browser assets the book serves itself from node_modules into book_static/.

The built book must load nothing from the internet. Two JavaScript packages, installed
by ``npm ci`` from package.json, provide what a CDN would otherwise serve:

- ``mathjax`` (3.x): its whole ``es5/`` tree, because ``tex-chtml.js`` loads further
  components (input and output jax, fonts, menu, accessibility) from folders beside it;
- ``@jupyter-widgets/html-manager``: ``dist/embed.js`` (the widget manager that needs no
  RequireJS) and the font files it loads from its own folder.

_config.yml names ``book_static/`` in ``html_static_path``, so Sphinx copies it into
``_build/html/_static/``. The folder must not be called ``_static``: Jupyter Book turns
every .js file in a folder of that name into a <script> tag on every page.

The copy is incremental (files whose size and modification time match are skipped)
and files that no longer exist upstream are removed. Run from anywhere:

    python scripts/static_assets.py [--dest book_static]

The module is also a small Sphinx extension (``sphinx: local_extensions:`` in
_config.yml), so that ``jupyter-book build`` on its own is enough. Its ``setup``

- brings book_static/ up to date (as above);
- adds ``compat/mathjax2-hub.js``: the widget manager typesets widget labels with the
  MathJax 2 call ``MathJax.Hub.Queue``, which MathJax 3 no longer has (ipywidgets issue
  #3829); without the shim every widget on a page with maths throws an uncaught error;
- removes sphinx-thebe's scripts from every page: Jupyter Book always loads
  sphinx-thebe, which declares ``const THEBE_JS_URL = "https://unpkg.com/..."`` in an
  inline script that Sphinx 7.4 writes twice (a SyntaxError in the console). The book
  has no Thebe buttons, so nothing is lost;
- adds ``calcml.css`` (written below): wide display equations and code outputs scroll
  inside their column instead of being cut off at any window width, images never grow
  wider than the column, and the theme's few low-contrast colours are darkened;
- fixes the accessible names the theme gets wrong (``calcml-a11y.js``, below);
- offers every executable page (a MyST notebook) as a Jupyter notebook: at build time
  it converts the page's ``.md`` with jupytext into ``<page>.ipynb`` (no outputs) next
  to the page's HTML and puts a link "Download this chapter as a Jupyter notebook
  (.ipynb)" under the page's title.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"

# (source folder, destination folder inside book_static, files to take: None = all)
ASSETS: list[tuple[Path, str, tuple[str, ...] | None]] = [
    (NODE_MODULES / "mathjax" / "es5", "mathjax", None),
    (
        NODE_MODULES / "@jupyter-widgets" / "html-manager" / "dist",
        "widgets",
        # embed.js plus its fonts (webpack loads them relative to embed.js) and licence
        ("embed.js", "embed.js.LICENSE.txt", "*.woff", "*.woff2", "*.ttf", "*.eot", "*.svg"),
    ),
]
REQUIRED = ["mathjax/tex-chtml.js", "mathjax/output/chtml/fonts/tex.js", "widgets/embed.js"]

MATHJAX2_SHIM = "compat/mathjax2-hub.js"
# Loaded before MathJax. MathJax 3 replaces the global `MathJax` object when it starts,
# so the shim watches assignments to window.MathJax and gives every new object a
# minimal `Hub.Queue` that typesets the element once MathJax 3 is ready.
_MATHJAX2_SHIM_JS = r"""/* Written by scripts/static_assets.py: MathJax 2 Hub.Queue on MathJax 3.
   The Jupyter widget manager (html-manager 1.x) typesets labels with
   MathJax.Hub.Queue(["Typeset", MathJax.Hub, element]). */
(function () {
  "use strict";
  var current = window.MathJax;
  function whenReady(action, tries) {
    var mj = current;
    if (mj && mj.startup && mj.startup.promise && mj.typesetPromise) {
      mj.startup.promise.then(function () { return action(mj); }).catch(function () {});
    } else if (tries > 0) {
      setTimeout(function () { whenReady(action, tries - 1); }, 100);
    }
  }
  var hub = {
    Queue: function () {
      Array.prototype.forEach.call(arguments, function (command) {
        var element = Array.isArray(command) ? command[2] : null;
        whenReady(function (mj) {
          return mj.typesetPromise(element ? [element] : undefined);
        }, 300);
      });
    }
  };
  function withHub(value) {
    if (value && typeof value === "object" && !value.Hub) {
      try {
        Object.defineProperty(value, "Hub", {value: hub, configurable: true});
      } catch (e) { /* a frozen object: leave it alone */ }
    }
    return value;
  }
  withHub(current);
  Object.defineProperty(window, "MathJax", {
    configurable: true,
    enumerable: true,
    get: function () { return current; },
    set: function (value) { current = withHub(value); }
  });
})();
"""
# The book's icon (a curve and its tangent). Without one, browsers ask for /favicon.ico
# and log a 404 on every first visit.
FAVICON = "favicon.svg"
_FAVICON_SVG = """<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">
<rect width="32" height="32" rx="6" fill="#1f4e79"/>
<path d="M4 26 C 10 4, 18 4, 28 20" fill="none" stroke="#ffffff" stroke-width="2.5"/>
<path d="M3 13 L 27 9" stroke="#f5a623" stroke-width="2.5"/>
<circle cx="15" cy="11" r="2.5" fill="#f5a623"/>
</svg>
"""

BOOK_CSS = "calcml.css"
_BOOK_CSS = """/* Written by scripts/static_assets.py: nothing cut off, images at their size. */

/* A display equation wider than the column scrolls inside it (keyboard users reach the
   scroll position through MathJax's explorer); it is never clipped. */
div.math, .math-wrapper, mjx-container[jax][display="true"] {
  max-width: 100%;
  overflow-x: auto;
  overflow-y: hidden;
}
mjx-container[jax][display="true"] { padding: 2px 0; }

/* Code outputs: long lines wrap instead of running out of the column. */
div.cell_output pre, div.output pre, .cell_output .output.text_plain pre,
.cell_output .output.stream pre {
  white-space: pre-wrap;
  overflow-wrap: anywhere;
  max-width: 100%;
}
/* Code inputs keep their lines and scroll. */
div.cell_input pre, div.highlight pre { overflow-x: auto; max-width: 100%; }

/* Figures are 2x PNGs with their CSS size in width/height attributes: never wider
   than the column, and the height follows the width. */
div.cell_output img, figure img, .animation img {
  max-width: 100%;
  height: auto !important;
}
div.cell_output, figure, .animation { max-width: 100%; }
.animation .anim-slider { max-width: 100%; }
.animation .anim-buttons { display: flex; flex-wrap: wrap; gap: 2px; }
div.cell_output table { display: block; overflow-x: auto; max-width: 100%; }

/* Inline code (file names, long identifiers) may break anywhere rather than overflow. */
code.literal, p code, li code, td code { overflow-wrap: anywhere; }
code.literal span.pre { white-space: pre-wrap; }

/* An inline formula wider than the column (marked by calcml-book.js) scrolls inside it. */
span.math.calcml-wide {
  max-width: 100%;
  overflow-x: auto;
  overflow-y: hidden;
}

/* A chapter title that is one long word ("Backpropagation") fits a phone's width. */
article h1 { overflow-wrap: break-word; hyphens: auto; }
@media (max-width: 576px) {
  article h1 { font-size: 1.75rem; }
}

/* The notebook download link under each chapter's title. */
p.calcml-download { margin: 0.25rem 0 1.25rem; }
p.calcml-download a::before { content: "\\2193\\00a0"; }
"""

BOOK_JS = "calcml-book.js"
_BOOK_JS = r"""/* Written by scripts/static_assets.py: what CSS alone cannot do.
   1. An inline formula wider than its box gets the class calcml-wide (calcml.css lets
      it scroll inside the column); checked again when the window is resized.
   2. Accessible names the theme gets wrong (axe-core, WCAG 2.1 A/AA): see fixNames. */
(function () {
  "use strict";
  function markWideMath() {
    /* The theme clips inline math (span.math: inline-flex, max-width 100%, overflow
       hidden), which only trims a glyph's overhang of a pixel or two, unless the
       formula is wider than its box: then the span scrolls instead (calcml.css). */
    document.querySelectorAll("span.math").forEach(function (span) {
      span.classList.remove("calcml-wide");
      var m = span.querySelector("mjx-container");
      if (m && m.scrollWidth > span.clientWidth + 4) {
        span.classList.add("calcml-wide");
      }
    });
  }
  function fixNames() {
    /* Icons are decoration inside a named control: hide them from assistive technology
       (their title attributes would otherwise count as visible text). */
    document.querySelectorAll('[aria-label] i[class*="fa-"], [aria-label] i.fa')
      .forEach(function (icon) { icon.setAttribute("aria-hidden", "true"); });
    /* Controls whose aria-label hides their visible text (label-content-name-mismatch,
       e.g. "Search" on a button reading "Search Ctrl+K", "Toggle hidden content" on a
       summary reading "Show code cell content"): the visible text names them. */
    document.querySelectorAll("button[aria-label], a[aria-label], summary[aria-label]")
      .forEach(function (b) {
        var text = (b.innerText || "").trim().replace(/\s+/g, " ").toLowerCase();
        var label = (b.getAttribute("aria-label") || "").toLowerCase();
        if (text && label.indexOf(text) < 0) { b.removeAttribute("aria-label"); }
      });
    /* Search fields without an accessible name (aria-input-field-name). */
    document.querySelectorAll('input[type="search"], [role="searchbox"]').forEach(function (f) {
      if (!f.getAttribute("aria-label") && !f.labels?.length) {
        f.setAttribute("aria-label", f.getAttribute("placeholder") || "Search this book");
      }
    });
  }
  function markWhenTypeset(tries) {
    /* window.MathJax is the configuration until MathJax 3 has loaded: wait for it. */
    var mj = window.MathJax;
    var done = function () {
      markWideMath();
      document.documentElement.setAttribute("data-calcml-math", "ready");
    };
    if (mj && mj.startup && mj.startup.promise) {
      mj.startup.promise.then(done, done);
    } else if (tries > 0 && document.querySelector(".math")) {
      setTimeout(function () { markWhenTypeset(tries - 1); }, 50);
    } else {
      done();
    }
  }
  function start() {
    fixNames();
    markWhenTypeset(600);
    var timer = null;
    window.addEventListener("resize", function () {
      clearTimeout(timer);
      timer = setTimeout(markWideMath, 150);
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
"""

GENERATED = {MATHJAX2_SHIM: _MATHJAX2_SHIM_JS, FAVICON: _FAVICON_SVG, BOOK_CSS: _BOOK_CSS,
             BOOK_JS: _BOOK_JS}


def _wanted_files(source: Path, patterns: tuple[str, ...] | None) -> dict[Path, Path]:
    """Map each relative path to copy onto its source file."""
    if patterns is None:
        files = [p for p in source.rglob("*") if p.is_file()]
    else:
        files = sorted({p for pattern in patterns for p in source.glob(pattern) if p.is_file()})
    return {p.relative_to(source): p for p in files}


def _same(a: Path, b: Path) -> bool:
    if not b.is_file():
        return False
    sa, sb = a.stat(), b.stat()
    return sa.st_size == sb.st_size and int(sa.st_mtime) == int(sb.st_mtime)


def sync(dest: Path) -> tuple[int, int, int]:
    """Bring ``dest`` up to date; return (copied, unchanged, removed) file counts."""
    if not NODE_MODULES.is_dir():
        raise SystemExit(
            f"{NODE_MODULES} is missing: run `npm ci` (or `make env`) first to install "
            "MathJax and the Jupyter widget manager from package.json"
        )
    if dest.name == "_static":
        raise SystemExit("the destination must not be called _static (see this script's doc)")
    copied = unchanged = removed = 0
    for source, sub, patterns in ASSETS:
        if not source.is_dir():
            raise SystemExit(f"{source} is missing: run `npm ci` to install package.json")
        wanted = _wanted_files(source, patterns)
        target_root = dest / sub
        for rel, src in wanted.items():
            target = target_root / rel
            if _same(src, target):
                unchanged += 1
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, target)
            copied += 1
        if target_root.is_dir():
            for old in sorted(target_root.rglob("*"), reverse=True):
                rel = old.relative_to(target_root)
                if old.is_file() and rel not in wanted:
                    old.unlink()
                    removed += 1
                elif old.is_dir() and not any(old.iterdir()):
                    old.rmdir()
    for rel, text in GENERATED.items():
        target = dest / rel
        if target.is_file() and target.read_text("utf-8") == text:
            unchanged += 1
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, "utf-8")
        copied += 1
    for rel in REQUIRED:
        if not (dest / rel).is_file():
            raise SystemExit(f"{dest / rel} is missing after the copy")
    return copied, unchanged, removed


def _version(package: str) -> str:
    meta = NODE_MODULES / package / "package.json"
    return json.loads(meta.read_text("utf-8")).get("version", "?") if meta.is_file() else "?"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dest", type=Path, default=ROOT / "book_static",
                        help="output folder (default: book_static/ at the repository root)")
    args = parser.parse_args(argv)
    copied, unchanged, removed = sync(args.dest)
    print(
        f"static assets in {args.dest}: mathjax {_version('mathjax')}, "
        f"@jupyter-widgets/html-manager {_version('@jupyter-widgets/html-manager')}; "
        f"{copied} copied, {unchanged} unchanged, {removed} removed"
    )
    return 0


# ------------------------------------------------------------------- Sphinx extension


def _drop_thebe(app: Any, pagename: str, templatename: str, context: dict[str, Any],
                doctree: Any) -> None:
    """Remove sphinx-thebe's inline configuration and loader from the page's scripts."""
    scripts = context.get("script_files")
    if not scripts:
        return
    scripts[:] = [
        js for js in scripts
        if not str(getattr(js, "filename", js)).endswith("sphinx-thebe.js")
        and "THEBE_JS_URL" not in str(getattr(js, "attributes", {}).get("body", ""))
    ]


DOWNLOAD_TEXT = "Download this chapter as a Jupyter notebook (.ipynb)"


def chapter_notebook(source: Path) -> dict[str, Any] | None:
    """The Jupyter notebook of a MyST-markdown page, or None if the page has no code.

    Converted with jupytext (the same conversion ``jupytext --to ipynb`` makes): every
    cell with its tags, no outputs, the page's kernelspec.
    """
    import jupytext

    text = source.read_text("utf-8")
    if source.suffix != ".md" or "{code-cell}" not in text:
        return None
    nb = jupytext.reads(text, fmt="md:myst")
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    nb.metadata.pop("jupytext", None)
    nb.metadata.setdefault("kernelspec", {"name": "python3", "display_name": "Python 3",
                                          "language": "python"})
    return nb


def _offer_notebook(app: Any, pagename: str, templatename: str, context: dict[str, Any],
                    doctree: Any) -> None:
    """Write ``<page>.ipynb`` beside the page and link it under the page's title."""
    import html as html_escape

    import nbformat

    if doctree is None or "body" not in context:
        return
    source = Path(app.env.doc2path(pagename))
    try:
        nb = chapter_notebook(source)
    except Exception as exc:  # a page jupytext cannot read is a broken page: say which
        from sphinx.errors import ExtensionError
        raise ExtensionError(f"cannot convert {source} into a notebook: {exc}") from exc
    if nb is None:
        return
    target = Path(app.outdir) / f"{pagename}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(target))
    name = html_escape.escape(target.name, quote=True)
    link = (f'<p class="calcml-download"><a href="{name}" download="{name}" '
            f'type="application/x-ipynb+json">{DOWNLOAD_TEXT}</a></p>')
    body = context["body"]
    end_of_title = body.find("</h1>")
    if end_of_title >= 0:
        cut = end_of_title + len("</h1>")
        context["body"] = body[:cut] + link + body[cut:]
    else:
        context["body"] = link + body


def setup(app: Any) -> dict[str, Any]:
    """Sphinx entry point: sync book_static/, add the MathJax 2 shim, the book's CSS and
    accessibility fixes, drop Thebe, offer each chapter's notebook for download."""
    from sphinx.errors import ExtensionError

    try:
        sync(ROOT / "book_static")
    except SystemExit as exc:  # sync reports problems by SystemExit for the CLI
        raise ExtensionError(str(exc)) from None
    app.add_js_file(MATHJAX2_SHIM, priority=100)  # before MathJax and the widget manager
    app.add_css_file(BOOK_CSS, priority=900)  # after the theme's stylesheets
    app.add_js_file(BOOK_JS, priority=900, defer="defer")
    app.connect("html-page-context", _drop_thebe, priority=900)
    app.connect("html-page-context", _offer_notebook)
    return {"parallel_read_safe": True, "parallel_write_safe": True}


if __name__ == "__main__":
    sys.exit(main())
