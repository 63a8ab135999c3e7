"""One cgroup per kernel tree: memory, processes and CPU time of everything the student
starts, counted together, and a list of every member wherever it has moved.

On cgroup v1 (one hierarchy per controller, as on this grading machine) the group is a
directory of the same name in each of the ``memory``, ``pids`` and ``cpuacct``
hierarchies; on cgroup v2 it is one directory of the unified hierarchy. Root can create
them; where a controller cannot be used, the group goes on without it and
:attr:`TreeGroup.controllers` says what is enforced (the grader logs it).

Names are ``calcml-<grader pid>.<its start time>-...``, so that groups left behind by a
grader that was killed are told apart and removed by the next one (:func:`sweep_stale`).
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from pathlib import Path

__all__ = ["TreeGroup", "create", "owner_tag", "owner_alive", "sweep_stale"]

ROOT = Path("/sys/fs/cgroup")
V1 = ("memory", "pids", "cpuacct")


def owner_tag(pid: int | None = None) -> str:
    """``<pid>.<start time in clock ticks>`` of a process: unique over the machine's uptime
    (a pid alone may be reused by another process once its owner is gone)."""
    pid = os.getpid() if pid is None else pid
    stat = Path(f"/proc/{pid}/stat").read_text()
    return f"{pid}.{stat.rsplit(')', 1)[1].split()[19]}"


def owner_alive(tag: str) -> bool:
    """True while the process named by an :func:`owner_tag` still runs."""
    pid, dot, _ = tag.partition(".")
    if not pid.isdigit():
        return True  # not one of ours: leave it alone
    if not dot:  # an older name with the pid alone
        return Path(f"/proc/{pid}").exists()
    try:
        return owner_tag(int(pid)) == tag
    except (OSError, IndexError):
        return False


class TreeGroup:
    """The directories of one kernel tree's cgroup, by controller."""

    def __init__(self, dirs: dict[str, Path]):
        self.dirs = dirs  #: controller ("memory", "pids", "cpu") -> its directory

    @property
    def controllers(self) -> list[str]:
        return sorted(self.dirs)

    @property
    def path(self) -> Path:
        """One directory of the group (the pids one where there is one)."""
        return self.dirs.get("pids") or next(iter(self.dirs.values()))

    def _unique(self) -> list[Path]:
        return list(dict.fromkeys(self.dirs.values()))

    def add(self, pid: int) -> None:
        """Move a process (and every child it starts from now on) into the group."""
        for path in self._unique():
            (path / "cgroup.procs").write_text(str(pid))

    def members(self) -> list[int]:
        found: set[int] = set()
        for path in self._unique():
            with contextlib.suppress(OSError, ValueError):
                found.update(int(p) for p in (path / "cgroup.procs").read_text().split())
        return sorted(found)

    def cpu_seconds(self) -> float | None:
        """CPU time used by every process of the group so far (None where not counted)."""
        path = self.dirs.get("cpu")
        try:
            if path is None:
                return None
            if (path / "cpuacct.usage").is_file():
                return int((path / "cpuacct.usage").read_text()) / 1e9
            for line in (path / "cpu.stat").read_text().splitlines():
                if line.startswith("usage_usec"):
                    return int(line.split()[1]) / 1e6
        except (OSError, ValueError):
            return None
        return None

    def memory_exhausted(self) -> bool:
        """True when the group has hit its memory limit at least once."""
        path = self.dirs.get("memory")
        if path is None:
            return False
        with contextlib.suppress(OSError, ValueError):
            if (path / "memory.failcnt").is_file():
                return int((path / "memory.failcnt").read_text()) > 0
            events = dict(line.split() for line in
                          (path / "memory.events").read_text().splitlines())
            return int(events.get("oom_kill", 0)) > 0 or int(events.get("max", 0)) > 0
        return False

    def kill_all(self, rounds: int = 100) -> None:
        """SIGKILL every member until the group is empty (a forking member may add more)."""
        for _ in range(rounds):
            pids = self.members()
            if not pids:
                return
            for pid in pids:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            time.sleep(0.005)

    def remove(self) -> None:
        """Kill what is left and delete the group's directories."""
        self.kill_all()
        for path in self._unique():
            _rmdir(path)


def _rmdir(path: Path) -> None:
    for _ in range(1000):  # the last members may still be exiting (slowly, under load)
        try:
            path.rmdir()
            return
        except FileNotFoundError:
            return
        except OSError:
            time.sleep(0.01)


def _hierarchies() -> dict[str, Path]:
    """controller -> the hierarchy root where this process may create a group."""
    if (ROOT / "cgroup.controllers").is_file():  # cgroup v2
        available = (ROOT / "cgroup.controllers").read_text().split()
        return {c: ROOT for c in ("memory", "pids", "cpu") if c in available}
    found = {}
    for controller in V1:
        root = ROOT / controller
        if (root / "cgroup.procs").is_file():
            found["cpu" if controller == "cpuacct" else controller] = root
    return found


def _limit(path: Path, controller: str, memory_bytes: int, max_pids: int) -> None:
    if controller == "pids":
        (path / "pids.max").write_text(str(max_pids))
    elif controller == "memory":
        if (path / "memory.limit_in_bytes").is_file():  # v1
            (path / "memory.limit_in_bytes").write_text(str(memory_bytes))
            with contextlib.suppress(OSError):  # swap accounting may be off
                (path / "memory.memsw.limit_in_bytes").write_text(str(memory_bytes))
        else:
            (path / "memory.max").write_text(str(memory_bytes))
            with contextlib.suppress(OSError):
                (path / "memory.swap.max").write_text("0")


def create(name: str, *, memory_bytes: int, max_pids: int) -> TreeGroup | None:
    """A new, empty group named ``name`` with the given limits on every controller this
    process can use, or None where it can use none. ``name`` should start with
    ``calcml-<owner_tag()>-``."""
    dirs: dict[str, Path] = {}
    for controller, root in _hierarchies().items():
        if root == ROOT and controller != "cpu":  # v2: enable the controller below the root
            with contextlib.suppress(OSError):
                (root / "cgroup.subtree_control").write_text(f"+{controller}")
        path = root / name
        try:
            path.mkdir(exist_ok=root == ROOT)
            _limit(path, controller, memory_bytes, max_pids)
        except OSError:
            if path not in dirs.values():
                _rmdir(path)
            continue
        dirs[controller] = path
    return TreeGroup(dirs) if dirs else None


def sweep_stale() -> int:
    """Kill the members of, and remove, every group left by a grader that is gone;
    return how many were removed. Groups of running graders are left alone."""
    removed = 0
    roots = set(_hierarchies().values())
    for root in roots:
        for path in root.glob("calcml-*-*"):
            tag = path.name.split("-")[1]
            if owner_alive(tag):
                continue
            TreeGroup({"x": path}).remove()
            removed += not path.exists()
    return removed
