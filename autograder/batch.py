"""Grade a whole class in parallel, with one writer for the gradebook.

The work is split where it is naturally parallel and where it is not:

- **Workers** (local processes, or a Dask cluster) each take one submitted notebook,
  restore the instructor's cells in it from the gradebook's record, and grade it in
  the sandbox (:func:`grade_task`). A task and its result are plain data; workers
  never touch the gradebook or the course folders.
- **One writer**, this process, records each result through nbgrader's own
  ``autograde`` for that student (with :class:`~autograder.preprocessors.PrecomputedGrading`
  in place of the sandboxed execution), so late penalties, missing notebooks, the
  graded copy in ``autograded/`` and every score are exactly what sequential
  ``nbgrader autograde`` records. Only then does it write a marker
  ``autograded/<student>/<assignment>/.calcml-graded`` holding a digest of the
  submission: a rerun after a crash or ``kill -9`` skips what is marked and regrades
  the rest (nbgrader updates a grade in place, so nothing is recorded twice).
"""

from __future__ import annotations

import ctypes
import hashlib
import os
import signal
import sys
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import Any, TextIO

from autograder.grade import NotebookResult, code_fingerprint, grade_notebook, sanitize
from autograder.preprocessors import (
    PrecomputedGrading,
    SandboxedGrading,
    collect_files,
    submission_timestamp,
)
from autograder.session import Limits, SandboxError
from calcml.grading.secret import submission_secret

__all__ = ["Task", "TaskResult", "Submission", "Summary", "grade_task", "BatchGrader",
           "Progress", "MARKER"]

MARKER = ".calcml-graded"


@dataclass(frozen=True)
class Task:
    """One notebook to grade: everything a worker needs, nothing it may not see."""

    assignment: str
    student: str
    notebook: str
    nb_json: str  #: the submitted notebook, as text
    files: dict[str, bytes]  #: other files of the submission folder
    trusted: dict[str, dict[str, Any]]  #: grade id -> the gradebook's record of the cell
    limits: Limits
    secret: str | None = None  #: this submission's key (never the course secret itself)

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.assignment, self.student, self.notebook)


@dataclass
class TaskResult:
    key: tuple[str, str, str]
    fingerprint: str | None = None
    result: NotebookResult | None = None
    error: str | None = None
    seconds: float = 0.0


def grade_task(task: Task) -> TaskResult:
    """Grade one notebook in the sandbox (runs on a worker)."""
    import nbformat

    start = time.perf_counter()
    try:
        nb = nbformat.reads(task.nb_json, as_version=4)
    except Exception as exc:  # a broken submission is reported, not fatal
        return TaskResult(task.key, error=f"the notebook cannot be read: {exc}"[:500])
    sanitize(nb, task.trusted)
    fingerprint = code_fingerprint(nb)
    try:
        result = grade_notebook(nb, limits=task.limits, secret=task.secret, files=task.files)
    except SandboxError as exc:
        return TaskResult(task.key, error=f"the sandbox failed: {exc}"[:2000])
    return TaskResult(task.key, fingerprint, result, None, time.perf_counter() - start)


@dataclass
class Submission:
    assignment: str
    student: str
    folder: Path
    notebooks: list[str]  #: notebook names present in the folder

    def digest(self) -> str:
        h = hashlib.sha256()
        for path in sorted(self.folder.rglob("*")):
            if path.is_file() and not path.is_symlink():
                h.update(str(path.relative_to(self.folder)).encode() + b"\0")
                h.update(hashlib.sha256(path.read_bytes()).digest())
        return h.hexdigest()


@dataclass
class Summary:
    graded: int = 0  #: notebooks recorded in the gradebook
    skipped: int = 0  #: submissions already graded (marker matches)
    #: (student, assignment, why) for every submission that could not be graded
    failures: list[tuple[str, str, str]] = field(default_factory=list)
    regraded_in_writer: int = 0
    seconds: float = 0.0

    def report(self) -> str:
        lines = [f"graded {self.graded} notebooks in {self.seconds:.1f} s"
                 + (f"; skipped {self.skipped} submissions already graded" if self.skipped else "")]
        if self.failures:
            lines.append(f"{len(self.failures)} submissions could not be graded:")
            lines += [f"  {student} / {assignment}: {why}" for student, assignment, why
                      in self.failures]
        if self.regraded_in_writer:
            lines.append(f"{self.regraded_in_writer} notebooks differed from what the workers "
                         "graded and were graded again by the writer")
        return "\n".join(lines)


