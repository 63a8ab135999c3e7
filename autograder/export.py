"""Grades out of the gradebook: Canvas and Moodle imports, and a per-function breakdown.

    calcml-grade export --format canvas       # exports/canvas.csv
    calcml-grade export --format moodle       # exports/moodle.csv
    calcml-grade export --format breakdown    # exports/breakdown.csv

Every export reads the gradebook nbgrader keeps (SQLite or PostgreSQL) through
:func:`class_grades`; a student with no submission for an assignment scores 0 there,
and an assignment's score is after the late penalty, as in ``nbgrader export``.

- **Canvas** (Grades > Import): the columns Student, ID, SIS User ID, SIS Login ID,
  Section, then one column per assignment, and a "Points Possible" row under the
  header. ``ID`` is the roster's ``lms_user_id`` (the Canvas user id), ``SIS User ID``
  the nbgrader student id, ``SIS Login ID`` the e-mail address; Canvas matches a row on
  any of them.
- **Moodle** (Grades > Import > CSV file): an identifier column per choice ("Email
  address", "ID number" = the nbgrader student id), the names, then one column per
  grade item (assignment); map the identifier column to ``useremail`` or
  ``useridnumber`` on import.
- **breakdown**: one row per student, assignment and graded function, with the
  function's concepts, points and whether it passed.

Exports land in ``exports/`` under the course root, which git ignores; so does
``nbgrader export`` (:class:`CourseCsvExport`).
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass, field
from pathlib import Path

from nbgrader.plugins import CsvExportPlugin

from calcml.grading.concepts import FUNCTION_CONCEPTS

__all__ = ["StudentInfo", "ClassGrades", "class_grades", "write_canvas", "write_moodle",
           "write_breakdown", "FORMATS", "export", "exports_folder", "CourseCsvExport"]

TEST_PREFIX = "test_"


@dataclass(frozen=True)
class StudentInfo:
    id: str
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    lms_user_id: str = ""

    @property
    def sortable_name(self) -> str:
        """"Last, First" as Canvas lists students; the id when the roster has no name."""
        if self.last_name and self.first_name:
            return f"{self.last_name}, {self.first_name}"
        return self.last_name or self.first_name or self.id


@dataclass
class ClassGrades:
    """What the exports and the class report need from the gradebook."""

    students: list[StudentInfo]
    assignments: list[str]
    max_score: dict[str, float]
    #: (student, assignment) -> score after the late penalty; absent = no submission
    score: dict[tuple[str, str], float] = field(default_factory=dict)
    penalty: dict[tuple[str, str], float] = field(default_factory=dict)
    #: (student, assignment, function) -> (points, max points)
    functions: dict[tuple[str, str, str], tuple[float, float]] = field(default_factory=dict)
    #: assignment -> its graded functions, in notebook order
    function_names: dict[str, list[str]] = field(default_factory=dict)

    def total(self, student: str, assignment: str) -> float:
        """The score to report: 0 for a missing submission."""
        return self.score.get((student, assignment), 0.0)


def class_grades(db_url: str, course_id: str = "calcml",
                 assignments: list[str] | None = None) -> ClassGrades:
    """Read the gradebook: students, assignments and every graded function's points."""
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(db_url, course_id) as gb:
        names = [a.name for a in gb.assignments]
        if assignments:
            unknown = [a for a in assignments if a not in names]
            if unknown:
                raise KeyError(f"no assignment {', '.join(unknown)} in the gradebook "
                               f"(it has {names or 'none'})")
            names = [a for a in names if a in assignments]
        students = sorted((StudentInfo(s.id, s.first_name or "", s.last_name or "",
                                       s.email or "", s.lms_user_id or "")
                           for s in gb.students),
                          key=lambda s: (s.last_name.lower(), s.first_name.lower(), s.id))
        out = ClassGrades(students, names, {})
        for name in names:
            assignment = gb.find_assignment(name)
            out.max_score[name] = float(assignment.max_score)
            out.function_names[name] = [
                c.name[len(TEST_PREFIX):] for nb in assignment.notebooks
                for c in nb.grade_cells if c.name.startswith(TEST_PREFIX)]
            for student in students:
                try:
                    sub = gb.find_submission(name, student.id)
                except MissingEntry:
                    continue
                penalty = float(sub.late_submission_penalty or 0.0)
                out.penalty[student.id, name] = penalty
                out.score[student.id, name] = max(0.0, float(sub.score) - penalty)
                for nb in sub.notebooks:
                    for grade in nb.grades:
                        if grade.name.startswith(TEST_PREFIX):
                            out.functions[student.id, name, grade.name[len(TEST_PREFIX):]] = (
                                float(grade.score), float(grade.max_score))
    return out


