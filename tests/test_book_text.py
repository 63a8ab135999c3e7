"""The book's sources follow its conventions: voice, reader cells, figures.

Static checks over ``intro.md``, ``notation.md`` and ``chapters/*.md`` (no build
needed), one test per file and rule so that a failure names the page:

- **voice**: no page speaks of "the notes" ("the lecture notes", "the course notes"):
  the reader never saw them;
- **reader cells show ordinary code**: a code cell the reader sees (not tagged
  ``remove-cell`` or ``remove-input``) calls none of the verification helpers
  ``agree(``, ``seed_example(``, ``expected(``, names no seed id (``s0NN_...``) and has
  no line starting with ``_ = ``;
- **figures**: every code cell that shows a figure carries ``mystnb: figure:`` metadata
  with a caption and a name ``fig-chNN-...`` (unique in the book), the prose cites the
  name with ``{numref}``, and the figure has a text alternative: ``mystnb: image: alt``
  for a matplotlib figure, ``explore(..., alt=...)`` for an interactive one. One
  figure per cell.

When does a cell show a figure? Its code, parsed with :mod:`ast`, runs (outside any
``def``/``lambda``/``class`` body) a call of

1. ``explore(...)`` (calcml.interactive): one interactive figure;
2. ``plt.<anything>(...)``, except the calls that draw nothing (``plt.close``,
   ``plt.rc``, ...): with matplotlib's inline backend any figure a cell creates is
   shown when the cell ends, with or without ``plt.show()``;
3. a function imported from ``calcml.plotting`` (``plot_surface(...)``,
   ``plotting.plot_contour(...)``) without an ``ax=`` argument: it makes a new figure;
4. a function the chapter itself defines whose body (transitively) makes one of the
   calls above, e.g. ``def show_path(...): fig, ax = plt.subplots() ...``.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jupytext
import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = sorted((ROOT / "chapters").glob("*.md"))
PAGES = [p for p in [ROOT / "intro.md", ROOT / "notation.md"] if p.is_file()] + CHAPTERS

# ------------------------------------------------------------------------------- voice

NOTES_PHRASE = re.compile(r"\bthe\s+(?:(?:lecture|course)\s+)?notes\b", re.IGNORECASE)


def notes_passages(text: str) -> list[str]:
    """Every line of ``text`` that speaks of "the notes", as ``line N: ...``."""
    return [f"line {n}: {line.strip()}" for n, line in enumerate(text.splitlines(), 1)
            if NOTES_PHRASE.search(line)]


def test_notes_phrase_is_found_in_all_its_forms():
    text = ("As the notes say\nsee The Lecture Notes\nin the course\nnotes here\n"
            "footnotes are fine\nthe notebook is fine\nthese notes are fine\n")
    assert notes_passages(text) == ["line 1: As the notes say", "line 2: see The Lecture Notes"]
    assert NOTES_PHRASE.search("the course\nnotes")  # across a line break, in the page


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_no_page_speaks_of_the_notes(page: Path) -> None:
    text = page.read_text("utf-8")
    passages = notes_passages(text)
    across = [m.group(0) for m in NOTES_PHRASE.finditer(text) if "\n" in m.group(0)]
    assert not passages and not across, (
        f"{page.relative_to(ROOT)} speaks of 'the notes', which the reader never saw; state "
        "the result (and a common slip as a learner's pitfall) instead:\n"
        + "\n".join(passages + [f"across lines: {a!r}" for a in across]))


# ------------------------------------------------------------------------ code cells

HIDDEN_CODE_TAGS = {"remove-cell", "remove-input"}
PLUMBING_CALL = re.compile(r"\b(agree|seed_example|expected)\s*\(")
SEED_ID = re.compile(r"\bs0\d\d_\w+")
DISCARD_LINE = re.compile(r"^\s*_\s*=\s", re.MULTILINE)
_MAGIC = re.compile(r"^\s*[%!].*$", re.MULTILINE)


@dataclass
class Cell:
    """A code cell of a page: its position, source, tags and cell metadata."""

    page: Path
    index: int
    source: str
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def tags(self) -> set[str]:
        return set(self.metadata.get("tags", []) or [])

    @property
    def visible(self) -> bool:
        """The reader sees this cell's code."""
        return not (self.tags & HIDDEN_CODE_TAGS)

    @property
    def shown(self) -> bool:
        """The reader sees this cell's output (a figure)."""
        return "remove-cell" not in self.tags and "remove-output" not in self.tags

    def where(self) -> str:
        first = next((line for line in self.source.splitlines() if line.strip()), "")
        return f"{self.page.relative_to(ROOT)}, code cell {self.index} ({first.strip()[:60]!r})"