class Progress:
    """notebooks done/total, failures and the time left, on one line of a terminal."""

    def __init__(self, total: int, stream: TextIO = sys.stderr):
        self.total, self.stream = total, stream
        self.done = self.failed = 0
        self.start = time.monotonic()
        self._last = 0.0
        self.tty = stream.isatty()

    def advance(self, n: int = 1, failed: int = 0) -> None:
        self.done += n
        self.failed += failed
        now = time.monotonic()
        if self.tty or now - self._last > 5 or self.done == self.total:
            self._last = now
            self.stream.write(("\r" if self.tty else "") + self.line() + ("" if self.tty else "\n"))
            self.stream.flush()

    def line(self) -> str:
        elapsed = time.monotonic() - self.start
        left = elapsed / self.done * (self.total - self.done) if self.done else float("nan")
        width = 30
        filled = int(width * self.done / self.total) if self.total else width
        eta = "--:--" if left != left else f"{int(left) // 60}:{int(left) % 60:02d}"
        return (f"[{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total} notebooks"
                f" | {self.failed} failed | {eta} left")

    def close(self) -> None:
        if self.tty:
            self.stream.write("\n")


def _die_with_parent() -> None:
    """Worker initialiser: end this worker (and so its kernels) if the writer dies."""
    try:
        ctypes.CDLL(None).prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


class _LocalPool:
    def __init__(self, workers: int):
        self.pool = ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn"),
                                        initializer=_die_with_parent)

    def submit(self, task: Task) -> Future[TaskResult]:
        return self.pool.submit(grade_task, task)

    def completed(self, futures: set[Any]) -> tuple[set[Any], set[Any]]:
        done, pending = wait(futures, return_when=FIRST_COMPLETED)
        return set(done), set(pending)

    def close(self) -> None:
        self.pool.shutdown(cancel_futures=True)


class _DaskPool:
    def __init__(self, scheduler: str, workers: int):
        from distributed import Client, LocalCluster

        if scheduler == "local":
            self.cluster: Any = LocalCluster(n_workers=workers, threads_per_worker=1,
                                             processes=True, host="127.0.0.1",
                                             dashboard_address=None)
            self.client = Client(self.cluster)
        else:
            self.cluster = None
            self.client = Client(scheduler)

    def submit(self, task: Task) -> Any:
        return self.client.submit(grade_task, task, pure=False)

    def completed(self, futures: set[Any]) -> tuple[set[Any], set[Any]]:
        from distributed import wait as dask_wait

        done, pending = dask_wait(list(futures), return_when="FIRST_COMPLETED")
        return set(done), set(pending)

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


