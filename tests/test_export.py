"""`calcml-grade export`: Canvas, Moodle and per-function files, checked column by
column and value by value against the gradebook nbgrader wrote."""

from __future__ import annotations

import csv
import subprocess
import sys

import pytest
from course import REPO
from graded_class import WRONG, A, graded_class

from autograder.export import class_grades


@pytest.fixture(scope="session")
def course(tmp_path_factory):
    return graded_class(tmp_path_factory.getbasetemp() / "graded_class")


def calcml_grade(course, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "autograder.cli", *args], cwd=REPO,
                          env=course.env, capture_output=True, text=True, timeout=300)


def gradebook(course) -> dict[str, dict]:
    """student -> id, names, e-mail, LMS id, score after penalty (0 when missing)."""
    from nbgrader.api import Gradebook, MissingEntry

    out = {}
    with Gradebook(course.db_url, "calcml") as gb:
        for s in gb.students:
            try:
                sub = gb.find_submission(A, s.id)
                score = max(0.0, sub.score - sub.late_submission_penalty)
            except MissingEntry:
                score = 0.0
            out[s.id] = dict(first=s.first_name, last=s.last_name, email=s.email,
                             lms=s.lms_user_id, score=score)
        out["__max__"] = gb.find_assignment(A).max_score
    return out


def read(path):
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh))


@pytest.mark.slow
def test_canvas(course):
    proc = calcml_grade(course, "export", "--format", "canvas")
    assert proc.returncode == 0, proc.stderr
    rows = read(course.root / "exports" / "canvas.csv")
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", A]
    assert rows[1][0] == "Points Possible" and float(rows[1][5]) == gradebook(course)["__max__"]
    book = gradebook(course)
    body = {r[2]: r for r in rows[2:]}
    assert sorted(body) == sorted(k for k in book if k != "__max__")
    for sid, r in body.items():
        b = book[sid]
        assert r[0] == f"{b['last']}, {b['first']}"
        assert (r[1], r[3], r[4]) == (b["lms"], b["email"], "Spring A")
        assert float(r[5]) == pytest.approx(b["score"])
    assert body["ben"][0] == "Okafor, Jr., Ben"  # a comma in a name stays one field
    assert float(body["dee"][5]) == 0.0


@pytest.mark.slow
def test_moodle(course):
    out = course.root / "elsewhere" / "m.csv"
    proc = calcml_grade(course, "export", "--format", "moodle", "--to", str(out))
    assert proc.returncode == 0, proc.stderr
    rows = read(out)
    assert rows[0] == ["Email address", "ID number", "First name", "Last name", A]
    book = gradebook(course)
    assert len(rows) == 1 + 4
    for email, sid, first, last, score in rows[1:]:
        b = book[sid]
        assert (email, first, last) == (b["email"], b["first"], b["last"])
        assert float(score) == pytest.approx(b["score"])


@pytest.mark.slow
def test_breakdown(course):
    proc = calcml_grade(course, "export", "--format", "breakdown", "--assignment", A)
    assert proc.returncode == 0, proc.stderr
    rows = list(csv.DictReader((course.root / "exports" / "breakdown.csv").open()))
    from nbgrader.api import Gradebook

    with Gradebook(course.db_url, "calcml") as gb:
        graded = {(g.student.id, g.name[5:]): (g.score, g.max_score)
                  for sub in gb.assignment_submissions(A) for nb in sub.notebooks
                  for g in nb.grades if g.name.startswith("test_")}
    functions = {fn for _, fn in graded}
    assert len(rows) == 4 * len(functions)
    for r in rows:
        if r["student_id"] == "dee":
            assert (r["submitted"], r["passed"], float(r["score"])) == ("no", "no", 0.0)
            continue
        score, top = graded[r["student_id"], r["function"]]
        assert float(r["score"]) == score and float(r["max_score"]) == top
        assert r["passed"] == ("yes" if score == top else "no")
        assert r["concepts"]
    cy = {r["function"]: r["passed"] for r in rows if r["student_id"] == "cy"}
    assert {f for f, p in cy.items() if p == "no"} == set(WRONG)


def test_class_grades_rejects_an_unknown_assignment(tmp_path, monkeypatch):
    import os

    from nbgrader.api import Gradebook

    monkeypatch.setenv("PATH", f"{os.path.dirname(sys.executable)}{os.pathsep}{os.environ['PATH']}")

    url = f"sqlite:///{tmp_path / 'gb.db'}"
    with Gradebook(url, "calcml") as gb:
        gb.add_assignment("01_derivatives")
    with pytest.raises(KeyError, match="no assignment 99_nothing"):
        class_grades(url, "calcml", ["99_nothing"])


def test_export_of_an_empty_gradebook_says_so(tmp_path):
    from course import Course

    course = Course(tmp_path)
    proc = calcml_grade(course, "export", "--format", "canvas")
    assert proc.returncode != 0
    assert "no assignments yet" in proc.stderr and "Traceback" not in proc.stderr