def code_cells(page: Path) -> list[Cell]:
    """The code cells of a MyST-markdown page, read by jupytext as the build reads them."""
    nb = jupytext.read(page, fmt="md:myst")
    cells = [c for c in nb.cells if c.cell_type == "code"]
    return [Cell(page, i, c.source, dict(c.metadata)) for i, c in enumerate(cells, 1)]


def plumbing_in(source: str) -> list[str]:
    """The verification machinery a reader must not see in ``source``."""
    found = [f"calls {m.group(1)}(...)" for m in PLUMBING_CALL.finditer(source)]
    found += [f"names the seed id {m.group(0)!r}" for m in SEED_ID.finditer(source)]
    found += [f"discards a value: {m.group(0).strip()} ..." for m in DISCARD_LINE.finditer(source)]
    return list(dict.fromkeys(found))  # each problem once, in order


def test_plumbing_rule_on_examples():
    assert plumbing_in("x = 1\nprint(x)\ncheck(a, b, what='slope')\n") == []
    assert plumbing_in("expected_value = 3\nexpectedly(2)\n") == []
    assert plumbing_in("_ = agree('s002_tangent', y)\n") == [
        "calls agree(...)", "names the seed id 's002_tangent'", "discards a value: _ = ..."]
    assert plumbing_in("w = seed_example(\"s010_x\")['w']\n")[0] == "calls seed_example(...)"
    assert plumbing_in("print(seeds.expected ('s001'))")[0] == "calls expected(...)"


@pytest.mark.parametrize("page", CHAPTERS, ids=lambda p: p.stem)
def test_reader_cells_show_ordinary_code(page: Path) -> None:
    problems = [f"{cell.where()}: {', '.join(found)}"
                for cell in code_cells(page) if cell.visible
                for found in [plumbing_in(cell.source)] if found]
    assert not problems, (
        "cells the reader sees contain verification plumbing; move the checks into a cell "
        "tagged remove-cell right after the cell (and write the inputs as literals):\n"
        + "\n".join(problems))


# --------------------------------------------------------------------------- figures

QUIET_PLT = {"close", "rc", "rcdefaults", "rc_context", "get_cmap", "ioff", "ion",
             "isinteractive", "switch_backend", "get_fignums", "style"}
FIGURE_NAME = re.compile(r"^fig-ch(\d\d)-[a-z0-9]+(?:-[a-z0-9]+)*$")
NUMREF = re.compile(r"\{numref\}`(?:[^`<]*<)?([\w-]+)>?`")
FILE_NAME = re.compile(r"^\S+\.(png|svg|jpe?g|gif|pdf)$", re.IGNORECASE)


def _parse(source: str) -> ast.Module:
    return ast.parse(_MAGIC.sub("", source))


def _call_name(call: ast.Call) -> tuple[str | None, str]:
    """``(owner, name)`` of a call: ``plt.show()`` -> ("plt", "show"), ``f()`` -> (None, "f")."""
    func = call.func
    if isinstance(func, ast.Name):
        return None, func.id
    if isinstance(func, ast.Attribute):
        owner = func.value.id if isinstance(func.value, ast.Name) else "?"
        return owner, func.attr
    return "?", "?"


def _executed_calls(tree: ast.AST) -> Iterator[ast.Call]:
    """Calls run when the code runs: not those inside def, lambda or class bodies."""
    stack = list(ast.iter_child_nodes(tree))
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            # decorators and default values run at definition time
            if not isinstance(node, ast.Lambda):
                stack.extend(node.decorator_list)
            stack.extend(getattr(node.args, "defaults", []) if hasattr(node, "args") else [])
            continue
        if isinstance(node, ast.Call):
            yield node
        stack.extend(ast.iter_child_nodes(node))


@dataclass
class FigureRules:
    """Which calls make a figure in one chapter (see the module's docstring)."""

    plotting: set[str] = field(default_factory=set)  # names imported from calcml.plotting
    drawers: set[str] = field(default_factory=set)  # the chapter's own figure-making functions

    def makes_figure(self, call: ast.Call) -> bool:
        owner, name = _call_name(call)
        keywords = {k.arg for k in call.keywords}
        if owner is None and name == "explore":
            return True
        if owner == "plt":
            return name not in QUIET_PLT
        if (owner is None and name in self.plotting) or owner == "plotting":
            return "ax" not in keywords
        return owner is None and name in self.drawers

    def figure_calls(self, tree: ast.AST) -> list[ast.Call]:
        return [c for c in _executed_calls(tree) if self.makes_figure(c)]


