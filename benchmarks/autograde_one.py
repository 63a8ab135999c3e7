"""Seconds to autograde one submission: the course's sandboxed grader vs stock nbgrader.

Not a test. Builds a temporary course, submits the reference solution of an assignment
(default 01_derivatives) for one student, and times ``nbgrader autograde --student``
with the course's configuration (sandboxed, trusted verdicts) and with nbgrader's stock
preprocessors (student code and tests in one kernel), each several times; prints the
median of each, the grader's own time (inside the preprocessor), and the scores.

    python benchmarks/autograde_one.py [assignment] [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from course import Course  # noqa: E402

STOCK = ("--Autograde.autograde_preprocessors=["
         "'nbgrader.preprocessors.Execute','nbgrader.preprocessors.IgnorePattern',"
         "'nbconvert.preprocessors.ClearMetadataPreprocessor',"
         "'nbgrader.preprocessors.LimitOutput','nbgrader.preprocessors.SaveAutoGrades',"
         "'nbgrader.preprocessors.AssignLatePenalties','nbgrader.preprocessors.CheckCellMetadata']")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("assignment", nargs="?", default="01_derivatives")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    a = args.assignment
    with tempfile.TemporaryDirectory() as tmp:
        course = Course(Path(tmp))
        course.generate(a)
        course.submit("student", a, course.source(a))
        results = {}
        for label, extra in (("course grader (sandboxed)", []), ("stock nbgrader", [STOCK])):
            times = []
            for _ in range(args.repeat):
                start = time.perf_counter()
                course.nbgrader("autograde", a, "--student=student", "--force", *extra)
                times.append(time.perf_counter() - start)
            results[label] = (statistics.median(times), sum(course.scores(a)["student"].values()))
        from autograder.grade import grade_notebook  # the pipeline's own time, no nbgrader

        nb = course.source(a)
        start = time.perf_counter()
        grade_notebook(nb)
        own = time.perf_counter() - start
    for label, (seconds, score) in results.items():
        print(f"{label:28s} {seconds:6.2f} s per `nbgrader autograde --student` (score {score})")
    print(f"{'grader alone (no nbgrader)':28s} {own:6.2f} s per notebook")


if __name__ == "__main__":
    main()