class BatchGrader:
    """Grade every submission of some assignments with ``workers`` in parallel."""

    def __init__(self, config: Any, *, workers: int | None = None, scheduler: str | None = None,
                 force: bool = False, progress: TextIO | None = sys.stderr):
        from nbgrader.apps import NbGraderAPI
        from nbgrader.coursedir import CourseDirectory

        from calcml.grading.secret import grading_secret

        self.config = config
        self.coursedir = CourseDirectory(config=config)
        self.root = Path(self.coursedir.root)
        self.db_url = self.coursedir.db_url
        self.workers = workers or os.cpu_count() or 1
        self.scheduler = scheduler
        self.force = force
        self.progress_stream = progress
        self.secret = grading_secret()  # refuses the public default outside practice mode
        pre = list(config.Autograde.autograde_preprocessors)
        if SandboxedGrading not in pre:
            raise ValueError("the course configuration does not grade with SandboxedGrading; "
                             "calcml-grade records results in its place")
        config.Autograde.autograde_preprocessors = [
            PrecomputedGrading if p is SandboxedGrading else p for p in pre]
        self.api = NbGraderAPI(coursedir=self.coursedir, config=config)
        self.limits = SandboxedGrading(config=config).limits()  # the limits nbgrader uses

    # -- what there is to grade -------------------------------------------------------
    def assignments(self) -> list[str]:
        from nbgrader.api import Gradebook

        with Gradebook(self.db_url, self.coursedir.course_id) as gb:
            return sorted(a.name for a in gb.assignments)

    def submissions(self, assignments: Iterable[str],
                    students: Iterable[str] | None = None) -> list[Submission]:
        from nbgrader.api import Gradebook

        wanted = set(students) if students else None
        out = []
        with Gradebook(self.db_url, self.coursedir.course_id) as gb:
            for assignment in assignments:
                names = [nb.name for nb in gb.find_assignment(assignment).notebooks]
                base = self.root / self.coursedir.submitted_directory
                for folder in sorted(base.glob(f"*/{assignment}")):
                    student = folder.parent.name
                    if folder.is_dir() and (wanted is None or student in wanted):
                        present = [n for n in names if (folder / f"{n}.ipynb").is_file()]
                        out.append(Submission(assignment, student, folder, present))
        return out

    def trusted_cells(self, assignment: str, notebook: str) -> dict[str, dict[str, Any]]:
        from nbgrader.api import Gradebook

        with Gradebook(self.db_url, self.coursedir.course_id) as gb:
            nb = gb.find_notebook(notebook, assignment)
            grade = {c.name: c.max_score for c in nb.grade_cells}
            solution = {c.name for c in nb.solution_cells}
            return {c.name: {"source": c.source, "cell_type": c.cell_type, "locked": c.locked,
                             "grade": c.name in grade, "solution": c.name in solution,
                             "points": grade.get(c.name)} for c in nb.source_cells}

    def _marker(self, sub: Submission) -> Path:
        return (self.root / self.coursedir.autograded_directory / sub.student / sub.assignment
                / MARKER)

    # -- grading ---------------------------------------------------------------------------
    def run(self, assignments: Iterable[str] | None = None,
            students: Iterable[str] | None = None) -> Summary:
        start = time.monotonic()
        summary = Summary()
        subs = self.submissions(list(assignments or self.assignments()), students)
        todo = []
        for sub in subs:
            marker = self._marker(sub)
            if not self.force and marker.is_file() and marker.read_text().strip() == sub.digest():
                summary.skipped += 1
            else:
                todo.append(sub)
        progress = Progress(sum(max(len(s.notebooks), 1) for s in todo),
                            self.progress_stream or open(os.devnull, "w"))  # noqa: SIM115
        pool = (_DaskPool(self.scheduler, self.workers) if self.scheduler
                else _LocalPool(self.workers))
        try:
            self._grade(todo, pool, progress, summary)
        finally:
            pool.close()
            progress.close()
        summary.seconds = time.monotonic() - start
        return summary

    def _tasks(self, todo: list[Submission]) -> Iterator[tuple[Submission, Task | None]]:
        trusted: dict[tuple[str, str], dict[str, dict[str, Any]]] = {}
        for sub in todo:
            if not sub.notebooks:
                yield sub, None
                continue
            files = collect_files(sub.folder)
            key = submission_secret(self.secret, sub.student, submission_timestamp(sub.folder))
            for name in sub.notebooks:
                if (sub.assignment, name) not in trusted:
                    trusted[(sub.assignment, name)] = self.trusted_cells(sub.assignment, name)
                text = (sub.folder / f"{name}.ipynb").read_text(encoding="utf-8", errors="replace")
                yield sub, Task(sub.assignment, sub.student, name, text, files,
                                trusted[(sub.assignment, name)], self.limits, key)

    def _grade(self, todo: list[Submission], pool: Any, progress: Progress,
               summary: Summary) -> None:
        waiting: dict[tuple[str, str], list[TaskResult]] = {}
        expected = {(s.assignment, s.student): len(s.notebooks) for s in todo}
        by_key = {(s.assignment, s.student): s for s in todo}
        in_flight: set[Any] = set()
        tasks = self._tasks(todo)
        limit = 2 * self.workers
        exhausted = False
        while True:
            while not exhausted and len(in_flight) < limit:
                try:
                    sub, task = next(tasks)
                except StopIteration:
                    exhausted = True
                    break
                if task is None:  # no notebook at all: nbgrader records zeros
                    self._record(sub, [], progress, summary)
                else:
                    in_flight.add(pool.submit(task))
            if not in_flight:
                break
            done, in_flight = pool.completed(in_flight)
            for future in done:
                try:
                    res = future.result()
                except Exception as exc:  # a worker lost: report, keep going
                    summary.failures.append(("?", "?", f"a worker failed: {exc}"))
                    progress.advance(failed=1)
                    continue
                group = waiting.setdefault(res.key[:2], [])
                group.append(res)
                if len(group) == expected[res.key[:2]]:
                    self._record(by_key[res.key[:2]], waiting.pop(res.key[:2]), progress,
                                 summary)

    def _record(self, sub: Submission, results: list[TaskResult], progress: Progress,
                summary: Summary) -> None:
        """The single writer: nbgrader autograde for one student, from the results."""
        errors = [r.error for r in results if r.error]
        n = max(len(results), 1)
        if errors:
            summary.failures.append((sub.student, sub.assignment, "; ".join(errors)))
            progress.advance(n, failed=n)
            return
        for r in results:
            PrecomputedGrading.results[r.key] = (r.fingerprint, r.result)
        before = len(PrecomputedGrading.regraded)
        outcome = self.api.autograde(sub.assignment, sub.student, force=True, create=True)
        summary.regraded_in_writer += len(PrecomputedGrading.regraded) - before
        for r in results:
            PrecomputedGrading.results.pop(r.key, None)
        if not outcome.get("success"):
            why = (outcome.get("error") or outcome.get("log") or "nbgrader autograde failed")
            summary.failures.append((sub.student, sub.assignment, why.strip()[-500:]))
            progress.advance(n, failed=n)
            return
        marker = self._marker(sub)
        marker.parent.mkdir(parents=True, exist_ok=True)
        tmp = marker.with_suffix(".tmp")
        tmp.write_text(sub.digest())
        os.replace(tmp, marker)
        summary.graded += len(results)
        progress.advance(n)