def figure_rules(cells: list[Cell]) -> FigureRules:
    """Collect the chapter's plotting imports and its own drawing functions."""
    rules = FigureRules()
    trees = [_parse(cell.source) for cell in cells]
    functions: dict[str, ast.AST] = {}
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "calcml.plotting":
                rules.plotting |= {alias.asname or alias.name for alias in node.names}
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                functions[node.name] = node
    changed = True
    while changed:  # a function that calls a drawer is a drawer
        changed = False
        for name, node in functions.items():
            if name in rules.drawers:
                continue
            body = ast.Module(body=list(node.body), type_ignores=[])
            if rules.figure_calls(body):
                rules.drawers.add(name)
                changed = True
    return rules


@dataclass
class Figure:
    cell: Cell
    calls: list[ast.Call]

    @property
    def interactive(self) -> bool:
        return any(_call_name(c) == (None, "explore") for c in self.calls)


def figures(page: Path) -> list[Figure]:
    """The figure-showing cells of a chapter, with the calls that make their figures."""
    cells = code_cells(page)
    rules = figure_rules(cells)
    found = []
    for cell in cells:
        calls = rules.figure_calls(_parse(cell.source))
        if calls and cell.shown:
            found.append(Figure(cell, calls))
    return found


def figure_problems(fig: Figure, chapter: str) -> list[str]:
    """What the figure cell lacks (empty: it follows the book's convention)."""
    meta = fig.cell.metadata.get("mystnb") or {}
    figure = meta.get("figure") or {}
    problems = []
    caption = figure.get("caption")
    if not (isinstance(caption, str) and caption.strip()):
        problems.append("no mystnb: figure: caption")
    name = figure.get("name")
    if not isinstance(name, str) or not FIGURE_NAME.match(name):
        problems.append(f"mystnb: figure: name {name!r} is not fig-ch{chapter}-short-slug")
    elif FIGURE_NAME.match(name).group(1) != chapter:
        problems.append(f"figure name {name!r} is not numbered for chapter {chapter}")
    explores = [c for c in fig.calls if _call_name(c) == (None, "explore")]
    if explores:
        for call in explores:
            alt = next((k.value for k in call.keywords if k.arg == "alt"), None)
            if alt is None:
                problems.append("explore(...) without alt=... (what each frame shows)")
            elif isinstance(alt, ast.Constant) and not (isinstance(alt.value, str)
                                                         and alt.value.strip()):
                problems.append("explore(..., alt=...) is empty")
    else:
        alt = (meta.get("image") or {}).get("alt")
        if not (isinstance(alt, str) and alt.strip()):
            problems.append("no mystnb: image: alt (what the figure shows)")
        elif FILE_NAME.match(alt.strip()):
            problems.append(f"the alt text {alt!r} is a file name, not a description")
    shows = [c for c in fig.calls if _call_name(c) == ("plt", "show")]
    if len(shows) + len(explores) > 1 or _show_in_loop(fig.cell):
        problems.append("more than one figure in one cell (one figure per cell)")
    return problems


def _show_in_loop(cell: Cell) -> bool:
    tree = _parse(cell.source)
    for loop in ast.walk(tree):
        if isinstance(loop, (ast.For, ast.While)):
            body = ast.Module(body=list(loop.body), type_ignores=[])
            if any(_call_name(c) in {("plt", "show"), (None, "explore")}
                   for c in _executed_calls(body)):
                return True
    return False


def _chapter_number(page: Path) -> str:
    match = re.match(r"(\d\d)_", page.name)
    assert match, f"chapter file {page.name} does not start with its number NN_"
    return match.group(1)


