"""`calcml-grade autograde` at class scale when things go wrong: a grader killed at any
moment leaves nothing running, the gradebook (not a marker file) decides what is graded,
a dying worker costs only its own notebook, every socket is on loopback, and every
problem is one clean line."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import psutil
import pytest
from batch_faults import VICTIM, worker_dies_on_victim
from course import REPO, Course, points
from pg import available, postgres_server

from autograder.batch import BatchGrader, Summary, _DaskPool, printable

A = "01_derivatives"
SECRET = "batch-robustness-tests"


def course_with(root: Path, students: list[str], db_url: str | None = None) -> Course:
    course = Course(root, db_url=db_url)
    course.env["CALCML_GRADING_SECRET"] = SECRET
    course.generate(A)
    for student in students:
        course.submit(student, A, course.source(A))
    return course


def calcml_grade(course: Course, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "autograder.cli", "autograde", *args],
                          cwd=REPO, env=course.env, capture_output=True, text=True, timeout=600)


def tagged(tag: str) -> list[int]:
    """pids of live processes whose environment carries ``tag``."""
    found = []
    needle = f"CALCML_TEST_TAG={tag}".encode()
    for proc in psutil.process_iter(["pid"]):
        try:
            if needle in Path(f"/proc/{proc.pid}/environ").read_bytes() and \
                    proc.status() != psutil.STATUS_ZOMBIE:
                found.append(proc.pid)
        except (OSError, psutil.Error):
            continue
    return found


@pytest.fixture(scope="module")
def small_class(tmp_path_factory) -> Course:
    return course_with(tmp_path_factory.mktemp("kill"), ["ada", "ben", "cy"])


# --------------------------------------------------------------------------- 1. kills


def first_worker(pid: int, timeout: float = 120) -> None:
    """Wait until the process ``pid`` has started a pool worker (a spawned Python)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if any("spawn_main" in " ".join(child.cmdline())
                   for child in psutil.Process(pid).children()):
                return
        except psutil.Error:
            return
        time.sleep(0.005)


#: when to kill: seconds after start-up began, or after the first pool worker appeared
MOMENTS = [("start", 0.05), ("start", 1.0), ("worker", 0.0), ("worker", 0.1),
           ("worker", 0.3), ("worker", 0.6), ("worker", 1.0), ("worker", 2.0), ("worker", 4.0)]


