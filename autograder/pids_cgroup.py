"""A pids cgroup per kernel: caps how many processes and threads student code may run
(a fork bomb fails with EAGAIN instead of filling the machine) and lists every one of
them, wherever it has moved in the process tree, so that all can be killed.

Root can create one on a machine with a writable pids hierarchy (cgroup v1's ``pids``
or cgroup v2 with the pids controller). Where none is writable, :func:`create` returns
None and the kernel runs with its resource limits and the subreaper sweep alone.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

__all__ = ["PidsGroup", "create"]

HIERARCHIES = (Path("/sys/fs/cgroup/pids"), Path("/sys/fs/cgroup"))


class PidsGroup:
    """One cgroup directory with a ``pids.max``."""

    def __init__(self, path: Path):
        self.path = path

    def add(self, pid: int) -> None:
        """Move a process (and the children it starts from now on) into the group."""
        (self.path / "cgroup.procs").write_text(str(pid))

    def members(self) -> list[int]:
        try:
            return [int(p) for p in (self.path / "cgroup.procs").read_text().split()]
        except (OSError, ValueError):
            return []

    def kill_all(self, rounds: int = 100) -> None:
        """SIGKILL every member until the group is empty (a forking member may add more)."""
        for _ in range(rounds):
            pids = self.members()
            if not pids:
                return
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            time.sleep(0.005)

    def remove(self) -> None:
        """Kill what is left and delete the group."""
        self.kill_all()
        for _ in range(200):  # the last members may still be exiting
            try:
                self.path.rmdir()
                return
            except FileNotFoundError:
                return
            except OSError:
                time.sleep(0.01)


def _remove_abandoned(root: Path) -> None:
    """Delete the empty groups of graders that are gone (killed before they cleaned up)."""
    for path in root.glob("calcml-*-*"):
        owner = path.name.split("-")[1]
        if owner.isdigit() and not Path(f"/proc/{owner}").exists():
            try:
                path.rmdir()
            except OSError:
                pass


def create(name: str, max_pids: int) -> PidsGroup | None:
    """A new, empty pids cgroup allowing ``max_pids`` tasks, or None where this process
    cannot create one. Names are ``calcml-<grader pid>-...``, so that groups left by a
    grader that was killed can be told apart and removed."""
    for root in HIERARCHIES:
        if not (root / "cgroup.procs").is_file():  # not a cgroup hierarchy
            continue
        _remove_abandoned(root)
        path = root / name
        try:
            path.mkdir()
        except OSError:
            continue
        try:
            if not (path / "pids.max").is_file():  # no pids controller here
                raise OSError("no pids.max")
            (path / "pids.max").write_text(str(max_pids))
            return PidsGroup(path)
        except OSError:
            path.rmdir()
    return None
