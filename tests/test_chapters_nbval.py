"""Every chapter of the book runs cleanly under nbval.

Each chapter listed in ``_toc.yml`` (a MyST-markdown notebook) is converted to .ipynb
with jupytext into a temporary folder and run by nbval in ``--nbval-lax`` mode: every
cell must execute without error (outputs are not compared, except in cells tagged
``nbval-check-output``). nbval runs in a subprocess with the repository root as working
directory, so the chapters import the installed ``calcml`` exactly as in the book build.

nbval is run by :func:`notebooks.run_nbval`, as for the solution notebooks.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from notebooks import run_nbval

ROOT = Path(__file__).resolve().parent.parent


def is_notebook(source: Path) -> bool:
    """Whether MyST-NB executes ``source``: an .ipynb, or a MyST file with a kernelspec.

    Plain pages (the notation page) have no kernel and no code cells to run.
    """
    if source.suffix == ".ipynb":
        return True
    text = source.read_text("utf-8")
    if not text.startswith("---"):
        return False
    front = text.split("---", 2)[1]
    return "kernelspec" in (yaml.safe_load(front) or {})


def chapter_sources(toc_path: Path = ROOT / "_toc.yml") -> list[Path]:
    """The notebook pages listed in _toc.yml (plain pages without code, such as the root
    page and the notation page, excluded)."""
    toc = yaml.safe_load(toc_path.read_text("utf-8"))
    files: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if "file" in node:
                files.append(str(node["file"]))
            for key in ("parts", "chapters", "sections"):
                walk(node.get(key) or [])
        elif isinstance(node, list):
            for child in node:
                walk(child)

    walk(toc)
    sources = []
    for name in files:
        base = ROOT / name
        candidates = [base] if base.suffix in (".md", ".ipynb") else [
            base.with_name(base.name + ".md"), base.with_name(base.name + ".ipynb")]
        found = next((c for c in candidates if c.is_file()), None)
        if found is None:
            raise FileNotFoundError(f"_toc.yml lists {name!r}, but no .md or .ipynb file exists")
        if is_notebook(found):
            sources.append(found)
    return sources


def to_notebook(source: Path, out_dir: Path) -> Path:
    """``source`` as an .ipynb in ``out_dir``: converted by jupytext, or copied."""
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / (source.stem + ".ipynb")
    if source.suffix == ".ipynb":
        target.write_bytes(source.read_bytes())
        return target
    subprocess.run(
        [sys.executable, "-m", "jupytext", "--quiet", "--to", "ipynb", "--output", str(target),
         str(source)],
        check=True, cwd=ROOT, capture_output=True, text=True,
    )
    return target


@pytest.mark.slow
@pytest.mark.parametrize("source", chapter_sources(), ids=lambda p: p.stem)
def test_chapter_runs_under_nbval(source: Path, tmp_path: Path) -> None:
    notebook = to_notebook(source, tmp_path)
    result = run_nbval([notebook])
    report = (result.stdout + result.stderr)[-6000:]
    assert result.returncode == 0, f"nbval failed on {source.relative_to(ROOT)}:\n{report}"
    assert " passed" in result.stdout, f"nbval ran no cells of {source.name}:\n{report}"
