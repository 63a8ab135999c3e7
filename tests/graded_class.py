"""A small class graded once per test session with real nbgrader commands, shared by
the roster, export and report tests: a roster of four, three submissions of
01_derivatives (all right, untouched, two functions wrong and late), one missing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from course import Course, points, with_answers

A = "01_derivatives"
ROSTER = ("id,first_name,last_name,email,lms_user_id\n"
          "ada,Ada,Lovelace,ada@example.org,1001\n"
          'ben,Ben,"Okafor, Jr.",ben@example.org,1002\n'
          "cy,Cy,Young,cy@example.org,1003\n"
          "dee,Dee,Ng,dee@example.org,1004\n")
WRONG = {"coin_mle": "def coin_mle(heads, tails):\n    return tails / (heads + tails)",
         "sigmoid": "import numpy as np\ndef sigmoid(z):\n    return 1 / (1 + np.exp(-z))"}
DUE = datetime(2027, 1, 22, 23, 59, tzinfo=UTC)
LATE = DUE + timedelta(days=1, hours=2)  # two started days late: 2 x 25 % of the score
_CACHE: dict[str, Course] = {}


def course_toml(due: datetime = DUE) -> str:
    return (f'[course]\nsection = "Spring A"\n[due]\n"{A}" = "{due.isoformat()}"\n'
            "[late]\ngrace_minutes = 10\nper_day = 0.25\nzero_after_days = 7\n")


def stamp(folder: Path, when: datetime) -> None:
    """The timestamp nbgrader's submit writes (what collect copies along)."""
    (folder / "timestamp.txt").write_text(
        when.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f UTC"))


def expected_raw(course: Course) -> dict[str, float]:
    """What each submission should score before any penalty, from the test cells' points."""
    pts = points(course.source(A))
    return {"ada": sum(pts.values()), "ben": 0.0,
            "cy": sum(pts.values()) - sum(pts[f] for f in WRONG)}


def graded_class(root: Path, db_url: str | None = None) -> Course:
    """Build (once per root) the class and grade it."""
    key = str(root)
    if key in _CACHE:
        return _CACHE[key]
    course = Course(root, db_url=db_url)
    (root / "course.toml").write_text(course_toml())
    (root / "roster.csv").write_text(ROSTER)
    course.nbgrader("db", "student", "import", str(root / "roster.csv"))
    course.generate(A)
    source = course.source(A)
    stamp(course.submit("ada", A, source), DUE - timedelta(hours=3))
    stamp(course.submit("ben", A, course.release(A)), DUE - timedelta(minutes=1))
    stamp(course.submit("cy", A, with_answers(source, WRONG)), LATE)
    course.autograde(A)
    _CACHE[key] = course
    return course
