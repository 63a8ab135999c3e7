"""Per-student, per-attempt hidden inputs: every submission meets inputs of its own,
regrading reproduces them exactly, and every variant still separates right from wrong."""

from __future__ import annotations

import json
import random
import re
import subprocess
import sys

import pytest
from course import REPO, Course, answer_code, variant_problems, with_answers

from autograder.release import assignments
from calcml.grading import assignment_functions, cases
from calcml.grading.secret import submission_secret
from calcml.grading.student import encode

ASSIGNMENTS = assignments()
SECRET = "a-test-course-secret"
T1, T2 = "2026-12-01T10:00:00+00:00", "2026-12-02T18:30:00+00:00"


def _inputs(spec, key: str) -> str:
    return json.dumps([[encode(list(c.args)), {k: encode(v) for k, v in c.kwargs.items()}]
                       for c in cases(spec, True, key)], allow_nan=True)


def test_submission_keys_differ_by_student_and_attempt_and_repeat():
    keys = {submission_secret(SECRET, s, t) for s in ("ada", "ben") for t in (T1, T2)}
    assert len(keys) == 4
    assert submission_secret(SECRET, "ada", T1) == submission_secret(SECRET, "ada", T1)
    assert submission_secret("another-course", "ada", T1) not in keys
    assert all(SECRET not in k for k in keys) and all(len(k) == 64 for k in keys)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_function_meets_new_inputs_per_student_and_attempt(assignment):
    ada1, ada2, ben1 = (submission_secret(SECRET, s, t)
                        for s, t in (("ada", T1), ("ada", T2), ("ben", T1)))
    for name, spec in assignment_functions(assignment).items():
        first = _inputs(spec, ada1)
        assert first == _inputs(spec, ada1), f"{name}: a regrade would meet other inputs"
        assert first != _inputs(spec, ada2), f"{name}: a second attempt meets the same inputs"
        assert first != _inputs(spec, ben1), f"{name}: two students meet the same inputs"


def _sample_pairs(n: int) -> list[tuple[str, str]]:
    rng = random.Random()
    return [("ada", T1)] + [(f"s{rng.randrange(10**6):06d}",
                             f"2026-{rng.randint(9, 12):02d}-{rng.randint(1, 28):02d}T"
                             f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:00+00:00")
                            for _ in range(n - 1)]


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_self_test_of_a_sample_of_variants(assignment):
    """benchmarks/variants.py runs this over 50 pairs; here three, one fixed."""
    problems = []
    for student, timestamp in _sample_pairs(3):
        found = variant_problems(assignment, submission_secret(SECRET, student, timestamp))
        problems += [f"[{student} at {timestamp}] {p}" for p in found]
    assert not problems, "\n".join(problems)


# -- end to end: nbgrader autograde, calcml-grade (local pool and Dask) -----------------

A = "01_derivatives"
NAME = "coin_mle"
CALL = re.compile(r"call:\s+(coin_mle\(heads=(\d+), tails=(\d+)\))\n\s+expected:\s+(\S+)")


def _shown(text: str) -> tuple[str, int, int, float]:
    """The failing call and expected value a hidden-test feedback shows."""
    found = CALL.search(text)
    assert found and "hidden coin_mle failed" in text, text
    return found.group(1), int(found.group(2)), int(found.group(3)), float(found.group(4))


def _lookup(table: dict[tuple[int, int], float]) -> str:
    """A coin_mle that knows only some answers by heart (the visible one and those
    copied from feedback) and guesses 0.5 otherwise."""
    return (f"def coin_mle(heads, tails):\n    table = {table!r}\n"
            "    return table.get((int(heads), int(tails)), 0.5)")


def _calcml_grade(course: Course, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "autograder.cli", "autograde", A, "--force",
                           "--quiet", *args], cwd=REPO, env=course.env, capture_output=True,
                          text=True, timeout=900)


@pytest.mark.slow
def test_inputs_per_submission_through_every_grading_path(tmp_path):
    """Two students and two attempts meet different hidden inputs; a regrade (nbgrader,
    calcml-grade's pool and its Dask path) reproduces each submission's own; and an
    answer copied from one attempt's feedback fails the next attempt."""
    course = Course(tmp_path)
    course.generate(A)
    source = course.source(A)
    guess = with_answers(source, {NAME: _lookup({(7, 3): 0.7})})
    course.submit("ada", A, guess, timestamp=T1)
    course.submit("ben", A, guess, timestamp=T1)
    course.autograde(A)
    ada1, ben1 = (course.feedback(A, s, NAME) for s in ("ada", "ben"))
    assert _shown(ada1)[0] != _shown(ben1)[0], "two students were shown the same input"
    assert course.scores(A)["ada"][NAME] == 0

    # regrading the same submissions reproduces their inputs and scores exactly
    scores = course.scores(A)
    for regrade in (lambda: course.autograde(A), lambda: _calcml_grade(course, "--workers", "1"),
                    lambda: _calcml_grade(course, "--scheduler", "local", "--workers", "1")):
        proc = regrade()
        assert getattr(proc, "returncode", 0) == 0, proc.stdout + proc.stderr
        assert course.feedback(A, "ada", NAME) == ada1
        assert course.feedback(A, "ben", NAME) == ben1
        assert course.scores(A) == scores

    # ada copies the failing case from her feedback; it would pass that case now ...
    _, heads, tails, expected = _shown(ada1)
    copied = with_answers(source, {NAME: _lookup({(7, 3): 0.7, (heads, tails): expected})})
    course.submit("ada", A, copied, timestamp=T1)  # the same attempt, regraded
    course.autograde(A, "ada")
    assert _shown(course.feedback(A, "ada", NAME))[0] != _shown(ada1)[0]  # got past it
    # ... but her next attempt meets new inputs, and the copied answer fails again
    course.submit("ada", A, copied, timestamp=T2)
    course.autograde(A, "ada")
    ada2 = course.feedback(A, "ada", NAME)
    assert _shown(ada2)[0] != _shown(ada1)[0]
    assert course.scores(A)["ada"][NAME] == 0
    # the reference solution earns full marks on the new attempt's inputs
    course.submit("ben", A, with_answers(source, {NAME: answer_code(A)[NAME]}), timestamp=T2)
    course.autograde(A, "ben")
    assert course.scores(A)["ben"][NAME] == 1
