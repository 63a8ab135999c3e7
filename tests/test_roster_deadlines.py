"""Roster import, due dates and the late penalty from the course file.

The slow test imports a roster with `nbgrader db student import`, grades an on-time and
a late submission with real nbgrader, and reads names, due date and penalties back from
the gradebook (what the formgrader and the exports show). The fast ones check the
penalty rule and the course file's errors."""

from __future__ import annotations

import csv
import math

import pytest
from graded_class import DUE, ROSTER, A, expected_raw, graded_class

from autograder.late import CourseFileError, LatePolicy, load_course


@pytest.fixture(scope="session")
def course(tmp_path_factory):
    return graded_class(tmp_path_factory.getbasetemp() / "graded_class")


@pytest.mark.slow
def test_roster_names_reach_the_gradebook_and_nbgrader_export(course):
    from nbgrader.api import Gradebook

    roster = list(csv.DictReader(ROSTER.splitlines()))
    with Gradebook(course.db_url, "calcml") as gb:
        # the formgrader's "Manage students" lists exactly these records
        students = {s["id"]: s for s in gb.student_dicts()}
    assert sorted(students) == sorted(r["id"] for r in roster)
    for row in roster:
        got = students[row["id"]]
        assert (got["first_name"], got["last_name"], got["email"]) == (
            row["first_name"], row["last_name"], row["email"])
    course.nbgrader("export")  # default destination: exports/ (git-ignored)
    rows = {r["student_id"]: r for r in csv.DictReader(
        (course.root / "exports" / "grades.csv").open())}
    assert rows["ada"]["last_name"] == "Lovelace" and rows["dee"]["first_name"] == "Dee"
    assert float(rows["dee"]["score"]) == 0.0  # on the roster, nothing submitted


@pytest.mark.slow
def test_on_time_and_late_submissions(course):
    from nbgrader.api import Gradebook

    raw = expected_raw(course)
    with Gradebook(course.db_url, "calcml") as gb:
        assert gb.find_assignment(A).duedate == DUE.replace(tzinfo=None)
        ada, ben, cy = (gb.find_submission(A, s) for s in ("ada", "ben", "cy"))
        assert ada.total_seconds_late == 0 and ada.late_submission_penalty == 0
        assert ada.score == raw["ada"]
        assert ben.total_seconds_late == 0 and ben.score == 0.0
        assert cy.total_seconds_late == pytest.approx(26 * 3600)
        assert cy.score == raw["cy"]
        assert cy.late_submission_penalty == pytest.approx(0.5 * raw["cy"])


def test_penalty_rule():
    rule = LatePolicy(grace_minutes=10, per_day=0.25, zero_after_days=3)
    assert rule.penalty(8.0, 0) == 0.0
    assert rule.penalty(8.0, 10 * 60) == 0.0  # within the grace period
    assert rule.penalty(8.0, 10 * 60 + 1) == 2.0  # a started day
    assert rule.penalty(8.0, 86400 + 1) == 4.0
    assert rule.penalty(8.0, 3 * 86400) == 8.0  # zero from the third day on
    assert rule.penalty(0.0, 5 * 86400) == 0.0
    assert LatePolicy(per_day=0.6).penalty(10.0, 2 * 86400) == 10.0  # never above the score
    assert LatePolicy().penalty(10.0, 1e9) == 0.0 and LatePolicy().zero_after_days == math.inf


def test_repository_course_file_names_every_assignment():
    from calcml.grading import ASSIGNMENTS

    settings = load_course()
    assert set(ASSIGNMENTS) <= set(settings.due)
    assert all(d.tzinfo is None for d in settings.due.values())  # UTC, as nbgrader keeps them


@pytest.mark.parametrize("text, words", [
    ('[due]\n"01_derivatives" = "next friday"\n', "not an ISO 8601 date"),
    ('[due]\n"01_derivatives" = "2027-01-22T23:59:00"\n', "no UTC offset"),
    ("[late]\nper_dya = 0.1\n", "unknown [late] setting"),
    ("[late]\nper_day = 2\n", "0 <= per_day <= 1"),
    ("[lates]\n", "unknown section"),
    ("[due\n", "not valid TOML"),
])
def test_course_file_errors_say_what_to_fix(tmp_path, text, words):
    path = tmp_path / "course.toml"
    path.write_text(text)
    with pytest.raises(CourseFileError, match=__import__("re").escape(words)):
        load_course(path)


def test_missing_course_file(tmp_path):
    with pytest.raises(CourseFileError, match="no course file"):
        load_course(tmp_path / "course.toml")


def test_due_dates_written_into_the_gradebook(tmp_path, monkeypatch):
    """`python -m autograder.late` writes the course file's dates for known assignments."""
    import os
    import subprocess
    import sys

    from course import REPO
    from nbgrader.api import Gradebook

    env = dict(os.environ, CALCML_COURSE_ROOT=str(tmp_path),
               PATH=f"{os.path.dirname(sys.executable)}{os.pathsep}{os.environ['PATH']}")
    (tmp_path / "course.toml").write_text(
        '[due]\n"01_derivatives" = "2027-01-22T23:59:00+01:00"\n'
        '"02_partial_derivatives" = "2027-01-29T23:59:00+00:00"\n')
    url = f"sqlite:///{tmp_path / 'gradebook.db'}"
    monkeypatch.setenv("PATH", env["PATH"])  # nbgrader's Gradebook calls alembic
    with Gradebook(url, "calcml") as gb:
        gb.add_assignment("01_derivatives")
    proc = subprocess.run([sys.executable, "-m", "autograder.late"], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "01_derivatives: due 2027-01-22 22:59 UTC" in proc.stdout
    assert "02_partial" not in proc.stdout  # not in the gradebook: left alone
    with Gradebook(url, "calcml") as gb:
        assert str(gb.find_assignment("01_derivatives").duedate) == "2027-01-22 22:59:00"
