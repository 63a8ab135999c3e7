"""Faults for the batch grader's tests, importable by its worker processes.

``BatchGrader(grade=...)`` runs one of these on the workers in place of
:func:`autograder.batch.grade_task`, as the out-of-memory killer would strike.
"""

from __future__ import annotations

import os
import signal

from autograder.batch import Task, TaskResult, grade_task

#: the student whose notebook kills the worker grading it
VICTIM = "ben"


def worker_dies_on_victim(task: Task) -> TaskResult:
    """Grade as usual, except that the worker holding the victim's notebook is killed."""
    if task.student == VICTIM:
        os.kill(os.getpid(), signal.SIGKILL)
    return grade_task(task)
