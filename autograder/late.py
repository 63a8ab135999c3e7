"""Due dates and the late-penalty rule, from the course's one settings file.

``course.toml`` (at the course root, or the file named by ``CALCML_COURSE_FILE``) holds
each assignment's due date and the penalty rule. Two nbgrader hooks read it:

- :class:`ApplyDueDates`, a preprocessor that nbgrader's autograde runs before its own
  ``AssignLatePenalties``: it writes the assignment's due date into the gradebook, so
  nbgrader computes how late each submission is (and the formgrader shows the date);
- :class:`CourseLatePenalty`, the ``LateSubmissionPlugin`` that turns seconds late into
  points lost.

``python -m autograder.late`` writes every due date into the gradebook at once (before
``nbgrader collect --before-duedate``, for example).
"""

from __future__ import annotations

import math
import os
import tomllib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from nbgrader.plugins import LateSubmissionPlugin
from nbgrader.preprocessors import NbGraderPreprocessor

__all__ = ["LatePolicy", "CourseSettings", "CourseFileError", "course_file", "load_course",
           "ApplyDueDates", "CourseLatePenalty", "sync_due_dates"]

REPO = Path(__file__).resolve().parent.parent


class CourseFileError(ValueError):
    """The course file is missing or says something that cannot be used."""


@dataclass(frozen=True)
class LatePolicy:
    """No penalty within the grace period; then ``per_day`` of the score per started
    day late; the whole score from ``zero_after_days`` days late on."""

    grace_minutes: float = 0.0
    per_day: float = 0.0
    zero_after_days: float = math.inf

    def penalty(self, score: float, seconds_late: float) -> float:
        """Points a notebook scoring ``score`` loses when ``seconds_late`` late."""
        if seconds_late <= self.grace_minutes * 60 or score <= 0:
            return 0.0
        days = seconds_late / 86400
        if days >= self.zero_after_days:
            return float(score)
        return float(min(score, score * self.per_day * math.ceil(days)))


@dataclass(frozen=True)
class CourseSettings:
    path: Path
    course_id: str = "calcml"
    section: str = ""
    due: dict[str, datetime] = field(default_factory=dict)  #: naive UTC, as nbgrader keeps them
    late: LatePolicy = LatePolicy()


def course_file(root: str | os.PathLike[str] | None = None) -> Path:
    """The course file: ``CALCML_COURSE_FILE``, else ``course.toml`` in the course root
    (``CALCML_COURSE_ROOT``) when there is one, else the repository's."""
    named = os.environ.get("CALCML_COURSE_FILE")
    if named:
        return Path(named)
    root = root or os.environ.get("CALCML_COURSE_ROOT")
    if root and (Path(root) / "course.toml").is_file():
        return Path(root) / "course.toml"
    return REPO / "course.toml"


def _utc(assignment: str, text: Any, path: Path) -> datetime:
    try:
        when = text if isinstance(text, datetime) else datetime.fromisoformat(str(text))
    except ValueError:
        raise CourseFileError(f"{path}: the due date of {assignment} ({text!r}) is not an ISO "
                              "8601 date such as 2027-01-22T23:59:00+00:00") from None
    if when.tzinfo is None:
        raise CourseFileError(f"{path}: the due date of {assignment} ({text!r}) has no UTC "
                              "offset; write it as 2027-01-22T23:59:00+00:00")
    return when.astimezone(UTC).replace(tzinfo=None)


def load_course(path: str | os.PathLike[str] | None = None) -> CourseSettings:
    """Read and check the course file."""
    path = Path(path) if path else course_file()
    if not path.is_file():
        raise CourseFileError(f"no course file at {path}: copy the repository's course.toml "
                              "there, or set CALCML_COURSE_FILE")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise CourseFileError(f"{path} is not valid TOML: {exc}") from None
    unknown = set(data) - {"course", "due", "late"}
    if unknown:
        raise CourseFileError(f"{path}: unknown section(s) {sorted(unknown)}; "
                              "the file has [course], [due] and [late]")
    late = data.get("late", {})
    bad = set(late) - {"grace_minutes", "per_day", "zero_after_days"}
    if bad:
        raise CourseFileError(f"{path}: unknown [late] setting(s) {sorted(bad)}; known: "
                              "grace_minutes, per_day, zero_after_days")
    try:
        policy = LatePolicy(float(late.get("grace_minutes", 0)), float(late.get("per_day", 0)),
                            float(late.get("zero_after_days", math.inf)))
    except (TypeError, ValueError):
        raise CourseFileError(f"{path}: the [late] settings must be numbers") from None
    if not (policy.grace_minutes >= 0 and 0 <= policy.per_day <= 1
            and policy.zero_after_days > 0):
        raise CourseFileError(f"{path}: [late] needs grace_minutes >= 0, 0 <= per_day <= 1 "
                              f"and zero_after_days > 0 (got {late})")
    course = data.get("course", {})
    due = {str(a): _utc(a, when, path) for a, when in data.get("due", {}).items()}
    return CourseSettings(path, str(course.get("id", "calcml")), str(course.get("section", "")),
                          due, policy)


def sync_due_dates(db_url: str, settings: CourseSettings | None = None,
                   assignments: list[str] | None = None) -> dict[str, datetime]:
    """Write the course file's due dates into the gradebook (assignments it knows of)."""
    from nbgrader.api import Gradebook

    settings = settings or load_course()
    written = {}
    with Gradebook(db_url, settings.course_id) as gb:
        known = {a.name for a in gb.assignments}
        for name, when in settings.due.items():
            if name in known and (assignments is None or name in assignments):
                gb.update_or_create_assignment(name, duedate=when)
                written[name] = when
    return written


class ApplyDueDates(NbGraderPreprocessor):
    """Write the assignment's due date from the course file into the gradebook (place
    it before nbgrader's ``AssignLatePenalties``)."""

    def preprocess(self, nb: Any, resources: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
        info = resources["nbgrader"]
        sync_due_dates(info["db_url"], assignments=[info["assignment"]])
        return nb, resources


class CourseLatePenalty(LateSubmissionPlugin):
    """nbgrader's late-submission plugin applying the course file's ``[late]`` rule."""

    def late_submission_penalty(self, student_id: str, score: float,
                                total_seconds_late: float) -> float:
        policy = load_course().late
        penalty = policy.penalty(score, total_seconds_late)
        self.log.info("%s: %.0f s late, penalty %.2f of %.2f points", student_id,
                      total_seconds_late, penalty, score)
        return penalty


def main() -> int:
    """Write every due date of the course file into the configured gradebook."""
    import sys

    from autograder.cli import load_config

    try:
        settings = load_course()
        written = sync_due_dates(load_config().CourseDirectory.db_url, settings)
    except CourseFileError as exc:
        print(f"calcml: {exc}", file=sys.stderr)
        return 2
    for name, when in written.items():
        print(f"{name}: due {when:%Y-%m-%d %H:%M} UTC")
    if not written:
        print("no assignment of the course file is in the gradebook yet; run "
              "`nbgrader generate_assignment <id>` first", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
