"""Numbers written in a chapter's prose are numbers its code computed.

Every decimal with three or more places in the prose of a chapter must equal, at the
precision written, a number shown in one of that chapter's cell outputs in the built
page (_build/html, as a reader sees it) or a value of the verified table of the notes'
worked examples (which the chapters check with calcml.seeds.agree). A number typed by
hand, or left behind when the code changed, fails with its line.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
HTML = ROOT / "_build" / "html"
NUMBER = re.compile(r"-?\d+\.\d+(?:e[-+]?\d+)?")
PROSE_DECIMAL = re.compile(r"(?<![\w.{\\])-?\d+\.(\d{3,})(?!\d)")
CHAPTERS = sorted((ROOT / "chapters").glob("*.md"))


def numbers_in(value: object, out: set[float]) -> set[float]:
    if isinstance(value, dict):
        for v in value.values():
            numbers_in(v, out)
    elif isinstance(value, list):
        for v in value:
            numbers_in(v, out)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        out.add(float(value))
    elif isinstance(value, str):
        out.update(float(t) for t in NUMBER.findall(value))
    return out


class _CellOutputs(HTMLParser):
    """Collects the text inside the page's cell-output blocks."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0  # > 0 while inside a cell_output div (counting nested divs)
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "div":
            return
        if self.depth:
            self.depth += 1
        elif "cell_output" in (dict(attrs).get("class") or "").split():
            self.depth = 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "div" and self.depth:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.text.append(data)


def printed_numbers(page: Path) -> set[float]:
    parser = _CellOutputs()
    parser.feed(page.read_text(encoding="utf-8"))
    return numbers_in(" ".join(parser.text), set())


def prose_decimals(chapter: Path) -> list[tuple[int, str, int]]:
    found, in_code = [], False
    for number, line in enumerate(chapter.read_text().splitlines(), 1):
        if line.startswith("```{code-cell}"):
            in_code = True
        elif in_code and line.startswith("```"):
            in_code = False
        elif not in_code:
            found += [(number, m.group(0), len(m.group(1))) for m in PROSE_DECIMAL.finditer(line)]
    return found


SEEDS = numbers_in(json.loads((ROOT / "calcml/data/seed_examples.json").read_text()), set())


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_prose_numbers_are_computed(chapter: Path):
    page = HTML / "chapters" / f"{chapter.stem}.html"
    if not page.is_file():
        pytest.fail(f"{page} is missing: build the book first (`make book`)")
    outputs = printed_numbers(page)
    assert outputs, f"{page} shows no cell output: was the chapter executed?"
    pool = outputs | SEEDS
    unbacked = [f"line {line}: {text}" for line, text, places in prose_decimals(chapter)
                if not any(abs(round(p, places) - float(text)) < 0.51 * 10.0 ** -places
                           for p in pool)]
    assert not unbacked, (f"{chapter.name}: numbers in the prose that no cell prints and the "
                          "verified table does not hold:\n" + "\n".join(unbacked))


def test_the_check_catches_a_typed_number(tmp_path):
    fake = tmp_path / "chapters"
    fake.mkdir()
    (fake / "x.md").write_text("The answer is $0.12345$.\n```{code-cell} ipython3\n9.876\n```\n")
    assert [t for _, t, _ in prose_decimals(fake / "x.md")] == ["0.12345"]
