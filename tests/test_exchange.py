"""The nbgrader exchange end to end, as the README walks it: the instructor releases,
two students (each with a home of their own and only the two settings a student needs)
fetch and submit, one of them after the due date, the instructor collects and grades,
the late one loses what the course file's penalty rule says, and the feedback goes back
through the exchange as one working page."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import nbformat
import pytest
from course import Course

A = "01_derivatives"


def student_env(home: Path, exchange: Path) -> dict[str, str]:
    """A student's environment: own HOME, own Jupyter config, nothing of the course's."""
    config = home / ".jupyter"
    config.mkdir(parents=True, exist_ok=True)
    (config / "nbgrader_config.py").write_text(
        "c = get_config()\n"
        f"c.Exchange.root = {str(exchange)!r}\n"
        "c.CourseDirectory.course_id = 'calcml'\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("CALCML_")}
    env.update(HOME=str(home), JUPYTER_CONFIG_DIR=str(config),
               PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    return env


def as_student(home: Path, exchange: Path, *args: str) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=home,
                          env=student_env(home, exchange), capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, f"nbgrader {' '.join(args)} as a student:\n{proc.stderr}"
    return proc


def set_due(root: Path, assignment: str, when: datetime) -> None:
    (root / "course.toml").write_text(
        f'[due]\n"{assignment}" = "{when.isoformat()}"\n'
        "[late]\ngrace_minutes = 0\nper_day = 0.25\nzero_after_days = 7\n")


@pytest.mark.slow
def test_release_fetch_submit_collect_with_a_late_submission(tmp_path):
    course = Course(tmp_path / "course")
    exchange = tmp_path / "exchange"
    course.env["CALCML_EXCHANGE"] = str(exchange)
    exchange.mkdir()
    course.generate(A)
    course.nbgrader("release_assignment", A, "--force")
    assert (exchange / "calcml" / "outbound" / A / f"{A}.ipynb").is_file()

    homes = {s: tmp_path / "home" / s for s in ("ada", "ben")}
    solved = course.source(A)
    for home in homes.values():
        home.mkdir(parents=True)
        listed = as_student(home, exchange, "list")
        assert A in listed.stdout + listed.stderr
        as_student(home, exchange, "fetch_assignment", A)
        fetched = home / A / f"{A}.ipynb"
        assert "BEGIN SOLUTION" not in fetched.read_text()
        assert "raise NotImplementedError" in fetched.read_text()
        nbformat.write(solved, fetched)  # the student's work: every function right

    as_student(homes["ada"], exchange, "submit", A, "--CourseDirectory.student_id=ada")
    time.sleep(1.5)
    due = datetime.now(UTC) - timedelta(seconds=0.7)
    time.sleep(0.5)
    as_student(homes["ben"], exchange, "submit", A, "--CourseDirectory.student_id=ben")
    set_due(course.root, A, due)
    inbound = sorted(p.name.split("+")[0] for p in (exchange / "calcml" / "inbound").iterdir())
    assert inbound == ["ada", "ben"]

    course.nbgrader("collect", A)
    for student in homes:
        folder = course.root / "submitted" / student / A
        assert (folder / f"{A}.ipynb").is_file() and (folder / "timestamp.txt").is_file()

    course.autograde(A)
    from nbgrader.api import Gradebook

    with Gradebook(course.db_url, "calcml") as gb:
        assert gb.find_assignment(A).duedate == due.replace(tzinfo=None)
        ada, ben = (gb.find_submission(A, s) for s in ("ada", "ben"))
        assert ada.total_seconds_late == 0 and ada.late_submission_penalty == 0
        assert ada.score == ada.max_score == 10.0
        assert 0 < ben.total_seconds_late < 60
        assert ben.score == 10.0 and ben.late_submission_penalty == pytest.approx(2.5)

    course.nbgrader("generate_feedback", A)
    course.nbgrader("release_feedback", A)
    as_student(homes["ben"], exchange, "fetch_feedback", A, "--CourseDirectory.student_id=ben")
    pages = list((homes["ben"] / A / "feedback").glob(f"*/{A}.html"))
    assert len(pages) == 1, pages
    page = pages[0].read_text()
    assert "window.MathJax" in page and len(page) > 1_000_000  # MathJax travels inside
    assert "late submission penalty: -2.5 points" in page
    assert "central_difference</a>: <span class='passed'>" in page