def test_figure_rules_on_examples(tmp_path):
    page = tmp_path / "07_example.md"
    page.write_text(
        "---\njupytext:\n  text_representation:\n    format_name: myst\n"
        "kernelspec:\n  name: python3\n  display_name: Python 3\n---\n"
        "# T\n\n"
        "```{code-cell} ipython3\nimport matplotlib.pyplot as plt\n"
        "from calcml.plotting import plot_contour\n"
        "def show_it(x):\n    fig, ax = plt.subplots()\n    ax.plot(x)\n"
        "def draw(ax, v):\n    plot_contour(lambda a, b: a, ax=ax)\n```\n\n"
        "```{code-cell} ipython3\nshow_it([1, 2])\n```\n\n"
        "```{code-cell} ipython3\nplot_contour(lambda a, b: a)\n```\n\n"
        "```{code-cell} ipython3\nexplore(draw, [1, 2], label='v')\n```\n\n"
        "```{code-cell} ipython3\n---\nmystnb:\n  figure:\n    caption: A line.\n"
        "    name: fig-ch07-line\n  image:\n    alt: A rising line.\n---\n"
        "plt.plot([1, 2]); plt.show()\n```\n\n"
        "```{code-cell} ipython3\n:tags: [remove-cell]\nplt.plot([1, 2])\n```\n\n"
        "```{code-cell} ipython3\nfor k in range(2):\n    plt.plot([k]); plt.show()\n```\n"
    )
    found = figures(page)
    assert [f.cell.index for f in found] == [2, 3, 4, 5, 7]
    assert found[2].interactive
    problems = {f.cell.index: figure_problems(f, "07") for f in found}
    assert problems[5] == []
    assert "no mystnb: figure: caption" in problems[2]
    assert "explore(...) without alt=... (what each frame shows)" in problems[4]
    assert "no mystnb: image: alt (what the figure shows)" not in problems[4]
    assert "more than one figure in one cell (one figure per cell)" in problems[7]


@pytest.mark.parametrize("page", CHAPTERS, ids=lambda p: p.stem)
def test_every_figure_is_numbered_captioned_cited_and_described(page: Path) -> None:
    chapter = _chapter_number(page)
    text = page.read_text("utf-8")
    cited = set(NUMREF.findall(text))
    problems = []
    for fig in figures(page):
        problems += [f"{fig.cell.where()}: {p}" for p in figure_problems(fig, chapter)]
        name = ((fig.cell.metadata.get("mystnb") or {}).get("figure") or {}).get("name")
        if isinstance(name, str) and name not in cited:
            problems.append(f"{fig.cell.where()}: the text never cites {{numref}}`{name}`")
    assert not problems, (
        "figures must follow the book's convention (mystnb: figure: caption and name, "
        "alt text, cited with {numref}, one per cell):\n" + "\n".join(problems))


def test_figure_names_are_unique_in_the_book() -> None:
    seen: dict[str, str] = {}
    duplicates = []
    for page in CHAPTERS:
        for fig in figures(page):
            name = ((fig.cell.metadata.get("mystnb") or {}).get("figure") or {}).get("name")
            if not isinstance(name, str):
                continue
            if name in seen:
                duplicates.append(f"{name}: {seen[name]} and {fig.cell.where()}")
            seen[name] = fig.cell.where()
    assert not duplicates, "figure names used twice:\n" + "\n".join(duplicates)


# -------------------------------------------------------------------------- licences


def test_licences_citation_and_footer() -> None:
    """The code is MIT (LICENSE, pyproject), the text and figures CC BY 4.0
    (LICENSE-CONTENT), CITATION.cff is CFF 1.2.0 naming both, the footer names both."""
    assert "MIT License" in (ROOT / "LICENSE").read_text("utf-8")
    content = (ROOT / "LICENSE-CONTENT").read_text("utf-8")
    assert "Creative Commons Attribution 4.0 International" in content
    assert "https://creativecommons.org/licenses/by/4.0/" in content
    pyproject = (ROOT / "pyproject.toml").read_text("utf-8")
    assert re.search(r'^license = "MIT"$', pyproject, re.M), "pyproject.toml: license = \"MIT\""
    version = re.search(r'^version = "([^"]+)"$', pyproject, re.M).group(1)

    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text("utf-8"))
    assert cff["cff-version"] == "1.2.0"
    for key in ("message", "title", "authors"):
        assert cff.get(key), f"CITATION.cff needs {key!r}"
    assert all(isinstance(a, dict) and (a.get("name") or a.get("family-names"))
               for a in cff["authors"])
    assert set(cff["license"]) == {"MIT", "CC-BY-4.0"}
    assert cff["version"] == version
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(cff["date-released"]))

    footer = yaml.safe_load((ROOT / "_config.yml").read_text("utf-8"))["html"]["extra_footer"]
    assert "CC BY 4.0" in footer and "MIT License" in footer
