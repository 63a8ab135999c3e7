"""Class-scale grading: `calcml-grade autograde` in parallel, through Dask, into
PostgreSQL, and after a `kill -9`: always the scores sequential nbgrader records, each
recorded once."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from course import REPO, Course, mutants, points, with_answers, with_extra_cell
from pg import available, postgres_server

A = "01_derivatives"
#: what the summary says when the writer could not use a worker's result
WRITER_REGRADED = "graded again by the writer"
def make_class(course: Course, n: int) -> dict[str, dict[str, float]]:
    """n submissions cycling through reference, blank, wrong and valid variants and a
    kernel-killing one; returns the scores each must get."""
    m = mutants(A)
    course.generate(A)
    source, blank = course.source(A), course.release(A)
    full = points(source)
    want = {}
    for i in range(n):
        student, kind = f"s{i:03d}", i % 5
        if kind == 0:
            nb, score = source, dict(full)
        elif kind == 1:
            nb, score = blank, dict.fromkeys(full, 0.0)
        elif kind == 2:
            wrong = {f: impls[i % len(impls)][1] for f, impls in m.WRONG.items()}
            nb, score = with_answers(source, wrong), dict.fromkeys(full, 0.0)
        elif kind == 3:
            right = {f: impls[0][1] for f, impls in m.RIGHT.items()}
            nb, score = with_answers(source, right), dict(full)
        else:
            nb = with_extra_cell(with_answers(source, {"coin_mle": m.WRONG["coin_mle"][0][1]}),
                                 "import os\nos._exit(1)")
            score = dict(full, coin_mle=0.0)
        course.submit(student, A, nb)
        want[student] = score
    return want


def calcml_grade(course: Course, *args: str, **kw) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "autograder.cli", "autograde", *args],
                          cwd=REPO, env=course.env, capture_output=True, text=True,
                          timeout=900, **kw)


@pytest.mark.slow
def test_parallel_records_what_sequential_records(tmp_path):
    course = Course(tmp_path)
    want = make_class(course, 10)
    (tmp_path / "submitted" / "broken" / A).mkdir(parents=True)
    (tmp_path / "submitted" / "broken" / A / f"{A}.ipynb").write_text("{ not a notebook")
    sequential_run = course.nbgrader("autograde", A, "--force", check=False)  # sequential
    assert "error processing assignment '01_derivatives' for student 'broken'" in \
        sequential_run.stderr
    sequential = course.scores(A)
    proc = calcml_grade(course, A, "--workers", "2", "--force")
    assert proc.returncode == 1, proc.stdout + proc.stderr  # the broken submission
    assert "broken / 01_derivatives: the notebook cannot be read" in proc.stdout
    assert "graded 10 notebooks" in proc.stdout
    assert WRITER_REGRADED not in proc.stdout  # the workers' results were used
    assert "11/11 notebooks | 1 failed" in proc.stderr
    parallel = course.scores(A)
    for student, score in want.items():
        assert sequential[student] == score, student
        assert parallel[student] == score, student
    feedback = course.nbgrader("generate_feedback", A, "--student=s000")
    assert feedback.returncode == 0
    html = (tmp_path / "feedback" / "s000" / A / f"{A}.html").read_text()
    assert "passed all" in html and "BEGIN HIDDEN TESTS" not in html


@pytest.mark.slow
def test_rerun_skips_what_is_graded(tmp_path):
    course = Course(tmp_path)
    make_class(course, 3)
    first = calcml_grade(course, A, "--workers", "2")
    assert first.returncode == 0, first.stderr
    again = calcml_grade(course, A, "--workers", "2")
    assert "graded 0 notebooks" in again.stdout and "skipped 3 submissions" in again.stdout
    # a resubmission is graded again
    course.submit("s001", A, course.source(A))
    third = calcml_grade(course, A, "--workers", "2")
    assert "graded 1 notebooks" in third.stdout
    assert course.scores(A)["s001"] == points(course.source(A))


def grade_rows(db: Path) -> list[tuple[str, str, int]]:
    """(student, cell, number of grade rows) from the SQLite gradebook."""
    with sqlite3.connect(db) as conn:
        return conn.execute(
            "SELECT student.id, base_cell.name, COUNT(*) FROM grade "
            "JOIN submitted_notebook ON grade.notebook_id = submitted_notebook.id "
            "JOIN submitted_assignment ON submitted_notebook.assignment_id = "
            "submitted_assignment.id JOIN student ON submitted_assignment.student_id = student.id "
            "JOIN base_cell ON grade.cell_id = base_cell.id "
            "GROUP BY student.id, base_cell.name").fetchall()


def sandbox_kernels() -> int:
    out = subprocess.run(["pgrep", "-f", "autograder.sandbox_kernel"], capture_output=True,
                         text=True).stdout
    return len(out.split())


@pytest.mark.slow
def test_kill_9_mid_run_then_rerun_records_every_grade_once(tmp_path):
    course = Course(tmp_path)
    want = make_class(course, 12)
    kernels_before = sandbox_kernels()
    proc = subprocess.Popen([sys.executable, "-m", "autograder.cli", "autograde", A,
                             "--workers", "2"], cwd=REPO, env=course.env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    markers = tmp_path / "autograded"
    deadline = time.monotonic() + 300
    while len(list(markers.glob(f"*/{A}/.calcml-graded"))) < 3:
        assert proc.poll() is None, "the grader finished before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    graded_before = len(list(markers.glob(f"*/{A}/.calcml-graded")))
    assert graded_before < 12, "everything was graded before the kill"
    deadline = time.monotonic() + 30  # workers die with the writer, kernels with workers
    while sandbox_kernels() > kernels_before and time.monotonic() < deadline:
        time.sleep(0.5)
    assert sandbox_kernels() <= kernels_before, "sandboxed kernels outlived the killed grader"

    rerun = calcml_grade(course, A, "--workers", "2")
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    assert f"skipped {graded_before} submissions" in rerun.stdout
    scores = course.scores(A)
    assert {s: scores[s] for s in want} == want
    rows = grade_rows(tmp_path / "gradebook.db")
    assert len(rows) == 12 * len(points(course.source(A)))
    assert all(count == 1 for _, _, count in rows), rows


@pytest.mark.slow
def test_dask_local_cluster_records_the_same_scores(tmp_path):
    course = Course(tmp_path)
    want = make_class(course, 5)
    proc = calcml_grade(course, A, "--scheduler", "local", "--workers", "2")
    assert proc.returncode == 0, proc.stdout + proc.stderr[-3000:]
    assert WRITER_REGRADED not in proc.stdout
    assert course.scores(A) == want


@pytest.mark.slow
@pytest.mark.skipif(available() is not None, reason=str(available()))
def test_postgres_gradebook(tmp_path):
    with postgres_server() as url:
        course = Course(tmp_path / "course", db_url=url)
        want = make_class(course, 5)
        proc = calcml_grade(course, A, "--workers", "2")
        assert proc.returncode == 0, proc.stdout + proc.stderr[-3000:]
        assert WRITER_REGRADED not in proc.stdout
        assert course.scores(A) == want
        course.submit("late", A, course.source(A))
        course.autograde(A, "late")  # plain nbgrader autograde into PostgreSQL too
        assert course.scores(A)["late"] == points(course.source(A))
        export = tmp_path / "grades.csv"
        course.nbgrader("export", f"--to={export}")
        assert export.read_text().count("\n") == 7


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_external_dask_scheduler_address(tmp_path):
    """The multi-machine recipe of the README, on loopback: a scheduler, a worker
    process that knows nothing of the course, and the writer given the address."""
    dask = str(Path(sys.executable).parent / "dask")
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    scheduler = subprocess.Popen([dask, "scheduler", "--host", "127.0.0.1", "--port", str(port),
                                  "--no-dashboard"], env=env, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL, cwd=tmp_path)
    worker = subprocess.Popen([dask, "worker", address, "--nworkers", "2", "--nthreads", "1",
                               "--no-dashboard", "--host", "127.0.0.1"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=tmp_path)
    try:
        course = Course(tmp_path / "course")
        want = make_class(course, 5)
        proc = calcml_grade(course, A, "--scheduler", address)
        assert proc.returncode == 0, proc.stdout + proc.stderr[-3000:]
        assert WRITER_REGRADED not in proc.stdout
        assert course.scores(A) == want
    finally:
        for p in (worker, scheduler):
            p.terminate()
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()


def test_bad_requests_are_named(tmp_path):
    course = Course(tmp_path / "course")
    empty = calcml_grade(course, "--all")
    assert empty.returncode == 2 and "the gradebook has no assignments yet" in empty.stderr
    course.env["CALCML_COURSE_ROOT"] = str(tmp_path / "no-such-course")
    missing = calcml_grade(course, "--all")
    assert missing.returncode == 2 and "cannot open the gradebook" in missing.stderr
    course.env["CALCML_COURSE_ROOT"] = str(course.root)
    course.generate(A)
    unknown = calcml_grade(course, "02_nope")
    assert unknown.returncode == 2
    assert "no assignment '02_nope' in the gradebook" in unknown.stderr
    assert "01_derivatives" in unknown.stderr
