"""The instructor's workflow end to end, with real nbgrader commands and gradebook:
generate the student version, drop submissions into submitted/, autograde, generate
feedback, export the grades as CSV."""

from __future__ import annotations

import csv

import pytest
from course import Course, with_answers

A = "01_derivatives"


@pytest.mark.slow
def test_generate_autograde_feedback_export(tmp_path):
    course = Course(tmp_path)
    release = course.generate(A)
    assert release.is_file()
    source = course.source(A)
    course.submit("ada", A, source)
    course.submit("ben", A, course.release(A))
    course.submit("cy", A, with_answers(source, {"coin_mle": "def coin_mle(heads, tails):\n"
                                                             "    return tails / (heads + tails)"}))
    course.autograde(A)
    course.nbgrader("generate_feedback", A)
    for student in ("ada", "ben", "cy"):
        html = (tmp_path / "feedback" / student / A / f"{A}.html").read_text()
        assert "BEGIN HIDDEN TESTS" not in html and "hidden=True" not in html
    assert "coin_mle failed" in (tmp_path / "feedback" / "cy" / A / f"{A}.html").read_text()
    out = tmp_path / "grades.csv"
    course.nbgrader("export", f"--to={out}")
    rows = {r["student_id"]: r for r in csv.DictReader(out.open())}
    assert float(rows["ada"]["score"]) == float(rows["ada"]["max_score"]) == 10.0
    assert float(rows["ben"]["score"]) == 0.0
    assert float(rows["cy"]["score"]) == 9.0
