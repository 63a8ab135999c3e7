"""Every chapter of the book runs cleanly under nbval.

Each chapter listed in ``_toc.yml`` (a MyST-markdown notebook) is converted to .ipynb
with jupytext into a temporary folder and run by nbval in ``--nbval-lax`` mode: every
cell must execute without error (outputs are not compared, except in cells tagged
``nbval-check-output``). nbval runs in a subprocess with the repository root as working
directory, so the chapters import the installed ``calcml`` exactly as in the book build.

:func:`run_nbval` is reusable, e.g. for the solution notebooks::

    from tests.test_chapters_nbval import run_nbval
    result = run_nbval([Path("solutions/01_derivatives/01_derivatives.ipynb")])
    assert result.returncode == 0, result.stdout
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
#: Seconds one cell may run under nbval (each chapter should run in well under 20 s).
CELL_TIMEOUT = 120


def chapter_sources(toc_path: Path = ROOT / "_toc.yml") -> list[Path]:
    """The chapter files listed in _toc.yml (the root page, which has no code, excluded)."""
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


def run_nbval(
    paths: Iterable[Path | str],
    *,
    extra_args: Sequence[str] = (),
    cwd: Path = ROOT,
    timeout: float | None = 900,
) -> subprocess.CompletedProcess[str]:
    """Run ``pytest --nbval-lax`` on the notebooks ``paths`` in a subprocess.

    Parameters
    ----------
    paths:
        .ipynb files to execute.
    extra_args:
        More pytest arguments (e.g. ``["--nbval-current-env"]`` is already included).
    cwd:
        Working directory of the run (the repository root by default).
    timeout:
        Seconds for the whole run (``None``: no limit).

    Returns
    -------
    subprocess.CompletedProcess
        ``returncode`` 0 means every cell of every notebook ran without error;
        ``stdout`` holds pytest's report (stderr is merged into it).
    """
    notebooks = [str(Path(p)) for p in paths]
    if not notebooks:
        raise ValueError("paths must name at least one notebook")
    missing = [p for p in notebooks if not Path(p).is_file()]
    if missing:
        raise FileNotFoundError(f"no such notebook: {missing}")
    command = [
        sys.executable, "-m", "pytest", "--nbval-lax", "--nbval-current-env",
        f"--nbval-cell-timeout={CELL_TIMEOUT}", "-p", "no:cacheprovider", "-q",
        # the repository's pytest configuration (testpaths, -ra ...) is for tests/, not this
        "-c", os.devnull, "--rootdir", str(cwd), *extra_args, *notebooks,
    ]
    env = dict(os.environ, MPLBACKEND="Agg", PYDEVD_DISABLE_FILE_VALIDATION="1")
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, env=env,
                          timeout=timeout, stdin=subprocess.DEVNULL, check=False)


@pytest.mark.slow
@pytest.mark.parametrize("source", chapter_sources(), ids=lambda p: p.stem)
def test_chapter_runs_under_nbval(source: Path, tmp_path: Path) -> None:
    notebook = to_notebook(source, tmp_path)
    result = run_nbval([notebook])
    report = (result.stdout + result.stderr)[-6000:]
    assert result.returncode == 0, f"nbval failed on {source.relative_to(ROOT)}:\n{report}"
    assert " passed" in result.stdout, f"nbval ran no cells of {source.name}:\n{report}"
