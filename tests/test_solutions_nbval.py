"""nbval over every solution notebook: each passes its own visible and hidden tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from notebooks import ROOT, run_nbval

SOLUTIONS = sorted((ROOT / "solutions").glob("*/*.ipynb"))


@pytest.mark.parametrize("notebook", SOLUTIONS, ids=lambda p: p.parent.name)
def test_solution_notebook_passes_its_tests(notebook: Path):
    result = run_nbval([notebook], timeout=600)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert " passed" in result.stdout, f"nbval ran no cells of {notebook.name}"