def _number(x: float) -> str:
    return f"{x:g}"


def write_canvas(grades: ClassGrades, path: Path, section: str = "") -> Path:
    """A Canvas gradebook import file."""
    head = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", *grades.assignments]
    with _open(path) as fh:
        out = csv.writer(fh)
        out.writerow(head)
        out.writerow(["Points Possible", "", "", "", "",
                      *(_number(grades.max_score[a]) for a in grades.assignments)])
        for s in grades.students:
            out.writerow([s.sortable_name, s.lms_user_id, s.id, s.email, section,
                          *(_number(grades.total(s.id, a)) for a in grades.assignments)])
    return path


def write_moodle(grades: ClassGrades, path: Path) -> Path:
    """A Moodle CSV grade import file."""
    head = ["Email address", "ID number", "First name", "Last name", *grades.assignments]
    with _open(path) as fh:
        out = csv.writer(fh)
        out.writerow(head)
        for s in grades.students:
            out.writerow([s.email, s.id, s.first_name, s.last_name,
                          *(_number(grades.total(s.id, a)) for a in grades.assignments)])
    return path


def write_breakdown(grades: ClassGrades, path: Path) -> Path:
    """One row per student, assignment and graded function."""
    head = ["student_id", "last_name", "first_name", "assignment", "function", "concepts",
            "score", "max_score", "passed", "submitted"]
    with _open(path) as fh:
        out = csv.writer(fh)
        out.writerow(head)
        for s in grades.students:
            for a in grades.assignments:
                submitted = (s.id, a) in grades.score
                for fn in grades.function_names[a]:
                    score, top = grades.functions.get((s.id, a, fn), (0.0, float("nan")))
                    out.writerow([s.id, s.last_name, s.first_name, a, fn,
                                  "; ".join(FUNCTION_CONCEPTS.get(fn, ())),
                                  _number(score), "" if top != top else _number(top),
                                  "yes" if submitted and score >= top else "no",
                                  "yes" if submitted else "no"])
    return path


def _open(path: Path):  # noqa: ANN202  (a text file)
    path.parent.mkdir(parents=True, exist_ok=True)
    return path.open("w", newline="", encoding="utf-8")


FORMATS = ("canvas", "moodle", "breakdown")


def exports_folder(course_root: str | os.PathLike[str]) -> Path:
    """Where exports go by default (ignored by git)."""
    return Path(course_root) / "exports"


def export(fmt: str, grades: ClassGrades, path: Path, section: str = "") -> Path:
    """Write ``grades`` in format ``fmt`` (one of :data:`FORMATS`) to ``path``."""
    if fmt == "canvas":
        return write_canvas(grades, path, section)
    if fmt == "moodle":
        return write_moodle(grades, path)
    if fmt == "breakdown":
        return write_breakdown(grades, path)
    raise ValueError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")


class CourseCsvExport(CsvExportPlugin):
    """nbgrader's CSV export, written to ``exports/grades.csv`` unless ``--to`` says
    otherwise (the folder is created)."""

    def export(self, gradebook) -> None:  # noqa: ANN001  (nbgrader's Gradebook)
        if not self.to:
            self.to = str(exports_folder(self.parent.coursedir.root) / "grades.csv")
        Path(self.to).parent.mkdir(parents=True, exist_ok=True)
        super().export(gradebook)
