"""nbgrader preprocessors that put the sandboxed grader inside plain ``nbgrader``.

``nbgrader autograde`` runs :class:`SandboxedGrading` in place of nbgrader's own
``Execute``: the student's cells run in a confined kernel and every test cell gets
an output written by the trusted grader (a pass line, or an error naming the input,
the expected and the received value), which nbgrader's ``SaveAutoGrades`` then turns
into points. Hidden tests are removed from the graded notebook, so the feedback that
``nbgrader generate_feedback`` renders from it never shows them.

The submission is taken from ``submitted/<student>/<assignment>/`` by the course itself
(:mod:`autograder.intake`), never following a link: a symlink, hard link, device, FIFO
or socket in it makes nbgrader report the submission as failed, naming the entry.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from nbgrader.preprocessors import NbGraderPreprocessor
from nbgrader.utils import compute_checksum
from traitlets import Float, Integer

from autograder import intake
from autograder.grade import code_fingerprint, grade_notebook, is_test_cell, strip_hidden_tests
from autograder.session import Limits

__all__ = ["SandboxedGrading", "PrecomputedGrading", "apply_result", "collect_files",
           "submission_timestamp", "submission_key"]

MAX_FILE_BYTES = intake.MAX_FILE_BYTES


def collect_files(directory: str | os.PathLike[str], limit: int = 64 << 20) -> dict[str, bytes]:
    """Regular files of a submission directory (not notebooks, not links, not special
    files), size-capped; read without following any link (see :mod:`autograder.intake`)."""
    return intake.regular_files(directory, limit=limit)


def submission_timestamp(directory: str | os.PathLike[str]) -> str:
    """The submission's time as nbgrader records it (its ``timestamp.txt``, in UTC ISO
    form), or "" for a submission without one."""
    path = Path(directory) / "timestamp.txt"
    text = path.read_text(encoding="utf-8").strip() if path.is_file() else ""
    if not text:
        return ""
    from nbgrader.utils import parse_utc

    try:
        return parse_utc(text).isoformat()
    except ValueError:
        return text


def submission_key(student: str, directory: str | os.PathLike[str]) -> str:
    """The key one submission's hidden inputs are drawn from: the course secret (refused
    when it is the public default, unless in practice mode), the student and the
    submission's timestamp; the same submission always gets the same key."""
    from calcml.grading.secret import grading_secret, submission_secret

    return submission_secret(grading_secret(), student, submission_timestamp(directory))


class SandboxedGrading(NbGraderPreprocessor):
    """Execute the student's cells in the sandbox and grade every test cell from outside."""

    timeout = Float(20.0, help="Seconds one cell, or one function's test cases, may run.").tag(
        config=True)
    memory_mb = Integer(2048, help="Address-space limit of the student's kernel (MiB).").tag(
        config=True)
    cpu_seconds = Integer(300, help="CPU time of one kernel's processes together (seconds)."
                          ).tag(config=True)
    output_kb = Integer(64, help="Output kept per cell (KiB).").tag(config=True)
    disk_mb = Integer(256, help="Size of the kernel's writable working copy (MiB).").tag(
        config=True)
    notebook_seconds = Float(600.0, help="Wall time one notebook may take in all, restarts "
                             "and retries included (seconds).").tag(config=True)

    def submission_folder(self, resources: dict[str, Any]) -> str:
        """``submitted/<student>/<assignment>`` of the notebook being graded: nbgrader
        grades its own copy in ``autograded/``, made by following links, so the student's
        files are taken from the submitted folder instead."""
        info = resources.get("nbgrader", {})
        if info.get("student") and info.get("assignment"):
            from nbgrader.coursedir import CourseDirectory

            course = CourseDirectory(config=self.config)
            return course.format_path(course.submitted_directory, info["student"],
                                      info["assignment"])
        return resources.get("metadata", {}).get("path", ".")

    def take_submission(self, resources: dict[str, Any]) -> dict[str, bytes]:
        """The files of the submission being graded, after refusing one that holds links
        or special files (:class:`~autograder.intake.SubmissionRefused` names them)."""
        folder = self.submission_folder(resources)
        intake.check_submission(folder, intake.shown_name(folder))
        return collect_files(folder)

    def preprocess(self, nb: Any, resources: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
        files = self.take_submission(resources)
        key = submission_key(resources.get("nbgrader", {}).get("student", ""),
                             self.submission_folder(resources))
        result = grade_notebook(nb, limits=self.limits(), secret=key, files=files)
        return apply_result(nb, result), resources

    def limits(self) -> Limits:
        return Limits(cell_timeout=self.timeout, memory_mb=self.memory_mb,
                      cpu_seconds=self.cpu_seconds, output_kb=self.output_kb,
                      disk_mb=self.disk_mb, notebook_seconds=self.notebook_seconds)


class PrecomputedGrading(SandboxedGrading):
    """Record a result that a worker already computed (``calcml-grade autograde``).

    The single writer of the gradebook runs nbgrader's own autograde for each graded
    submission with this preprocessor in place of :class:`SandboxedGrading`; it looks
    the worker's result up in :attr:`results`, checks that nbgrader's sanitized notebook
    has exactly the code cells the worker graded, and applies it. When they differ it
    grades the notebook here instead, so the recorded scores are always those of
    sequential grading.
    """

    #: (assignment, student, notebook) -> (code fingerprint, NotebookResult)
    results: dict[tuple[str, str, str], tuple[str, Any]] = {}
    regraded: list[tuple[str, str, str]] = []

    def preprocess(self, nb: Any, resources: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
        info = resources.get("nbgrader", {})
        key = (info.get("assignment"), info.get("student"), info.get("notebook"))
        try:  # the worker graded what it read; a refused submission is recorded by no one
            self.take_submission(resources)
        except intake.SubmissionRefused:
            self.results.pop(key, None)
            raise
        fingerprint, result = self.results.pop(key, (None, None))
        if result is None or fingerprint != code_fingerprint(nb):
            self.regraded.append(key)
            return super().preprocess(nb, resources)
        return apply_result(nb, result), resources


def apply_result(nb: Any, result: Any) -> Any:
    """Write a grading result into the notebook nbgrader will score and keep: the
    student's outputs, and one pass line or error per test cell; hidden tests removed."""
    by_index = {t.cell_index: t for t in result.tests}
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        if index in result.cell_outputs:
            cell.outputs = _nodes(result.cell_outputs[index])
        if is_test_cell(cell):
            cell.source = strip_hidden_tests(cell.source)
            if "checksum" in cell.metadata.get("nbgrader", {}):
                cell.metadata.nbgrader.checksum = compute_checksum(cell)
            test = by_index.get(index)
            cell.outputs = _nodes(_test_outputs(test.verdicts if test else []))
    return nb


def _test_outputs(verdicts: list[Any]) -> list[dict[str, Any]]:
    if verdicts and all(v.passed for v in verdicts):
        text = "".join(f"{v.function}: passed all {v.checked} test cases\n" for v in verdicts)
        return [{"output_type": "stream", "name": "stdout", "text": text}]
    failed = [v for v in verdicts if not v.passed] or verdicts
    message = "\n\n".join(v.message for v in failed) or "no checks ran"
    return [{"output_type": "error", "ename": "GradingFailure", "evalue": message,
             "traceback": ["GradingFailure: " + message]}]


def _nodes(outputs: list[dict[str, Any]]) -> list[Any]:
    from nbformat import from_dict

    return [from_dict(o) for o in outputs]
