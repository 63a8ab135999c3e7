"""A test cell the student deleted or unmade is restored from the gradebook and the
function graded with it (real nbgrader autograde)."""

from __future__ import annotations

import copy

import nbformat
import pytest
from course import Course, points, with_answers

from autograder.restore import RESTORED_NOTE, TrustedTestCell, restore_test_cells

A = "01_derivatives"


def _without(nb, *grade_ids: str, unmake: tuple[str, ...] = (), alter: tuple[str, ...] = ()):
    nb = copy.deepcopy(nb)
    keep = []
    for cell in nb.cells:
        gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if gid in grade_ids:
            continue
        if gid in unmake:
            del cell.metadata["nbgrader"]
        if gid in alter:
            cell.source = "print('all tests passed')"
        keep.append(cell)
    nb.cells = keep
    return nb


@pytest.mark.slow
def test_deleted_unmade_and_altered_test_cells_are_graded(tmp_path):
    course = Course(tmp_path)
    course.generate(A)
    source = course.source(A)
    course.submit("ada", A, _without(source, "test_sigmoid", unmake=("test_coin_mle",),
                                     alter=("test_tangent_line",)))
    wrong = with_answers(source, {"coin_mle": "def coin_mle(heads, tails):\n"
                                              "    return tails / (heads + tails)"})
    course.submit("ben", A, _without(wrong, "test_coin_mle", "test_sigmoid"))
    course.autograde(A)
    scores = course.scores(A)
    full = points(source)
    assert scores["ada"] == full
    assert scores["ben"] == dict(full, coin_mle=0.0)
    assert "coin_mle failed" in course.feedback(A, "ben", "coin_mle")
    graded = nbformat.read(tmp_path / "autograded" / "ada" / A / f"{A}.ipynb", 4)
    ids = [c.metadata.get("nbgrader", {}).get("grade_id") for c in graded.cells]
    assert ids.index("test_sigmoid") == ids.index("sigmoid") + 1
    restored = graded.cells[ids.index("test_sigmoid")]
    assert restored.source.startswith(RESTORED_NOTE)
    assert "BEGIN HIDDEN TESTS" not in restored.source


def test_restore_places_cells_and_keeps_present_ones():
    nb = nbformat.v4.new_notebook()
    for gid in ("intro", "f", "test_f", "g"):
        cell = nbformat.v4.new_code_cell(f"# {gid}")
        cell.metadata["nbgrader"] = {"grade_id": gid}
        nb.cells.append(cell)
    trusted = [TrustedTestCell("test_f", "check(f)", 1.0),
               TrustedTestCell("test_g", "check(g)", 2.0),
               TrustedTestCell("test_h", "check(h)", 3.0)]
    assert restore_test_cells(nb, trusted) == ["test_g", "test_h"]
    ids = [c.metadata["nbgrader"]["grade_id"] for c in nb.cells]
    assert ids == ["intro", "f", "test_f", "g", "test_g", "test_h"]
    g = nb.cells[4]
    assert g.metadata.nbgrader["points"] == 2.0 and g.metadata.nbgrader["locked"]
    assert g.source.endswith("check(g)")
    assert restore_test_cells(nb, trusted) == []