@pytest.mark.slow
@pytest.mark.parametrize(("after", "delay"), MOMENTS)
def test_a_grader_killed_at_any_moment_leaves_no_process_and_closes_its_output(
        small_class, after, delay):
    tag = uuid.uuid4().hex
    env = dict(small_class.env, CALCML_TEST_TAG=tag)
    proc = subprocess.Popen([sys.executable, "-m", "autograder.cli", "autograde", A,
                             "--workers", "2", "--force"], cwd=REPO, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if after == "worker":
        first_worker(proc.pid)
    time.sleep(delay)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 20
    while tagged(tag) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert tagged(tag) == [], f"processes outlived a grader killed {delay} s after {after}"
    assert output_ends(proc.stdout.fileno()), "the grader's stdout is still held open"
    proc.stdout.close()


def output_ends(fd: int, timeout: float = 10) -> bool:
    """True when a reader of ``fd`` reaches its end (every writer is gone) in time."""
    os.set_blocking(fd, False)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        select.select([fd], [], [], 0.2)
        try:
            if os.read(fd, 1 << 16) == b"":
                return True
        except BlockingIOError:
            continue
    return False


# --------------------------------------------------------------------------- 3. gradebook


def summary_of(course: Course) -> str:
    proc = calcml_grade(course, A, "--workers", "2")
    assert proc.returncode == 0, proc.stdout + proc.stderr[-3000:]
    return proc.stdout


def check_gradebook_decides(course: Course, fresh_gradebook) -> None:
    assert "graded 2 notebooks" in summary_of(course)
    assert "graded 0 notebooks" in summary_of(course)  # nothing changed: all skipped
    fresh_gradebook()  # a fresh (or restored, or replaced) gradebook: grade in full
    course.generate(A)
    out = summary_of(course)
    assert "graded 2 notebooks" in out and "skipped" not in out
    assert course.scores(A)["ada"] == points(course.source(A))
    # the instructor regenerates the assignment with a changed test: regrade
    source = course.root / "solutions" / A / f"{A}.ipynb"
    source.write_text(source.read_text().replace("visible tests: fixed inputs, hints",
                                                 "visible tests: fixed inputs and hints"))
    course.generate(A)
    assert "graded 2 notebooks" in summary_of(course)
    assert "graded 0 notebooks" in summary_of(course)


@pytest.mark.slow
def test_the_gradebook_not_a_marker_decides_what_is_graded_sqlite(tmp_path):
    course = course_with(tmp_path, ["ada", "ben"])
    check_gradebook_decides(course, lambda: (tmp_path / "gradebook.db").unlink())


@pytest.mark.slow
@pytest.mark.skipif(available() is not None, reason=str(available()))
def test_the_gradebook_not_a_marker_decides_what_is_graded_postgres(tmp_path):
    with postgres_server() as first, postgres_server() as second:
        course = course_with(tmp_path / "course", ["ada", "ben"], db_url=first)

        def replace() -> None:
            course.env["CALCML_DB_URL"] = second
            course.db_url = second

        check_gradebook_decides(course, replace)


# --------------------------------------------------------------------------- 4. dying worker


def in_process_grader(course: Course, monkeypatch, **kw) -> BatchGrader:
    from autograder.cli import load_config

    for key in ("CALCML_COURSE_ROOT", "CALCML_CELL_TIMEOUT", "CALCML_GRADING_SECRET", "PATH"):
        monkeypatch.setenv(key, course.env[key])
    if "CALCML_DB_URL" in course.env:
        monkeypatch.setenv("CALCML_DB_URL", course.env["CALCML_DB_URL"])
    return BatchGrader(load_config(REPO), progress=None, grade=worker_dies_on_victim, **kw)


@pytest.mark.slow
def test_a_dying_worker_costs_only_the_notebook_it_held(tmp_path, monkeypatch):
    students = ["ada", VICTIM, "cy", "dee", "eve"]
    course = course_with(tmp_path, students)
    summary = in_process_grader(course, monkeypatch, workers=2).run([A])
    assert summary.graded == len(students) - 1, summary.report()
    assert [(s, a) for s, a, _ in summary.failures] == [(VICTIM, A)], summary.report()
    line = summary.report().splitlines()[-1]
    assert f"{VICTIM} / {A}: {A}.ipynb: the grading worker died" in line, line
    scores = course.scores(A)
    for student in students:
        if student != VICTIM:
            assert scores[student] == points(course.source(A)), student


@pytest.mark.slow
def test_a_dask_task_that_kills_its_workers_names_the_student(tmp_path, monkeypatch):
    import dask
    import distributed  # noqa: F401  (its defaults must be loaded before one is overridden)

    students = ["ada", VICTIM, "cy"]
    course = course_with(tmp_path, students)
    with dask.config.set({"distributed.scheduler.allowed-failures": 1}):
        summary = in_process_grader(course, monkeypatch, workers=2, scheduler="local").run([A])
    assert summary.graded == 2, summary.report()
    assert [(s, a) for s, a, _ in summary.failures] == [(VICTIM, A)], summary.report()
    assert "a Dask worker died while grading it" in summary.report()


# --------------------------------------------------------------------------- 5. sockets


@pytest.mark.slow
def test_the_local_dask_cluster_listens_on_loopback_only():
    pool = _DaskPool("local", 2)
    try:
        me = psutil.Process()
        listening = []
        for proc in [me, *me.children(recursive=True)]:
            try:
                listening += [c.laddr for c in proc.net_connections(kind="inet")
                              if c.status == psutil.CONN_LISTEN]
            except psutil.Error:
                continue
        assert listening, "the cluster listens nowhere?"
        assert all(addr.ip in ("127.0.0.1", "::1") for addr in listening), listening
    finally:
        pool.close()


# --------------------------------------------------------------------------- 6. clean lines


def test_summary_lines_are_printable_and_short():
    garbage = "bad \x00\x1b[31m\x07\ufffd\ud800" + "x" * 2000 + "\nsecond line"
    summary = Summary(failures=[("ada\x1b[2J", A, garbage)])
    lines = summary.report().splitlines()
    assert len(lines) == 3  # the count, the header, one line for the failure
    assert all(ch.isprintable() for line in lines for ch in line), lines
    assert len(lines[-1]) < 500
    assert printable("a\n\tb") == "a b"


@pytest.mark.slow
def test_broken_misnamed_and_empty_submissions_are_one_clean_line_each(tmp_path):
    course = course_with(tmp_path, ["ada"])
    sub = tmp_path / "submitted"
    (sub / "bin" / A).mkdir(parents=True)
    (sub / "bin" / A / f"{A}.ipynb").write_bytes(bytes(range(256)) * 4)
    (sub / "renamed" / A).mkdir(parents=True)
    (sub / "renamed" / A / f"{A} (1).ipynb").write_text((sub / "ada" / A / f"{A}.ipynb")
                                                          .read_text())
    (sub / "empty" / A).mkdir(parents=True)
    (sub / "linked" / A).mkdir(parents=True)  # a link to the solutions is never read
    (sub / "linked" / A / f"{A}.ipynb").symlink_to(
        Path("../../../solutions") / A / f"{A}.ipynb")
    proc = calcml_grade(course, A, "--workers", "2")
    assert proc.returncode == 1, proc.stdout + proc.stderr[-2000:]
    lines = proc.stdout.splitlines()
    assert "graded 1 notebooks" in lines[0]  # ada
    assert all(ch.isprintable() for line in lines for ch in line), lines
    by_student = {line.split(" / ")[0].strip(): line for line in lines if " / " in line}
    assert set(by_student) == {"bin", "renamed", "empty", "linked"}, lines
    assert "the notebook cannot be read" in by_student["bin"]
    assert (f"no notebook named {A}.ipynb in submitted/renamed/{A}/ (found: {A} (1).ipynb)"
            in by_student["renamed"])
    assert f"no notebook in submitted/empty/{A}/" in by_student["empty"]
    assert f"submitted/linked/{A}/{A}.ipynb is a symbolic link" in by_student["linked"]
    assert "linked" not in course.scores(A)
    assert course.scores(A)["ada"] == points(course.source(A))


def test_an_empty_class_and_a_missing_folder_are_one_line_and_fail(tmp_path):
    course = Course(tmp_path)
    course.env["CALCML_GRADING_SECRET"] = SECRET
    course.generate(A)
    missing = calcml_grade(course, A)
    assert missing.returncode == 2
    assert missing.stderr.strip().count("\n") == 0, missing.stderr
    assert "nothing has been collected yet" in missing.stderr
    (tmp_path / "submitted").mkdir()
    empty = calcml_grade(course, A)
    assert empty.returncode == 2 and empty.stderr.strip().count("\n") == 0, empty.stderr
    assert f"no submissions of {A}" in empty.stderr
    course.submit("ada", A, course.source(A))
    nobody = calcml_grade(course, A, "--student", "zed")
    assert nobody.returncode == 2 and f"no submission of {A} from zed" in nobody.stderr
