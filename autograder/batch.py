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
  ``nbgrader autograde`` records.

What is already graded is decided by the gradebook: a submission is skipped only when
the gradebook holds its graded record (the very row recorded last time) and neither the
submission nor the assignment (the instructor's notebook, the grading specs, the
secret) has changed since. The marker ``autograded/<student>/<assignment>/.calcml-graded``
only remembers which row and which fingerprints that was; a fresh, restored or replaced
gradebook, a resubmission or a regenerated assignment is graded again, and a rerun after
a crash or ``kill -9`` finishes the job (nbgrader updates a grade in place, so nothing is
recorded twice).

A worker that dies (the out-of-memory killer, a crash) costs only the notebook it held:
the pool is replaced, the notebooks that were in flight are graded again one at a time
so that the one that kills its worker is found, and the summary names it.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import re
import signal
import sys
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import Any, TextIO

from autograder import intake
from autograder.grade import NotebookResult, code_fingerprint, grade_notebook, sanitize
from autograder.preprocessors import (
    PrecomputedGrading,
    SandboxedGrading,
    collect_files,
    submission_timestamp,
)
from autograder.session import Limits, SandboxError
from autograder.worker_init import die_with
from calcml.grading.secret import submission_secret

__all__ = ["Task", "TaskResult", "Submission", "Summary", "grade_task", "BatchGrader",
           "Progress", "MARKER", "printable"]

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
    expected: list[str] = field(default_factory=list)  #: the assignment's notebook names

    def problem(self) -> str | None:
        """Why this submission cannot be graded as it is (a misnamed or missing notebook)."""
        if self.notebooks:
            return None
        where = f"submitted/{self.student}/{self.assignment}/"
        wanted = ", ".join(f"{n}.ipynb" for n in self.expected) or "a notebook"
        found = sorted(p.name for p in self.folder.glob("*.ipynb"))
        if found:
            return (f"no notebook named {wanted} in {where} (found: {', '.join(found)}); "
                    f"rename it to {wanted} and run again")
        return f"no notebook in {where} (expected {wanted}); collect the submission again"

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
            lines += [f"  {printable(student, 80)} / {assignment}: {printable(why)}"
                      for student, assignment, why in self.failures]
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


_CONTROL = re.compile(r"[^\x20-\x7e\u00a0-\ud7ff\ue000-\ufffc]+")


def printable(text: str, limit: int = 400) -> str:
    """``text`` on one line of printable characters: control characters and binary
    garbage become one space each run, and the result is cut to ``limit`` characters."""
    text = " ".join(_CONTROL.sub(" ", str(text)).split())
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def _reason(log: str) -> str:
    """The last error nbgrader logged, in its own words, not the traceback around it."""
    lines = [line.strip() for line in log.splitlines() if line.strip()]
    for line in reversed(lines):
        match = re.match(r"^([A-Za-z_.]*(Error|Exception|Entry)): (.+)$", line)
        if match:
            return f"{match.group(1).rsplit('.', 1)[-1]}: {match.group(3)}"
    return lines[-1] if lines else "nbgrader autograde failed"


class _LocalPool:
    """Worker processes on this machine, each tied to this process from its start."""

    def __init__(self, workers: int, grade: Any = None):
        self.workers, self.grade = workers, grade or grade_task
        self.pool = self._new()

    def _new(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=self.workers, mp_context=get_context("spawn"),
                                   initializer=die_with, initargs=(os.getpid(),))

    def submit(self, task: Task) -> Future[TaskResult]:
        return self.pool.submit(self.grade, task)

    def lost_worker(self, exc: BaseException) -> str | None:
        """Why a future failed when its worker died (None for any other failure)."""
        if not isinstance(exc, BrokenProcessPool):
            return None
        codes = [p.exitcode for p in getattr(self.pool, "_processes", {}).values()
                 if p.exitcode is not None and p.exitcode < 0]
        if codes:
            name = signal.Signals(-codes[0]).name
            hint = " (often the out-of-memory killer)" if name == "SIGKILL" else ""
            return f"the grading worker died with {name}{hint} while grading it"
        return "the grading worker died while grading it"

    def replace(self) -> None:
        """A fresh pool in place of a broken one."""
        self.pool.shutdown(wait=False, cancel_futures=True)
        self.pool = self._new()

    def completed(self, futures: set[Any]) -> tuple[set[Any], set[Any]]:
        done, pending = wait(futures, return_when=FIRST_COMPLETED)
        return set(done), set(pending)

    def close(self) -> None:
        self.pool.shutdown(cancel_futures=True)


