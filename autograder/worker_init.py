"""The first thing a grading worker runs: tie its life to the grader that started it.

Kept apart from :mod:`autograder.batch` on purpose: a worker process imports this
module (and nothing heavy: no nbgrader, no numpy) before it runs it, so the link to
the grader exists from the worker's first moments. A grader killed at any point, even
while its workers are still starting, leaves none of them behind, nor anything they
hold (the grader's stdout and stderr, multiprocessing's helper process).
"""

from __future__ import annotations

import ctypes
import os
import signal

PR_SET_PDEATHSIG = 1  #: prctl option: the signal this process gets when its parent dies


def die_with(parent: int) -> None:
    """End this process when ``parent`` (the grader's pid) ends, or now if it already has.

    ``PR_SET_PDEATHSIG`` makes the kernel send SIGKILL when the parent dies from now on;
    a parent that died before the call is caught by comparing ``os.getppid()`` with the
    pid the grader passed (an orphan has been adopted by another process).
    """
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: the parent check below still holds
        pass
    if os.getppid() != parent:
        os._exit(0)
