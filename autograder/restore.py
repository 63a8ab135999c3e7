"""Put back the test cells a student deleted or unmade, so the function is graded anyway.

nbgrader's own sanitising already restores a test cell whose source or flags a student
changed (it is locked, and the gradebook knows it by its grade id). What it cannot
restore is a test cell that is gone: deleted, or stripped of its nbgrader metadata or
grade id. Then the function silently scores nothing although the student's code may be
right. :class:`RestoreTestCells` (first in the course's autograde list, before
``SandboxedGrading``) inserts the instructor's copy of every such cell, from the
gradebook, right after the student's answer cell of that function (or where the
instructor's notebook has it), with a first line telling the student it was restored.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from nbformat.v4 import new_code_cell
from nbgrader.preprocessors import NbGraderPreprocessor
from nbgrader.utils import compute_checksum

__all__ = ["TrustedTestCell", "RESTORED_NOTE", "restore_test_cells", "RestoreTestCells"]

RESTORED_NOTE = ("# This test cell was missing from your submission (deleted, or its "
                 "nbgrader metadata removed);\n# the course's copy was put back here and "
                 "your function was graded with it.\n")


@dataclass(frozen=True)
class TrustedTestCell:
    """The gradebook's record of one autograded test cell."""

    grade_id: str
    source: str
    points: float


def _grade_id(cell: Any) -> str | None:
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


def restore_test_cells(nb: Any, trusted: list[TrustedTestCell],
                       order: list[str] | None = None) -> list[str]:
    """Insert every trusted test cell whose grade id ``nb`` lacks; return their ids.

    A restored cell goes right after the cell whose grade id is the function's name
    (``test_sigmoid`` after ``sigmoid``); failing that, after the cell holding the
    grade id that precedes it in ``order`` (the instructor's notebook order); failing
    that, at the end.
    """
    present = {_grade_id(c) for c in nb.cells}
    restored = []
    for cell in trusted:
        if cell.grade_id in present:
            continue
        new = new_code_cell(RESTORED_NOTE + cell.source)
        new.metadata["nbgrader"] = {"grade": True, "solution": False, "locked": True,
                                    "grade_id": cell.grade_id, "points": cell.points,
                                    "schema_version": 3}
        new.metadata.nbgrader["checksum"] = compute_checksum(new)
        nb.cells.insert(_position(nb, cell.grade_id, order), new)
        present.add(cell.grade_id)
        restored.append(cell.grade_id)
    return restored


def _position(nb: Any, grade_id: str, order: list[str] | None) -> int:
    ids = [_grade_id(c) for c in nb.cells]
    answer = grade_id.removeprefix("test_")
    if answer in ids:
        return ids.index(answer) + 1
    if order and grade_id in order:
        for before in reversed(order[:order.index(grade_id)]):
            if before in ids:
                return ids.index(before) + 1
    return len(nb.cells)


class RestoreTestCells(NbGraderPreprocessor):
    """Restore deleted or unmade autograded test cells from the gradebook."""

    def preprocess(self, nb: Any, resources: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
        from nbgrader.api import Gradebook

        info = resources["nbgrader"]
        with Gradebook(info["db_url"]) as gb:
            notebook = gb.find_notebook(info["notebook"], info["assignment"])
            sources = {c.name: c for c in notebook.source_cells}
            trusted = [TrustedTestCell(g.name, sources[g.name].source, float(g.max_score))
                       for g in notebook.grade_cells
                       if g.cell_type == "code" and g.name in sources
                       and not any(s.name == g.name for s in notebook.solution_cells)]
        restored = restore_test_cells(nb, trusted)
        if restored:
            self.log.warning("%s/%s: restored missing test cell(s) %s from the gradebook",
                             info["student"], info["notebook"], ", ".join(restored))
        return nb, resources