class _DaskPool:
    """A Dask cluster: a local one on loopback, or the scheduler at an address."""

    def __init__(self, scheduler: str, workers: int, grade: Any = None,
                 security: Any = None):
        from distributed import Client, LocalCluster

        self.grade = grade or grade_task
        if scheduler == "local":
            # scheduler, nannies and workers all on loopback; no dashboard
            self.cluster: Any = LocalCluster(n_workers=workers, threads_per_worker=1,
                                             processes=True, host="127.0.0.1",
                                             dashboard_address=None,
                                             worker_dashboard_address=None)
            self.client = Client(self.cluster)
        else:
            self.cluster = None
            self.client = Client(scheduler, security=security) if security else Client(scheduler)

    def submit(self, task: Task) -> Any:
        return self.client.submit(self.grade, task, pure=False)

    def lost_worker(self, exc: BaseException) -> str | None:
        from distributed import KilledWorker

        if isinstance(exc, KilledWorker):
            return ("a Dask worker died while grading it, on every retry (out of memory, "
                    "or killed)")
        return None

    def replace(self) -> None:  # Dask replaces lost workers itself
        pass

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
                 force: bool = False, progress: TextIO | None = sys.stderr,
                 grade: Any = None, security: Any = None):
        """``grade`` replaces :func:`grade_task` on the workers (a module-level function
        taking a :class:`Task`); ``security`` is a ``distributed.Security`` for TLS."""
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
        self.grade, self.security = grade, security
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
                        out.append(Submission(assignment, student, folder, present, names))
        return out

    def assignment_fingerprint(self, assignment: str) -> str:
        """A digest of everything that decides a grade besides the submission: the
        instructor's notebooks, the grading specs of the assignment, and the secret."""
        from calcml.grading import ASSIGNMENTS

        h = hashlib.sha256()
        source = self.root / self.coursedir.source_directory / assignment
        for path in sorted(source.glob("*.ipynb")):
            h.update(path.name.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
        modules = ["calcml.grading.core", "calcml.grading.references", "calcml.grading.inputs"]
        if assignment in ASSIGNMENTS:
            modules.append(ASSIGNMENTS[assignment])
        for name in modules:
            spec = importlib.util.find_spec(name)
            if spec is not None and spec.origin:
                h.update(name.encode() + b"\0" + Path(spec.origin).read_bytes())
        h.update(hashlib.sha256((self.secret or "").encode()).digest())
        return h.hexdigest()

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

    @staticmethod
    def refused(sub: Submission) -> str | None:
        """Why the submission folder is refused (a link, hard link, device, FIFO or socket
        in it, named), or None; checked before anything in it is read."""
        try:
            intake.check_submission(sub.folder, intake.shown_name(sub.folder))
        except intake.SubmissionRefused as exc:
            return str(exc)
        return None

    def _gradebook_row(self, sub: Submission) -> str | None:
        """The id of the gradebook's record of this submission, if it has one."""
        from nbgrader.api import Gradebook, MissingEntry

        with Gradebook(self.db_url, self.coursedir.course_id) as gb:
            try:
                row = gb.find_submission(sub.assignment, sub.student)
            except MissingEntry:
                return None
            return row.id if row.notebooks else None

    def already_graded(self, sub: Submission, fingerprint: str) -> bool:
        """True when the gradebook holds this very submission graded with these tests."""
        if self.force:
            return False
        try:
            mark = json.loads(self._marker(sub).read_text())
        except (OSError, ValueError):
            return False
        if not isinstance(mark, dict) or mark.get("submission") != sub.digest():
            return False
        if mark.get("assignment") != fingerprint:
            return False
        row = self._gradebook_row(sub)
        return row is not None and row == mark.get("gradebook_row")

    # -- grading ---------------------------------------------------------------------------
    def run(self, assignments: Iterable[str] | None = None,
            students: Iterable[str] | None = None) -> Summary:
        start = time.monotonic()
        summary = Summary()
        assignments = list(assignments or self.assignments())
        subs = self.submissions(assignments, students)
        fingerprints = {a: self.assignment_fingerprint(a) for a in assignments}
        todo = []
        for sub in subs:
            refused = self.refused(sub)
            if refused:  # links or special files: nothing of it is read or graded
                summary.failures.append((sub.student, sub.assignment, refused))
            elif self.already_graded(sub, fingerprints[sub.assignment]):
                summary.skipped += 1
            elif sub.problem():
                summary.failures.append((sub.student, sub.assignment, sub.problem() or ""))
            else:
                todo.append(sub)
        self._fingerprints = fingerprints
        progress = Progress(sum(len(s.notebooks) for s in todo),
                            self.progress_stream or open(os.devnull, "w"))  # noqa: SIM115
        pool = (_DaskPool(self.scheduler, self.workers, self.grade, self.security)
                if self.scheduler else _LocalPool(self.workers, self.grade))
        try:
            self._grade(todo, pool, progress, summary)
        finally:
            pool.close()
            progress.close()
        summary.seconds = time.monotonic() - start
        return summary

    def _tasks(self, todo: list[Submission]) -> Iterator[tuple[Submission, Task]]:
        trusted: dict[tuple[str, str], dict[str, dict[str, Any]]] = {}
        for sub in todo:
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
        """Feed the pool, collect results, and record each submission once all its
        notebooks are back. When workers die, the notebooks they may have held are
        graded again one at a time, so that only the one that kills its worker fails."""
        waiting: dict[tuple[str, str], list[TaskResult]] = {}
        expected = {(s.assignment, s.student): len(s.notebooks) for s in todo}
        by_key = {(s.assignment, s.student): s for s in todo}
        in_flight: dict[Any, Task] = {}
        suspects: list[Task] = []  #: tasks a dead worker may have held
        tasks = self._tasks(todo)
        limit = 2 * self.workers
        exhausted = False

        def finish(res: TaskResult) -> None:
            group = waiting.setdefault(res.key[:2], [])
            group.append(res)
            if len(group) == expected[res.key[:2]]:
                self._record(by_key[res.key[:2]], waiting.pop(res.key[:2]), progress, summary)

        while True:
            if suspects and not in_flight:  # one at a time until the culprit is found
                task = suspects.pop(0)
                in_flight[pool.submit(task)] = task
            while not suspects and not exhausted and len(in_flight) < limit:
                try:
                    _, task = next(tasks)
                except StopIteration:
                    exhausted = True
                    break
                in_flight[pool.submit(task)] = task
            if not in_flight:
                break
            done, _ = pool.completed(set(in_flight))
            alone = len(in_flight) == 1
            broken = False
            for future in done:
                task = in_flight.pop(future)
                try:
                    res = future.result()
                except Exception as exc:
                    lost = pool.lost_worker(exc)
                    if lost is not None and not alone and not isinstance(pool, _DaskPool):
                        suspects.append(task)  # perhaps innocent: graded again alone
                        broken = True
                        continue
                    why = lost or f"grading failed: {type(exc).__name__}: {exc}"
                    res = TaskResult(task.key, error=f"{task.notebook}.ipynb: {why}")
                    broken = broken or lost is not None
                finish(res)
            if broken:
                for future, task in list(in_flight.items()):  # they fail with the pool
                    suspects.append(task)
                    del in_flight[future]
                pool.replace()

    def _record(self, sub: Submission, results: list[TaskResult], progress: Progress,
                summary: Summary) -> None:
        """The single writer: nbgrader autograde for one student, from the results."""
        errors = [r.error for r in results if r.error]
        n = len(results)
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
            why = _reason(outcome.get("error") or outcome.get("log") or "")
            summary.failures.append((sub.student, sub.assignment,
                                     f"nbgrader could not record it: {why}"))
            progress.advance(n, failed=n)
            return
        marker = self._marker(sub)
        marker.parent.mkdir(parents=True, exist_ok=True)
        tmp = marker.with_suffix(".tmp")
        tmp.write_text(json.dumps({"submission": sub.digest(),
                                   "assignment": self._fingerprints[sub.assignment],
                                   "gradebook_row": self._gradebook_row(sub)}))
        os.replace(tmp, marker)
        summary.graded += len(results)
        progress.advance(n)
