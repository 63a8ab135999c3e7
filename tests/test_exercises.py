"""The student notebooks in exercises/ are generated, current, and leak nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from autograder.release import ROOT, assignments, stale_files
from calcml.grading import assignment_functions

EXERCISES = sorted((ROOT / "exercises").glob("*/*.ipynb"))
MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "hidden=True")


def test_every_assignment_has_an_exercise():
    assert assignments(), "solutions/ holds no assignment"
    for assignment in assignments():
        assert (ROOT / "exercises" / assignment / f"{assignment}.ipynb").is_file(), (
            f"exercises/{assignment} is missing: run `make exercises`")


@pytest.mark.slow
def test_exercises_are_not_stale():
    stale = stale_files()
    assert not stale, "run `make exercises`:\n" + "\n".join(stale)


@pytest.mark.parametrize("path", EXERCISES, ids=lambda p: p.parent.name)
def test_exercise_leaks_no_solution_or_hidden_test(path: Path):
    text = path.read_text(encoding="utf-8")
    for marker in MARKERS:
        assert marker not in text, f"{path} contains {marker!r}"
    nb = json.loads(text)
    assert all(not c.get("outputs") for c in nb["cells"] if c["cell_type"] == "code"), (
        f"{path} is committed with outputs")


@pytest.mark.parametrize("path", EXERCISES, ids=lambda p: p.parent.name)
def test_exercise_has_one_stub_per_graded_function(path: Path):
    assignment = path.parent.name
    nb = json.loads(path.read_text(encoding="utf-8"))
    answers = {}
    for cell in nb["cells"]:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("solution"):
            answers[meta["grade_id"]] = "".join(cell["source"])
    for name in assignment_functions(assignment):
        assert name in answers, f"{assignment}: no answer cell for {name}"
        assert answers[name].lstrip().startswith(f"def {name}("), (
            f"{assignment}: the answer cell of {name} does not start with its def line")
        assert "raise NotImplementedError()" in answers[name]
