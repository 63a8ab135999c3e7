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
  has no Thebe buttons, so nothing is lost.
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
GENERATED = {MATHJAX2_SHIM: _MATHJAX2_SHIM_JS, FAVICON: _FAVICON_SVG}


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


def setup(app: Any) -> dict[str, Any]:
    """Sphinx entry point: sync book_static/, add the MathJax 2 shim, drop Thebe."""
    from sphinx.errors import ExtensionError

    try:
        sync(ROOT / "book_static")
    except SystemExit as exc:  # sync reports problems by SystemExit for the CLI
        raise ExtensionError(str(exc)) from None
    app.add_js_file(MATHJAX2_SHIM, priority=100)  # before MathJax and the widget manager
    app.connect("html-page-context", _drop_thebe, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}


if __name__ == "__main__":
    sys.exit(main())
